// Property: GET /v2/slots/available?recurrence_count=N offers a start exactly when booking that series would pass the
// per-occurrence check the host's object runs (seriesSlots vs seriesConflicts), over random hours, busy time, booking
// limits, zones and series.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seriesConflicts, seriesSlots, seriesStarts } from '../src/bookings/series';
import type { EventType } from '../src/db/schema';
import { computeSlotStarts } from '../src/slots/engine';
import { slotRules, type SlotContext } from '../src/slots/context';
import type { PeriodLimits } from '../src/db/json-types';
import { runs } from './runs';

const MIN = 60_000;
const DAY = 86_400_000;
const START = Date.parse('2027-02-22T00:00:00Z');

const BASE: EventType = {
  id: 1, ownerId: 1, scheduleId: 1, title: 'T', slug: 't', description: null, durationMinutes: 30, bufferBeforeMinutes: 0,
  bufferAfterMinutes: 0, minimumNoticeHours: 0, slotIntervalMinutes: null, bookingWindowDays: 120, locationType: null, locationValue: null,
  requiresConfirmation: false, emailNotifications: true, isActive: true, bookingFields: null, bookingLimitsCount: null,
  bookingLimitsDuration: null, onlyShowFirstAvailableSlot: false, maxActiveBookingsPerBooker: null, recurringEvent: null, seatsPerTimeSlot: null, seatsShowAttendees: false, seatsShowAvailabilityCount: true, teamId: null, schedulingType: null, assignAllTeamMembers: false,
  distribution: 'maximize_availability', weightsEnabled: false, countingPeriod: 'month', price: null, currency: null, paymentDeadlineMinutes: 30, refundPolicy: null, generateMeetingLink: false, createdAt: 0, updatedAt: 0,
};

const limits = (max: number): fc.Arbitrary<PeriodLimits | null> =>
  fc.option(fc.record({ day: fc.integer({ min: 1, max }), week: fc.integer({ min: 1, max: max * 2 }), month: fc.integer({ min: 1, max: max * 4 }) }, { requiredKeys: [] }), { nil: null, freq: 2 });

const scenario = fc.record({
  zone: fc.constantFrom('UTC', 'America/New_York', 'Europe/Berlin', 'Pacific/Tongatapu', 'Australia/Lord_Howe'),
  freq: fc.constantFrom('weekly' as const, 'monthly' as const),
  interval: fc.integer({ min: 1, max: 2 }),
  count: fc.integer({ min: 2, max: 5 }),
  duration: fc.constantFrom(30, 60, 90),
  buffer: fc.constantFrom(0, 30),
  busy: fc.array(fc.tuple(fc.integer({ min: 0, max: 90 * 24 * 4 }), fc.constantFrom(30, 60, 180)), { maxLength: 40 }),
  counted: fc.array(fc.integer({ min: 0, max: 90 * 24 * 4 }), { maxLength: 15 }),
  counts: limits(2),
  durations: limits(120),
  firstOnly: fc.boolean(),
  days: fc.integer({ min: 1, max: 4 }),
});

describe('slots for a series agree with booking it', () => {
  it('seriesSlots keeps exactly the starts whose every occurrence passes the per-occurrence check', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const busy = s.busy.map(([q, minutes]) => ({ start: START + q * 15 * MIN, end: START + q * 15 * MIN + minutes * MIN }));
        const ctx: SlotContext = {
          eventType: {
            ...BASE,
            durationMinutes: s.duration,
            bufferBeforeMinutes: s.buffer,
            bufferAfterMinutes: s.buffer,
            bookingLimitsCount: s.counts,
            bookingLimitsDuration: s.durations,
            onlyShowFirstAvailableSlot: s.firstOnly,
            recurringEvent: { freq: s.freq, interval: s.interval, count: s.count },
          },
          host: { id: 1, name: 'H', email: 'h@example.com', timezone: s.zone, username: 'h' },
          scheduleTimeZone: s.zone,
          availability: [1, 2, 3, 4, 5, 6].map((dayOfWeek) => ({ dayOfWeek, startTime: '08:00', endTime: '18:00' })),
          overrides: [],
          busy,
          externalBusy: [],
          counted: s.counted.map((q) => ({ start: START + q * 15 * MIN, minutes: 30 })),
          seated: [],
        };
        const now = START;
        const rangeStart = START + 7 * DAY;
        const slots = computeSlotStarts({ ...slotRules(ctx, now), rangeStart, rangeEnd: rangeStart + s.days * DAY });
        const fast = seriesSlots(ctx, now, slots, s.count).map((x) => x.start);
        const exact = slots.filter((x) => seriesConflicts(ctx, now, seriesStarts(ctx, ctx.eventType.recurringEvent!, x.start, s.count)).length === 0).map((x) => x.start);
        expect(fast).toEqual(exact);
      }),
      { numRuns: runs(150) },
    );
  }, 120_000);
});

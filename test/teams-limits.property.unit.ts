// One rule for offering and booking a team event type: over random hosts (zones, busy time, fixed or rotating),
// booking limits, counted bookings and "first available slot of the day", a start is in computeTeamSlots exactly when
// the booking's own check (attemptsFor: every host's rules, then the team-wide one) accepts it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EventType } from '../src/db/schema';
import { attemptsFor } from '../src/teams/booking';
import type { TeamHost, TeamSlotContext } from '../src/teams/context';
import { computeTeamSlots } from '../src/teams/slots';
import { runs } from './runs';

const MINUTE = 60_000;
const FROM = Date.parse('2027-03-22T00:00:00Z'); // a Monday
const TO = FROM + 3 * 1440 * MINUTE;
const NOW = FROM - 1440 * MINUTE;
const ZONES = ['UTC', 'Europe/Berlin', 'America/New_York'];

const span = fc.record({ at: fc.integer({ min: 0, max: (TO - FROM) / (15 * MINUTE) }), minutes: fc.constantFrom(15, 30, 60, 90) });
const hostArb = fc.record({
  zone: fc.constantFrom(...ZONES),
  fixed: fc.boolean(),
  busy: fc.array(span, { maxLength: 6 }),
  bookings: fc.integer({ min: 0, max: 6 }),
});

const limitsArb = fc.record({
  count: fc.option(fc.record({ day: fc.integer({ min: 1, max: 3 }) }, { requiredKeys: [] }), { nil: null }),
  duration: fc.option(fc.record({ week: fc.constantFrom(60, 120, 240) }, { requiredKeys: [] }), { nil: null }),
  first: fc.boolean(),
  collective: fc.boolean(),
  loadBalancing: fc.boolean(),
  counted: fc.array(span, { maxLength: 5 }),
});

type Drawn<A> = A extends fc.Arbitrary<infer T> ? T : never;

function contextOf(hosts: Drawn<typeof hostArb>[], l: Drawn<typeof limitsArb>): TeamSlotContext {
  const eventType = {
    id: 1,
    durationMinutes: 30,
    slotIntervalMinutes: null,
    bufferBeforeMinutes: 0,
    bufferAfterMinutes: 0,
    minimumNoticeHours: 0,
    bookingWindowDays: 365,
    schedulingType: l.collective ? 'collective' : 'round_robin',
    distribution: l.loadBalancing ? 'load_balancing' : 'maximize_availability',
    weightsEnabled: false,
    bookingLimitsCount: l.count && Object.keys(l.count).length ? l.count : null,
    bookingLimitsDuration: l.duration && Object.keys(l.duration).length ? l.duration : null,
    onlyShowFirstAvailableSlot: l.first,
  } as unknown as EventType;
  const at = (s: { at: number; minutes: number }) => ({ start: FROM + s.at * 15 * MINUTE, end: FROM + s.at * 15 * MINUTE + s.minutes * MINUTE });
  return {
    eventType,
    team: { id: 1, slug: 'prop', name: 'Prop' },
    counted: l.counted.map((s) => ({ start: at(s).start, minutes: s.minutes })),
    hosts: hosts.map(
      (h, i): TeamHost => ({
        id: i + 1,
        userId: i + 1,
        name: `H${i + 1}`,
        email: `h${i + 1}@example.com`,
        timezone: h.zone,
        username: null,
        isFixed: l.collective || h.fixed,
        priority: 2,
        weight: 100,
        bookings: h.bookings,
        lastBookedAt: null,
        scheduleTimeZone: h.zone,
        availability: [1, 2, 3, 4, 5].map((dayOfWeek) => ({ dayOfWeek, startTime: '09:00', endTime: '17:00' })),
        overrides: [],
        busy: h.busy.map(at),
        externalBusy: [],
      }),
    ),
  };
}

const bookable = (ctx: TeamSlotContext, start: number) => {
  try {
    return attemptsFor(ctx, NOW, start).length > 0;
  } catch {
    return false;
  }
};

describe('team slots and the team booking check agree', () => {
  it('a start is offered exactly when booking it would pass the checks', () => {
    fc.assert(
      fc.property(fc.array(hostArb, { minLength: 1, maxLength: 3 }), limitsArb, (hosts, limits) => {
        const ctx = contextOf(hosts, limits);
        const offered = new Set(computeTeamSlots(ctx, { from: FROM, to: TO }, NOW).slots.map((s) => s.start));
        for (let t = FROM; t < TO; t += 30 * MINUTE) expect([t, bookable(ctx, t)]).toEqual([t, offered.has(t)]);
      }),
      { numRuns: runs(60) },
    );
  });
});

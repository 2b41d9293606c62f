// The pure decision behind POST /v2/bookings (src/bookings/draft.ts): what the host's object writes, or why not.
import { describe, expect, it } from 'vitest';
import { draftBooking, type BookRequest } from '../src/bookings/draft';
import type { EventType } from '../src/db/schema';
import type { SlotContext } from '../src/slots/context';

const MONDAY_10 = Date.UTC(2026, 11, 7, 10); // Monday 7 December 2026, 10:00 UTC
const NOW = Date.UTC(2026, 11, 1);

function context(et: Partial<EventType> = {}, busy: SlotContext['busy'] = []): SlotContext {
  return {
    eventType: {
      id: 7, ownerId: 1, scheduleId: 1, title: 'Intro', slug: 'intro', description: null, durationMinutes: 30,
      bufferBeforeMinutes: 15, bufferAfterMinutes: 5, minimumNoticeHours: 0, slotIntervalMinutes: null, bookingWindowDays: 60,
      locationType: null, locationValue: null, requiresConfirmation: false, emailNotifications: true, isActive: true,
      bookingFields: null, bookingLimitsCount: null, bookingLimitsDuration: null, onlyShowFirstAvailableSlot: false,
      maxActiveBookingsPerBooker: null, recurringEvent: null, seatsPerTimeSlot: null, seatsShowAttendees: false, seatsShowAvailabilityCount: true, teamId: null, schedulingType: null, assignAllTeamMembers: false,
      distribution: 'maximize_availability', weightsEnabled: false, countingPeriod: 'month', price: null, currency: null, paymentDeadlineMinutes: 30, refundPolicy: null, generateMeetingLink: false, createdAt: NOW, updatedAt: NOW, ...et,
    },
    host: { id: 1, name: 'Hana Host', email: 'hana@example.com', timezone: 'UTC', username: 'hana' },
    scheduleTimeZone: 'UTC',
    availability: [1, 2, 3, 4, 5].map((dayOfWeek) => ({ dayOfWeek, startTime: '09:00', endTime: '17:00' })),
    overrides: [],
    busy,
    externalBusy: [],
    counted: [],
    seated: [],
  };
}

const request = (over: Partial<BookRequest> = {}): BookRequest => ({
  eventTypeId: 7,
  start: MONDAY_10,
  attendee: { name: 'Ada', email: 'ada@example.com', timezone: 'Europe/Paris', notes: null },
  location: null,
  metadata: null,
  idempotencyKey: null,
  idempotencyHash: null,
  ...over,
});

describe('drafting a booking', () => {
  it('builds the row with its occupied span and a BOOKING_CREATED snapshot', () => {
    const draft = draftBooking(context(), request(), 'uid-1', NOW);
    if (!draft.ok) throw new Error(draft.message);
    expect(draft.booking).toMatchObject({
      uid: 'uid-1', eventTypeId: 7, hostId: 1, status: 'accepted', title: 'Intro between Hana Host and Ada',
      startAt: MONDAY_10, endAt: MONDAY_10 + 30 * 60_000, occupiedStart: MONDAY_10 - 15 * 60_000, occupiedEnd: MONDAY_10 + 35 * 60_000,
    });
    expect(draft.snapshot.trigger).toBe('BOOKING_CREATED');
    expect(draft.snapshot.booking.uid).toBe('uid-1');
    expect(draft.snapshot.attendee.email).toBe('ada@example.com');
  });

  it('is pending with a BOOKING_REQUESTED snapshot when the event type requires confirmation', () => {
    const draft = draftBooking(context({ requiresConfirmation: true }), request(), 'uid-2', NOW);
    expect(draft.ok && [draft.booking.status, draft.snapshot.trigger]).toEqual(['pending', 'BOOKING_REQUESTED']);
  });

  it('refuses with slot_unavailable when a buffer would overlap a busy span', () => {
    const busy = [{ start: MONDAY_10 - 30 * 60_000, end: MONDAY_10 - 10 * 60_000 }];
    const draft = draftBooking(context({}, busy), request(), 'uid-3', NOW);
    expect(draft).toMatchObject({ ok: false, code: 'slot_unavailable' });
  });

  it('refuses a start outside the hours, and an attendee location the event type does not ask for', () => {
    expect(draftBooking(context(), request({ start: Date.UTC(2026, 11, 7, 18) }), 'u', NOW)).toMatchObject({ ok: false, code: 'slot_unavailable' });
    expect(draftBooking(context({ locationType: 'zoom' }), request({ location: 'https://evil.example' }), 'u', NOW)).toMatchObject({
      ok: false,
      code: 'validation_failed',
      issues: [{ path: 'location' }],
    });
  });
});

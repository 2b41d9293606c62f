// Property: with seated bookings, the starts the slots endpoint offers (offeredSeatedSlots) and the starts the booking
// check accepts (checkSeatedStart) are the same set, over random hours, busy time, seated bookings, capacities,
// buffers, intervals and count limits; a full seated slot is never offered; every offered start either overlaps no
// seated booking or is exactly a seated booking's start with a free seat (carrying its right counts).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RulesInput, WeeklyRange } from '../src/slots/engine';
import { checkSeatedStart, offeredSeatedSlots, type SeatedBooking } from '../src/slots/seats';
import { runs } from './runs';

const MIN = 60_000;
const DAY = 86_400_000;
const NOW = Date.UTC(2031, 0, 6, 0, 0); // a Monday
const FROM = NOW + DAY;
const TO = FROM + 4 * DAY;

const hhmm = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
const weeklyRange: fc.Arbitrary<WeeklyRange> = fc
  .tuple(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 12, max: 40 }), fc.integer({ min: 2, max: 16 }))
  .map(([dayOfWeek, from, length]) => ({ dayOfWeek, startTime: hhmm(from * 30), endTime: hhmm(Math.min(48, from + length) * 30) }));

const scenario = fc.record({
  zone: fc.constantFrom('UTC', 'America/New_York', 'Asia/Kathmandu'),
  availability: fc.array(weeklyRange, { minLength: 1, maxLength: 6 }),
  duration: fc.constantFrom(15, 30, 60),
  interval: fc.constantFrom(15, 30, 60),
  before: fc.constantFrom(0, 15),
  after: fc.constantFrom(0, 15, 30),
  busy: fc.array(fc.tuple(fc.integer({ min: 0, max: 4 * 96 }), fc.integer({ min: 1, max: 8 })), { maxLength: 6 }),
  seated: fc.array(fc.tuple(fc.integer({ min: 0, max: 4 * 96 }), fc.integer({ min: 1, max: 6 })), { maxLength: 8 }),
  capacity: fc.integer({ min: 2, max: 5 }),
  dayLimit: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
});

describe('seat-aware slots (property)', () => {
  it('offered and bookable are one set; full slots are never offered; counts are right', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        // Seated bookings at 15-minute grid points; they may even overlap busy time (the rules must still agree).
        const seated: SeatedBooking[] = [];
        for (const [q, booked] of s.seated) {
          const start = FROM + q * 15 * MIN;
          const end = start + s.duration * MIN;
          const span = { occupiedStart: start - s.before * MIN, occupiedEnd: end + s.after * MIN };
          // The guard never lets two seated bookings of one host overlap.
          if (seated.some((o) => o.occupiedStart < span.occupiedEnd && o.occupiedEnd > span.occupiedStart)) continue;
          seated.push({ bookingId: seated.length + 1, start, end, ...span, seatsBooked: Math.min(booked, s.capacity) });
        }
        const rules: RulesInput = {
          durationMinutes: s.duration,
          slotIntervalMinutes: s.interval,
          bufferBeforeMinutes: s.before,
          bufferAfterMinutes: s.after,
          minimumNoticeMinutes: 0,
          bookingWindowDays: 60,
          scheduleTimeZone: s.zone,
          availability: s.availability,
          overrides: [],
          busy: s.busy.map(([q, len]) => ({ start: FROM + q * 15 * MIN, end: FROM + (q + len) * 15 * MIN })),
          now: NOW,
          limits: s.dayLimit === undefined ? null : { limits: { counts: { day: s.dayLimit }, durations: null }, counted: seated.map((b) => ({ start: b.start, minutes: s.duration })) },
        };
        const offered = offeredSeatedSlots(rules, seated, s.capacity, FROM, TO);
        const offeredStarts = new Set(offered.map((slot) => slot.start));
        for (let t = FROM; t < TO; t += 15 * MIN) {
          expect(checkSeatedStart(rules, seated, s.capacity, t).ok).toBe(offeredStarts.has(t));
        }
        for (const slot of offered) {
          const at = seated.find((b) => b.start === slot.start);
          if (at) {
            expect(at.seatsBooked).toBeLessThan(s.capacity);
            expect(slot.seats).toEqual({ total: s.capacity, booked: at.seatsBooked, remaining: s.capacity - at.seatsBooked });
          } else {
            expect(slot.seats).toBeUndefined();
            const span = { start: slot.start - s.before * MIN, end: slot.end + s.after * MIN };
            expect(seated.some((b) => b.occupiedStart < span.end && b.occupiedEnd > span.start)).toBe(false);
          }
        }
        for (const full of seated.filter((b) => b.seatsBooked >= s.capacity)) expect(offeredStarts.has(full.start)).toBe(false);
      }),
      { numRuns: runs(150) },
    );
  });

  it('a seated start with room is refused with the rules\' reason when its hours are gone, and "seats taken" when full', () => {
    const rules: RulesInput = {
      durationMinutes: 30, slotIntervalMinutes: 30, bufferBeforeMinutes: 0, bufferAfterMinutes: 0, minimumNoticeMinutes: 0, bookingWindowDays: 60,
      scheduleTimeZone: 'UTC', availability: [{ dayOfWeek: 2, startTime: '09:00', endTime: '17:00' }], overrides: [], busy: [], now: NOW,
    };
    const start = NOW + DAY + 10 * 3_600_000; // Tuesday 10:00
    const booking = { bookingId: 1, start, end: start + 30 * MIN, occupiedStart: start, occupiedEnd: start + 30 * MIN, seatsBooked: 2 };
    expect(checkSeatedStart(rules, [booking], 3, start)).toEqual({ ok: true, join: booking });
    const full = checkSeatedStart(rules, [booking], 2, start);
    expect(full).toMatchObject({ ok: false, reason: 'overlap', message: 'All 2 seats of this slot are taken.' });
    expect(checkSeatedStart(rules, [booking], 3, start + 15 * MIN)).toMatchObject({ ok: false });
  });
});

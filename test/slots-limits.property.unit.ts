// Property: with booking limits (and "first slot of the day only"), the slots the engine offers and the starts its
// booking check accepts are the same set, over random limits, counted bookings, busy time, hours and zones; and every
// offered slot respects the limits by a brute-force count whose local dates come from Intl directly.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkSlot, computeSlotStarts, type SlotInput, type WeeklyRange } from '../src/slots/engine';
import { type BookingLimits, type CountedBooking } from '../src/slots/limits';
import { LIMIT_PERIODS, type LimitPeriod, type PeriodLimits } from '../src/db/json-types';
import { runs } from './runs';

const MIN = 60_000;
const DAY = 86_400_000;
const GRID = 15 * MIN;

const ZONES = ['UTC', 'Pacific/Tongatapu', 'Pacific/Honolulu', 'America/New_York', 'Europe/Berlin', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'Pacific/Chatham', 'America/Santiago'] as const;

const dateFormats = new Map<string, Intl.DateTimeFormat>();
/** [year, month (1-12), day] of the local date of t, read by Intl (not by the engine's ZoneCalendar). */
function refDate(zone: string, t: number): [number, number, number] {
  let f = dateFormats.get(zone);
  if (!f) dateFormats.set(zone, (f = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' })));
  const [y, m, d] = f.format(t).split('-').map(Number) as [number, number, number];
  return [y, m, d];
}

function refPeriod(period: LimitPeriod, zone: string, t: number): string {
  const [y, m, d] = refDate(zone, t);
  if (period === 'year') return `${y}`;
  if (period === 'month') return `${y}-${m}`;
  const utcDay = Date.UTC(y, m - 1, d) / DAY;
  if (period === 'day') return `${utcDay}`;
  // Monday of that week: getUTCDay 0 = Sunday.
  const weekday = (new Date(utcDay * DAY).getUTCDay() + 6) % 7;
  return `w${utcDay - weekday}`;
}

/** Whether one more booking of `minutes` at `start` fits every limit, counted by brute force. */
function refFits(limits: BookingLimits, counted: CountedBooking[], zone: string, start: number, minutes: number): boolean {
  for (const period of LIMIT_PERIODS) {
    const key = refPeriod(period, zone, start);
    const same = counted.filter((b) => refPeriod(period, zone, b.start) === key);
    const maxCount = limits.counts?.[period];
    if (maxCount !== undefined && same.length + 1 > maxCount) return false;
    const maxMinutes = limits.durations?.[period];
    if (maxMinutes !== undefined && same.reduce((sum, b) => sum + b.minutes, 0) + minutes > maxMinutes) return false;
  }
  return true;
}

const periodLimits = (max: number): fc.Arbitrary<PeriodLimits | null> =>
  fc.option(
    fc.record({ day: fc.integer({ min: 1, max }), week: fc.integer({ min: 1, max: max * 2 }), month: fc.integer({ min: 1, max: max * 4 }), year: fc.integer({ min: 1, max: max * 6 }) }, { requiredKeys: [] }),
    { nil: null, freq: 4 },
  );

const hhmm = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
const weeklyRange: fc.Arbitrary<WeeklyRange> = fc
  .tuple(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 46 }), fc.integer({ min: 1, max: 24 }))
  .map(([dayOfWeek, from, length]) => ({ dayOfWeek, startTime: hhmm(from * 30), endTime: hhmm(Math.min(48, from + length) * 30) }));

const scenario = fc
  .record({
    zone: fc.constantFrom(...ZONES),
    availability: fc.array(weeklyRange, { minLength: 1, maxLength: 8 }),
    durationMinutes: fc.constantFrom(30, 45, 60, 90),
    slotIntervalMinutes: fc.constantFrom(15, 30, 45, 60),
    buffer: fc.constantFrom(0, 15),
    // Range start, in quarter hours after 2027-03-01 (covers New York's and Berlin's spring DST changes).
    rangeStartQuarter: fc.integer({ min: 0, max: 30 * 96 }),
    rangeDays: fc.integer({ min: 1, max: 5 }),
    nowOffsetHours: fc.integer({ min: -72, max: 48 }),
    counts: periodLimits(3),
    durations: periodLimits(240),
    counted: fc.array(fc.tuple(fc.integer({ min: -10 * 96, max: 15 * 96 }), fc.constantFrom(30, 45, 60, 120), fc.boolean()), { maxLength: 20 }),
    firstSlotOfDayOnly: fc.boolean(),
  })
  .map((s) => {
    const rangeStart = Date.parse('2027-03-01T00:00:00Z') + s.rangeStartQuarter * GRID;
    const rangeEnd = rangeStart + s.rangeDays * DAY;
    const counted: CountedBooking[] = s.counted.map(([q, minutes]) => ({ start: rangeStart + q * GRID, minutes }));
    const input: SlotInput = {
      durationMinutes: s.durationMinutes,
      slotIntervalMinutes: s.slotIntervalMinutes,
      bufferBeforeMinutes: s.buffer,
      bufferAfterMinutes: s.buffer,
      minimumNoticeMinutes: 0,
      bookingWindowDays: 60,
      scheduleTimeZone: s.zone,
      availability: s.availability,
      overrides: [],
      // Some counted bookings also take the host's time (the usual case); others are elsewhere in the week.
      busy: s.counted.filter(([, , busy]) => busy).map(([q, minutes]) => ({ start: rangeStart + q * GRID, end: rangeStart + q * GRID + minutes * MIN })),
      now: rangeStart + s.nowOffsetHours * 3_600_000,
      limits: { limits: { counts: s.counts, durations: s.durations }, counted },
      firstSlotOfDayOnly: s.firstSlotOfDayOnly,
      rangeStart,
      rangeEnd,
    };
    return input;
  });

describe('booking limits: offered exactly when bookable', () => {
  it('slots never offer a start the booking check refuses, and the check accepts no start the slots leave out', () => {
    fc.assert(
      fc.property(scenario, (input) => {
        const offered = new Set(computeSlotStarts(input).map((s) => s.start));
        for (let t = input.rangeStart; t < input.rangeEnd; t += GRID) {
          const check = checkSlot(input, t);
          if (check.ok !== offered.has(t)) {
            throw new Error(`${new Date(t).toISOString()}: offered=${offered.has(t)} but check=${JSON.stringify(check)}`);
          }
        }
        // Off the 15-minute grid nothing is offered at all (every anchor lies on it).
        for (const start of offered) expect(start % GRID).toBe(0);
      }),
      { numRuns: runs(120) },
    );
  }, 120_000);

  it('every offered slot fits the limits by a brute-force count; every slot dropped for limits breaks one', () => {
    fc.assert(
      fc.property(scenario, (input) => {
        const limits = input.limits!.limits;
        const counted = input.limits!.counted;
        const zone = input.scheduleTimeZone;
        const withLimits = computeSlotStarts({ ...input, firstSlotOfDayOnly: false });
        for (const slot of withLimits) expect(refFits(limits, counted, zone, slot.start, input.durationMinutes)).toBe(true);
        const kept = new Set(withLimits.map((s) => s.start));
        for (const slot of computeSlotStarts({ ...input, firstSlotOfDayOnly: false, limits: null })) {
          if (!kept.has(slot.start)) expect(refFits(limits, counted, zone, slot.start, input.durationMinutes)).toBe(false);
        }
      }),
      { numRuns: runs(200) },
    );
  }, 120_000);

  it('the answer does not depend on the range asked for', () => {
    fc.assert(
      fc.property(scenario, fc.integer({ min: 1, max: 95 }), (input, cutQuarter) => {
        const full = computeSlotStarts(input);
        const cut = input.rangeStart + cutQuarter * GRID;
        const parts = [...computeSlotStarts({ ...input, rangeEnd: cut }), ...computeSlotStarts({ ...input, rangeStart: cut })];
        expect(parts.map((s) => s.start)).toEqual(full.map((s) => s.start));
      }),
      { numRuns: runs(200) },
    );
  }, 120_000);
});

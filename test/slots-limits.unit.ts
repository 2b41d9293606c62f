// Booking limits and "first slot of the day only" in the pure slot engine (src/slots/limits.ts, src/slots/engine.ts):
// hand-worked cases, each period read in the schedule's zone.
import { describe, expect, it } from 'vitest';
import { checkSlot, computeSlotStarts, type SlotInput } from '../src/slots/engine';
import { misorderedPeriod, periodDays, periodKey, type BookingLimits, type CountedBooking } from '../src/slots/limits';
import { dayOfDateKey, dateKeyOfDay } from '../src/lib/time';
import { slotInput } from './slots-engine-helpers';

const at = (iso: string) => Date.parse(iso);
const iso = (t: number) => new Date(t).toISOString();
const everyDay = (startTime: string, endTime: string) => [0, 1, 2, 3, 4, 5, 6].map((dayOfWeek) => ({ dayOfWeek, startTime, endTime }));

function input(fields: Omit<Partial<SlotInput>, 'limits'> & { limits?: BookingLimits; counted?: CountedBooking[] }): SlotInput {
  const { limits, counted, ...rest } = fields;
  return slotInput({
    bookingWindowDays: 400,
    availability: everyDay('09:00', '12:00'),
    now: at('2027-01-01T00:00:00Z'),
    rangeStart: at('2027-03-01T00:00:00Z'),
    rangeEnd: at('2027-03-08T00:00:00Z'),
    ...rest,
    limits: limits ? { limits, counted: counted ?? [] } : null,
  });
}

/** Local dates (in `zone`) that offer at least one slot. */
function offeredDates(slots: { start: number }[], zone = 'UTC'): string[] {
  const fmt = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' });
  return [...new Set(slots.map((s) => fmt.format(s.start)))];
}

describe('periods', () => {
  it('an ISO week runs Monday to Sunday', () => {
    // 2027-03-01 is a Monday.
    const monday = dayOfDateKey('2027-03-01');
    const keys = [-1, 0, 3, 6, 7].map((d) => periodKey('week', monday + d));
    expect(keys[0]).toBe(keys[1]! - 1);
    expect(new Set(keys.slice(1, 4)).size).toBe(1);
    expect(keys[4]).toBe(keys[1]! + 1);
    const { first, end } = periodDays('week', monday + 4);
    expect([dateKeyOfDay(first), dateKeyOfDay(end)]).toEqual(['2027-03-01', '2027-03-08']);
  });

  it('months and years are calendar ones', () => {
    const feb28 = dayOfDateKey('2028-02-29');
    expect(periodKey('month', feb28)).toBe(periodKey('month', dayOfDateKey('2028-02-01')));
    expect(periodKey('month', feb28)).not.toBe(periodKey('month', dayOfDateKey('2028-03-01')));
    const { first, end } = periodDays('month', feb28);
    expect([dateKeyOfDay(first), dateKeyOfDay(end)]).toEqual(['2028-02-01', '2028-03-01']);
    expect(periodDays('year', feb28)).toEqual({ first: dayOfDateKey('2028-01-01'), end: dayOfDateKey('2029-01-01') });
  });

  it('day <= week <= month <= year among the limits that are set', () => {
    expect(misorderedPeriod({ day: 2, week: 10, year: 100 })).toBeNull();
    expect(misorderedPeriod({ day: 3, month: 2 })).toBe('month');
    expect(misorderedPeriod({ week: 5, month: 5 })).toBeNull();
    expect(misorderedPeriod({})).toBeNull();
  });
});

describe('count limits', () => {
  it('a full day is not offered; the other days are', () => {
    const slots = computeSlotStarts(input({ limits: { counts: { day: 1 }, durations: null }, counted: [{ start: at('2027-03-02T10:00:00Z'), minutes: 60 }] }));
    expect(offeredDates(slots)).toEqual(['2027-03-01', '2027-03-03', '2027-03-04', '2027-03-05', '2027-03-06', '2027-03-07']);
  });

  it('below the limit every free slot stays offered', () => {
    const slots = computeSlotStarts(input({ limits: { counts: { day: 2 }, durations: null }, counted: [{ start: at('2027-03-02T10:00:00Z'), minutes: 60 }] }));
    expect(slots.filter((s) => iso(s.start).startsWith('2027-03-02'))).toHaveLength(3);
  });

  it('a full ISO week hides Monday to Sunday and nothing else', () => {
    const slots = computeSlotStarts(
      input({
        rangeStart: at('2027-02-27T00:00:00Z'),
        rangeEnd: at('2027-03-10T00:00:00Z'),
        limits: { counts: { week: 2 }, durations: null },
        counted: [{ start: at('2027-03-01T09:00:00Z'), minutes: 60 }, { start: at('2027-03-07T11:00:00Z'), minutes: 60 }],
      }),
    );
    expect(offeredDates(slots)).toEqual(['2027-02-27', '2027-02-28', '2027-03-08', '2027-03-09']);
  });

  it('a month limit and a year limit', () => {
    const month = computeSlotStarts(
      input({ rangeStart: at('2027-03-30T00:00:00Z'), rangeEnd: at('2027-04-02T00:00:00Z'), limits: { counts: { month: 1 }, durations: null }, counted: [{ start: at('2027-03-05T09:00:00Z'), minutes: 60 }] }),
    );
    expect(offeredDates(month)).toEqual(['2027-04-01']);
    const year = computeSlotStarts(
      input({ rangeStart: at('2027-12-30T00:00:00Z'), rangeEnd: at('2028-01-02T00:00:00Z'), limits: { counts: { year: 1 }, durations: null }, counted: [{ start: at('2027-02-01T09:00:00Z'), minutes: 60 }] }),
    );
    expect(offeredDates(year)).toEqual(['2028-01-01']);
  });

  it('the refusal names the limit', () => {
    const check = checkSlot(input({ limits: { counts: { week: 1 }, durations: null }, counted: [{ start: at('2027-03-01T09:00:00Z'), minutes: 60 }] }), at('2027-03-03T10:00:00Z'));
    expect(check).toMatchObject({ ok: false, reason: 'booking_limit' });
    expect(!check.ok && check.message).toMatch(/at most 1 booking per week \(Monday to Sunday\) in UTC/);
  });
});

describe('duration limits', () => {
  it('a slot that would exceed the minutes left is not offered, a shorter remainder still fits', () => {
    // 150 minutes a day, 60 booked: one more hour fits (120), a second would not (180).
    const rules = input({ limits: { counts: null, durations: { day: 150 } }, counted: [{ start: at('2027-03-02T09:00:00Z'), minutes: 60 }] });
    expect(checkSlot(rules, at('2027-03-02T10:00:00Z'))).toEqual({ ok: true });
    const full = input({ ...rules, limits: { counts: null, durations: { day: 150 } }, counted: [{ start: at('2027-03-02T09:00:00Z'), minutes: 100 }] });
    const check = checkSlot(full, at('2027-03-02T10:00:00Z'));
    expect(check).toMatchObject({ ok: false, reason: 'booking_limit' });
    expect(!check.ok && check.message).toContain('50 left');
  });
});

describe('periods are read in the schedule zone', () => {
  // Pacific/Tongatapu is UTC+13 all year, Pacific/Honolulu UTC-10.
  it('+13: a booking at 10:30Z is on the previous local date, one at 11:00Z on the next', () => {
    const rules = (start: string) =>
      input({ scheduleTimeZone: 'Pacific/Tongatapu', availability: everyDay('00:00', '24:00'), limits: { counts: { day: 1 }, durations: null }, counted: [{ start: at(start), minutes: 60 }] });
    // 2027-03-02T10:30Z = 23:30 on 2027-03-02 local; 2027-03-02T11:00Z = 00:00 on 2027-03-03 local.
    expect(checkSlot(rules('2027-03-02T10:30:00Z'), at('2027-03-02T10:00:00Z'))).toMatchObject({ ok: false, reason: 'booking_limit' });
    expect(checkSlot(rules('2027-03-02T10:30:00Z'), at('2027-03-02T11:00:00Z'))).toEqual({ ok: true });
    expect(checkSlot(rules('2027-03-02T11:00:00Z'), at('2027-03-02T10:00:00Z'))).toEqual({ ok: true });
    expect(checkSlot(rules('2027-03-02T11:00:00Z'), at('2027-03-03T10:00:00Z'))).toMatchObject({ ok: false, reason: 'booking_limit' });
  });

  it('-10: the local day runs 10:00Z to 10:00Z the next UTC day', () => {
    const rules = input({ scheduleTimeZone: 'Pacific/Honolulu', availability: everyDay('00:00', '24:00'), limits: { counts: { day: 1 }, durations: null }, counted: [{ start: at('2027-03-03T09:00:00Z'), minutes: 60 }] });
    // 2027-03-03T09:00Z = 23:00 on 2027-03-02 local.
    expect(checkSlot(rules, at('2027-03-02T10:00:00Z'))).toMatchObject({ ok: false, reason: 'booking_limit' });
    expect(checkSlot(rules, at('2027-03-03T08:00:00Z'))).toMatchObject({ ok: false, reason: 'booking_limit' });
    expect(checkSlot(rules, at('2027-03-03T10:00:00Z'))).toEqual({ ok: true });
    expect(checkSlot(rules, at('2027-03-02T09:00:00Z'))).toEqual({ ok: true });
    const slots = computeSlotStarts({ ...rules, rangeStart: at('2027-03-02T00:00:00Z'), rangeEnd: at('2027-03-04T00:00:00Z') });
    expect(offeredDates(slots, 'Pacific/Honolulu')).toEqual(['2027-03-01', '2027-03-03']);
  });
});

describe('only the first slot of each day', () => {
  it('offers the first free start of each local date, whatever range is asked', () => {
    const rules = input({ firstSlotOfDayOnly: true, busy: [{ start: at('2027-03-02T09:00:00Z'), end: at('2027-03-02T10:00:00Z') }] });
    const starts = computeSlotStarts(rules).map((s) => iso(s.start));
    expect(starts).toEqual([
      '2027-03-01T09:00:00.000Z',
      '2027-03-02T10:00:00.000Z',
      '2027-03-03T09:00:00.000Z',
      '2027-03-04T09:00:00.000Z',
      '2027-03-05T09:00:00.000Z',
      '2027-03-06T09:00:00.000Z',
      '2027-03-07T09:00:00.000Z',
    ]);
    // A range starting after a day's first slot does not promote its second one.
    expect(computeSlotStarts({ ...rules, rangeStart: at('2027-03-01T09:30:00Z'), rangeEnd: at('2027-03-01T23:00:00Z') })).toEqual([]);
    const check = checkSlot(rules, at('2027-03-01T10:00:00Z'));
    expect(check).toMatchObject({ ok: false, reason: 'not_first_slot' });
    expect(!check.ok && check.message).toContain('2027-03-01T09:00:00.000Z');
    expect(checkSlot(rules, at('2027-03-02T10:00:00Z'))).toEqual({ ok: true });
  });

  it('the first slot left after the limits', () => {
    const rules = input({ firstSlotOfDayOnly: true, limits: { counts: { day: 1 }, durations: null }, counted: [{ start: at('2027-03-01T09:00:00Z'), minutes: 60 }] });
    expect(offeredDates(computeSlotStarts(rules))[0]).toBe('2027-03-02');
  });
});

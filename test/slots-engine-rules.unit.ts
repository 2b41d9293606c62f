// Hand-worked cases for the slot engine's rules: zones of host and viewer, hours across midnight, date overrides,
// buffers, notice, window and interval, checkSlot's reasons, input checks (DST: slots-engine-dst.unit.ts).
import { describe, expect, it } from 'vitest';
import { checkSlot, computeSlotStarts, groupSlotsByLocalDate, isValidTimeZone, type DateOverride } from '../src/slots/engine';
import { at, everyDay, MON, slotInput, slotStarts, startsOf, TUE, utc, weekdays } from './slots-engine-helpers';

describe('host and viewer in different zones', () => {
  it('a Tokyo Monday morning is Sunday afternoon in Los Angeles (-07:00 in June)', () => {
    const slots = computeSlotStarts(
      slotInput({
        scheduleTimeZone: 'Asia/Tokyo',
        rangeStart: at('2027-06-06T00:00:00Z'),
        rangeEnd: at('2027-06-08T00:00:00Z'),
        durationMinutes: 30,
        slotIntervalMinutes: 30,
        availability: [{ dayOfWeek: MON, startTime: '09:00', endTime: '10:00' }],
      }),
    );
    expect(groupSlotsByLocalDate(slots, 'America/Los_Angeles')).toEqual({
      '2027-06-06': [
        { start: '2027-06-06T17:00:00-07:00', end: '2027-06-06T17:30:00-07:00' },
        { start: '2027-06-06T17:30:00-07:00', end: '2027-06-06T18:00:00-07:00' },
      ],
    });
  });

  it('a New York evening crosses midnight in Berlin: slots are keyed by their start date', () => {
    const slots = computeSlotStarts(
      slotInput({
        scheduleTimeZone: 'America/New_York',
        rangeStart: at('2027-03-01T00:00:00Z'),
        rangeEnd: at('2027-03-03T00:00:00Z'),
        availability: [{ dayOfWeek: MON, startTime: '17:00', endTime: '20:00' }],
      }),
    );
    expect(groupSlotsByLocalDate(slots, 'Europe/Berlin')).toEqual({
      '2027-03-01': [{ start: '2027-03-01T23:00:00+01:00', end: '2027-03-02T00:00:00+01:00' }],
      '2027-03-02': [
        { start: '2027-03-02T00:00:00+01:00', end: '2027-03-02T01:00:00+01:00' },
        { start: '2027-03-02T01:00:00+01:00', end: '2027-03-02T02:00:00+01:00' },
      ],
    });
  });

  it('the benchmark month: New York Mon-Fri 09:00-17:00 gives 23 weekdays x 31 slots', () => {
    const slots = computeSlotStarts(
      slotInput({
        scheduleTimeZone: 'America/New_York',
        rangeStart: at('2027-03-01T00:00:00Z'),
        rangeEnd: at('2027-04-01T00:00:00Z'),
        now: at('2027-03-01T00:00:00Z'),
        bookingWindowDays: 365,
        durationMinutes: 30,
        slotIntervalMinutes: 15,
        availability: weekdays('09:00', '17:00'),
      }),
    );
    expect(slots).toHaveLength(713);
    const grouped = groupSlotsByLocalDate(slots, 'Europe/Berlin');
    // New York is on EDT from 03-14, Berlin stays on CET until 03-28: a five-hour gap, then six.
    expect(grouped['2027-03-12']?.[0]?.start).toBe('2027-03-12T15:00:00+01:00');
    expect(grouped['2027-03-15']?.[0]?.start).toBe('2027-03-15T14:00:00+01:00');
    expect(grouped['2027-03-29']?.[0]?.start).toBe('2027-03-29T15:00:00+02:00');
  });
});

describe('availability across midnight', () => {
  const monTue = {
    rangeStart: at('2027-03-01T00:00:00Z'),
    rangeEnd: at('2027-03-03T00:00:00Z'),
    slotIntervalMinutes: 45,
    availability: [
      { dayOfWeek: MON, startTime: '22:00', endTime: '24:00' },
      { dayOfWeek: TUE, startTime: '00:00', endTime: '02:00' },
    ],
  };

  it('22:00-24:00 and the next 00:00-02:00 form one interval; a slot crosses midnight', () => {
    expect(slotStarts(monTue)).toEqual(
      ['2027-03-01T22:00:00Z', '2027-03-01T22:45:00Z', '2027-03-01T23:30:00Z', '2027-03-02T00:15:00Z', '2027-03-02T01:00:00Z'].map(utc),
    );
  });

  it('a range starting at midnight keeps the grid of the interval it continues', () => {
    expect(slotStarts({ ...monTue, rangeStart: at('2027-03-02T00:00:00Z') })).toEqual(
      ['2027-03-02T00:15:00Z', '2027-03-02T01:00:00Z'].map(utc),
    );
    const input = slotInput({ ...monTue, rangeStart: at('2027-03-02T00:00:00Z') });
    expect(checkSlot(input, at('2027-03-02T00:15:00Z'))).toEqual({ ok: true });
    expect(checkSlot(input, at('2027-03-02T00:00:00Z'))).toMatchObject({ ok: false, reason: 'off_interval' });
  });

  it('round-the-clock hours step from a fixed origin, whatever the range start', () => {
    const allWeek = { availability: everyDay('00:00', '24:00'), slotIntervalMinutes: 45, durationMinutes: 30 };
    const fromMidnight = slotStarts({ ...allWeek, rangeStart: at('2027-03-01T00:00:00Z'), rangeEnd: at('2027-03-01T03:00:00Z') });
    const fromTen = slotStarts({ ...allWeek, rangeStart: at('2027-03-01T00:10:00Z'), rangeEnd: at('2027-03-01T03:00:00Z') });
    expect(fromMidnight).toEqual(
      ['2027-03-01T00:00:00Z', '2027-03-01T00:45:00Z', '2027-03-01T01:30:00Z', '2027-03-01T02:15:00Z'].map(utc),
    );
    expect(fromTen).toEqual(fromMidnight.slice(1));
  });

  it('a blocking override ends a round-the-clock run: the grid restarts the day after', () => {
    expect(
      slotStarts({
        availability: everyDay('00:00', '24:00'),
        overrides: [{ date: '2027-02-20', startTime: null, endTime: null }],
        durationMinutes: 7,
        slotIntervalMinutes: 7,
        rangeStart: at('2027-02-21T00:00:00Z'),
        rangeEnd: at('2027-02-21T00:20:00Z'),
      }),
    ).toEqual(['2027-02-21T00:00:00Z', '2027-02-21T00:07:00Z', '2027-02-21T00:14:00Z'].map(utc));
  });
});

describe('date overrides', () => {
  const week = {
    rangeStart: at('2027-03-01T00:00:00Z'),
    rangeEnd: at('2027-03-08T00:00:00Z'),
    availability: weekdays('09:00', '11:00'),
  };
  const datesOf = (slots: string[]): string[] => [...new Set(slots.map((s) => s.slice(0, 10)))];

  it('an override without times blocks the whole date', () => {
    const overrides: DateOverride[] = [{ date: '2027-03-02', startTime: null, endTime: null }];
    expect(datesOf(slotStarts({ ...week, overrides }))).toEqual(['2027-03-01', '2027-03-03', '2027-03-04', '2027-03-05']);
    expect(checkSlot(slotInput({ ...week, overrides }), at('2027-03-02T09:00:00Z'))).toMatchObject({
      ok: false,
      reason: 'outside_hours',
    });
  });

  it('overrides with times replace the weekly hours of that date, several ranges allowed', () => {
    const overrides: DateOverride[] = [
      { date: '2027-03-03', startTime: '15:00', endTime: '16:00' },
      { date: '2027-03-03', startTime: '10:00', endTime: '11:00' },
    ];
    const slots = slotStarts({ ...week, overrides }).filter((s) => s.startsWith('2027-03-03'));
    expect(slots).toEqual(['2027-03-03T10:00:00Z', '2027-03-03T15:00:00Z'].map(utc));
  });

  it('an override can open a weekend date', () => {
    const overrides: DateOverride[] = [{ date: '2027-03-06', startTime: '10:00', endTime: '11:00' }];
    expect(slotStarts({ ...week, overrides }).filter((s) => s.startsWith('2027-03-06'))).toEqual(['2027-03-06T10:00:00Z'].map(utc));
  });

  it('a block on a date wins over timed overrides on the same date', () => {
    const overrides: DateOverride[] = [
      { date: '2027-03-03', startTime: '15:00', endTime: '16:00' },
      { date: '2027-03-03', startTime: null, endTime: null },
    ];
    expect(slotStarts({ ...week, overrides }).filter((s) => s.startsWith('2027-03-03'))).toEqual([]);
  });

  it('override dates are local dates of the schedule zone', () => {
    // 2027-03-02 in Tokyo is 2027-03-01T15:00Z..2027-03-02T15:00Z.
    const slots = slotStarts({
      scheduleTimeZone: 'Asia/Tokyo',
      rangeStart: at('2027-03-01T00:00:00Z'),
      rangeEnd: at('2027-03-04T00:00:00Z'),
      availability: [],
      overrides: [{ date: '2027-03-02', startTime: '00:00', endTime: '01:00' }],
    });
    expect(slots).toEqual(['2027-03-02T00:00:00+09:00'].map(utc));
  });
});

describe('buffers, notice, window and interval', () => {
  const morning = {
    rangeStart: at('2027-03-01T00:00:00Z'),
    rangeEnd: at('2027-03-02T00:00:00Z'),
    durationMinutes: 30,
    slotIntervalMinutes: 30,
    availability: [{ dayOfWeek: MON, startTime: '09:00', endTime: '12:00' }],
  };

  it('buffers may touch a busy span but not overlap it', () => {
    const touching = { ...morning, bufferBeforeMinutes: 10, bufferAfterMinutes: 5, busy: [{ start: at('2027-03-01T10:05:00Z'), end: at('2027-03-01T10:20:00Z') }] };
    // 09:30 occupies 09:20-10:05 and 10:30 occupies 10:20-11:05: both only touch the busy span.
    expect(slotStarts(touching)).toEqual(
      ['2027-03-01T09:00:00Z', '2027-03-01T09:30:00Z', '2027-03-01T10:30:00Z', '2027-03-01T11:00:00Z', '2027-03-01T11:30:00Z'].map(utc),
    );
    const overlapping = { ...touching, busy: [{ start: at('2027-03-01T10:04:00Z'), end: at('2027-03-01T10:21:00Z') }] };
    expect(slotStarts(overlapping)).toEqual(['2027-03-01T09:00:00Z', '2027-03-01T11:00:00Z', '2027-03-01T11:30:00Z'].map(utc));
    expect(checkSlot(slotInput(overlapping), at('2027-03-01T09:30:00Z'))).toMatchObject({ ok: false, reason: 'overlap' });
    expect(checkSlot(slotInput(overlapping), at('2027-03-01T10:30:00Z'))).toMatchObject({ ok: false, reason: 'overlap' });
    expect(checkSlot(slotInput(touching), at('2027-03-01T10:30:00Z'))).toEqual({ ok: true });
  });

  it('the busy list is not reordered', () => {
    const busy = [
      { start: at('2027-03-01T11:00:00Z'), end: at('2027-03-01T11:30:00Z') },
      { start: at('2027-03-01T09:00:00Z'), end: at('2027-03-01T09:30:00Z') },
    ];
    const copy = busy.map((span) => ({ ...span }));
    expect(slotStarts({ ...morning, busy })).toEqual(
      ['2027-03-01T09:30:00Z', '2027-03-01T10:00:00Z', '2027-03-01T10:30:00Z', '2027-03-01T11:30:00Z'].map(utc),
    );
    expect(busy).toEqual(copy);
  });

  it('minimum notice is inclusive: a start exactly at now + notice is offered', () => {
    expect(slotStarts({ ...morning, now: at('2027-03-01T09:00:00Z'), minimumNoticeMinutes: 60 })).toEqual(
      ['2027-03-01T10:00:00Z', '2027-03-01T10:30:00Z', '2027-03-01T11:00:00Z', '2027-03-01T11:30:00Z'].map(utc),
    );
    const input = slotInput({ ...morning, now: at('2027-03-01T09:10:00Z'), minimumNoticeMinutes: 60 });
    expect(startsOf(computeSlotStarts(input))).toEqual(['2027-03-01T10:30:00Z', '2027-03-01T11:00:00Z', '2027-03-01T11:30:00Z'].map(utc));
    expect(checkSlot(input, at('2027-03-01T10:00:00Z'))).toEqual({
      ok: false,
      reason: 'minimum_notice',
      message: 'This event needs 1 hour notice; the earliest start is 2027-03-01T10:10:00.000Z.',
    });
    expect(checkSlot(input, at('2027-03-01T09:00:00Z'))).toMatchObject({ ok: false, reason: 'in_past' });
  });

  it('a slot already under way is in the past, even with no notice', () => {
    const input = slotInput({ ...morning, now: at('2027-03-01T09:10:00Z') });
    expect(startsOf(computeSlotStarts(input))[0]).toBe(utc('2027-03-01T09:30:00Z'));
    expect(checkSlot(input, at('2027-03-01T09:00:00Z'))).toMatchObject({ ok: false, reason: 'in_past' });
  });

  it('the booking window is inclusive: now + window days is the last start offered', () => {
    const input = slotInput({
      ...morning,
      rangeEnd: at('2027-03-05T00:00:00Z'),
      availability: weekdays('09:00', '10:00'),
      now: at('2027-03-01T09:30:00Z'),
      bookingWindowDays: 1,
    });
    expect(startsOf(computeSlotStarts(input))).toEqual(['2027-03-01T09:30:00Z', '2027-03-02T09:00:00Z', '2027-03-02T09:30:00Z'].map(utc));
    const later = { ...input, now: at('2027-03-01T09:29:59.999Z') };
    expect(startsOf(computeSlotStarts(later)).at(-1)).toBe(utc('2027-03-02T09:00:00Z'));
    expect(checkSlot(later, at('2027-03-02T09:30:00Z'))).toMatchObject({ ok: false, reason: 'booking_window' });
  });

  it('the interval can differ from the duration', () => {
    const input = slotInput({
      ...morning,
      durationMinutes: 60,
      slotIntervalMinutes: 20,
      availability: [{ dayOfWeek: MON, startTime: '09:00', endTime: '11:00' }],
    });
    expect(startsOf(computeSlotStarts(input))).toEqual(
      ['2027-03-01T09:00:00Z', '2027-03-01T09:20:00Z', '2027-03-01T09:40:00Z', '2027-03-01T10:00:00Z'].map(utc),
    );
    expect(checkSlot(input, at('2027-03-01T09:10:00Z'))).toMatchObject({ ok: false, reason: 'off_interval' });
    expect(checkSlot(input, at('2027-03-01T10:20:00Z'))).toMatchObject({ ok: false, reason: 'outside_hours' });
  });

  it('overlapping weekly ranges merge, so the grid follows the earliest start', () => {
    expect(
      slotStarts({
        ...morning,
        slotIntervalMinutes: 45,
        durationMinutes: 45,
        availability: [
          { dayOfWeek: MON, startTime: '11:00', endTime: '13:00' },
          { dayOfWeek: MON, startTime: '09:00', endTime: '12:00' },
        ],
      }),
    ).toEqual(['2027-03-01T09:00:00Z', '2027-03-01T09:45:00Z', '2027-03-01T10:30:00Z', '2027-03-01T11:15:00Z', '2027-03-01T12:00:00Z'].map(utc));
  });
});

describe('checkSlot reasons, in order of precedence', () => {
  const input = slotInput({
    rangeStart: 0,
    rangeEnd: 0,
    now: at('2027-03-01T08:00:00Z'),
    minimumNoticeMinutes: 120,
    bookingWindowDays: 7,
    durationMinutes: 30,
    slotIntervalMinutes: 30,
    availability: weekdays('09:00', '17:00'),
    busy: [{ start: at('2027-03-02T12:00:00Z'), end: at('2027-03-02T13:00:00Z') }],
  });

  it.each([
    ['in_past', '2027-03-01T07:59:00Z'],
    ['minimum_notice', '2027-03-01T09:30:00Z'],
    ['booking_window', '2027-03-08T09:00:00Z'],
    ['outside_hours', '2027-03-02T17:00:00Z'],
    ['outside_hours', '2027-03-06T10:00:00Z'],
    ['off_interval', '2027-03-02T10:10:00Z'],
    ['overlap', '2027-03-02T12:30:00Z'],
  ])('%s for %s', (reason, start) => {
    const result = checkSlot(input, at(start));
    expect(result).toMatchObject({ ok: false, reason });
    expect(result.ok === false && result.message.length > 0).toBe(true);
  });

  it('ok for an offered start', () => {
    expect(checkSlot(input, at('2027-03-02T13:00:00Z'))).toEqual({ ok: true });
    expect(checkSlot(input, at('2027-03-08T08:00:00Z'))).toMatchObject({ ok: false, reason: 'outside_hours' });
  });
});

describe('zones and input checks', () => {
  it('isValidTimeZone accepts IANA names only', () => {
    expect(isValidTimeZone('America/New_York')).toBe(true);
    expect(isValidTimeZone('Asia/Kathmandu')).toBe(true);
    expect(isValidTimeZone('UTC')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(isValidTimeZone('+05:00')).toBe(false);
    expect(isValidTimeZone('')).toBe(false);
  });

  it('rejects an unknown zone and a zero interval', () => {
    const base = slotInput({ rangeStart: at('2027-03-01T00:00:00Z'), rangeEnd: at('2027-03-02T00:00:00Z') });
    expect(() => computeSlotStarts({ ...base, scheduleTimeZone: 'Nowhere/Land' })).toThrow(RangeError);
    expect(() => computeSlotStarts({ ...base, slotIntervalMinutes: 0 })).toThrow(RangeError);
    expect(() => groupSlotsByLocalDate([], 'Nowhere/Land')).toThrow(RangeError);
  });

  it('an empty or reversed range has no slots', () => {
    const base = slotInput({
      rangeStart: at('2027-03-02T00:00:00Z'),
      rangeEnd: at('2027-03-01T00:00:00Z'),
      availability: everyDay('00:00', '24:00'),
    });
    expect(computeSlotStarts(base)).toEqual([]);
  });
});

// Hand-worked DST cases for the slot engine (its other rules: slots-engine-rules.unit.ts). Expected instants are
// written as literal ISO strings in the zone they were worked out in (DST dates from the tz rules: New York
// 2027-03-14 02:00 EST -> 03:00 EDT and 2026-11-01 02:00 EDT -> 01:00 EST; Berlin 2027-03-28 02:00 CET -> 03:00 CEST;
// Lord Howe 2026-10-04 02:00 +10:30 -> 02:30 +11:00 and 2027-04-04 02:00 +11:00 -> 01:30 +10:30).
import { describe, expect, it } from 'vitest';
import { computeSlotStarts, groupSlotsByLocalDate } from '../src/slots/engine';
import { at, MON, SUN, slotInput, slotStarts, startsOf, utc } from './slots-engine-helpers';

describe('America/New_York spring forward (2027-03-14)', () => {
  const day = { scheduleTimeZone: 'America/New_York', rangeStart: at('2027-03-14T00:00:00-05:00'), rangeEnd: at('2027-03-15T00:00:00-04:00') };

  it('a 01:00-04:00 range lasts two real hours', () => {
    expect(slotStarts({ ...day, availability: [{ dayOfWeek: SUN, startTime: '01:00', endTime: '04:00' }] })).toEqual(
      ['2027-03-14T01:00:00-05:00', '2027-03-14T03:00:00-04:00'].map(utc),
    );
  });

  it('30-minute slots jump from 01:30 EST straight to 03:00 EDT', () => {
    const slots = slotStarts({
      ...day,
      durationMinutes: 30,
      slotIntervalMinutes: 30,
      availability: [{ dayOfWeek: SUN, startTime: '01:00', endTime: '04:00' }],
    });
    expect(slots).toEqual(
      ['2027-03-14T01:00:00-05:00', '2027-03-14T01:30:00-05:00', '2027-03-14T03:00:00-04:00', '2027-03-14T03:30:00-04:00'].map(utc),
    );
  });

  it("a date's ranges are united before conversion, so overlapping ranges leave no hole", () => {
    // Apart, 02:30 would become 03:30 EDT while 03:00 stays 03:00 EDT, uncovering 03:00-03:30.
    const slots = slotStarts({
      ...day,
      durationMinutes: 30,
      slotIntervalMinutes: 30,
      availability: [
        { dayOfWeek: SUN, startTime: '00:00', endTime: '03:00' },
        { dayOfWeek: SUN, startTime: '02:30', endTime: '04:00' },
      ],
    });
    expect(slots).toEqual(
      [
        '2027-03-14T00:00:00-05:00',
        '2027-03-14T00:30:00-05:00',
        '2027-03-14T01:00:00-05:00',
        '2027-03-14T01:30:00-05:00',
        '2027-03-14T03:00:00-04:00',
        '2027-03-14T03:30:00-04:00',
      ].map(utc),
    );
  });

  it('the grouped output carries -05:00 before the change and -04:00 after it', () => {
    const slots = computeSlotStarts(
      slotInput({ ...day, availability: [{ dayOfWeek: SUN, startTime: '01:00', endTime: '04:00' }] }),
    );
    expect(groupSlotsByLocalDate(slots, 'America/New_York')).toEqual({
      '2027-03-14': [
        { start: '2027-03-14T01:00:00-05:00', end: '2027-03-14T03:00:00-04:00' },
        { start: '2027-03-14T03:00:00-04:00', end: '2027-03-14T04:00:00-04:00' },
      ],
    });
  });
});

describe('America/New_York fall back (2026-11-01)', () => {
  const day = { scheduleTimeZone: 'America/New_York', rangeStart: at('2026-11-01T00:00:00-04:00'), rangeEnd: at('2026-11-02T00:00:00-05:00') };

  it('a 01:00-04:00 range lasts four real hours, starting at the first 01:00', () => {
    expect(slotStarts({ ...day, availability: [{ dayOfWeek: SUN, startTime: '01:00', endTime: '04:00' }] })).toEqual(
      ['2026-11-01T01:00:00-04:00', '2026-11-01T01:00:00-05:00', '2026-11-01T02:00:00-05:00', '2026-11-01T03:00:00-05:00'].map(utc),
    );
  });

  it('00:00-02:00 is three real hours', () => {
    expect(slotStarts({ ...day, availability: [{ dayOfWeek: SUN, startTime: '00:00', endTime: '02:00' }] })).toEqual(
      ['2026-11-01T00:00:00-04:00', '2026-11-01T01:00:00-04:00', '2026-11-01T01:00:00-05:00'].map(utc),
    );
  });

  it('a range ending at the repeated 01:30 covers 00:00-01:30 EDT and 01:00-01:30 EST, never 01:30-02:00 EDT', () => {
    const slots = slotStarts({
      ...day,
      durationMinutes: 30,
      slotIntervalMinutes: 30,
      availability: [{ dayOfWeek: SUN, startTime: '00:00', endTime: '01:30' }],
    });
    expect(slots).toEqual(
      [
        '2026-11-01T00:00:00-04:00',
        '2026-11-01T00:30:00-04:00',
        '2026-11-01T01:00:00-04:00',
        '2026-11-01T01:00:00-05:00',
      ].map(utc),
    );
  });

  it('both 01:00s are labelled with their own offset', () => {
    const slots = computeSlotStarts(
      slotInput({ ...day, availability: [{ dayOfWeek: SUN, startTime: '01:00', endTime: '03:00' }] }),
    );
    expect(groupSlotsByLocalDate(slots, 'America/New_York')).toEqual({
      '2026-11-01': [
        { start: '2026-11-01T01:00:00-04:00', end: '2026-11-01T01:00:00-05:00' },
        { start: '2026-11-01T01:00:00-05:00', end: '2026-11-01T02:00:00-05:00' },
        { start: '2026-11-01T02:00:00-05:00', end: '2026-11-01T03:00:00-05:00' },
      ],
    });
  });
});

describe('Europe/Berlin spring forward (2027-03-28)', () => {
  const day = { scheduleTimeZone: 'Europe/Berlin', rangeStart: at('2027-03-28T00:00:00+01:00'), rangeEnd: at('2027-03-29T00:00:00+02:00') };

  it('a 01:00-04:00 range lasts two real hours', () => {
    expect(slotStarts({ ...day, availability: [{ dayOfWeek: SUN, startTime: '01:00', endTime: '04:00' }] })).toEqual(
      ['2027-03-28T01:00:00+01:00', '2027-03-28T03:00:00+02:00'].map(utc),
    );
  });

  it('a UTC host seen from Berlin: an hour-long slot spans the change', () => {
    const slots = computeSlotStarts(
      slotInput({
        rangeStart: at('2027-03-28T00:00:00Z'),
        rangeEnd: at('2027-03-29T00:00:00Z'),
        slotIntervalMinutes: 30,
        availability: [{ dayOfWeek: SUN, startTime: '00:00', endTime: '02:00' }],
      }),
    );
    expect(groupSlotsByLocalDate(slots, 'Europe/Berlin')).toEqual({
      '2027-03-28': [
        { start: '2027-03-28T01:00:00+01:00', end: '2027-03-28T03:00:00+02:00' },
        { start: '2027-03-28T01:30:00+01:00', end: '2027-03-28T03:30:00+02:00' },
        { start: '2027-03-28T03:00:00+02:00', end: '2027-03-28T04:00:00+02:00' },
      ],
    });
  });
});

describe('Australia/Lord_Howe (half-hour DST)', () => {
  it('spring forward 2026-10-04: 01:00-04:00 lasts 2.5 hours', () => {
    const input = slotInput({
      scheduleTimeZone: 'Australia/Lord_Howe',
      rangeStart: at('2026-10-04T00:00:00+10:30'),
      rangeEnd: at('2026-10-05T00:00:00+11:00'),
      availability: [{ dayOfWeek: SUN, startTime: '01:00', endTime: '04:00' }],
    });
    const slots = computeSlotStarts(input);
    expect(startsOf(slots)).toEqual(['2026-10-04T01:00:00+10:30', '2026-10-04T02:30:00+11:00'].map(utc));
    expect(groupSlotsByLocalDate(slots, 'Australia/Lord_Howe')).toEqual({
      '2026-10-04': [
        { start: '2026-10-04T01:00:00+10:30', end: '2026-10-04T02:30:00+11:00' },
        { start: '2026-10-04T02:30:00+11:00', end: '2026-10-04T03:30:00+11:00' },
      ],
    });
  });

  it('spring forward: a range starting at the missing 02:15 starts at the jump, 02:30 +11:00', () => {
    expect(
      slotStarts({
        scheduleTimeZone: 'Australia/Lord_Howe',
        rangeStart: at('2026-10-04T00:00:00+10:30'),
        rangeEnd: at('2026-10-05T00:00:00+11:00'),
        durationMinutes: 15,
        slotIntervalMinutes: 15,
        availability: [{ dayOfWeek: SUN, startTime: '02:15', endTime: '03:00' }],
      }),
    ).toEqual(['2026-10-04T02:30:00+11:00', '2026-10-04T02:45:00+11:00'].map(utc));
  });

  it('fall back 2027-04-04: 01:00-03:00 lasts 2.5 hours and repeats 01:30', () => {
    const slots = computeSlotStarts(
      slotInput({
        scheduleTimeZone: 'Australia/Lord_Howe',
        rangeStart: at('2027-04-04T00:00:00+11:00'),
        rangeEnd: at('2027-04-05T00:00:00+10:30'),
        durationMinutes: 30,
        slotIntervalMinutes: 30,
        availability: [{ dayOfWeek: SUN, startTime: '01:00', endTime: '03:00' }],
      }),
    );
    expect(groupSlotsByLocalDate(slots, 'Australia/Lord_Howe')['2027-04-04']?.map((slot) => slot.start)).toEqual([
      '2027-04-04T01:00:00+11:00',
      '2027-04-04T01:30:00+11:00',
      '2027-04-04T01:30:00+10:30',
      '2027-04-04T02:00:00+10:30',
      '2027-04-04T02:30:00+10:30',
    ]);
  });
});

describe('America/Santiago: the change happens at midnight (2026-09-06 00:00 -04 -> 01:00 -03)', () => {
  it('Saturday 22:00-24:00 and Sunday 00:00-02:00 form one three-hour interval', () => {
    const slots = computeSlotStarts(
      slotInput({
        scheduleTimeZone: 'America/Santiago',
        rangeStart: at('2026-09-05T00:00:00-04:00'),
        rangeEnd: at('2026-09-07T00:00:00-03:00'),
        availability: [
          { dayOfWeek: 6, startTime: '22:00', endTime: '24:00' },
          { dayOfWeek: SUN, startTime: '00:00', endTime: '02:00' },
        ],
      }),
    );
    expect(groupSlotsByLocalDate(slots, 'America/Santiago')).toEqual({
      '2026-09-05': [
        { start: '2026-09-05T22:00:00-04:00', end: '2026-09-05T23:00:00-04:00' },
        { start: '2026-09-05T23:00:00-04:00', end: '2026-09-06T01:00:00-03:00' },
      ],
      '2026-09-06': [{ start: '2026-09-06T01:00:00-03:00', end: '2026-09-06T02:00:00-03:00' }],
    });
  });
});

describe('fixed odd offsets', () => {
  const monday = { rangeStart: at('2027-02-28T00:00:00Z'), rangeEnd: at('2027-03-03T00:00:00Z') };
  const nineToTen = [{ dayOfWeek: MON, startTime: '09:00', endTime: '10:00' }];

  it('Asia/Kolkata (+05:30)', () => {
    const slots = computeSlotStarts(
      slotInput({ ...monday, scheduleTimeZone: 'Asia/Kolkata', durationMinutes: 30, slotIntervalMinutes: 30, availability: nineToTen }),
    );
    expect(startsOf(slots)).toEqual(['2027-03-01T03:30:00Z', '2027-03-01T04:00:00Z'].map(utc));
    expect(groupSlotsByLocalDate(slots, 'Asia/Kolkata')).toEqual({
      '2027-03-01': [
        { start: '2027-03-01T09:00:00+05:30', end: '2027-03-01T09:30:00+05:30' },
        { start: '2027-03-01T09:30:00+05:30', end: '2027-03-01T10:00:00+05:30' },
      ],
    });
    expect(groupSlotsByLocalDate(slots, 'UTC')).toEqual({
      '2027-03-01': [
        { start: '2027-03-01T03:30:00+00:00', end: '2027-03-01T04:00:00+00:00' },
        { start: '2027-03-01T04:00:00+00:00', end: '2027-03-01T04:30:00+00:00' },
      ],
    });
  });

  it('Asia/Kathmandu (+05:45)', () => {
    const slots = computeSlotStarts(
      slotInput({ ...monday, scheduleTimeZone: 'Asia/Kathmandu', durationMinutes: 30, slotIntervalMinutes: 30, availability: nineToTen }),
    );
    expect(startsOf(slots)).toEqual(['2027-03-01T03:15:00Z', '2027-03-01T03:45:00Z'].map(utc));
    expect(groupSlotsByLocalDate(slots, 'Asia/Kathmandu')['2027-03-01']).toEqual([
      { start: '2027-03-01T09:00:00+05:45', end: '2027-03-01T09:30:00+05:45' },
      { start: '2027-03-01T09:30:00+05:45', end: '2027-03-01T10:00:00+05:45' },
    ]);
  });

  it('Pacific/Kiritimati (+14): Monday morning there is Sunday in UTC and Los Angeles', () => {
    const slots = computeSlotStarts(slotInput({ ...monday, scheduleTimeZone: 'Pacific/Kiritimati', availability: nineToTen }));
    expect(startsOf(slots)).toEqual(['2027-02-28T19:00:00Z'].map(utc));
    expect(groupSlotsByLocalDate(slots, 'Pacific/Kiritimati')).toEqual({
      '2027-03-01': [{ start: '2027-03-01T09:00:00+14:00', end: '2027-03-01T10:00:00+14:00' }],
    });
    expect(groupSlotsByLocalDate(slots, 'America/Los_Angeles')).toEqual({
      '2027-02-28': [{ start: '2027-02-28T11:00:00-08:00', end: '2027-02-28T12:00:00-08:00' }],
    });
  });
});

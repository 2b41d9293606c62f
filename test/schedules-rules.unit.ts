import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  availabilityIssues,
  endMinutes,
  isCalendarDate,
  isEndTime,
  isStartTime,
  overrideClash,
  overrideIssues,
  overrideListIssues,
  overridesClash,
  startMinutes,
  type WeeklyRangeInput,
} from '../src/schedules/rules';

const range = (day_of_week: number, start_time: string, end_time: string): WeeklyRangeInput => ({ day_of_week, start_time, end_time });
const paths = (issues: { path: (string | number)[] }[]) => issues.map((i) => i.path.join('.'));

describe('times', () => {
  it('reads HH:MM as minutes since midnight', () => {
    expect(startMinutes('00:00')).toBe(0);
    expect(startMinutes('09:30')).toBe(570);
    expect(startMinutes('23:59')).toBe(1439);
    expect(endMinutes('24:00')).toBe(1440);
  });

  it('allows 24:00 only as an end time', () => {
    expect(isStartTime('24:00')).toBe(false);
    expect(isEndTime('24:00')).toBe(true);
  });

  it.each(['24:01', '25:00', '9:00', '09:60', '0900', '09:00:00', '', ' 09:00', '09:00 '])('rejects %j', (t) => {
    expect(isStartTime(t)).toBe(false);
    expect(isEndTime(t)).toBe(false);
  });

  it('accepts every minute of the day and nothing else of that shape', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 99 }), (h, m) => {
        const t = `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
        const valid = h < 24 && m < 60;
        expect(isStartTime(t)).toBe(valid);
        if (valid) expect(startMinutes(t)).toBe(h * 60 + m);
      }),
    );
  });
});

describe('isCalendarDate', () => {
  it.each(['2025-12-24', '2024-02-29', '2000-01-01', '2100-12-31', '2000-02-29'])('accepts %s', (d) => {
    expect(isCalendarDate(d)).toBe(true);
  });

  it.each([
    ['2025-02-30', 'a day February does not have'],
    ['2025-02-29', 'a leap day of a common year'],
    ['2100-02-29', 'a leap day of a century that is not a leap year'],
    ['2025-04-31', 'the 31st of a 30-day month'],
    ['2025-13-01', 'month 13'],
    ['2025-00-10', 'month 0'],
    ['2025-01-00', 'day 0'],
    ['1999-12-31', 'a year before 2000'],
    ['2101-01-01', 'a year after 2100'],
    ['2025-1-05', 'a short month'],
    ['2025-12-24T00:00:00Z', 'an instant'],
    ['24/12/2025', 'another format'],
  ])('rejects %s (%s)', (d) => {
    expect(isCalendarDate(d)).toBe(false);
  });

  it('agrees with the calendar of Date for every day of 2000-2100', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2000, max: 2100 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 31 }),
        (y, m, d) => {
          const s = `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
          const real = new Date(Date.UTC(y, m - 1, d)).getUTCDate() === d;
          expect(isCalendarDate(s)).toBe(real);
        },
      ),
    );
  });
});

describe('availabilityIssues', () => {
  it('accepts several ranges a day, adjacent ranges, and ranges to 24:00', () => {
    expect(
      availabilityIssues([range(1, '09:00', '12:00'), range(1, '12:00', '17:00'), range(2, '18:00', '24:00'), range(2, '00:00', '01:00')]),
    ).toEqual([]);
  });

  it('accepts the same hours on different days', () => {
    expect(availabilityIssues([range(1, '09:00', '17:00'), range(2, '09:00', '17:00')])).toEqual([]);
  });

  it('rejects a range that ends at or before its start, at its end_time', () => {
    const issues = availabilityIssues([range(1, '09:00', '17:00'), range(2, '17:00', '09:00'), range(3, '10:00', '10:00')]);
    expect(paths(issues)).toEqual(['1.end_time', '2.end_time']);
    expect(issues[0]!.message).toMatch(/after start_time/);
  });

  it('rejects overlapping ranges of the same day, naming both', () => {
    const issues = availabilityIssues([range(1, '09:00', '12:00'), range(2, '09:00', '12:00'), range(1, '11:00', '13:00')]);
    expect(paths(issues)).toEqual(['2']);
    expect(issues[0]!.message).toBe('Monday 11:00-13:00 overlaps Monday 09:00-12:00 (availability.0)');
  });

  it('rejects a range contained in another and an exact duplicate', () => {
    expect(paths(availabilityIssues([range(0, '08:00', '18:00'), range(0, '10:00', '11:00')]))).toEqual(['1']);
    expect(paths(availabilityIssues([range(6, '10:00', '11:00'), range(6, '10:00', '11:00')]))).toEqual(['1']);
  });

  it('leaves malformed times to the field validators', () => {
    expect(availabilityIssues([range(1, '25:00', '12:00'), range(1, '09:00', 'noon')])).toEqual([]);
  });

  it('finds an overlap exactly when two same-day minute ranges intersect', () => {
    const time = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
    const span = fc.tuple(fc.integer({ min: 0, max: 1439 }), fc.integer({ min: 1, max: 1440 })).filter(([s, e]) => s < e);
    fc.assert(
      fc.property(span, span, ([s1, e1], [s2, e2]) => {
        const issues = availabilityIssues([range(4, time(s1), time(e1)), range(4, time(s2), time(e2))]);
        expect(issues.length > 0).toBe(s1 < e2 && s2 < e1);
      }),
    );
  });
});

describe('overrideIssues', () => {
  it('accepts a whole-day block (no times, or null times) and a range', () => {
    expect(overrideIssues({ date: '2025-12-24' })).toEqual([]);
    expect(overrideIssues({ date: '2025-12-24', start_time: null, end_time: null })).toEqual([]);
    expect(overrideIssues({ date: '2025-12-24', start_time: '09:00', end_time: '24:00' })).toEqual([]);
  });

  it('wants start_time and end_time together, pointing at the missing one', () => {
    expect(paths(overrideIssues({ date: '2025-12-24', start_time: '09:00' }))).toEqual(['end_time']);
    expect(paths(overrideIssues({ date: '2025-12-24', end_time: '12:00' }))).toEqual(['start_time']);
    expect(paths(overrideIssues({ date: '2025-12-24', start_time: '09:00', end_time: null }))).toEqual(['end_time']);
  });

  it('rejects a range that does not start before it ends', () => {
    expect(paths(overrideIssues({ date: '2025-12-24', start_time: '12:00', end_time: '09:00' }))).toEqual(['end_time']);
  });
});

describe('overrideListIssues', () => {
  it('accepts non-overlapping ranges on one date and blocks on different dates', () => {
    expect(
      overrideListIssues([
        { date: '2025-12-24', start_time: '09:00', end_time: '12:00' },
        { date: '2025-12-24', start_time: '12:00', end_time: '14:00' },
        { date: '2025-12-25' },
        { date: '2025-12-26' },
      ]),
    ).toEqual([]);
  });

  it('rejects a whole-day block and a range on the same date, in either order', () => {
    const a = overrideListIssues([{ date: '2025-12-24' }, { date: '2025-12-24', start_time: '09:00', end_time: '12:00' }]);
    expect(paths(a)).toEqual(['1']);
    expect(a[0]!.message).toBe(
      '2025-12-24 09:00-12:00 clashes with 2025-12-24 (whole day) (date_overrides.0): a date has either one whole-day block or non-overlapping time ranges',
    );
    const b = overrideListIssues([{ date: '2025-12-24', start_time: '09:00', end_time: '12:00' }, { date: '2025-12-24' }]);
    expect(paths(b)).toEqual(['1']);
  });

  it('rejects two whole-day blocks of one date and overlapping ranges of one date', () => {
    expect(paths(overrideListIssues([{ date: '2025-12-24' }, { date: '2025-12-24' }]))).toEqual(['1']);
    const issues = overrideListIssues([
      { date: '2025-12-24', start_time: '09:00', end_time: '12:00' },
      { date: '2025-12-24', start_time: '11:59', end_time: '13:00' },
    ]);
    expect(paths(issues)).toEqual(['1']);
    expect(issues[0]!.message).toMatch(/^2025-12-24 11:59-13:00 clashes with 2025-12-24 09:00-12:00 \(date_overrides\.0\)/);
  });

  it('reports each entry’s own problems under its index', () => {
    expect(
      paths(overrideListIssues([{ date: '2025-12-24', start_time: '09:00' }, { date: '2025-12-25', start_time: '10:00', end_time: '09:00' }])),
    ).toEqual(['0.end_time', '1.end_time']);
  });
});

describe('overrideClash (a new override against stored ones)', () => {
  const stored = [
    { id: 7, date: '2025-12-24', start_time: '09:00', end_time: '12:00' },
    { id: 8, date: '2025-12-31', start_time: null, end_time: null },
  ];

  it('allows an adjacent range and any other date', () => {
    expect(overrideClash(stored, { date: '2025-12-24', start_time: '12:00', end_time: '13:00' })).toBeNull();
    expect(overrideClash(stored, { date: '2025-12-25' })).toBeNull();
  });

  it('names the stored override it clashes with', () => {
    expect(overrideClash(stored, { date: '2025-12-24' })).toBe(
      '2025-12-24 (whole day) clashes with override 7 (2025-12-24 09:00-12:00): a date has either one whole-day block or non-overlapping time ranges',
    );
    expect(overrideClash(stored, { date: '2025-12-31', start_time: '10:00', end_time: '11:00' })).toMatch(/override 8/);
    expect(overrideClash(stored, { date: '2025-12-24', start_time: '08:00', end_time: '09:01' })).toMatch(/override 7/);
  });

  it('is symmetric', () => {
    const a = { date: '2025-12-24', start_time: '09:00', end_time: '10:00' };
    const b = { date: '2025-12-24' };
    expect(overridesClash(a, b)).toBe(true);
    expect(overridesClash(b, a)).toBe(true);
  });
});

// Occurrences of a recurring series (src/slots/recurrence.ts): hand-worked DST and short-month cases, and
// properties checked against local dates and wall times read by Intl.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { occurrenceStarts } from '../src/slots/recurrence';
import type { RecurrenceFreq } from '../src/db/json-types';
import { runs } from './runs';

const at = (iso: string) => Date.parse(iso);
const isoOf = (ts: number[]) => ts.map((t) => new Date(t).toISOString());

const wallFormats = new Map<string, Intl.DateTimeFormat>();
/** "YYYY-MM-DD HH:MM" on the zone's wall clock, read by Intl. */
function wall(zone: string, t: number): string {
  let f = wallFormats.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    wallFormats.set(zone, f);
  }
  const p = Object.fromEntries(f.formatToParts(t).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

describe('hand-worked series', () => {
  it('weekly across the New York spring change keeps 09:00 on the host clock (14:00Z, then 13:00Z)', () => {
    const starts = occurrenceStarts(at('2027-03-01T14:00:00Z'), { freq: 'weekly', interval: 1 }, 4, 'America/New_York');
    expect(isoOf(starts)).toEqual(['2027-03-01T14:00:00.000Z', '2027-03-08T14:00:00.000Z', '2027-03-15T13:00:00.000Z', '2027-03-22T13:00:00.000Z']);
  });

  it('every two weeks across the Berlin autumn change', () => {
    const starts = occurrenceStarts(at('2027-10-18T08:30:00Z'), { freq: 'weekly', interval: 2 }, 3, 'Europe/Berlin');
    expect(isoOf(starts)).toEqual(['2027-10-18T08:30:00.000Z', '2027-11-01T09:30:00.000Z', '2027-11-15T09:30:00.000Z']);
  });

  it('monthly on the 31st skips the months without one, as RRULE does', () => {
    const starts = occurrenceStarts(at('2027-01-31T10:00:00Z'), { freq: 'monthly', interval: 1 }, 5, 'UTC');
    expect(isoOf(starts)).toEqual(['2027-01-31T10:00:00.000Z', '2027-03-31T10:00:00.000Z', '2027-05-31T10:00:00.000Z', '2027-07-31T10:00:00.000Z', '2027-08-31T10:00:00.000Z']);
  });

  it('the 31st is the host’s local date, not the UTC one', () => {
    // 2027-01-31 09:00 in Tokyo is 2027-01-31T00:00Z; 2027-03-31 09:00 Tokyo is 2027-03-31T00:00Z.
    const tokyo = occurrenceStarts(at('2027-01-31T00:00:00Z'), { freq: 'monthly', interval: 1 }, 2, 'Asia/Tokyo');
    expect(isoOf(tokyo)).toEqual(['2027-01-31T00:00:00.000Z', '2027-03-31T00:00:00.000Z']);
    // 2027-01-30 20:00 in Los Angeles is 2027-01-31T04:00Z: a series on the 30th, which February lacks too.
    const la = occurrenceStarts(at('2027-01-31T04:00:00Z'), { freq: 'monthly', interval: 1 }, 2, 'America/Los_Angeles');
    expect(isoOf(la)).toEqual(['2027-01-31T04:00:00.000Z', '2027-03-31T03:00:00.000Z']);
  });

  it('yearly on February 29th waits for leap years', () => {
    const starts = occurrenceStarts(at('2028-02-29T12:00:00Z'), { freq: 'yearly', interval: 1 }, 3, 'UTC');
    expect(isoOf(starts)).toEqual(['2028-02-29T12:00:00.000Z', '2032-02-29T12:00:00.000Z', '2036-02-29T12:00:00.000Z']);
  });

  it('a wall time in a spring-forward gap resolves to the jump; a repeated one to its first occurrence', () => {
    // 02:30 New York: 2027-03-14 has no 02:30 (02:00 EST -> 03:00 EDT = 07:00Z).
    const gap = occurrenceStarts(at('2027-03-07T07:30:00Z'), { freq: 'weekly', interval: 1 }, 2, 'America/New_York');
    expect(isoOf(gap)).toEqual(['2027-03-07T07:30:00.000Z', '2027-03-14T07:00:00.000Z']);
    // 01:30 New York on 2027-11-07 happens twice: 05:30Z (EDT) first.
    const repeated = occurrenceStarts(at('2027-10-31T05:30:00Z'), { freq: 'weekly', interval: 1 }, 2, 'America/New_York');
    expect(isoOf(repeated)).toEqual(['2027-10-31T05:30:00.000Z', '2027-11-07T05:30:00.000Z']);
  });

  it('a weekly series over the midnight gap of America/Santiago lands on the jump (Sunday 6 September 2026, 00:15 does not exist)', () => {
    // Sunday 2026-08-30 00:15 in Santiago (UTC-4) = 04:15Z; on 6 September clocks jump from 00:00 to 01:00 (UTC-3).
    const starts = occurrenceStarts(at('2026-08-30T04:15:00Z'), { freq: 'weekly', interval: 1 }, 3, 'America/Santiago');
    expect(starts.map((t) => wall('America/Santiago', t))).toEqual(['2026-08-30 00:15', '2026-09-06 01:00', '2026-09-13 00:15']);
  });

  it('a count of one is the first occurrence alone', () => {
    expect(occurrenceStarts(at('2027-01-31T10:00:00Z'), { freq: 'monthly', interval: 3 }, 1, 'UTC')).toEqual([at('2027-01-31T10:00:00Z')]);
  });
});

const ZONES = ['UTC', 'America/New_York', 'Europe/Berlin', 'Australia/Lord_Howe', 'Pacific/Chatham', 'America/Santiago', 'Asia/Kathmandu', 'Pacific/Tongatapu'];

describe('properties', () => {
  const series = fc.record({
    zone: fc.constantFrom(...ZONES),
    // Quarter hours from 2026-01-01 over about three years.
    quarter: fc.integer({ min: 0, max: 3 * 365 * 96 }),
    freq: fc.constantFrom<RecurrenceFreq>('weekly', 'monthly', 'yearly'),
    interval: fc.integer({ min: 1, max: 12 }),
    count: fc.integer({ min: 1, max: 52 }),
  });

  it('count occurrences, strictly later each, each on the first one’s wall time when that time exists, on the right local dates', () => {
    fc.assert(
      fc.property(series, ({ zone, quarter, freq, interval, count }) => {
        const first = at('2026-01-01T00:00:00Z') + quarter * 900_000;
        const starts = occurrenceStarts(first, { freq, interval }, count, zone);
        expect(starts).toHaveLength(count);
        expect(starts[0]).toBe(first);
        const [firstDate, firstTime] = wall(zone, first).split(' ') as [string, string];
        const [fy, fm, fd] = firstDate.split('-').map(Number) as [number, number, number];
        let previousDate = firstDate;
        for (const t of starts.slice(1)) {
          const [date, time] = wall(zone, t).split(' ') as [string, string];
          expect(date > previousDate).toBe(true);
          // Same wall time, unless the zone skipped it that day (then the clock reads later, within the jump).
          if (time !== firstTime) {
            expect(time > firstTime).toBe(true);
            // The minute before the jump reads earlier than the wanted wall time: compared as date and time, since a
            // gap at midnight (America/Santiago in September) puts that minute on the previous date.
            expect(wall(zone, t - 60_000) < `${date} ${firstTime}`).toBe(true);
          }
          const [y, m, d] = date.split('-').map(Number) as [number, number, number];
          if (freq === 'weekly') expect((Date.UTC(y, m - 1, d) - Date.UTC(fy, fm - 1, fd)) / 86_400_000 % (7 * interval)).toBe(0);
          if (freq === 'monthly') expect([d, ((y - fy) * 12 + m - fm) % interval]).toEqual([fd, 0]);
          if (freq === 'yearly') expect([m, d, (y - fy) % interval]).toEqual([fm, fd, 0]);
          previousDate = date;
        }
      }),
      { numRuns: runs(300) },
    );
  }, 120_000);

  it('no date that exists is skipped: monthly occurrences are the months having that day, in order', () => {
    fc.assert(
      fc.property(series, ({ zone, quarter, interval, count }) => {
        const first = at('2026-01-01T00:00:00Z') + quarter * 900_000;
        const starts = occurrenceStarts(first, { freq: 'monthly', interval }, count, zone);
        const [fy, fm, fd] = wall(zone, first).split(' ')[0]!.split('-').map(Number) as [number, number, number];
        const expected: string[] = [];
        for (let k = 0; expected.length < count; k++) {
          const d = new Date(Date.UTC(fy, fm - 1 + k * interval, fd));
          if (d.getUTCDate() === fd) expected.push(d.toISOString().slice(0, 10));
        }
        expect(starts.map((t) => wall(zone, t).split(' ')[0])).toEqual(expected);
      }),
      { numRuns: runs(200) },
    );
  }, 120_000);
});

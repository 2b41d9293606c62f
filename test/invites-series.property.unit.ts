// The invitation of a recurring series (src/invites/): one VEVENT with an RRULE, its times in the host's zone with
// that zone's VTIMEZONE. Checked against ical.js (a library we did not write): expanding our RRULE in our VTIMEZONE
// gives the very occurrences the series booked (src/slots/recurrence.ts), across DST and short months.
import fc from 'fast-check';
import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { occurrenceStarts } from '../src/slots/recurrence';
import { bookingEvent } from '../src/invites/booking-event';
import { renderCalendar } from '../src/invites/ics';
import { observances, vtimezoneLines } from '../src/invites/vtimezone';
import { zoneOffsetAt } from '../src/lib/time';
import { calendarBooking } from './invites-helpers';
import type { RecurrenceFreq } from '../src/db/json-types';
import { runs } from './runs';

const SITE = { domain: 'calflare.test', bookingUrl: null };
const at = (iso: string) => Date.parse(iso);

/** The master invite of a series from `first`, as the first occurrence's creation email carries it. */
function seriesInvite(zone: string, first: number, rule: { freq: RecurrenceFreq; interval: number }, count: number): string {
  const starts = occurrenceStarts(first, rule, count, zone);
  const data = calendarBooking({ uid: 'bk_first', startAt: first, endAt: first + 30 * 60_000, series: { uid: 'rb_series', recurrenceStart: first, master: { rule, count, zone, lastStart: starts.at(-1)! } } });
  return renderCalendar({ method: 'REQUEST', events: [bookingEvent(data, SITE, at('2026-11-30T00:00:00Z'))] });
}

/** The occurrence starts a calendar client computes from the file: ical.js with the file's own VTIMEZONE. */
function expandWithIcalJs(ics: string, limit: number): number[] {
  const root = new ICAL.Component(ICAL.parse(ics));
  for (const vtz of root.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(new ICAL.Timezone(vtz));
  try {
    const event = new ICAL.Event(root.getFirstSubcomponent('vevent')!);
    const it = event.iterator();
    const out: number[] = [];
    for (let next = it.next(); next && out.length < limit + 1; next = it.next()) out.push(next.toJSDate().getTime());
    return out;
  } finally {
    ICAL.TimezoneService.reset();
  }
}

describe('the series invitation', () => {
  it('weekly 09:00 New York across the spring change: TZID times, the RRULE, the zone with both offsets', () => {
    const ics = seriesInvite('America/New_York', at('2027-03-01T14:00:00Z'), { freq: 'weekly', interval: 1 }, 4);
    expect(ics).toContain('UID:rb_series@calflare.test\r\n');
    expect(ics).toContain('DTSTART;TZID=America/New_York:20270301T090000\r\n');
    expect(ics).toContain('DTEND;TZID=America/New_York:20270301T093000\r\n');
    expect(ics).toContain('RRULE:FREQ=WEEKLY;INTERVAL=1;COUNT=4\r\n');
    expect(ics).not.toContain('RECURRENCE-ID');
    expect(ics.indexOf('BEGIN:VTIMEZONE')).toBeLessThan(ics.indexOf('BEGIN:VEVENT'));
    expect(ics).toContain('BEGIN:DAYLIGHT\r\nDTSTART:20270314T020000\r\nTZOFFSETFROM:-0500\r\nTZOFFSETTO:-0400\r\nEND:DAYLIGHT');
    expect(expandWithIcalJs(ics, 4).map((t) => new Date(t).toISOString())).toEqual([
      '2027-03-01T14:00:00.000Z',
      '2027-03-08T14:00:00.000Z',
      '2027-03-15T13:00:00.000Z',
      '2027-03-22T13:00:00.000Z',
    ]);
  });

  it('monthly on the 31st skips the short months in the client too', () => {
    const ics = seriesInvite('Europe/Berlin', at('2027-01-31T09:00:00Z'), { freq: 'monthly', interval: 1 }, 4);
    expect(expandWithIcalJs(ics, 4).map((t) => new Date(t).toISOString().slice(0, 10))).toEqual(['2027-01-31', '2027-03-31', '2027-05-31', '2027-07-31']);
  });

  it('an occurrence message names the occurrence by its start in the series, in UTC, under the series uid', () => {
    const data = calendarBooking({ uid: 'bk_third', status: 'cancelled', sequence: 1, series: { uid: 'rb_series', recurrenceStart: at('2027-03-15T13:00:00Z') } });
    const ics = renderCalendar({ method: 'CANCEL', events: [bookingEvent(data, SITE, 0)] });
    expect(ics).toContain('UID:rb_series@calflare.test\r\n');
    expect(ics).toContain('RECURRENCE-ID:20270315T130000Z\r\n');
    expect(ics).not.toContain('RRULE');
    expect(ics).not.toContain('VTIMEZONE');
  });

  it('a zone without DST has one observance; the observance in force always has the zone’s offset', () => {
    expect(vtimezoneLines('UTC', at('2027-01-01T00:00:00Z'), at('2028-01-01T00:00:00Z')).filter((l) => l.startsWith('BEGIN:'))).toEqual(['BEGIN:VTIMEZONE', 'BEGIN:STANDARD']);
    const ZONES = ['America/New_York', 'Europe/Berlin', 'Australia/Lord_Howe', 'Pacific/Chatham', 'America/Santiago', 'Asia/Kathmandu'];
    fc.assert(
      fc.property(fc.constantFrom(...ZONES), fc.integer({ min: 0, max: 2 * 365 * 24 * 4 }), (zone, quarter) => {
        const from = at('2027-01-01T00:00:00Z');
        const t = from + quarter * 900_000;
        const list = observances(zone, from, at('2029-01-01T00:00:00Z'));
        const inForce = list.filter((o) => o.at <= t).at(-1)!;
        expect(inForce.to).toBe(zoneOffsetAt(zone, t));
      }),
      { numRuns: runs(200) },
    );
  });
});

/**
 * Whether the wall time of `t` happens twice in `zone` (the hour a fall-back repeats). RFC 5545 (3.3.5) and our rule
 * take the first; ical.js takes the second, so the property leaves these out and a hand-worked case pins ours.
 */
function repeatedWallTime(zone: string, t: number): boolean {
  const wall = t + zoneOffsetAt(zone, t);
  return [30, 60, 120].some((minutes) => {
    const later = t + minutes * 60_000;
    return later + zoneOffsetAt(zone, later) === wall;
  });
}

describe('a wall time the zone repeats (fall-back)', () => {
  it('is its first occurrence in our series (RFC 5545), where ical.js would take the second', () => {
    // Santiago falls back at 24:00 on 3 April 2027: 23:00 happens at -03 (02:00Z) and again at -04 (03:00Z).
    const first = at('2027-01-04T02:00:00Z'); // 3 January, 23:00 at -03
    const starts = occurrenceStarts(first, { freq: 'monthly', interval: 1 }, 4, 'America/Santiago');
    expect(starts.map((t) => new Date(t).toISOString())).toEqual(['2027-01-04T02:00:00.000Z', '2027-02-04T02:00:00.000Z', '2027-03-04T02:00:00.000Z', '2027-04-04T02:00:00.000Z']);
    expect(repeatedWallTime('America/Santiago', starts[3]!)).toBe(true);
    expect(repeatedWallTime('America/Santiago', starts[2]!)).toBe(false);
    const theirs = expandWithIcalJs(seriesInvite('America/Santiago', first, { freq: 'monthly', interval: 1 }, 4), 4);
    expect(new Date(theirs[3]!).toISOString()).toBe('2027-04-04T03:00:00.000Z');
  });
});

describe('a yearly series from 29 February', () => {
  it('meets again on the next 29 February (RFC 5545 skips the years without one), where ical.js rolls over to 1 March', () => {
    // Lord Howe is at +11 in February: 13:00Z on 28 February is midnight of the 29th there.
    const first = at('2028-02-28T13:00:00Z');
    const starts = occurrenceStarts(first, { freq: 'yearly', interval: 1 }, 2, 'Australia/Lord_Howe');
    expect(starts.map((t) => new Date(t).toISOString())).toEqual(['2028-02-28T13:00:00.000Z', '2032-02-28T13:00:00.000Z']);
    const theirs = expandWithIcalJs(seriesInvite('Australia/Lord_Howe', first, { freq: 'yearly', interval: 1 }, 2), 2);
    expect(new Date(theirs[1]!).toISOString()).toBe('2029-02-28T13:00:00.000Z');
  });
});

/** A yearly series whose first meeting is on 29 February in `zone`: where ical.js and RFC 5545 part (above). */
const fromLeapDay = (zone: string, first: number, freq: RecurrenceFreq) =>
  freq === 'yearly' && new Date(first + zoneOffsetAt(zone, first)).toISOString().slice(5, 10) === '02-29';

describe('property: a client expanding our RRULE gets the booked occurrences', () => {
  const ZONES = ['UTC', 'America/New_York', 'Europe/Berlin', 'Australia/Lord_Howe', 'Pacific/Chatham', 'America/Santiago', 'Asia/Kathmandu'];
  it('for every occurrence whose wall time exists once (a time inside a DST gap is where RFC 5545 and our rule differ; a repeated one, and a yearly series from 29 February, are where ical.js and RFC 5545 differ)', () => {
    fc.assert(
      fc.property(
        fc.record({
          zone: fc.constantFrom(...ZONES),
          quarter: fc.integer({ min: 0, max: 2 * 365 * 96 }),
          freq: fc.constantFrom<RecurrenceFreq>('weekly', 'monthly', 'yearly'),
          interval: fc.integer({ min: 1, max: 3 }),
          count: fc.integer({ min: 2, max: 12 }),
        }),
        ({ zone, quarter, freq, interval, count }) => {
          const first = at('2027-01-01T00:00:00Z') + quarter * 900_000;
          if (fromLeapDay(zone, first, freq)) return;
          const ours = occurrenceStarts(first, { freq, interval }, count, zone);
          const theirs = expandWithIcalJs(seriesInvite(zone, first, { freq, interval }, count), count);
          expect(theirs).toHaveLength(count);
          const wallMinute = (t: number) => Math.floor(((t + zoneOffsetAt(zone, t)) % 86_400_000) / 60_000);
          ours.forEach((t, i) => {
            if (wallMinute(t) === wallMinute(first) && !repeatedWallTime(zone, t)) expect(new Date(theirs[i]!).toISOString(), `occurrence ${i}`).toBe(new Date(t).toISOString());
          });
        },
      ),
      { numRuns: runs(150) },
    );
  });
});

// Busy time from iCalendar feeds as Google, Outlook and Apple export them (fixtures in test/fixtures/calendars/).
import { describe, expect, it } from 'vitest';
import { icsBusy, IcsError, ianaNameOf, type BusyOptions } from '../src/calendars/ics-busy';
import apple from './fixtures/calendars/apple.ics?raw';
import google from './fixtures/calendars/google.ics?raw';
import outlook from './fixtures/calendars/outlook.ics?raw';

const iso = (t: number) => new Date(t).toISOString().replace('.000', '');
const spansOf = (text: string, opts: Partial<BusyOptions> & { hostTimeZone: string }) =>
  icsBusy(text, {
    window: { start: Date.UTC(2026, 9, 15), end: Date.UTC(2026, 10, 20) },
    includeTransparent: false,
    ownUidDomain: 'cal.example.com',
    ...opts,
  }).spans.map((s) => `${iso(s.start)}/${iso(s.end)}`);

const vcal = (...lines: string[]) => ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//EN', ...lines, 'END:VCALENDAR', ''].join('\r\n');
const vevent = (...lines: string[]) => ['BEGIN:VEVENT', 'DTSTAMP:20260101T000000Z', ...lines, 'END:VEVENT'].join('\r\n');

describe('Google export', () => {
  const spans = spansOf(google, { hostTimeZone: 'America/New_York' });

  it('a weekly series keeps its wall-clock time across the DST change, minus EXDATE, moved and cancelled instances', () => {
    // Mondays 09:30-10:00 New York: Oct 19 (EDT), Oct 26 excluded, Nov 2 moved to Nov 3 14:00, Nov 9 cancelled, Nov 16 (EST).
    expect(spans).toContain('2026-10-19T13:30:00Z/2026-10-19T14:00:00Z');
    expect(spans).toContain('2026-11-03T19:00:00Z/2026-11-03T19:30:00Z');
    expect(spans).toContain('2026-11-16T14:30:00Z/2026-11-16T15:00:00Z');
    for (const freed of ['2026-10-26T13:30', '2026-11-02T14:30', '2026-11-09T14:30']) {
      expect(spans.some((s) => s.startsWith(freed))).toBe(false);
    }
  });

  it('an all-day event blocks the host\'s whole local date', () => {
    expect(spans).toContain('2026-10-21T04:00:00Z/2026-10-22T04:00:00Z');
  });

  it('COUNT and UNTIL end their series; transparent, cancelled and our own invites are skipped', () => {
    expect(spans).toEqual([
      '2026-10-19T13:30:00Z/2026-10-19T14:00:00Z',
      '2026-10-21T04:00:00Z/2026-10-22T04:00:00Z',
      '2026-11-01T08:00:00Z/2026-11-01T08:30:00Z',
      '2026-11-02T08:00:00Z/2026-11-02T08:30:00Z',
      '2026-11-03T08:00:00Z/2026-11-03T08:30:00Z',
      '2026-11-03T19:00:00Z/2026-11-03T19:30:00Z',
      '2026-11-10T22:00:00Z/2026-11-10T23:00:00Z',
      '2026-11-11T22:00:00Z/2026-11-11T23:00:00Z',
      '2026-11-12T22:00:00Z/2026-11-12T23:00:00Z',
      '2026-11-16T14:30:00Z/2026-11-16T15:00:00Z',
    ]);
  });

  it('include_transparent counts the transparent event too', () => {
    expect(spansOf(google, { hostTimeZone: 'America/New_York', includeTransparent: true })).toContain('2026-10-22T12:00:00Z/2026-10-22T13:00:00Z');
  });

  it('without an own-invite domain our booking in the feed is busy like any event', () => {
    expect(spansOf(google, { hostTimeZone: 'America/New_York', ownUidDomain: null })).toContain('2026-10-20T15:00:00Z/2026-10-20T15:30:00Z');
  });
});

describe('Outlook export', () => {
  const spans = spansOf(outlook, { hostTimeZone: 'Europe/Berlin' });

  it('reads Windows zone names, through the VTIMEZONE or the CLDR table, and X-MICROSOFT-CDO-BUSYSTATUS', () => {
    expect(spans).toEqual([
      // Weekly sync, Tuesdays 10:00 "W. Europe Standard Time": CEST, then CET after Oct 25; UNTIL includes Nov 10.
      '2026-10-20T08:00:00Z/2026-10-20T09:00:00Z',
      // "Pacific Standard Time" has no VTIMEZONE in the feed: America/Los_Angeles (PDT) via windowsZones.
      '2026-10-21T16:00:00Z/2026-10-21T17:00:00Z',
      // Out of office all day (Berlin date), while the BUSYSTATUS:FREE focus time is skipped.
      '2026-10-22T22:00:00Z/2026-10-23T22:00:00Z',
      '2026-10-27T09:00:00Z/2026-10-27T10:00:00Z',
      '2026-11-03T09:00:00Z/2026-11-03T10:00:00Z',
      '2026-11-10T09:00:00Z/2026-11-10T10:00:00Z',
    ]);
  });

  it('maps Windows names and prefixed TZIDs to IANA zones', () => {
    expect(ianaNameOf('W. Europe Standard Time')).toBe('Europe/Berlin');
    expect(ianaNameOf('Eastern Standard Time')).toBe('America/New_York');
    expect(ianaNameOf('/mozilla.org/20050126_1/Europe/Paris')).toBe('Europe/Paris');
    expect(ianaNameOf('Nowhere Standard Time')).toBeNull();
  });
});

describe('Apple export', () => {
  it('DURATION, COUNT with INTERVAL, RDATE, floating times in the host zone; transparent all-day skipped', () => {
    expect(spansOf(apple, { hostTimeZone: 'Europe/London' })).toEqual([
      '2026-10-19T07:00:00Z/2026-10-19T07:45:00Z',
      '2026-10-21T07:00:00Z/2026-10-21T07:45:00Z',
      '2026-10-23T07:00:00Z/2026-10-23T07:45:00Z',
      '2026-10-25T08:00:00Z/2026-10-25T08:45:00Z',
      '2026-10-27T08:00:00Z/2026-10-27T08:45:00Z',
      '2026-10-28T15:00:00Z/2026-10-28T16:00:00Z',
      '2026-10-29T08:00:00Z/2026-10-29T08:45:00Z',
      '2026-10-31T08:00:00Z/2026-10-31T08:45:00Z',
      '2026-11-02T08:00:00Z/2026-11-02T08:45:00Z',
      '2026-11-04T08:00:00Z/2026-11-04T08:45:00Z',
      '2026-11-06T08:00:00Z/2026-11-06T08:45:00Z',
      '2026-11-10T12:00:00Z/2026-11-10T12:45:00Z',
    ]);
  });

  it('floating times follow the host zone', () => {
    expect(spansOf(apple, { hostTimeZone: 'America/New_York' })).toContain('2026-10-28T19:00:00Z/2026-10-28T20:00:00Z');
  });

  it('include_transparent blocks the weekend away as whole local dates', () => {
    expect(spansOf(apple, { hostTimeZone: 'Europe/London', includeTransparent: true })).toContain('2026-11-01T00:00:00Z/2026-11-03T00:00:00Z');
  });
});

describe('edge cases', () => {
  it('a TZID nobody knows is read in the host zone and reported', () => {
    const text = vcal(vevent('UID:x', 'DTSTART;TZID=Mars/Olympus:20261020T100000', 'DTEND;TZID=Mars/Olympus:20261020T110000'));
    const result = icsBusy(text, { hostTimeZone: 'Europe/Berlin', window: { start: Date.UTC(2026, 9, 1), end: Date.UTC(2026, 10, 1) }, includeTransparent: false, ownUidDomain: null });
    expect(result.spans).toEqual([{ start: Date.UTC(2026, 9, 20, 8), end: Date.UTC(2026, 9, 20, 9) }]);
    expect(result.unknownTimeZones).toEqual(['Mars/Olympus']);
  });

  it('a start inside the spring-forward gap takes the offset before the gap', () => {
    const text = vcal(vevent('UID:g', 'DTSTART;TZID=America/New_York:20270314T023000', 'DURATION:PT1H'));
    const result = icsBusy(text, { hostTimeZone: 'UTC', window: { start: Date.UTC(2027, 2, 1), end: Date.UTC(2027, 3, 1) }, includeTransparent: false, ownUidDomain: null });
    expect(result.spans[0]!.start).toBe(Date.UTC(2027, 2, 14, 7, 30)); // 02:30 EST = 03:30 EDT
  });

  it('a repeated wall time on the fall-back date is its first occurrence', () => {
    const text = vcal(vevent('UID:f', 'DTSTART;TZID=America/New_York:20261101T013000', 'DURATION:PT30M'));
    const result = icsBusy(text, { hostTimeZone: 'UTC', window: { start: Date.UTC(2026, 9, 1), end: Date.UTC(2026, 11, 1) }, includeTransparent: false, ownUidDomain: null });
    expect(result.spans[0]!.start).toBe(Date.UTC(2026, 10, 1, 5, 30)); // 01:30 EDT
  });

  it('instances are capped at 20,000 per feed, and the cap is reported', () => {
    const text = vcal(vevent('UID:m', 'DTSTART:20261001T000000Z', 'DURATION:PT1M', 'RRULE:FREQ=MINUTELY;INTERVAL=2'));
    // A clock that stands still (as in production Workers): on a loaded machine the rule's 250 ms would cut it first.
    const budget = { now: () => 0 };
    const result = icsBusy(text, { hostTimeZone: 'UTC', window: { start: Date.UTC(2026, 9, 1), end: Date.UTC(2026, 11, 1) }, includeTransparent: false, ownUidDomain: null, budget });
    expect(result.capped).toBe(true);
    expect(result.instances).toBe(20_000);
  });

  it('a daily series begun years ago reaches the window at once, with its COUNT index kept', () => {
    const text = vcal(vevent('UID:d', 'DTSTART:20220103T090000Z', 'DURATION:PT1H', 'RRULE:FREQ=DAILY;INTERVAL=3;COUNT=600'));
    // 600 instances every 3 days from 2022-01-03: the last is 599 * 3 days later, 2026-11-30.
    const result = icsBusy(text, { hostTimeZone: 'UTC', window: { start: Date.UTC(2026, 10, 20), end: Date.UTC(2027, 0, 1) }, includeTransparent: false, ownUidDomain: null });
    const last = Date.UTC(2022, 0, 3, 9) + 599 * 3 * 86_400_000;
    expect(result.spans.at(-1)).toEqual({ start: last, end: last + 3_600_000 });
  });

  it('text that is not iCalendar is refused with a readable error', () => {
    const opts = { hostTimeZone: 'UTC', window: { start: 0, end: 1 }, includeTransparent: false, ownUidDomain: null };
    expect(() => icsBusy('<html>Sign in</html>', opts)).toThrow(IcsError);
    expect(() => icsBusy('<html>Sign in</html>', opts)).toThrow(/not an iCalendar file/);
    expect(() => icsBusy('BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:2026\r\n', opts)).toThrow(IcsError);
  });
});

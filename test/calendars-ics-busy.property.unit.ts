// The fast expansion (src/calendars/ics-busy.ts) against ical.js's own full expansion: ical.js's Event iterator run
// from DTSTART through the window, with the feed's VTIMEZONEs registered, exceptions related through RECURRENCE-ID.
import fc from 'fast-check';
import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { icsBusy, type Span } from '../src/calendars/ics-busy';
import { runs } from './runs';

const VTIMEZONES: Record<string, string> = {
  'America/New_York': [
    'BEGIN:VTIMEZONE', 'TZID:America/New_York',
    'BEGIN:DAYLIGHT', 'TZOFFSETFROM:-0500', 'TZOFFSETTO:-0400', 'DTSTART:20070311T020000', 'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU', 'END:DAYLIGHT',
    'BEGIN:STANDARD', 'TZOFFSETFROM:-0400', 'TZOFFSETTO:-0500', 'DTSTART:20071104T020000', 'RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU', 'END:STANDARD',
    'END:VTIMEZONE',
  ].join('\r\n'),
  'Europe/Berlin': [
    'BEGIN:VTIMEZONE', 'TZID:Europe/Berlin',
    'BEGIN:DAYLIGHT', 'TZOFFSETFROM:+0100', 'TZOFFSETTO:+0200', 'DTSTART:19810329T020000', 'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU', 'END:DAYLIGHT',
    'BEGIN:STANDARD', 'TZOFFSETFROM:+0200', 'TZOFFSETTO:+0100', 'DTSTART:19961027T030000', 'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU', 'END:STANDARD',
    'END:VTIMEZONE',
  ].join('\r\n'),
};

const DAY = 86_400_000;
const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const wallText = (wall: number) => {
  const d = new Date(wall);
  return `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}T${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}00`;
};
const dateText = (wall: number) => wallText(wall).slice(0, 8);

type ZoneKind = 'America/New_York' | 'Europe/Berlin' | 'UTC' | 'floating';
const timeProp = (name: string, wall: number, zone: ZoneKind, isDate: boolean) =>
  isDate ? `${name};VALUE=DATE:${dateText(wall)}`
  : zone === 'UTC' ? `${name}:${wallText(wall)}Z`
  : zone === 'floating' ? `${name}:${wallText(wall)}`
  : `${name};TZID=${zone}:${wallText(wall)}`;

interface GenEvent {
  zone: ZoneKind;
  isDate: boolean;
  startDay: number;
  minuteOfDay: number;
  lengthMinutes: number;
  rule: null | { freq: 'DAILY' | 'WEEKLY'; interval: number; byday: number[]; limit: null | { count: number } | { untilDays: number } };
  exdates: number[];
  overrides: { k: number; cancelled: boolean; shiftHours: number }[];
  transparent: boolean;
}

const WD = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'];
const weekday = (day: number) => (((day + 4) % 7) + 7) % 7;

const eventArb: fc.Arbitrary<GenEvent> = fc.record({
  zone: fc.constantFrom<ZoneKind>('America/New_York', 'Europe/Berlin', 'UTC', 'floating'),
  isDate: fc.integer({ min: 0, max: 9 }).map((n) => n < 3),
  // 2022-01-01 .. mid 2027
  startDay: fc.integer({ min: 18_993, max: 20_600 }),
  minuteOfDay: fc.integer({ min: 8 * 4, max: 19 * 4 }).map((q) => q * 15),
  lengthMinutes: fc.integer({ min: 1, max: 16 }).map((q) => q * 15),
  rule: fc.option(
    fc.record({
      freq: fc.constantFrom<'DAILY' | 'WEEKLY'>('DAILY', 'WEEKLY'),
      interval: fc.integer({ min: 1, max: 3 }),
      byday: fc.uniqueArray(fc.integer({ min: 0, max: 6 }), { maxLength: 4 }),
      limit: fc.option(fc.oneof(fc.record({ count: fc.integer({ min: 1, max: 2000 }) }), fc.record({ untilDays: fc.integer({ min: 0, max: 2000 }) })), { freq: 2 }),
    }),
    { freq: 4 },
  ),
  exdates: fc.array(fc.integer({ min: 0, max: 1500 }), { maxLength: 3 }),
  overrides: fc.array(fc.record({ k: fc.integer({ min: 0, max: 1500 }), cancelled: fc.boolean(), shiftHours: fc.integer({ min: -30, max: 30 }) }), { maxLength: 3 }),
  transparent: fc.integer({ min: 0, max: 9 }).map((n) => n < 3),
});

function feedOf(events: GenEvent[]): string {
  const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//property//EN', VTIMEZONES['America/New_York']!, VTIMEZONES['Europe/Berlin']!];
  events.forEach((e, i) => {
    const start = e.startDay * DAY + (e.isDate ? 0 : e.minuteOfDay * 60_000);
    const lengthMs = e.isDate ? Math.ceil(e.lengthMinutes / 60) * DAY : e.lengthMinutes * 60_000;
    // An occurrence known to be on the rule: DTSTART plus k whole periods.
    const periodDays = e.rule ? (e.rule.freq === 'DAILY' ? 1 : 7) * e.rule.interval : 0;
    const occurrence = (k: number) => start + k * periodDays * DAY;
    const uid = `ev${i}@property.test`;
    const master = ['BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20260101T000000Z', timeProp('DTSTART', start, e.zone, e.isDate), timeProp('DTEND', start + lengthMs, e.zone, e.isDate)];
    if (e.transparent) master.push('TRANSP:TRANSPARENT');
    if (e.rule) {
      let rrule = `RRULE:FREQ=${e.rule.freq};INTERVAL=${e.rule.interval}`;
      if (e.rule.freq === 'WEEKLY' && e.rule.byday.length > 0) {
        const days = new Set([...e.rule.byday, weekday(e.startDay)]);
        rrule += `;BYDAY=${[...days].map((d) => WD[d]).join(',')}`;
      }
      const limit = e.rule.limit;
      if (limit && 'count' in limit) rrule += `;COUNT=${limit.count}`;
      if (limit && 'untilDays' in limit) {
        const until = start + limit.untilDays * DAY;
        rrule += `;UNTIL=${e.isDate ? dateText(until) : e.zone === 'floating' ? wallText(until) : `${wallText(until - (e.zone === 'UTC' ? 0 : 0))}Z`}`;
      }
      master.push(rrule);
      const excluded = new Set(e.exdates.map((k) => occurrence(k)));
      for (const ex of excluded) master.push(timeProp('EXDATE', ex, e.zone, e.isDate));
      master.push('END:VEVENT');
      lines.push(...master);
      // Overrides only where the occurrence surely exists (no COUNT/UNTIL cut) and is not excluded.
      if (!limit && !e.isDate) {
        const seen = new Set<number>();
        for (const o of e.overrides) {
          const rid = occurrence(o.k);
          if (excluded.has(rid) || seen.has(rid)) continue;
          seen.add(rid);
          const moved = rid + o.shiftHours * 3_600_000;
          lines.push('BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20260101T000000Z', timeProp('RECURRENCE-ID', rid, e.zone, false),
            timeProp('DTSTART', moved, e.zone, false), timeProp('DTEND', moved + lengthMs, e.zone, false),
            ...(o.cancelled ? ['STATUS:CANCELLED'] : []), 'END:VEVENT');
        }
      }
    } else {
      master.push('END:VEVENT');
      lines.push(...master);
    }
  });
  lines.push('END:VCALENDAR', '');
  return lines.join('\r\n');
}

/** ical.js's own answer: every occurrence from DTSTART on, through the Event iterator. Host zone UTC. */
function reference(text: string, window: { start: number; end: number }, includeTransparent: boolean): Span[] {
  const root = new ICAL.Component(ICAL.parse(text));
  for (const vtz of root.getAllSubcomponents('vtimezone')) {
    const tzid = String(vtz.getFirstPropertyValue('tzid'));
    if (!ICAL.TimezoneService.has(tzid)) ICAL.TimezoneService.register(vtz);
  }
  const cal = new ICAL.Component(ICAL.parse(text)); // values read after registration carry the zones
  const masters = new Map<string, ICAL.Event>();
  const exceptions: ICAL.Component[] = [];
  for (const ve of cal.getAllSubcomponents('vevent')) {
    if (ve.hasProperty('recurrence-id')) exceptions.push(ve);
    else masters.set(String(ve.getFirstPropertyValue('uid')), new ICAL.Event(ve));
  }
  for (const ex of exceptions) masters.get(String(ex.getFirstPropertyValue('uid')))?.relateException(ex);
  const busyOf = (c: ICAL.Component) =>
    String(c.getFirstPropertyValue('status') ?? '') !== 'CANCELLED' &&
    (includeTransparent || String(c.getFirstPropertyValue('transp') ?? '') !== 'TRANSPARENT');
  const spans: Span[] = [];
  for (const event of masters.values()) {
    const it = event.iterator();
    for (let next = it.next(); next; next = it.next()) {
      if (next.toUnixTime() * 1000 > window.end + 2 * DAY) break;
      const details = event.getOccurrenceDetails(next);
      const start = details.startDate.toUnixTime() * 1000;
      const end = details.endDate.toUnixTime() * 1000;
      if (!busyOf(details.item.component) || end <= window.start || start >= window.end || end <= start) continue;
      spans.push({ start, end });
    }
  }
  spans.sort((a, b) => a.start - b.start);
  const merged: Span[] = [];
  for (const s of spans) {
    const last = merged.at(-1);
    if (last && s.start <= last.end) last.end = Math.max(last.end, s.end);
    else merged.push({ ...s });
  }
  return merged;
}

describe('ICS busy expansion matches ical.js', () => {
  it('for random feeds of single, daily and weekly events with COUNT, UNTIL, EXDATE and overrides', () => {
    fc.assert(
      fc.property(fc.array(eventArb, { minLength: 1, maxLength: 5 }), fc.integer({ min: 19_000, max: 20_500 }), fc.boolean(), (events, windowDay, includeTransparent) => {
        const text = feedOf(events);
        const window = { start: windowDay * DAY, end: (windowDay + 93) * DAY };
        const ours = icsBusy(text, { hostTimeZone: 'UTC', window, includeTransparent, ownUidDomain: null });
        expect(ours.capped).toBe(false);
        expect(ours.spans).toEqual(reference(text, window, includeTransparent));
      }),
      { numRuns: runs(100) },
    );
  }, 120_000);
});

/**
 * ICS busy-time sync benchmark: the CPU one sync of a large feed costs in the queue consumer (parse + expand + the
 * rows to write), and what ical.js's naive iteration of the same feed costs.
 * Run: npx tsx bench/calendars-ics.ts
 *
 * Feed: 500 VEVENTs in America/New_York and Europe/Berlin (with their VTIMEZONEs), started between 2022-01-01 and
 * 2022-12-31: 80 daily series (some with INTERVAL=2), 320 weekly series (1-2 BYDAY weekdays), each with 3 EXDATEs, one
 * series in ten with a moved instance (RECURRENCE-ID), and 100 single events inside the window. Window: 93 days from
 * 2026-11-29 (now - 1 day .. now + 92 days), host zone Europe/Berlin.
 */
import ICAL from 'ical.js';
import { busyRowChunks } from '../src/calendars/busy-rows';
import { icsBusy } from '../src/calendars/ics-busy';
import { mulberry32 } from './lib/random';
import { summarize } from './lib/stats';

const WARMUP = 5;
const MEASURED = 20;
const DAY = 86_400_000;
const WINDOW = { start: Date.parse('2026-11-29T00:00:00Z'), end: Date.parse('2026-11-29T00:00:00Z') + 93 * DAY };

const VTIMEZONES = [
  'BEGIN:VTIMEZONE', 'TZID:America/New_York',
  'BEGIN:DAYLIGHT', 'TZOFFSETFROM:-0500', 'TZOFFSETTO:-0400', 'DTSTART:20070311T020000', 'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU', 'END:DAYLIGHT',
  'BEGIN:STANDARD', 'TZOFFSETFROM:-0400', 'TZOFFSETTO:-0500', 'DTSTART:20071104T020000', 'RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU', 'END:STANDARD',
  'END:VTIMEZONE',
  'BEGIN:VTIMEZONE', 'TZID:Europe/Berlin',
  'BEGIN:DAYLIGHT', 'TZOFFSETFROM:+0100', 'TZOFFSETTO:+0200', 'DTSTART:19810329T020000', 'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU', 'END:DAYLIGHT',
  'BEGIN:STANDARD', 'TZOFFSETFROM:+0200', 'TZOFFSETTO:+0100', 'DTSTART:19961027T030000', 'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU', 'END:STANDARD',
  'END:VTIMEZONE',
];

const pad = (n: number) => String(n).padStart(2, '0');
const wall = (t: number) => {
  const d = new Date(t);
  return `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}T${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}00`;
};

export function benchFeed(): string {
  const rand = mulberry32(2022);
  const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//calflare bench//EN', ...VTIMEZONES];
  const days = ['MO', 'TU', 'WE', 'TH', 'FR'];
  for (let i = 0; i < 500; i++) {
    const zone = i % 2 === 0 ? 'America/New_York' : 'Europe/Berlin';
    const single = i >= 400;
    const startDay = single
      ? Math.floor(WINDOW.start / DAY) + Math.floor(rand() * 90)
      : Math.floor(Date.parse('2022-01-03T00:00:00Z') / DAY) + Math.floor(rand() * 52) * 7; // Mondays of 2022
    const minute = (8 * 4 + Math.floor(rand() * 36)) * 15;
    const start = startDay * DAY + minute * 60_000;
    const length = (2 + Math.floor(rand() * 3)) * 15 * 60_000;
    const uid = `bench-${i}@example.com`;
    lines.push('BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20260101T000000Z', `SUMMARY:Event ${i}`,
      `DTSTART;TZID=${zone}:${wall(start)}`, `DTEND;TZID=${zone}:${wall(start + length)}`);
    let period = 0;
    if (!single && i < 80) {
      const interval = i % 4 === 0 ? 2 : 1;
      lines.push(`RRULE:FREQ=DAILY;INTERVAL=${interval}`);
      period = interval;
    } else if (!single) {
      const byday = i % 3 === 0 ? 'MO,' + days[1 + Math.floor(rand() * 4)] : 'MO';
      lines.push(`RRULE:FREQ=WEEKLY;BYDAY=${byday}`);
      period = 7;
    }
    if (period) {
      for (let k = 0; k < 3; k++) lines.push(`EXDATE;TZID=${zone}:${wall(start + Math.floor(rand() * 1400 / period) * period * DAY)}`);
    }
    lines.push('END:VEVENT');
    if (period && i % 10 === 0) {
      // Move one instance inside the window by two hours.
      const k = Math.ceil((WINDOW.start + 10 * DAY - start) / (period * DAY));
      const rid = start + k * period * DAY;
      lines.push('BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20260101T000000Z', `RECURRENCE-ID;TZID=${zone}:${wall(rid)}`,
        `DTSTART;TZID=${zone}:${wall(rid + 2 * 3_600_000)}`, `DTEND;TZID=${zone}:${wall(rid + 2 * 3_600_000 + length)}`, 'END:VEVENT');
    }
  }
  lines.push('END:VCALENDAR', '');
  return lines.join('\r\n');
}

const cpuMs = (fn: () => void) => {
  const before = process.cpuUsage();
  fn();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
};

/** ical.js alone: the Event iterator from DTSTART through the window for every series (the naive way). */
function naiveInstances(text: string): { instances: number; steps: number } {
  const root = new ICAL.Component(ICAL.parse(text));
  for (const vtz of root.getAllSubcomponents('vtimezone')) {
    const tzid = String(vtz.getFirstPropertyValue('tzid'));
    if (!ICAL.TimezoneService.has(tzid)) ICAL.TimezoneService.register(vtz);
  }
  const cal = new ICAL.Component(ICAL.parse(text));
  let instances = 0;
  let steps = 0;
  const masters = new Map<string, ICAL.Event>();
  for (const ve of cal.getAllSubcomponents('vevent')) {
    if (ve.hasProperty('recurrence-id')) masters.get(String(ve.getFirstPropertyValue('uid')))?.relateException(ve);
    else masters.set(String(ve.getFirstPropertyValue('uid')), new ICAL.Event(ve));
  }
  for (const event of masters.values()) {
    const it = event.iterator();
    for (let next = it.next(); next; next = it.next()) {
      steps++;
      const t = next.toUnixTime() * 1000;
      if (t >= WINDOW.end) break;
      const details = event.getOccurrenceDetails(next);
      if (details.endDate.toUnixTime() * 1000 > WINDOW.start) instances++;
    }
  }
  return { instances, steps };
}

const text = benchFeed();
const opts = { hostTimeZone: 'Europe/Berlin', window: WINDOW, includeTransparent: false, ownUidDomain: 'calflare.example.com' };
const first = icsBusy(text, opts);
console.log(`feed: ${(text.length / 1024).toFixed(0)} KiB, ${first.instances} instances in the window, ${first.spans.length} merged spans, capped: ${first.capped}`);

const sync = () => {
  const result = icsBusy(text, opts);
  busyRowChunks(result.spans);
};
const parseOnly = () => void new ICAL.Component(ICAL.parse(text));
for (let i = 0; i < WARMUP; i++) sync();
const syncSamples = Array.from({ length: MEASURED }, () => cpuMs(sync));
const parseSamples = Array.from({ length: MEASURED }, () => cpuMs(parseOnly));
const s = summarize(syncSamples);
const p = summarize(parseSamples);
console.log(`sync (parse + expand + rows): median ${s.median.toFixed(1)} ms CPU, p95 ${s.p95.toFixed(1)} ms (${MEASURED} runs after ${WARMUP} warm-up)`);
console.log(`  of which ICAL.parse alone: median ${p.median.toFixed(1)} ms CPU`);

let naive = { instances: 0, steps: 0 };
const naiveMs = cpuMs(() => (naive = naiveInstances(text)));
console.log(`naive ical.js iteration (one run): ${naiveMs.toFixed(0)} ms CPU, ${naive.steps} steps, ${naive.instances} instances; ${(naiveMs * 1000 / naive.steps).toFixed(1)} µs a step`);
console.log(`ratio naive / ours: ${(naiveMs / s.median).toFixed(0)}x`);

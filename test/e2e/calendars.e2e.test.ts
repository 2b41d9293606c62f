/**
 * External calendars end to end, against real servers on 127.0.0.1 (free ports, stopped at the end):
 * - a Node HTTP server serving an ICS file with an ETag (and answering 304 to a matching If-None-Match);
 * - Radicale, a real CalDAV server (Debian's package; scripts/ensure-radicale.sh installs it), holding events the test
 *   PUTs there;
 * - the suite's shared `wrangler dev` (test/e2e/global-setup.ts) running the Worker with its queue consumer, local D1
 *   and Durable Objects, into which this file seeds its host.
 * The host connects each calendar through the API; the sync runs in the background; the slots disappear, a booking is
 * refused, the calendar changes, a refresh brings the slots back. Last, the host does it on /settings in Chromium.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/auth/crypto';
import { randomToken, sha256Hex } from '../../src/lib/crypto';
import ICAL from 'ical.js';
import { caldavBusy } from '../../src/calendars/caldav';
import { caldavWrite } from '../../src/calendars/caldav-write';
import { provisionUserStatements } from '../../src/users/provision';
import { freePort, startGroup, stopGroup, waitUntil, type Started } from '../../scripts/lib/processes';
import { expectAccessible } from './axe';
import { connectBrowser, seedShared } from './harness';

const SCREENSHOTS = join(process.cwd(), 'test-results', 'screenshots');

const HOST = { email: 'e2e-cal-host@calflare.dev', password: 'e2e-cal-host-password', name: 'Cal Host' };
const DAV_USER = { username: 'host', password: 'radicale-pass-123' };

let dir: string;
let radicale: Started | undefined;
let icsServer: Server | undefined;
let base: string;
let davBase: string;
let icsBase: string;
let token: string;
let eventTypeId: number;
let seatedEventTypeId: number;

// The ICS server's state: the file it serves, its ETag, and what it was asked.
let icsBody = '';
let icsEtag = '"v1"';
const icsRequests: { ifNoneMatch: string | undefined; status: number }[] = [];

const DAY = 86_400_000;
/** YYYY-MM-DD of the first `weekday` at least `ahead` days away (the host works Mon-Fri 09:00-17:00 UTC). */
function upcoming(weekday: number, ahead: number): string {
  const d = new Date(Date.now() + ahead * DAY);
  while (d.getUTCDay() !== weekday) d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}
const compact = (date: string, hhmm: string) => `${date.replace(/-/g, '')}T${hhmm.replace(':', '')}00Z`;

function vcalendar(events: { uid: string; date: string; from: string; to: string; extra?: string[] }[]): string {
  const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//calflare e2e//EN'];
  for (const e of events) {
    lines.push('BEGIN:VEVENT', `UID:${e.uid}`, 'DTSTAMP:20260101T000000Z', `DTSTART:${compact(e.date, e.from)}`, `DTEND:${compact(e.date, e.to)}`, 'SUMMARY:Busy elsewhere', ...(e.extra ?? []), 'END:VEVENT');
  }
  lines.push('END:VCALENDAR', '');
  return lines.join('\r\n');
}

async function apiJson(method: string, path: string, body?: unknown) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null };
}

async function slotStarts(date: string): Promise<string[]> {
  const res = await apiJson('GET', `/v2/slots/available?event_type_id=${eventTypeId}&start_time=${date}T00:00:00Z&end_time=${date}T23:59:00Z&timezone=UTC`);
  expect(res.status).toBe(200);
  return (res.json.slots[date] ?? []).map((s: { start: string }) => s.start.slice(11, 16));
}

async function waitForSync(id: number, after: string | null) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const res = await apiJson('GET', `/v2/calendars/${id}`);
    if (res.json.last_attempt_at && res.json.last_attempt_at !== after) return res.json;
    if (Date.now() > deadline) throw new Error(`calendar ${id} did not sync: ${JSON.stringify(res.json)}\n(wrangler dev logs: the e2e run's output)`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const davAuth = `Basic ${Buffer.from(`${DAV_USER.username}:${DAV_USER.password}`).toString('base64')}`;
async function dav(method: string, path: string, body?: string) {
  const res = await fetch(`${davBase}${path}`, {
    method,
    headers: { authorization: davAuth, ...(body ? { 'content-type': method === 'PUT' ? 'text/calendar; charset=utf-8' : 'application/xml' } : {}) },
    body,
  });
  return res.status;
}

async function startRadicale() {
  const port = await freePort();
  davBase = `http://127.0.0.1:${port}`;
  const storage = join(dir, 'radicale');
  mkdirSync(storage);
  writeFileSync(join(dir, 'htpasswd'), `${DAV_USER.username}:${DAV_USER.password}\n`);
  writeFileSync(
    join(dir, 'radicale.conf'),
    [
      '[server]', `hosts = 127.0.0.1:${port}`,
      '[auth]', 'type = htpasswd', `htpasswd_filename = ${join(dir, 'htpasswd')}`, 'htpasswd_encryption = plain', 'delay = 0',
      '[storage]', `filesystem_folder = ${storage}`,
      '[logging]', 'level = warning',
    ].join('\n'),
  );
  radicale = startGroup('radicale', ['--config', join(dir, 'radicale.conf')]);
  await waitUntil(radicale, 'radicale', async () => (await fetch(`${davBase}/.web/`)).status < 500, 30_000);
}

function startIcsServer(): Promise<void> {
  icsServer = createHttpServer((req, res) => {
    const ifNoneMatch = req.headers['if-none-match'];
    const status = ifNoneMatch === icsEtag ? 304 : 200;
    icsRequests.push({ ifNoneMatch, status });
    if (status === 304) res.writeHead(304, { etag: icsEtag }).end();
    else res.writeHead(200, { 'content-type': 'text/calendar; charset=utf-8', etag: icsEtag }).end(icsBody);
  });
  return new Promise((resolve) => {
    icsServer!.listen(0, '127.0.0.1', () => {
      icsBase = `http://127.0.0.1:${(icsServer!.address() as { port: number }).port}`;
      resolve();
    });
  });
}

async function seed() {
  const now = Date.now();
  token = randomToken();
  const hostId = '(SELECT id FROM users WHERE email = ?)';
  return seedShared([
      ...provisionUserStatements({ ...HOST, role: 'user', timezone: 'UTC', passwordHash: await hashPassword(HOST.password) }, now),
      {
        sql: `INSERT INTO booking_event_types (owner_id, schedule_id, title, slug, duration_minutes, booking_window_days, is_active, created_at, updated_at)
              SELECT ${hostId}, s.id, 'Intro Call', 'intro-call', 30, 60, 1, ?, ? FROM booking_schedules s WHERE s.user_id = ${hostId} AND s.is_default = 1`,
        params: [HOST.email, now, now, HOST.email],
      },
      {
        // A weekly series of 3, for the .ics downloads a CalDAV server must accept.
        sql: `INSERT INTO booking_event_types (owner_id, schedule_id, title, slug, duration_minutes, booking_window_days, is_active, recurring_event, created_at, updated_at)
              SELECT ${hostId}, s.id, 'Weekly Sync', 'weekly-sync', 30, 120, 1, ?, ?, ? FROM booking_schedules s WHERE s.user_id = ${hostId} AND s.is_default = 1`,
        params: [HOST.email, JSON.stringify({ freq: 'weekly', interval: 1, count: 3 }), now, now, HOST.email],
      },
      {
        // A seated class (3 seats a slot): its slot is one event in the host's calendar.
        sql: `INSERT INTO booking_event_types (owner_id, schedule_id, title, slug, duration_minutes, booking_window_days, is_active, seats_per_time_slot, created_at, updated_at)
              SELECT ${hostId}, s.id, 'Seated Class', 'seated-class', 30, 60, 1, 3, ?, ? FROM booking_schedules s WHERE s.user_id = ${hostId} AND s.is_default = 1`,
        params: [HOST.email, now, now, HOST.email],
      },
      {
        sql: `INSERT INTO sessions (token_hash, user_id, expires_at, created_at) SELECT ?, id, ?, ? FROM users WHERE email = ?`,
        params: [await sha256Hex(token), now + DAY, now, HOST.email],
      },
  ]);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'calflare-calendars-e2e-'));
  await startIcsServer();
  await startRadicale();
  // The test's servers listen on 127.0.0.1 over http, which the shared server allows (production would refuse).
  base = (await seed()).base;
  // Other files' hosts have an "intro-call" too: this host's own.
  const me = (await apiJson('GET', '/v2/me')).json as { id: number };
  const mine = (await apiJson('GET', `/v2/event-types?owner_id=${me.id}`)).json.data as { slug: string; id: number }[];
  eventTypeId = mine.find((e) => e.slug === 'intro-call')!.id;
  seatedEventTypeId = mine.find((e) => e.slug === 'seated-class')!.id;
});

afterAll(async () => {
  await stopGroup(radicale);
  await new Promise<void>((resolve) => (icsServer ? icsServer.close(() => resolve()) : resolve()));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('an ICS subscription served over HTTP', () => {
  it('blocks slots and bookings, answers 304 when unchanged, and frees the time when the feed changes', async () => {
    const day = upcoming(2, 8); // a Tuesday
    icsBody = vcalendar([{ uid: 'ics-1@example.com', date: day, from: '10:00', to: '11:00' }]);
    icsEtag = '"v1"';
    expect(await slotStarts(day)).toContain('10:00');

    const created = await apiJson('POST', '/v2/calendars', { kind: 'ics', url: `${icsBase}/private/abc/basic.ics`, name: 'Work' });
    expect(created.status).toBe(201);
    expect(created.json.url).toBe(`${icsBase}/…`);
    const synced = await waitForSync(created.json.id, null);
    expect(synced).toMatchObject({ status: 'ok', busy_count: 1 });

    const blocked = await slotStarts(day);
    expect(blocked).not.toContain('10:00');
    expect(blocked).not.toContain('10:30');
    expect(blocked).toContain('11:00');
    const refused = await apiJson('POST', '/v2/bookings', {
      event_type_id: eventTypeId, start: `${day}T10:30:00Z`, attendee: { name: 'Jane', email: 'jane@example.com', timezone: 'UTC' },
    });
    expect(refused.status).toBe(409);
    expect(refused.json.error.code).toBe('slot_unavailable');
    expect(refused.json.error.message).toMatch(/host is busy/i);

    // Unchanged: a conditional GET answered 304; the busy time stays.
    expect((await apiJson('POST', `/v2/calendars/${created.json.id}/refresh`)).status).toBe(202);
    const again = await waitForSync(created.json.id, synced.last_attempt_at);
    expect(icsRequests.at(-1)).toEqual({ ifNoneMatch: '"v1"', status: 304 });
    expect(again).toMatchObject({ status: 'ok', busy_count: 1 });
    expect(await slotStarts(day)).not.toContain('10:00');

    // Changed: the event moves to 15:00.
    icsBody = vcalendar([{ uid: 'ics-1@example.com', date: day, from: '15:00', to: '16:00' }]);
    icsEtag = '"v2"';
    await apiJson('POST', `/v2/calendars/${created.json.id}/refresh`);
    await waitForSync(created.json.id, again.last_attempt_at);
    const freed = await slotStarts(day);
    expect(freed).toContain('10:00');
    expect(freed).not.toContain('15:00');
  });
});

describe('a CalDAV calendar on Radicale', () => {
  it('the client reads busy time through a time-range calendar-query (Radicale has no free-busy REPORT)', async () => {
    const day = upcoming(4, 8); // a Thursday
    expect(await dav('MKCALENDAR', '/host/client/')).toBe(201);
    const weekly = [
      'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//e2e//EN',
      'BEGIN:VEVENT', 'UID:weekly@example.com', 'DTSTAMP:20260101T000000Z', `DTSTART:${compact(day, '09:00')}`, `DTEND:${compact(day, '09:30')}`,
      'RRULE:FREQ=WEEKLY;COUNT=3', 'END:VEVENT',
      'BEGIN:VEVENT', 'UID:weekly@example.com', 'DTSTAMP:20260101T000000Z', `RECURRENCE-ID:${compact(upcomingPlus(day, 7), '09:00')}`,
      `DTSTART:${compact(upcomingPlus(day, 7), '13:00')}`, `DTEND:${compact(upcomingPlus(day, 7), '13:30')}`, 'END:VEVENT',
      'END:VCALENDAR', '',
    ].join('\r\n');
    expect(await dav('PUT', '/host/client/weekly.ics', weekly)).toBe(201);
    expect(await dav('PUT', '/host/client/free.ics', vcalendar([{ uid: 'free@example.com', date: day, from: '14:00', to: '15:00', extra: ['TRANSP:TRANSPARENT'] }]))).toBe(201);
    const window = { start: Date.parse(`${day}T00:00:00Z`), end: Date.parse(`${day}T00:00:00Z`) + 20 * DAY };
    const result = await caldavBusy(
      { url: `${davBase}/host/client/`, ...DAV_USER },
      { hostTimeZone: 'UTC', window, includeTransparent: false, ownUidDomain: 'calflare.example.com' },
      { allowPrivate: true },
    );
    expect(result.method).toBe('calendar-query');
    const iso = (t: number) => new Date(t).toISOString().slice(0, 16);
    expect(result.spans.map((s) => `${iso(s.start)}/${iso(s.end)}`)).toEqual([
      `${day}T09:00/${day}T09:30`,
      `${upcomingPlus(day, 7)}T13:00/${upcomingPlus(day, 7)}T13:30`,
      `${upcomingPlus(day, 14)}T09:00/${upcomingPlus(day, 14)}T09:30`,
    ]);
    await expect(
      caldavBusy({ url: `${davBase}/host/client/`, username: 'host', password: 'wrong' }, { hostTimeZone: 'UTC', window, includeTransparent: false, ownUidDomain: null }, { allowPrivate: true }),
    ).rejects.toThrow(/refused the username or password/);
  });

  it('a connected CalDAV calendar blocks slots and bookings until its event is deleted', async () => {
    const day = upcoming(3, 8); // a Wednesday
    expect(await dav('MKCALENDAR', '/host/work/')).toBe(201);
    expect(await dav('PUT', '/host/work/meeting.ics', vcalendar([{ uid: 'meeting@example.com', date: day, from: '13:00', to: '14:00' }]))).toBe(201);
    const created = await apiJson('POST', '/v2/calendars', { kind: 'caldav', url: `${davBase}/host/work/`, ...DAV_USER, name: 'Radicale' });
    expect(created.status).toBe(201);
    expect(JSON.stringify(created.json)).not.toContain(DAV_USER.password);
    const synced = await waitForSync(created.json.id, null);
    expect(synced).toMatchObject({ status: 'ok', busy_count: 1, last_error: null });
    expect(await slotStarts(day)).not.toContain('13:00');
    const refused = await apiJson('POST', '/v2/bookings', {
      event_type_id: eventTypeId, start: `${day}T13:00:00Z`, attendee: { name: 'Jane', email: 'jane@example.com', timezone: 'UTC' },
    });
    expect(refused.status).toBe(409);

    expect(await dav('DELETE', '/host/work/meeting.ics')).toBe(200);
    await apiJson('POST', `/v2/calendars/${created.json.id}/refresh`);
    await waitForSync(created.json.id, synced.last_attempt_at);
    expect(await slotStarts(day)).toContain('13:00');
  });
});

/** The calendar objects in a Radicale collection: href -> iCalendar text (a calendar-query for every VEVENT). */
async function davObjects(collection: string): Promise<Map<string, string>> {
  const res = await fetch(`${davBase}${collection}`, {
    method: 'REPORT',
    headers: { authorization: davAuth, depth: '1', 'content-type': 'application/xml' },
    body: `<?xml version="1.0"?><C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><C:calendar-data/></D:prop>
      <C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"/></C:comp-filter></C:filter></C:calendar-query>`,
  });
  expect(res.status).toBe(207);
  const xml = await res.text();
  const out = new Map<string, string>();
  for (const m of xml.matchAll(/<[^>]*href>([^<]+)<\/[^>]*href>[\s\S]*?<[^>]*calendar-data[^>]*>([\s\S]*?)<\/[^>]*calendar-data>/g)) {
    out.set(m[1]!, m[2]!.replace(/&#13;/g, '\r').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'));
  }
  return out;
}

describe('write-back into a CalDAV calendar on Radicale (issue #28)', () => {
  it('a booking is written once, moved in place with a higher SEQUENCE, deleted on cancel, and never blocks itself', async () => {
    const day = upcoming(1, 9); // a Monday
    expect(await dav('MKCALENDAR', '/host/bookings/')).toBe(201);
    // Its busy sync off until our event is there: the first sync then reads it back.
    const created = await apiJson('POST', '/v2/calendars', { kind: 'caldav', url: `${davBase}/host/bookings/`, ...DAV_USER, name: 'Bookings', enabled: false });
    expect(created.status).toBe(201);
    expect((await apiJson('PUT', '/v2/calendars/destination', { connection_id: created.json.id })).status).toBe(200);
    const synced = async (uid: string) => {
      const deadline = Date.now() + 30_000;
      for (;;) {
        const res = await apiJson('GET', `/v2/bookings/${uid}`);
        if (res.json.calendar_sync?.status === 'synced') return res.json;
        if (Date.now() > deadline) throw new Error(`write-back of ${uid} did not finish: ${JSON.stringify(res.json.calendar_sync)}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    };
    const booked = await apiJson('POST', '/v2/bookings', {
      event_type_id: eventTypeId, start: `${day}T10:00:00Z`, attendee: { name: 'Wendy', email: 'wendy-writeback@example.com', timezone: 'UTC' },
    });
    expect(booked.status).toBe(201);
    await synced(booked.json.uid);
    const first = await davObjects('/host/bookings/');
    expect(first.size).toBe(1);
    const [href, ics] = [...first][0]!;
    const event = new ICAL.Component(ICAL.parse(ics)).getFirstSubcomponent('vevent')!;
    expect(event.getFirstPropertyValue('uid')).toMatch(/^host-[0-9a-f]{32}@127\.0\.0\.1$/);
    expect(href).toBe(`/host/bookings/${String(event.getFirstPropertyValue('uid')).split('@')[0]}.ics`);
    expect(event.getFirstPropertyValue('sequence')).toBe(0);
    expect((event.getFirstPropertyValue('dtstart') as ICAL.Time).toJSDate().toISOString()).toBe(`${day}T10:00:00.000Z`);

    // Read back: our own event is skipped by UID, so the host's time is still only the booking's.
    expect((await apiJson('PATCH', `/v2/calendars/${created.json.id}`, { enabled: true })).status).toBe(200);
    expect(await waitForSync(created.json.id, null)).toMatchObject({ status: 'ok', busy_count: 0 });

    // A create sent again (its first answer lost) finds the resource (412) and overwrites it: still one.
    const payload = {
      uid: booked.json.uid, title: 'Retried', description: null, startAt: Date.parse(`${day}T10:00:00Z`), endAt: Date.parse(`${day}T10:30:00Z`),
      status: 'accepted' as const, sequence: 0, locationType: null, locationValue: null, organizer: { name: HOST.name, email: HOST.email },
      attendee: { name: 'Wendy', email: 'wendy-writeback@example.com', notes: null }, createdAt: Date.now(), updatedAt: Date.now(),
    };
    const site = { baseUrl: base, domain: '127.0.0.1' };
    const target = { url: `${davBase}/host/bookings/`, ...DAV_USER };
    expect(await caldavWrite(target, { payload, created: false, site }, { allowPrivate: true }, Date.now())).toEqual({ ok: true, ref: `${davBase}${href}` });
    const retried = await davObjects('/host/bookings/');
    expect([...retried.keys()]).toEqual([href]);
    expect(retried.get(href)).toContain('SUMMARY:Retried');

    // Reschedule: the same resource, SEQUENCE 1, the new time.
    expect((await apiJson('PATCH', `/v2/bookings/${booked.json.uid}`, { start: `${day}T10:30:00Z` })).status).toBe(200);
    await synced(booked.json.uid);
    const moved = await davObjects('/host/bookings/');
    expect([...moved.keys()]).toEqual([href]);
    const movedEvent = new ICAL.Component(ICAL.parse(moved.get(href)!)).getFirstSubcomponent('vevent')!;
    expect(movedEvent.getFirstPropertyValue('sequence')).toBe(1);
    expect((movedEvent.getFirstPropertyValue('dtstart') as ICAL.Time).toJSDate().toISOString()).toBe(`${day}T10:30:00.000Z`);

    // Cancel: the resource is deleted.
    expect((await apiJson('DELETE', `/v2/bookings/${booked.json.uid}`, {})).status).toBe(200);
    await synced(booked.json.uid);
    expect((await davObjects('/host/bookings/')).size).toBe(0);
  });

  it('a seated slot is one resource whose ATTENDEEs follow the seats, deleted with the last seat (same destination)', async () => {
    const day = upcoming(2, 9); // a Tuesday
    const attendeesNow = async (count: number) => {
      const deadline = Date.now() + 30_000;
      for (;;) {
        const objects = [...(await davObjects('/host/bookings/')).values()];
        const people = objects.map((ics) => new ICAL.Component(ICAL.parse(ics)).getFirstSubcomponent('vevent')!.getAllProperties('attendee').map((p) => String(p.getFirstValue())));
        if (count === 0 ? objects.length === 0 : objects.length === 1 && people[0]!.length === count) return { objects, people: people[0] ?? [] };
        if (Date.now() > deadline) throw new Error(`expected ${count} attendee(s), Radicale has ${JSON.stringify(people)}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    };
    const seat = async (name: string) => {
      const res = await apiJson('POST', '/v2/bookings', { event_type_id: seatedEventTypeId, start: `${day}T11:00:00Z`, attendee: { name, email: `${name.toLowerCase()}-seat@example.com`, timezone: 'UTC' } });
      expect(res.status).toBe(201);
      return res.json.uid as string;
    };
    const ann = await seat('Ann');
    await attendeesNow(1);
    const bob = await seat('Bob');
    const both = await attendeesNow(2);
    expect(both.people).toEqual(['mailto:ann-seat@example.com', 'mailto:bob-seat@example.com']);
    expect(both.objects[0]).toMatch(/SEQUENCE:1\r\n/);
    expect((await apiJson('DELETE', `/v2/bookings/${ann}`, {})).status).toBe(200);
    expect((await attendeesNow(1)).people).toEqual(['mailto:bob-seat@example.com']);
    expect((await apiJson('DELETE', `/v2/bookings/${bob}`, {})).status).toBe(200);
    await attendeesNow(0);
  });
});

function upcomingPlus(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
}

describe('a recurring booking’s .ics downloads in a real CalDAV server', () => {
  it('an occurrence’s download and the series uid’s are each accepted by Radicale as they are (PUT 201)', async () => {
    const weekly = (await apiJson('GET', '/v2/event-types')).json.data.find((e: { slug: string }) => e.slug === 'weekly-sync');
    const booked = await apiJson('POST', '/v2/bookings', {
      event_type_id: weekly.id, start: `${upcoming(2, 20)}T10:00:00Z`, attendee: { name: 'Jane', email: 'jane-series@example.com', timezone: 'UTC' },
    });
    expect(booked.status, JSON.stringify(booked.json)).toBe(201);
    const [, second] = booked.json.occurrences as { uid: string }[];
    // One occurrence moved: its override differs from the master's start.
    expect((await apiJson('PATCH', `/v2/bookings/${second!.uid}`, { start: `${upcomingPlus(upcoming(2, 20), 8)}T11:00:00Z` })).status).toBe(200);
    const download = async (uid: string) => {
      const res = await fetch(`${base}/v2/bookings/${uid}/ics`);
      expect(res.status, uid).toBe(200);
      return res.text();
    };
    expect(await dav('MKCALENDAR', '/host/occurrence/')).toBe(201);
    expect(await dav('PUT', '/host/occurrence/booking.ics', await download(second!.uid))).toBe(201);
    expect(await dav('MKCALENDAR', '/host/series/')).toBe(201);
    expect(await dav('PUT', '/host/series/booking.ics', await download(booked.json.recurring_booking_uid))).toBe(201);
  });
});

describe('the host’s /settings page in Chromium (issue #28)', () => {
  it('on a 375 px phone: sign in, add a CalDAV calendar on Radicale, see it listed, disconnect it; axe in light and dark', async () => {
    expect(await dav('MKCALENDAR', '/host/settings-page/')).toBe(201);
    const browser = await connectBrowser();
    const context = await browser.newContext({ viewport: { width: 375, height: 740 } });
    try {
      const page = await context.newPage();
      await page.goto(`${base}/settings/calendars`);
      expect(new URL(page.url()).pathname).toBe('/settings/login');
      await page.fill('#email', HOST.email);
      await page.fill('#password', HOST.password);
      await Promise.all([page.waitForURL(`${base}/settings/calendars`), page.click('#login-form button[type=submit]')]);
      await page.fill('#caldav-url', `${davBase}/host/settings-page/`);
      await page.fill('#caldav-username', DAV_USER.username);
      await page.fill('#caldav-password', DAV_USER.password);
      await page.fill('#caldav-name', 'Phone calendar');
      await Promise.all([page.waitForURL(`${base}/settings/calendars`), page.click('#add-caldav button[type=submit]')]);
      expect(await page.textContent('.flash.ok')).toContain('Added Phone calendar');
      const { id } = (await apiJson('GET', '/v2/calendars')).json.data.find((c: { name: string }) => c.name === 'Phone calendar');
      expect(await page.textContent(`#calendar-${id}`)).toContain(`Phone calendar CalDAV · ${davBase}/…`);
      // Nothing wider than the phone: no sideways scrolling.
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
      await expectAccessible(page, 'settings calendars');
      // For a person to look at (CI keeps test-results/screenshots): the page on a phone, light and dark.
      mkdirSync(SCREENSHOTS, { recursive: true });
      await page.screenshot({ path: join(SCREENSHOTS, 'settings-calendars-phone.png'), fullPage: true });
      await page.emulateMedia({ colorScheme: 'dark' });
      await page.screenshot({ path: join(SCREENSHOTS, 'settings-calendars-phone-dark.png'), fullPage: true });
      await page.emulateMedia({ colorScheme: 'light' });
      await Promise.all([page.waitForURL(`${base}/settings/calendars/${id}/disconnect`), page.click(`#calendar-${id} a.danger`)]);
      await Promise.all([page.waitForURL(`${base}/settings/calendars`), page.click('.confirm button[type=submit]')]);
      expect(await page.textContent('.flash.ok')).toContain('Disconnected Phone calendar.');
      expect((await apiJson('GET', `/v2/calendars/${id}`)).status).toBe(404);
    } finally {
      await context.close();
      await browser.close();
    }
  });
});

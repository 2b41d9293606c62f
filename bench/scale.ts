/**
 * A million bookings in one D1 against a thousand (issue #32 item 3), through the real Worker on `wrangler dev`
 * (workerd, local D1), 127.0.0.1 only, bounded in requests and time, stops by itself. Not a test, not run in CI.
 *
 *   npx tsx bench/scale.ts [--bookings 1000000] [--rounds 25] [--backlog]      (needs the sqlite3 command-line shell)
 *   npx tsx bench/scale.ts --seed-to DIR      seed both, keep them in DIR/{small,large} with DIR/template.json, stop
 *
 * 1. Template: a fresh migrated state; through the API one host ("host 0", Mon-Fri 09:00-17:00 UTC, 30-minute event
 *    type) with a webhook subscription, a calendar feed and 100 bookings (one in five rescheduled, one in ten
 *    cancelled), emails on (memory transport). Its `dbstat` gives the size model: bytes per booking by table.
 * 2. Two copies of the template, seeded by direct SQL on the stopped state's SQLite file: the small one to 1,000
 *    bookings (10 hosts), the large one to --bookings (bookings / 100 hosts): every other host cloned from host 0 with
 *    100 bookings over the past 265 and next 35 days (2% cancelled, 1% pending, 4 in 10 in a series of four, one in
 *    twenty with two more seats, 9% attended by a second host of its team), one attendee each, one team of
 *    ten per ten hosts, a webhook each with one delivery per booking created in the last 90 days (the payload
 *    retention; attempt logs emptied past 30), two emails per booking created in the last 30, and a calendar with 50
 *    busy spans for one host in five. Host 0 is the same in both, so each request does the same work but on tables
 *    1,000 times larger.
 * 3. Both copies on their own `wrangler dev --test-scheduled` at once, each request sent to one then the other:
 *    medians of a 31-day slots request, the host's bookings list, the admin bookings list with filters (API and
 *    page), the host feed, the cron (GET /__scheduled); then bookings and reschedules one at a time; then, per copy,
 *    a burst of bookings over 100 hosts, 8 in flight (bookings per second).
 * Results: a table, and bench/out/scale.json.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomToken } from '../src/lib/crypto';
import { applyMigrations, argValue } from '../scripts/lib/d1';
import { startWranglerDev, type DevWorker } from '../scripts/lib/processes';
import { summarize } from './lib/stats';
import { benchAdminSeed, hardStopAfter, nextIp } from './lib/worker';

const args = process.argv.slice(2);
const LARGE = Number(argValue(args, 'bookings') ?? 1_000_000);
const SMALL = 1_000;
const PER_HOST = 100;
const ROUNDS = Number(argValue(args, 'rounds') ?? 25);
/** --backlog: afterwards, add a month of unpurged logs to the large copy and time the cron runs that drain it. */
const BACKLOG = args.includes('--backlog');
/** --seed-to DIR: keep the two seeded states (and host 0's tokens) for diagnosis with `wrangler dev --persist-to`. */
const SEED_TO = argValue(args, 'seed-to');
const DAY = 86_400_000;
const hardStop = hardStopAfter(50 * 60_000);
const VARS = { EMAIL_TRANSPORT: 'memory', WEBHOOK_ALLOW_PRIVATE_URLS: 'true' };
const now = Date.now();
const today = Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth(), new Date(now).getUTCDate());
const iso = (t: number) => new Date(t).toISOString();
const log = (msg: string) => console.log(`[${((Date.now() - now) / 1000).toFixed(0)}s] ${msg}`);

// ---- HTTP ----

interface Call {
  method?: string;
  token?: string;
  cookie?: string;
  body?: unknown;
}

async function request(base: string, path: string, call: Call = {}) {
  const t0 = performance.now();
  const res = await fetch(`${base}${path}`, {
    method: call.method ?? (call.body === undefined ? 'GET' : 'POST'),
    headers: {
      'cf-connecting-ip': nextIp(),
      ...(call.token ? { authorization: `Bearer ${call.token}` } : {}),
      ...(call.cookie ? { cookie: call.cookie } : {}),
      ...(call.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: call.body === undefined ? undefined : JSON.stringify(call.body),
  });
  const text = await res.text();
  return { status: res.status, text, ms: performance.now() - t0 };
}

async function api(base: string, path: string, call: Call = {}) {
  const res = await request(base, path, call);
  if (res.status >= 400) throw new Error(`${call.method ?? 'GET'} ${path}: ${res.status} ${res.text}`);
  return JSON.parse(res.text);
}

/** The start of weekday slots (Mon-Fri) `fromDay`..`toDay` days ahead at the given UTC hours. */
function weekdaySlots(fromDay: number, toDay: number, hours: number[]): number[] {
  const out: number[] = [];
  for (let d = fromDay; d <= toDay; d++) {
    const day = today + d * DAY;
    const wd = new Date(day).getUTCDay();
    if (wd === 0 || wd === 6) continue;
    for (const h of hours) out.push(day + h * 3_600_000);
  }
  return out;
}

// ---- SQLite on a stopped state ----

function d1File(state: string): string {
  const dir = join(state, 'v3', 'd1', 'miniflare-D1DatabaseObject');
  const file = readdirSync(dir).find((f) => f.endsWith('.sqlite') && f !== 'metadata.sqlite');
  if (!file) throw new Error(`no D1 file in ${dir}`);
  return join(dir, file);
}

function sqlite(file: string, sql: string): string {
  return execFileSync('sqlite3', ['-bail', file], { input: sql, encoding: 'utf8', maxBuffer: 64 << 20 });
}

function sqliteJson<T>(file: string, sql: string): T[] {
  const out = execFileSync('sqlite3', ['-json', file, sql], { encoding: 'utf8', maxBuffer: 64 << 20 }).trim();
  return out ? (JSON.parse(out) as T[]) : [];
}

/** `INSERT INTO t (every column but id) SELECT <overrides or the source's own column> FROM <from>`. */
function cloneInto(file: string, table: string, overrides: Record<string, string>, from: string, source = 't'): string {
  const columns = sqliteJson<{ name: string }>(file, `PRAGMA table_info(${table})`)
    .map((c) => c.name)
    .filter((c) => c !== 'id');
  const values = columns.map((c) => overrides[c] ?? `${source}.${c}`);
  return `INSERT INTO ${table} (${columns.join(', ')}) SELECT ${values.join(', ')} FROM ${from};`;
}

/** Bytes (pages) and rows by table, its indexes counted with it. */
function sizes(file: string): Map<string, { bytes: number; rows: number }> {
  const pages = sqliteJson<{ tbl: string; bytes: number }>(
    file,
    `SELECT m.tbl_name AS tbl, SUM(d.pgsize) AS bytes FROM dbstat d JOIN sqlite_master m ON m.name = d.name GROUP BY m.tbl_name`,
  );
  const out = new Map<string, { bytes: number; rows: number }>();
  for (const { tbl, bytes } of pages) {
    if (tbl.startsWith('sqlite_') || tbl.startsWith('_cf_') || tbl === 'd1_migrations') continue;
    const rows = sqliteJson<{ n: number }>(file, `SELECT count(*) AS n FROM "${tbl}"`)[0]!.n;
    out.set(tbl, { bytes, rows });
  }
  return out;
}

// ---- 1. the template ----

interface Template {
  state: string;
  host0: { id: number; token: string; eventTypeId: number; feedToken: string };
  adminToken: string;
}

async function makeTemplate(): Promise<Template> {
  const state = mkdtempSync(join(tmpdir(), 'calflare-scale-template-'));
  applyMigrations({ persistTo: state });
  const adminToken = randomToken();
  await benchAdminSeed(adminToken)(state);
  const worker = await startWranglerDev({ state, vars: VARS, logLevel: 'error' });
  try {
    const { base } = worker;
    const user = await api(base, '/v2/users', { token: adminToken, body: { email: 'host0@scale.bench', name: 'Host 0', password: 'bench-host-password', timezone: 'UTC' } });
    const { token } = await api(base, '/v2/auth/login', { body: { email: 'host0@scale.bench', password: 'bench-host-password' } });
    const et = await api(base, '/v2/event-types', { token, body: { title: 'Intro call', slug: 'intro', duration_minutes: 30, booking_window_days: 400 } });
    // A closed local port: deliveries fail at once, nothing leaves the machine.
    await api(base, '/v2/webhooks', {
      token,
      body: { subscriber_url: 'http://127.0.0.1:9/hook', event_triggers: ['BOOKING_CREATED', 'BOOKING_RESCHEDULED', 'BOOKING_CANCELLED'] },
    });
    const feed = await api(base, '/v2/calendar-feeds', { token, body: { name: 'Phone' } });
    // 100 bookings on days 1-60 at 09:00, 11:00, 13:00 or 15:00 (moved ones an hour later): the half hours stay free
    // for the measured writes.
    const slots = weekdaySlots(1, 60, [9, 11, 13, 15]).slice(0, PER_HOST);
    for (const [k, start] of slots.entries()) {
      const b = await api(base, '/v2/bookings', {
        body: { event_type_id: et.id, start: iso(start), attendee: { name: `Guest ${k}`, email: `guest${k}@example.com`, timezone: 'Europe/Berlin', notes: 'Looking forward to it' } },
      });
      if (k % 5 === 1) await api(base, `/v2/bookings/${b.uid}`, { method: 'PATCH', body: { start: iso(start + 3_600_000) } });
      if (k % 10 === 3) await api(base, `/v2/bookings/${b.uid}`, { method: 'DELETE', body: { reason: 'Something came up' } });
    }
    // Let the consumers settle the emails (memory) and fail the deliveries once.
    await new Promise((r) => setTimeout(r, 5_000));
    return { state, host0: { id: user.id, token, eventTypeId: et.id, feedToken: feed.token }, adminToken };
  } finally {
    await worker.stop();
  }
}

// ---- 2. seeding ----

function seed(file: string, template: Template, bookings: number) {
  const hosts = bookings / PER_HOST - 1; // host 0 brings its own 100
  const n = bookings - PER_HOST;
  const h0 = template.host0.id;
  const dayZero = today - 265 * DAY;
  const sql = [
    'PRAGMA foreign_keys = OFF;',
    'BEGIN;',
    // Users, schedules, hours and event types: clones of host 0's, ids consecutive.
    cloneInto(file, 'users', { email: `'host' || value || '@scale.bench'`, username: `'scale-host-' || value`, name: `'Host ' || value` }, `generate_series(1, ${hosts}), users t WHERE t.id = ${h0} ORDER BY value`),
    `CREATE TEMP TABLE hosts AS SELECT id, ROW_NUMBER() OVER (ORDER BY id) - 1 AS k FROM users WHERE email LIKE 'host%@scale.bench' AND id != ${h0};`,
    cloneInto(file, 'booking_schedules', { user_id: 'h.id' }, `temp.hosts h, booking_schedules t WHERE t.user_id = ${h0} ORDER BY h.id`),
    cloneInto(file, 'booking_availability', { schedule_id: 's.id' }, `booking_schedules s JOIN temp.hosts h ON h.id = s.user_id, booking_availability t JOIN booking_schedules s0 ON s0.id = t.schedule_id AND s0.user_id = ${h0}`),
    cloneInto(file, 'booking_event_types', { owner_id: 'h.id', schedule_id: `(SELECT id FROM booking_schedules WHERE user_id = h.id)` }, `temp.hosts h, booking_event_types t WHERE t.id = ${template.host0.eventTypeId} ORDER BY h.id`),
    `CREATE TEMP TABLE ets AS SELECT e.id AS et, e.owner_id AS host, h.k FROM booking_event_types e JOIN temp.hosts h ON h.id = e.owner_id;`,
    // Teams of ten.
    `INSERT INTO teams (name, slug, created_at, updated_at) SELECT 'Team ' || value, 'scale-team-' || value, ${now}, ${now} FROM generate_series(0, ${Math.max(0, Math.floor(hosts / 10) - 1)});`,
    `INSERT INTO team_members (team_id, user_id, role, created_at) SELECT (SELECT id FROM teams WHERE slug = 'scale-team-' || (h.k / 10)), h.id, CASE WHEN h.k % 10 = 0 THEN 'owner' ELSE 'member' END, ${now} FROM temp.hosts h WHERE h.k < ${Math.floor(hosts / 10) * 10};`,
    // Bookings: booking i of host k, 3 days apart from 265 days ago, at 09:00-16:00.
    `CREATE TEMP TABLE plan AS SELECT value AS n, (value % ${hosts}) AS k, (value / ${hosts}) AS i FROM generate_series(0, ${n - 1});`,
    cloneInto(
      file,
      'bookings',
      {
        uid: 'lower(hex(randomblob(12)))',
        event_type_id: 'e.et',
        host_id: 'e.host',
        start_at: `${dayZero} + (p.i * 3 + p.k % 3) * ${DAY} + (9 + p.i % 8) * 3600000`,
        end_at: `${dayZero} + (p.i * 3 + p.k % 3) * ${DAY} + (9 + p.i % 8) * 3600000 + 1800000`,
        occupied_start: `${dayZero} + (p.i * 3 + p.k % 3) * ${DAY} + (9 + p.i % 8) * 3600000`,
        occupied_end: `${dayZero} + (p.i * 3 + p.k % 3) * ${DAY} + (9 + p.i % 8) * 3600000 + 1800000`,
        status: `CASE WHEN p.n % 50 = 7 THEN 'cancelled' WHEN p.n % 100 = 3 THEN 'pending' ELSE 'accepted' END`,
        cancellation_reason: `CASE WHEN p.n % 50 = 7 THEN 'Something came up' END`,
        reschedule_reason: 'NULL',
        previous_start_at: 'NULL',
        sequence: `CASE WHEN p.n % 50 = 7 THEN 1 ELSE 0 END`,
        idempotency_key: 'NULL',
        idempotency_hash: 'NULL',
        recurring_booking_uid: `CASE WHEN p.i % 10 < 4 AND p.i >= 4 THEN 'series-' || p.k || '-' || (p.i / 10) END`,
        created_at: `${dayZero} + (p.i * 3 + p.k % 3) * ${DAY} - 7 * ${DAY}`,
        updated_at: `${dayZero} + (p.i * 3 + p.k % 3) * ${DAY} - 7 * ${DAY}`,
      },
      `temp.plan p JOIN temp.ets e ON e.k = p.k, bookings t WHERE t.id = (SELECT min(id) FROM bookings WHERE host_id = ${h0}) ORDER BY p.n`,
    ),
    // One attendee each (the trigger already wrote the organizer's booking_hosts row); two more seats on one in twenty.
    cloneInto(file, 'booking_attendees', { booking_id: 'b.id', email: `'guest' || b.id || '@example.com'`, seat_uid: 'NULL' }, `bookings b, booking_attendees t WHERE b.host_id != ${h0} AND t.id = (SELECT min(id) FROM booking_attendees)`),
    cloneInto(file, 'booking_attendees', { booking_id: 'b.id', email: `'seat' || s.value || '-' || b.id || '@example.com'`, seat_uid: 'lower(hex(randomblob(12)))' }, `bookings b, generate_series(1, 2) s, booking_attendees t WHERE b.host_id != ${h0} AND b.id % 20 = 9 AND t.id = (SELECT min(id) FROM booking_attendees)`),
    // A second host (the next member of the team) on one in ten.
    `INSERT INTO booking_hosts (booking_id, user_id, occupied_start, occupied_end) SELECT b.id, b.host_id + 1, b.occupied_start, b.occupied_end FROM bookings b JOIN temp.hosts h ON h.id = b.host_id WHERE b.id % 10 = 5 AND h.k % 10 < 9 AND h.k < ${Math.floor(hosts / 10) * 10};`,
    // A webhook per host; deliveries of the last 90 days (retention), attempt logs emptied past 30.
    cloneInto(file, 'booking_webhooks', { owner_id: 'h.id' }, `temp.hosts h, booking_webhooks t WHERE t.owner_id = ${h0} ORDER BY h.id`),
    cloneInto(
      file,
      'booking_webhook_deliveries',
      {
        event_id: `'msg_' || lower(hex(randomblob(16)))`,
        webhook_id: 'w.id',
        booking_id: 'b.id',
        status: `'delivered'`,
        attempts: '1',
        last_status_code: '200',
        last_error: 'NULL',
        attempt_log: `CASE WHEN b.created_at > ${now - 30 * DAY} THEN t.attempt_log ELSE '[]' END`,
        next_attempt_at: 'NULL',
        enqueued_at: 'b.created_at',
        delivered_at: 'b.created_at',
        created_at: 'b.created_at',
        updated_at: 'b.created_at',
      },
      `bookings b JOIN booking_webhooks w ON w.owner_id = b.host_id, booking_webhook_deliveries t WHERE b.host_id != ${h0} AND b.created_at > ${now - 90 * DAY} AND t.id = (SELECT min(id) FROM booking_webhook_deliveries)`,
    ),
    // Two emails per booking of the last 30 days (attendee and host).
    cloneInto(
      file,
      'booking_email_notifications',
      {
        notification_id: 'lower(hex(randomblob(16)))',
        booking_id: 'b.id',
        booking_uid: 'b.uid',
        recipient_email: `CASE WHEN t.recipient_role = 'host' THEN 'host' || b.host_id || '@scale.bench' ELSE 'guest' || b.id || '@example.com' END`,
        status: `'sent'`,
        lease_until: 'NULL',
        enqueued_at: 'b.created_at',
        sent_at: 'b.created_at',
        created_at: 'b.created_at',
        updated_at: 'b.created_at',
      },
      `bookings b, (SELECT * FROM booking_email_notifications WHERE id IN (SELECT min(id) FROM booking_email_notifications GROUP BY recipient_role)) t WHERE b.host_id != ${h0} AND b.created_at > ${now - 30 * DAY}`,
    ),
    // A calendar with 50 busy spans (the next 50 days, 12:00-13:00) for one host in five.
    `INSERT INTO calendar_connections (owner_id, kind, name, url_display, secret, enabled, last_synced_at, busy_count, enqueued_at, created_at, updated_at)
       SELECT h.id, 'ics', 'Work', 'https://calendar.example.com', hex(randomblob(120)), 1, ${now}, 50, ${now}, ${now}, ${now} FROM temp.hosts h WHERE h.k % 5 = 0;`,
    `INSERT INTO calendar_busy (connection_id, host_id, start_at, end_at)
       SELECT c.id, c.owner_id, ${today} + s.value * ${DAY} + 12 * 3600000, ${today} + s.value * ${DAY} + 13 * 3600000
       FROM calendar_connections c, generate_series(1, 50) s WHERE c.owner_id != ${h0};`,
    'COMMIT;',
  ].join('\n');
  sqlite(file, sql);
}

// ---- 3. measuring ----

type Samples = Record<string, number[]>;
interface Burst {
  bookings: number;
  seconds: number;
  perSecond: number;
  statuses: Record<number, number>;
}

/**
 * Both databases on their own `wrangler dev` at once, every request sent to one then the other (the order swapped each
 * round), so both see the same machine: on a shared machine, load drifts over minutes.
 */
async function measurePair(states: [string, string], template: Template): Promise<{ samples: [Samples, Samples]; bursts: [Burst, Burst] }> {
  const targets = states.map((state) => burstTargets(d1File(state), template.host0.id));
  const workers: DevWorker[] = [];
  try {
    for (const state of states) workers.push(await startWranglerDev({ state, vars: VARS, logLevel: 'error', args: ['--test-scheduled'] }));
    const bases = workers.map((w) => w.base);
    const { host0, adminToken } = template;
    const from = iso(today + DAY);
    const to = iso(today + 32 * DAY);
    // The admin filters pick days 45-47, where both databases hold host 0's bookings only: the same page in both.
    const [adminFrom, adminTo] = [iso(today + 45 * DAY), iso(today + 47 * DAY)];
    const reads: Record<string, [string, Call]> = {
      'slots, 31 days': [`/v2/slots/available?event_type_id=${host0.eventTypeId}&start_time=${from}&end_time=${to}`, {}],
      "host's bookings list": ['/v2/bookings', { token: host0.token }],
      'admin bookings, filtered (API)': [`/v2/bookings?status=accepted&from=${adminFrom}&to=${adminTo}`, { token: adminToken }],
      'admin bookings, filtered (page)': [`/admin/bookings?status=accepted&from=${adminFrom.slice(0, 10)}&to=${adminTo.slice(0, 10)}`, { cookie: `session=${adminToken}` }],
      'host feed (.ics)': [`/feeds/${host0.feedToken}.ics`, {}],
      'cron (sweeps and purges)': ['/__scheduled?cron=*+*+*+*+*', {}],
    };
    const names = [...Object.keys(reads), 'booking', 'reschedule'];
    const samples: [Samples, Samples] = [0, 1].map(() => Object.fromEntries(names.map((k) => [k, [] as number[]]))) as [Samples, Samples];
    const order = (r: number) => (r % 2 === 0 ? [0, 1] : [1, 0]);
    for (const [path, call] of Object.values(reads)) {
      for (const base of bases) {
        for (let i = 0; i < 5; i++) {
          const res = await request(base, path, call);
          if (res.status >= 400) throw new Error(`${path}: ${res.status} ${res.text.slice(0, 300)}`);
        }
      }
    }
    for (let r = 0; r < ROUNDS; r++) {
      for (const [name, [path, call]] of Object.entries(reads)) {
        for (const i of order(r)) samples[i]![name]!.push((await request(bases[i]!, path, call)).ms);
      }
    }
    // Writes on host 0's free half hours (the template left them free), one at a time: book one, move it to the next.
    const free = weekdaySlots(1, 60, [9.5, 10.5, 11.5, 12.5, 13.5, 14.5]).filter((t) => t > now + DAY);
    for (let r = 0; r < ROUNDS; r++) {
      const [at, movedTo] = [free[2 * r]!, free[2 * r + 1]!];
      for (const i of order(r)) {
        const body = { event_type_id: host0.eventTypeId, start: iso(at), attendee: { name: 'W', email: `w${r}@example.com`, timezone: 'UTC' } };
        const booked = await request(bases[i]!, '/v2/bookings', { body });
        if (booked.status !== 201) throw new Error(`booking: ${booked.status} ${booked.text}`);
        samples[i]!.booking!.push(booked.ms);
        const moved = await request(bases[i]!, `/v2/bookings/${JSON.parse(booked.text).uid}`, { method: 'PATCH', body: { start: iso(movedTo) } });
        if (moved.status !== 200) throw new Error(`reschedule: ${moved.status} ${moved.text}`);
        samples[i]!.reschedule!.push(moved.ms);
      }
    }
    const bursts = [] as Burst[];
    for (const i of [0, 1]) bursts.push(await burst(bases[i]!, targets[i]!));
    return { samples, bursts: bursts as [Burst, Burst] };
  } finally {
    for (const w of workers) await w.stop();
  }
}

/** Write rate: two bookings on each of up to 100 seeded hosts (days 40-60, free of seeded bookings), 8 in flight. */
async function burst(base: string, eventTypes: number[]): Promise<Burst> {
  const jobs = eventTypes.flatMap((et, i) => [0, 1].map((j) => ({ et, start: weekdaySlots(40 + (i % 10), 60, [10 + j])[0]! })));
  const statuses: Record<number, number> = {};
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < jobs.length) {
        const job = jobs[next++]!;
        const body = { event_type_id: job.et, start: iso(job.start), attendee: { name: 'B', email: `burst${next}@example.com`, timezone: 'UTC' } };
        const r = await request(base, '/v2/bookings', { body });
        statuses[r.status] = (statuses[r.status] ?? 0) + 1;
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  return { bookings: jobs.length, seconds, perSecond: (statuses[201] ?? 0) / seconds, statuses };
}

/** Up to 100 seeded hosts' event types (read before the Worker opens the file). */
function burstTargets(file: string, host0: number): number[] {
  return sqliteJson<{ id: number }>(file, `SELECT id FROM booking_event_types WHERE owner_id != ${host0} AND team_id IS NULL ORDER BY id LIMIT 100`).map((r) => r.id);
}

// ---- 4. a retention backlog ----

/**
 * Logs the cron has not purged yet, as after turning retention on: a delivery for every booking created 90-120 days
 * ago (past the payload retention, attempt log kept) and both emails of every booking created 30-45 days ago. Then
 * the cron, run by hand until it has nothing left: each run's time and what it deleted.
 */
async function drainBacklog(state: string, template: Template) {
  const file = d1File(state);
  const h0 = template.host0.id;
  sqlite(
    file,
    [
      'BEGIN;',
      cloneInto(
        file,
        'booking_webhook_deliveries',
        { event_id: `'msg_' || lower(hex(randomblob(16)))`, webhook_id: 'w.id', booking_id: 'b.id', status: `'delivered'`, attempts: '1', last_status_code: '200', last_error: 'NULL', next_attempt_at: 'NULL', enqueued_at: 'b.created_at', delivered_at: 'b.created_at', created_at: 'b.created_at', updated_at: 'b.created_at' },
        `bookings b JOIN booking_webhooks w ON w.owner_id = b.host_id, booking_webhook_deliveries t WHERE b.host_id != ${h0} AND b.created_at BETWEEN ${now - 120 * DAY} AND ${now - 90 * DAY} AND t.id = (SELECT min(id) FROM booking_webhook_deliveries WHERE attempt_log != '[]')`,
      ),
      cloneInto(
        file,
        'booking_email_notifications',
        { notification_id: 'lower(hex(randomblob(16)))', booking_id: 'b.id', booking_uid: 'b.uid', status: `'sent'`, lease_until: 'NULL', enqueued_at: 'b.created_at', sent_at: 'b.created_at', created_at: 'b.created_at', updated_at: 'b.created_at' },
        `bookings b, (SELECT * FROM booking_email_notifications WHERE id IN (SELECT min(id) FROM booking_email_notifications GROUP BY recipient_role)) t WHERE b.host_id != ${h0} AND b.created_at BETWEEN ${now - 45 * DAY} AND ${now - 30 * DAY}`,
      ),
      'COMMIT;',
    ].join('\n'),
  );
  const count = () =>
    sqliteJson<{ d: number; l: number; e: number }>(
      file,
      `SELECT (SELECT count(*) FROM booking_webhook_deliveries WHERE created_at <= ${now - 90 * DAY}) AS d,
              (SELECT count(*) FROM booking_webhook_deliveries WHERE created_at <= ${now - 30 * DAY} AND attempt_log != '[]') AS l,
              (SELECT count(*) FROM booking_email_notifications WHERE created_at <= ${now - 30 * DAY}) AS e`,
    )[0]!;
  const before = count();
  log(`backlog: ${JSON.stringify(before)} (deliveries past 90 days, logs past 30, emails past 30)`);
  const worker = await startWranglerDev({ state, vars: VARS, logLevel: 'error', args: ['--test-scheduled'] });
  const runs: number[] = [];
  try {
    // Enough runs for the largest purge at 5,000 rows a run, and a few more in the steady state.
    const needed = Math.ceil(Math.max(before.d, before.l, before.e) / 5_000) + 3;
    for (let i = 0; i < needed; i++) runs.push((await request(worker.base, '/__scheduled?cron=*+*+*+*+*')).ms);
  } finally {
    await worker.stop();
  }
  const after = count();
  log(`backlog after ${runs.length} cron runs: ${JSON.stringify(after)}; run times ms: ${runs.map((ms) => ms.toFixed(0)).join(', ')}`);
  return { before, after, runs };
}

// ---- run ----

const work = mkdtempSync(join(tmpdir(), 'calflare-scale-'));
try {
  log('template: 1 host, 100 bookings through the API');
  const template = await makeTemplate();
  const perBooking = sizes(d1File(template.state));

  const seeded = [SMALL, LARGE].map((bookings) => {
    const state = join(work, String(bookings));
    cpSync(template.state, state, { recursive: true });
    const file = d1File(state);
    log(`seeding ${bookings} bookings`);
    const t0 = performance.now();
    seed(file, template, bookings);
    const seedSeconds = (performance.now() - t0) / 1000;
    const tables = Object.fromEntries(sizes(file));
    const fileBytes = Number(sqliteJson<{ n: number }>(file, 'SELECT page_count * page_size AS n FROM pragma_page_count(), pragma_page_size()')[0]!.n);
    log(`seeded in ${seedSeconds.toFixed(0)} s: ${(fileBytes / 1e6).toFixed(0)} MB, ${tables.bookings?.rows} bookings`);
    return { bookings, state, seedSeconds, fileBytes, tables };
  });
  if (SEED_TO) {
    for (const [name, s] of [['small', seeded[0]!], ['large', seeded[1]!]] as const) cpSync(s.state, join(SEED_TO, name), { recursive: true });
    writeFileSync(join(SEED_TO, 'template.json'), JSON.stringify({ host0: template.host0, adminToken: template.adminToken }, null, 2));
    log(`seeded states kept in ${SEED_TO}`);
    process.exit(0);
  }
  log('measuring both, interleaved');
  const { samples, bursts } = await measurePair([seeded[0]!.state, seeded[1]!.state], template);
  const backlog = BACKLOG ? await drainBacklog(seeded[1]!.state, template) : null;

  const quartile = (ms: number[]) => [...ms].sort((a, b) => a - b)[Math.floor(ms.length / 4)]!;
  const rows = Object.keys(samples[0]).map((name) => {
    const [small, large] = samples.map((s) => summarize(s[name]!).median) as [number, number];
    const [smallQ, largeQ] = samples.map((s) => quartile(s[name]!)) as [number, number];
    return {
      request: name,
      [`${SMALL} ms`]: small.toFixed(1),
      [`${LARGE} ms`]: large.toFixed(1),
      ratio: (large / small).toFixed(2),
      'p25 ratio': (largeQ / smallQ).toFixed(2),
    };
  });
  console.table(rows);
  for (const [i, s] of seeded.entries()) {
    console.log(`${s.bookings}: burst ${JSON.stringify(bursts[i])}; seed ${s.seedSeconds.toFixed(0)} s; file ${(s.fileBytes / 1e6).toFixed(1)} MB`);
  }
  console.log('template (host 0: 100 bookings, one webhook, emails on), bytes and rows by table:');
  console.table(Object.fromEntries(perBooking));
  console.log(`${LARGE} bookings, bytes and rows by table:`);
  console.table(seeded[1]!.tables);
  mkdirSync('bench/out', { recursive: true });
  writeFileSync(
    'bench/out/scale.json',
    JSON.stringify({ at: new Date().toISOString(), rounds: ROUNDS, rows, bursts, backlog, seeded: seeded.map(({ state: _, ...s }) => s), template: Object.fromEntries(perBooking) }, null, 2),
  );
  rmSync(template.state, { recursive: true, force: true });
} finally {
  rmSync(work, { recursive: true, force: true });
  clearTimeout(hardStop);
}
process.exit(0);

// Every hot query uses an index (issue #32 item 4). The queries are collected where they run: this file drives the
// real routes (slots, booking, reschedule, cancel, holds, team and seated and recurring bookings, the bookings lists
// with their filters, a booking's .ics, a webhook's deliveries, the public booking page, the admin lists, the host
// feed), lets the queue consumers deliver the webhook, emails and calendar sync they cause, and runs the cron,
// recording every statement D1 receives (test/d1-probe.ts). Each one is then asked for its `EXPLAIN QUERY PLAN`
// against the migrated schema, and a full scan of a table that grows with traffic fails the test. A new query on one
// of these paths is recorded without anyone listing it; a new path needs a line here.
import { createScheduledController } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import worker from '../src/index';
import { type RecordedStatement, measureD1 } from './d1-probe';
import { api, ATTENDEE, book, create, createEventType, getPage, hostWithEventType, reserve, signedInAdmin, upcomingDate } from './helpers';
import { feedWith } from './calendars-helpers';
import { makeTeam, teamEventType } from './teams-helpers';
import { reminderWorkflow } from './workflows-helpers';
import { deliverDueReminders } from '../src/workflows/delivery';

/** Tables whose rows grow with bookings, deliveries, sign-ins or syncs: none of them may be read by a full scan. */
const GROWING = new Set([
  'users', 'sessions', 'sign_in_attempts', 'bookings', 'booking_attendees', 'booking_hosts', 'slot_reservations',
  'booking_webhook_deliveries', 'booking_email_notifications', 'calendar_busy', 'calendar_connections',
  'booking_event_types', 'booking_calendar_feeds', 'team_members', 'team_invitations', 'booking_reminders', 'event_type_workflows',
  // One or a few per host: a booking event that walks every subscription costs as much as there are hosts.
  'booking_webhooks',
]);

const FEED_URL = 'https://calendar.example.com/busy.ics';
/** Our own polling reads carry this mark and are left out of the check. */
const OURS = '/* query-plans test */';

interface Plan {
  sql: string;
  scans: string[];
}

/** `FROM bookings b`, `JOIN booking_hosts AS bh`: the plan names a table by its alias, so map aliases back. */
function tablesByName(sql: string): Map<string, string> {
  const names = new Map<string, string>();
  for (const m of sql.matchAll(/\b(?:from|join|update|into)\s+"?(\w+)"?(?:\s+(?:as\s+)?"?(\w+)"?)?/gi)) {
    names.set(m[1]!, m[1]!);
    if (m[2]) names.set(m[2], m[1]!);
  }
  return names;
}

/**
 * A page of the newest (or oldest) rows of a whole table, `SELECT ... FROM t ORDER BY t.x LIMIT ?` without a filter:
 * SQLite reports it as `SCAN t` (or `SCAN t USING INDEX` on x) but reads only the page's rows from one end.
 */
function isPageInOrder(sql: string, table: string): boolean {
  // The statement's own clauses: subqueries (in parentheses) may filter their own tables.
  let top = sql;
  while (/\([^()]*\)/.test(top)) top = top.replace(/\([^()]*\)/g, '');
  return !/\bwhere\b/i.test(top) && new RegExp(`order by "?${table}"?\\."?\\w+"?( asc| desc)?(, [^,]+)* limit \\?$`, 'i').test(top.trim());
}

async function isPartialIndex(name: string): Promise<boolean> {
  const row = await env.DB.prepare(`${OURS} SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?`).bind(name).first<{ sql: string | null }>();
  return /\bwhere\b/i.test(row?.sql ?? '');
}

/** The full scans of growing tables in one statement's plan (`SCAN t` without an index; `SEARCH` and `USING INDEX` pass). */
let planRun = 0;

async function fullScans(statement: RecordedStatement): Promise<Plan> {
  // A new text each time: the runtime caches prepared statements by text, and an EXPLAIN never checks whether the
  // schema changed since, so a cached plan would outlive a dropped index.
  const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN /* ${++planRun} */ ${statement.sql}`)
    .bind(...statement.params)
    .all<{ detail: string }>();
  const names = tablesByName(statement.sql);
  const scans: string[] = [];
  for (const { detail } of results) {
    // `SCAN t USING INDEX i` walks all of i: as bad as a table scan unless the statement reads one page of the whole
    // table (no filter), which isPageInOrder lets through.
    const m = /^SCAN (\w+)(.*)$/.exec(detail);
    if (!m) continue;
    const table = names.get(m[1]!) ?? m[1]!;
    // A walk of a partial index reads only the rows its WHERE admits (`users_super_admin_idx`: the few super admins).
    const index = /USING (?:COVERING )?INDEX (\w+)/.exec(m[2]!)?.[1];
    if (index && (await isPartialIndex(index))) continue;
    if (GROWING.has(table) && !isPageInOrder(statement.sql, table)) scans.push(`SCAN ${table}`);
  }
  // A status has a handful of values: finding rows by status alone and then sorting them for a page sorts most of
  // the table on every page.
  const byStatusOnly = results.map((r) => /^SEARCH (\w+) USING (?:COVERING )?INDEX \w+ \(status=\?\)$/.exec(r.detail)?.[1]).find(Boolean);
  if (byStatusOnly && results.some((r) => r.detail.startsWith('USE TEMP B-TREE FOR ORDER BY'))) {
    scans.push(`SORT ${names.get(byStatusOnly) ?? byStatusOnly} BY STATUS`);
  }
  return { sql: statement.sql, scans };
}

async function until(what: string, sql: string, ...params: unknown[]) {
  for (const deadline = Date.now() + 10_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 50))) {
    const row = await env.DB.prepare(`${OURS} ${sql}`).bind(...params).first<{ n: number }>();
    if (row?.n) return;
  }
  throw new Error(`never happened: ${what}`);
}

const ok = async <T extends { status: number; json: any }>(res: Promise<T>, status = 200): Promise<T> => {
  const r = await res;
  if (r.status !== status) throw new Error(`expected ${status}, got ${r.status}: ${JSON.stringify(r.json)}`);
  return r;
};

/** Drives every hot path once and answers the distinct statements they sent to D1 (the first parameters seen). */
async function hotStatements(): Promise<RecordedStatement[]> {
  // Webhook subscribers and the calendar server stand behind global fetch; the consumers run in this isolate.
  vi.spyOn(globalThis, 'fetch').mockImplementation(async (input) => {
    const url = new Request(input).url;
    if (url === FEED_URL) return new Response(feedWith([[Date.parse(`${upcomingDate(3)}T12:00:00Z`), Date.parse(`${upcomingDate(3)}T13:00:00Z`)]]), { headers: { 'content-type': 'text/calendar' } });
    return new Response('ok');
  });
  const host = await hostWithEventType({ booking_window_days: 400 });
  const seated = await createEventType(host.token, { seats_per_time_slot: 5 });
  const weekly = await createEventType(host.token, { booking_window_days: 400, recurring_event: { freq: 'weekly', interval: 1, count: 3 } });
  const hook = await create<{ id: number }>('/v2/webhooks', host.token, {
    subscriber_url: 'https://hooks.example.com/plans',
    event_triggers: ['BOOKING_CREATED', 'BOOKING_RESCHEDULED', 'BOOKING_CANCELLED'],
    secret: 'whsec_query_plans_secret',
  });
  const feed = await create<{ token: string }>('/v2/calendar-feeds', host.token, { name: 'Phone' });
  // Reminders (src/workflows/): every booking of this event type schedules, moves and voids steps in its batch.
  await reminderWorkflow(host.token, host.eventType.id, 60);
  const team = await makeTeam();
  const collective = await teamEventType(team.id, team.owner.token, { scheduling_type: 'collective', hosts: team.members.map((m) => ({ user_id: m.user.id })) });
  const roundRobin = await teamEventType(team.id, team.owner.token, { scheduling_type: 'round_robin', hosts: team.members.map((m) => ({ user_id: m.user.id })) });
  const admin = await signedInAdmin();
  const from = `${upcomingDate(1)}T00:00:00Z`;
  const to = new Date(Date.parse(from) + 31 * 86_400_000).toISOString();
  const day = upcomingDate(2);

  const { statements } = await measureD1(async () => {
    const calendar = await create<{ id: number }>('/v2/calendars', host.token, { kind: 'ics', url: FEED_URL });
    await until('the calendar synced', 'SELECT count(*) AS n FROM calendar_connections WHERE id = ? AND last_synced_at IS NOT NULL', calendar.id);
    for (const et of [host.eventType.id, collective.id, roundRobin.id]) {
      await ok(api('GET', `/v2/slots/available?event_type_id=${et}&start_time=${from}&end_time=${to}`));
    }
    const hold = await ok(reserve(host.eventType.id, `${day}T09:00:00Z`), 201);
    await ok(api('PATCH', `/v2/slots/reservations/${hold.json.uid}`, { body: { slot_start: `${day}T09:30:00Z` } }));
    await ok(api('GET', `/v2/slots/reservations/${hold.json.uid}`));
    await ok(book(host.eventType.id, `${day}T09:30:00Z`, { reservation_uid: hold.json.uid }), 201);
    const booked = await ok(book(host.eventType.id, `${day}T10:00:00Z`), 201);
    await ok(api('GET', `/v2/bookings/${booked.json.uid}`));
    await ok(api('PATCH', `/v2/bookings/${booked.json.uid}`, { body: { start: `${day}T11:00:00Z` } }));
    await ok(api('GET', `/v2/bookings/${booked.json.uid}`, { token: host.token }));
    // The alarm's delivery of a due step (its claim, email row and next due time).
    await deliverDueReminders(env, Date.parse(`${day}T10:00:00Z`), { hostId: host.user.id });
    await ok(api('DELETE', `/v2/bookings/${booked.json.uid}`, { body: {} }));
    await ok(book(seated.id, `${day}T14:00:00Z`), 201);
    await ok(book(seated.id, `${day}T14:00:00Z`, { attendee: { ...ATTENDEE, email: 'second-seat@example.com' } }), 201);
    await ok(book(weekly.id, `${day}T15:00:00Z`), 201);
    await ok(book(collective.id, `${day}T10:00:00Z`), 201);
    await ok(book(roundRobin.id, `${day}T12:30:00Z`), 201);
    await ok(api('GET', '/v2/bookings', { token: host.token }));
    await ok(api('GET', `/v2/bookings?status=accepted&from=${from}&to=${to}&event_type_id=${host.eventType.id}&limit=10`, { token: host.token }));
    await ok(api('GET', `/v2/bookings?status=cancelled`, { token: host.token }));
    await ok(api('GET', `/v2/bookings/${booked.json.uid}/ics`));
    await ok(api('GET', `/v2/webhooks/${hook.id}/deliveries`, { token: host.token }));
    await ok(api('GET', `/v2/webhooks/${hook.id}/deliveries?status=failed`, { token: host.token }));
    expect((await getPage(`/${host.user.username}/${host.eventType.slug}`)).status).toBe(200);
    // A live hold, so the admin bookings page lists it too.
    await ok(reserve(host.eventType.id, `${day}T16:00:00Z`), 201);
    const feedRes = await api('GET', `/feeds/${feed.token}.ics`);
    expect(feedRes.status).toBe(200);
    for (const path of ['/admin/bookings', `/admin/bookings?status=accepted&from=${day}&to=${day}`, '/admin/emails', '/admin/emails?status=failed', '/admin/webhooks', '/admin/calendars']) {
      expect((await getPage(path, admin.cookie)).status, path).toBe(200);
    }
    await until('the webhooks delivered', "SELECT count(*) AS n FROM booking_webhook_deliveries WHERE status = 'delivered' AND trigger_event = 'BOOKING_CANCELLED'");
    await until('the emails sent', "SELECT count(*) AS n FROM booking_email_notifications WHERE status = 'sent' AND trigger_event = 'BOOKING_CANCELLED'");
    await worker.scheduled(createScheduledController(), env);
  });
  const distinct = new Map<string, RecordedStatement>();
  for (const s of statements) if (!s.sql.startsWith(OURS) && !distinct.has(s.sql)) distinct.set(s.sql, s);
  return [...distinct.values()];
}

let statements: RecordedStatement[] = [];

beforeAll(async () => {
  statements = await hotStatements();
}, 60_000);

afterAll(() => {
  vi.restoreAllMocks();
});

describe('query plans of the hot paths', () => {
  it('no statement of the request paths, the consumers or the cron scans a table that grows with traffic', async () => {
    // A floor, so a broken driver that records nothing cannot pass.
    expect(statements.length).toBeGreaterThan(60);
    // The reminder statements (scheduled, moved, voided, read, claimed, next due) are among them.
    expect(statements.filter((s) => s.sql.includes('booking_reminders')).length).toBeGreaterThanOrEqual(7);
    const plans = await Promise.all(statements.map(fullScans));
    expect(plans.filter((p) => p.scans.length > 0)).toEqual([]);
  });

  it('fails when an index the slots and guards rely on is dropped', async () => {
    await env.DB.exec('DROP INDEX booking_hosts_user_occupied_idx');
    try {
      const plans = await Promise.all(statements.map(fullScans));
      const scanned = plans.filter((p) => p.scans.length > 0);
      expect(scanned.length).toBeGreaterThan(0);
      expect(scanned.flatMap((p) => p.scans)).toContain('SCAN booking_hosts');
    } finally {
      await env.DB.exec('CREATE INDEX booking_hosts_user_occupied_idx ON booking_hosts (user_id, occupied_start)');
    }
  });
});

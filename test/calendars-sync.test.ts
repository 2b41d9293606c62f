// Syncing a connection end to end inside workerd: API -> queue -> consumer -> fetch -> D1 -> slots and bookings.
import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { sweepCalendars } from '../src/calendars/queue';
import { syncConnection } from '../src/calendars/sync';
import { api, book, create, expectError, hostWithEventType, makeUser, upcomingDate } from './helpers';
import { busyRows, feedWith, serveFeeds, settleSyncs, waitForConnection, type Served } from './calendars-helpers';

afterEach(async () => {
  await settleSyncs();
  vi.restoreAllMocks();
});

const FEED_URL = 'https://calendar.example.com/private-abc123/basic.ics';
const HOUR = 3_600_000;
const at = (date: string, hhmm: string) => Date.parse(`${date}T${hhmm}:00Z`);

async function slotStarts(eventTypeId: number, date: string): Promise<string[]> {
  const res = await api('GET', `/v2/slots/available?event_type_id=${eventTypeId}&start_time=${date}T00:00:00Z&end_time=${date}T23:59:00Z&timezone=UTC`);
  expect(res.status).toBe(200);
  return (res.json.slots[date] ?? []).map((s: any) => s.start.slice(11, 16));
}

describe('an ICS subscription blocks the host', () => {
  it('busy time hides slots and refuses bookings; a changed feed frees them again', async () => {
    const host = await hostWithEventType();
    const day = upcomingDate(3); // a Wednesday a week or more ahead; the host works 09:00-17:00 UTC
    const feeds = new Map<string, Served>([[FEED_URL, { body: feedWith([[at(day, '10:00'), at(day, '12:00')]]), etag: '"rev1"' }]]);
    serveFeeds(feeds);

    expect(await slotStarts(host.eventType.id, day)).toContain('10:30');
    const created = await api('POST', '/v2/calendars', { token: host.token, body: { kind: 'ics', url: FEED_URL } });
    expect(created.status).toBe(201);
    const synced = await waitForConnection(host.token, created.json.id, (c) => c.last_synced_at !== null);
    expect(synced).toMatchObject({ status: 'ok', busy_count: 1, last_error: null });

    const blocked = await slotStarts(host.eventType.id, day);
    expect(blocked).toContain('09:30');
    for (const t of ['10:00', '10:30', '11:00', '11:30']) expect(blocked).not.toContain(t);
    expect(blocked).toContain('12:00');

    const refused = await book(host.eventType.id, `${day}T10:30:00Z`);
    expectError(refused, 409, 'slot_unavailable');
    expect(refused.json.error.message).toMatch(/host is busy/i);
    expect(refused.json.error.message).not.toMatch(/Private/);

    // The feed changes: the event moves to the afternoon.
    feeds.set(FEED_URL, { body: feedWith([[at(day, '15:00'), at(day, '16:00')]]), etag: '"rev2"' });
    const before = synced.last_synced_at;
    // A minute later (refreshes are one a minute per calendar), the host asks for a refresh.
    await env.DB.prepare('UPDATE calendar_connections SET enqueued_at = enqueued_at - 60000 WHERE id = ?').bind(created.json.id).run();
    expect((await api('POST', `/v2/calendars/${created.json.id}/refresh`, { token: host.token })).status).toBe(202);
    await waitForConnection(host.token, created.json.id, (c) => c.last_synced_at !== before);
    const freed = await slotStarts(host.eventType.id, day);
    expect(freed).toContain('10:30');
    expect(freed).not.toContain('15:00');
    expect((await book(host.eventType.id, `${day}T10:30:00Z`)).status).toBe(201);
  });

  it('an unchanged feed answers 304 and keeps the busy set', async () => {
    const host = await makeUser();
    const day = upcomingDate(3);
    const feeds = new Map([[FEED_URL, { body: feedWith([[at(day, '10:00'), at(day, '11:00')]]), etag: '"same"' }]]);
    const created = await createQuietly(host.token);
    const { requests } = serveFeeds(feeds);
    expect(await syncConnection(env, created.id, Date.now())).toBe('synced');
    expect(await syncConnection(env, created.id, Date.now())).toBe('not_modified');
    expect(requests.at(-1)!.headers.get('if-none-match')).toBe('"same"');
    expect(await busyRows(created.id)).toEqual([{ start_at: at(day, '10:00'), end_at: at(day, '11:00') }]);
    const shown = (await api('GET', `/v2/calendars/${created.id}`, { token: host.token })).json;
    expect(shown).toMatchObject({ status: 'ok', busy_count: 1, consecutive_failures: 0 });
  });

  it('a feed that is not iCalendar is a readable last_error, and the last good busy set stays', async () => {
    const host = await makeUser();
    const day = upcomingDate(3);
    const created = await createQuietly(host.token);
    const feeds = new Map<string, Served>([[FEED_URL, { body: feedWith([[at(day, '10:00'), at(day, '11:00')]]) }]]);
    serveFeeds(feeds);
    await syncConnection(env, created.id, Date.now());
    feeds.set(FEED_URL, { body: '<html><body>Sign in to continue</body></html>' });
    expect(await syncConnection(env, created.id, Date.now())).toBe('failed');
    feeds.set(FEED_URL, { status: 404, body: 'gone' });
    expect(await syncConnection(env, created.id, Date.now())).toBe('failed');
    const shown = (await api('GET', `/v2/calendars/${created.id}`, { token: host.token })).json;
    expect(shown).toMatchObject({ status: 'failing', consecutive_failures: 2, busy_count: 1 });
    expect(shown.last_error).toMatch(/does not know this address \(HTTP 404\)/);
    expect(shown.last_error).not.toContain('abc123');
    expect(await busyRows(created.id)).toHaveLength(1);
  });

  it('a malformed calendar is reported as such', async () => {
    const host = await makeUser();
    const created = await createQuietly(host.token);
    serveFeeds(new Map([[FEED_URL, { body: 'BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:not-a-date\r\n' }]]));
    expect(await syncConnection(env, created.id, Date.now())).toBe('failed');
    const shown = (await api('GET', `/v2/calendars/${created.id}`, { token: host.token })).json;
    expect(shown.last_error).toMatch(/could not be read/);
  });

  it('last_error is a coarse reason: never a line of the answer nor a runtime error; the details go to the log', async () => {
    const host = await makeUser();
    const created = await createQuietly(host.token);
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    serveFeeds(new Map([[FEED_URL, { body: 'BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nprivate line: Dinner with Alex\r\nSECRET-LINE-xyz\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' }]]));
    expect(await syncConnection(env, created.id, Date.now())).toBe('failed');
    let shown = (await api('GET', `/v2/calendars/${created.id}`, { token: host.token })).json;
    expect(shown.last_error).toBe('The calendar file could not be read (it is not valid iCalendar)');

    vi.spyOn(globalThis, 'fetch').mockRejectedValue(new Error('connect ECONNREFUSED 203.0.113.9:443 internal-detail'));
    expect(await syncConnection(env, created.id, Date.now())).toBe('failed');
    shown = (await api('GET', `/v2/calendars/${created.id}`, { token: host.token })).json;
    expect(shown.last_error).toBe('The calendar server could not be reached');
    const log = logged.mock.calls.map((call) => String(call[0])).join('\n');
    expect(log).toContain('SECRET-LINE-xyz');
    expect(log).toContain('internal-detail');
    expect(log).toContain(`"connection_id":${created.id}`);
  });

  it('a feed over 5 MB is refused, whatever its Content-Length says', async () => {
    const host = await makeUser();
    const created = await createQuietly(host.token);
    const big = feedWith([], [`X-PADDING:${'x'.repeat(6 * 1024 * 1024)}`]);
    serveFeeds(new Map([[FEED_URL, { body: big }]]));
    expect(await syncConnection(env, created.id, Date.now())).toBe('failed');
    const shown = (await api('GET', `/v2/calendars/${created.id}`, { token: host.token })).json;
    expect(shown.last_error).toBe('The calendar file is larger than 5 MB');
  });

  it('redirects are followed at most 3 times, each target checked by the SSRF guard', async () => {
    const host = await makeUser();
    const created = await createQuietly(host.token);
    const hop = (n: number) => `https://calendar.example.com/hop${n}.ics`;
    const day = upcomingDate(3);
    const feeds = new Map<string, Served>([
      [FEED_URL, { status: 302, headers: { location: hop(1) } }],
      [hop(1), { status: 301, headers: { location: hop(2) } }],
      [hop(2), { status: 307, headers: { location: hop(3) } }],
      [hop(3), { body: feedWith([[at(day, '10:00'), at(day, '11:00')]]) }],
    ]);
    serveFeeds(feeds);
    expect(await syncConnection(env, created.id, Date.now())).toBe('synced');

    feeds.set(hop(3), { status: 302, headers: { location: hop(4) } });
    expect(await syncConnection(env, created.id, Date.now())).toBe('failed');
    expect((await api('GET', `/v2/calendars/${created.id}`, { token: host.token })).json.last_error).toMatch(/redirected more than 3 times/);

    feeds.set(FEED_URL, { status: 302, headers: { location: 'http://169.254.169.254/latest/meta-data' } });
    const { requests } = serveFeeds(feeds);
    expect(await syncConnection(env, created.id, Date.now())).toBe('failed');
    expect((await api('GET', `/v2/calendars/${created.id}`, { token: host.token })).json.last_error).toMatch(/redirected to an address that is not allowed/);
    expect(requests.map((r) => r.url)).not.toContain('http://169.254.169.254/latest/meta-data');
  });

  it('an impossible RRULE does not stall the sync: the rest of the feed blocks time and the connection says why', async () => {
    const host = await makeUser();
    const day = upcomingDate(3);
    const created = await createQuietly(host.token);
    const feb30 = ['BEGIN:VEVENT', 'UID:feb30@example.com', 'DTSTAMP:20260101T000000Z', 'DTSTART:20260101T090000Z', 'DURATION:PT1H', 'RRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30', 'END:VEVENT'];
    serveFeeds(new Map([[FEED_URL, { body: feedWith([[at(day, '10:00'), at(day, '11:00')]], feb30) }]]));
    expect(await syncConnection(env, created.id, Date.now())).toBe('synced');
    expect(await busyRows(created.id)).toEqual([{ start_at: at(day, '10:00'), end_at: at(day, '11:00') }]);
    const shown = (await api('GET', `/v2/calendars/${created.id}`, { token: host.token })).json;
    expect(shown).toMatchObject({ status: 'ok', busy_count: 1, capped: false });
    expect(shown.last_error).toBe('1 repeating event has a rule that finds no date within the expansion limit: it blocks no time past that point');
  });

  it('after 24 hours of failures the connection is stale', async () => {
    const host = await makeUser();
    const created = await createQuietly(host.token);
    serveFeeds(new Map([[FEED_URL, { body: feedWith([]) }]]));
    const then = Date.now() - 25 * HOUR;
    await syncConnection(env, created.id, then);
    serveFeeds(new Map([[FEED_URL, { status: 500 }]]));
    await syncConnection(env, created.id, Date.now());
    const shown = (await api('GET', `/v2/calendars/${created.id}`, { token: host.token })).json;
    expect(shown).toMatchObject({ status: 'stale', stale: true, consecutive_failures: 1 });
  });

  it('our own invites in the host feed do not block the booking they describe', async () => {
    const host = await hostWithEventType();
    const day = upcomingDate(4);
    const created = await createQuietly(host.token);
    const own = ['BEGIN:VEVENT', 'UID:bk_own@calflare.example.com', 'DTSTAMP:20260101T000000Z', `DTSTART:${day.replace(/-/g, '')}T100000Z`, `DTEND:${day.replace(/-/g, '')}T110000Z`, 'END:VEVENT'];
    serveFeeds(new Map([[FEED_URL, { body: feedWith([], own) }]]));
    expect(await syncConnection(env, created.id, Date.now())).toBe('synced');
    expect(await busyRows(created.id)).toEqual([]);
  });

  it('disabling drops the busy time at once; deleting removes it', async () => {
    const host = await hostWithEventType();
    const day = upcomingDate(3);
    const created = await createQuietly(host.token);
    serveFeeds(new Map([[FEED_URL, { body: feedWith([[at(day, '10:00'), at(day, '11:00')]]) }]]));
    await syncConnection(env, created.id, Date.now());
    expect(await slotStarts(host.eventType.id, day)).not.toContain('10:00');
    await api('PATCH', `/v2/calendars/${created.id}`, { token: host.token, body: { enabled: false } });
    expect(await busyRows(created.id)).toEqual([]);
    expect(await slotStarts(host.eventType.id, day)).toContain('10:00');
    expect(await syncConnection(env, created.id, Date.now())).toBe('skipped');
  });
});

describe('the cron sweep', () => {
  it('queues each enabled connection once per 15 minutes', async () => {
    const host = await makeUser();
    const created = await createQuietly(host.token);
    await env.DB.prepare('UPDATE calendar_connections SET enqueued_at = NULL, enabled = 1 WHERE id = ?').bind(created.id).run();
    const sent: number[] = [];
    const queue = { sendBatch: async (msgs: { body: { connection_id: number } }[]) => void sent.push(...msgs.map((m) => m.body.connection_id)) };
    const fakeEnv = { ...env, CALENDAR_SYNC: queue } as unknown as typeof env;
    const now = Date.now();
    await sweepCalendars(fakeEnv, now);
    expect(sent).toContain(created.id);
    sent.length = 0;
    await sweepCalendars(fakeEnv, now + 5 * 60_000);
    expect(sent).not.toContain(created.id);
    await sweepCalendars(fakeEnv, now + 15 * 60_000);
    expect(sent).toContain(created.id);
  });
});

/** A connection created disabled (no background sync), then enabled in D1 only: the test drives its syncs itself. */
async function createQuietly(token: string) {
  const created = await create<{ id: number }>('/v2/calendars', token, { kind: 'ics', url: FEED_URL, enabled: false });
  await env.DB.prepare('UPDATE calendar_connections SET enabled = 1 WHERE id = ?').bind(created.id).run();
  return created;
}

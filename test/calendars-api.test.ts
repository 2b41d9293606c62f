// /v2/calendars: connections CRUD, ownership, write-only secrets, limits, the SSRF guard.
import { env } from 'cloudflare:workers';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { api, expectError, makeAdmin, makeUser } from './helpers';
import { serveFeeds, settleSyncs } from './calendars-helpers';
import { expectDocumented } from './openapi-helpers';

const GOOGLE_URL = 'https://calendar.google.com/calendar/ical/host%40example.com/private-5ecret7oken9/basic.ics';
const EMPTY_FEED = 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nEND:VCALENDAR\r\n';

beforeEach(() => {
  // Every address answers an empty calendar, so the syncs the API queues run quietly in the background.
  vi.spyOn(globalThis, 'fetch').mockImplementation(async () => new Response(EMPTY_FEED, { headers: { 'content-type': 'text/calendar' } }));
});
afterEach(async () => {
  await settleSyncs();
  vi.restoreAllMocks();
});

const connect = (token: string, body: Record<string, unknown> = {}) => api('POST', '/v2/calendars', { token, body: { kind: 'ics', url: GOOGLE_URL, ...body } });

describe('POST /v2/calendars', () => {
  it('adds an ICS subscription and never shows its secret path', async () => {
    const { token, user } = await makeUser();
    const res = await connect(token, { name: 'Work' });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({
      owner_id: user.id, kind: 'ics', name: 'Work', url: 'https://calendar.google.com/…', enabled: true,
      include_transparent: false, status: 'pending', busy_count: 0, last_synced_at: null, last_error: null,
    });
    expect(JSON.stringify(res.json)).not.toContain('5ecret7oken9');
    const list = await api('GET', '/v2/calendars', { token });
    expect(JSON.stringify(list.json)).not.toContain('5ecret7oken9');
  });

  it('stores the address only as AES-GCM ciphertext', async () => {
    const { token } = await makeUser();
    const { json } = await connect(token);
    const row = await env.DB.prepare('SELECT * FROM calendar_connections WHERE id = ?').bind(json.id).first<Record<string, unknown>>();
    expect(String(row!.secret)).toMatch(/^v1\.[A-Za-z0-9_-]{40,}$/);
    expect(JSON.stringify(row)).not.toContain('5ecret7oken9');
    expect(JSON.stringify(row)).not.toContain('private-');
  });

  it('reads webcal:// as https://', async () => {
    const { token } = await makeUser();
    const res = await connect(token, { url: 'webcal://p12-caldav.icloud.com/published/2/MTIzNDU2Nzg5' });
    expect(res.status).toBe(201);
    expect(res.json.url).toBe('https://p12-caldav.icloud.com/…');
  });

  it('refuses private, loopback and plain-http addresses while the dev var is off', async () => {
    const { token } = await makeUser();
    for (const url of ['https://10.0.0.5/cal.ics', 'https://127.0.0.1/cal.ics', 'https://[::1]/cal.ics', 'https://169.254.169.254/latest', 'http://calendar.example.com/cal.ics', 'https://printer.local/cal.ics']) {
      const res = await connect(token, { url });
      expectError(res, 400, 'validation_failed');
      expect(res.json.error.issues[0].path).toBe('url');
    }
  });

  it('rejects unknown fields, unknown kinds and a missing url', async () => {
    const { token } = await makeUser();
    expectError(await connect(token, { colour: 'red' }), 400, 'validation_failed');
    expectError(await connect(token, { kind: 'exchange' }), 400, 'validation_failed');
    expectError(await api('POST', '/v2/calendars', { token, body: { kind: 'ics' } }), 400, 'validation_failed');
  });

  it('needs a session', async () => {
    expectError(await api('POST', '/v2/calendars', { body: { kind: 'ics', url: GOOGLE_URL } }), 401, 'unauthorized');
    expectError(await api('GET', '/v2/calendars'), 401, 'unauthorized');
  });

  it('allows at most 10 calendars per host', async () => {
    const { token } = await makeUser();
    for (let i = 0; i < 10; i++) expect((await connect(token, { enabled: false })).status).toBe(201);
    expectError(await connect(token, { enabled: false }), 409, 'conflict');
  });

  it('lets a super admin connect for another user, and nobody else', async () => {
    const admin = await makeAdmin();
    const host = await makeUser();
    const other = await makeUser();
    const res = await connect(admin.token, { owner_id: host.user.id, enabled: false });
    expect(res.status).toBe(201);
    expect(res.json.owner_id).toBe(host.user.id);
    expectError(await connect(other.token, { owner_id: host.user.id }), 400, 'validation_failed');
  });
});

describe('GET, PATCH, DELETE /v2/calendars/{id}', () => {
  it("someone else's calendar is a 404; a super admin sees it", async () => {
    const owner = await makeUser();
    const stranger = await makeUser();
    const admin = await makeAdmin();
    const { json } = await connect(owner.token, { enabled: false });
    expectError(await api('GET', `/v2/calendars/${json.id}`, { token: stranger.token }), 404, 'not_found');
    expectError(await api('PATCH', `/v2/calendars/${json.id}`, { token: stranger.token, body: { name: 'x' } }), 404, 'not_found');
    expectError(await api('DELETE', `/v2/calendars/${json.id}`, { token: stranger.token }), 404, 'not_found');
    expectError(await api('POST', `/v2/calendars/${json.id}/refresh`, { token: stranger.token }), 404, 'not_found');
    expect((await api('GET', `/v2/calendars/${json.id}`, { token: admin.token })).status).toBe(200);
    expect((await api('GET', `/v2/calendars?owner_id=${owner.user.id}`, { token: admin.token })).json.data.map((c: any) => c.id)).toEqual([json.id]);
    expect((await api('GET', '/v2/calendars', { token: stranger.token })).json.data).toEqual([]);
  });

  it('lists with cursor pagination', async () => {
    const { token } = await makeUser();
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await connect(token, { enabled: false, name: `c${i}` })).json.id);
    const first = await api('GET', '/v2/calendars?limit=2', { token });
    expect(first.json.data.map((c: any) => c.id)).toEqual(ids.slice(0, 2));
    const second = await api('GET', `/v2/calendars?limit=2&cursor=${first.json.next_cursor}`, { token });
    expect(second.json.data.map((c: any) => c.id)).toEqual(ids.slice(2));
    expect(second.json.next_cursor).toBeNull();
  });

  it('updates name, address and flags; the new address stays secret', async () => {
    const { token } = await makeUser();
    const { json } = await connect(token, { enabled: false });
    const res = await api('PATCH', `/v2/calendars/${json.id}`, {
      token,
      body: { name: 'Holidays', url: 'https://outlook.office365.com/owa/calendar/abc@example.com/t0ken42/calendar.ics', include_transparent: true },
    });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ name: 'Holidays', url: 'https://outlook.office365.com/…', include_transparent: true, enabled: false, status: 'disabled' });
    expect(JSON.stringify(res.json)).not.toContain('t0ken42');
    expectError(await api('PATCH', `/v2/calendars/${json.id}`, { token, body: {} }), 400, 'validation_failed');
    expectError(await api('PATCH', `/v2/calendars/${json.id}`, { token, body: { url: 'https://192.168.1.1/x.ics' } }), 400, 'validation_failed');
    expectError(await api('PATCH', `/v2/calendars/${json.id}`, { token, body: { secret: 'x' } }), 400, 'validation_failed');
  });

  it('deletes a calendar and its busy time', async () => {
    const { token } = await makeUser();
    const { json } = await connect(token, { enabled: false });
    expect((await api('DELETE', `/v2/calendars/${json.id}`, { token })).status).toBe(204);
    expectError(await api('GET', `/v2/calendars/${json.id}`, { token }), 404, 'not_found');
    expectError(await api('GET', '/v2/calendars/abc', { token }), 404, 'not_found');
  });

  it('refresh queues a sync (202), and refuses a disabled calendar', async () => {
    const { token } = await makeUser();
    const on = (await connect(token)).json;
    const res = await api('POST', `/v2/calendars/${on.id}/refresh`, { token });
    expect(res.status).toBe(202);
    expect(res.json.id).toBe(on.id);
    const off = (await connect(token, { enabled: false })).json;
    expectError(await api('POST', `/v2/calendars/${off.id}/refresh`, { token }), 409, 'conflict');
  });
});

describe('refresh coalesces', () => {
  const state = (id: number) => env.DB.prepare('SELECT enqueued_at, last_attempt_at FROM calendar_connections WHERE id = ?').bind(id).first<{ enqueued_at: number; last_attempt_at: number | null }>();
  const setState = (id: number, enqueuedAt: number, lastAttemptAt: number | null) =>
    env.DB.prepare('UPDATE calendar_connections SET enabled = 1, enqueued_at = ?2, last_attempt_at = ?3 WHERE id = ?1').bind(id, enqueuedAt, lastAttemptAt).run();

  it('one in flight: a refresh while a sync is pending answers 202 and queues nothing more', async () => {
    const { token } = await makeUser();
    const { id } = (await connect(token, { enabled: false })).json;
    const queuedAt = Date.now() - 90_000;
    await setState(id, queuedAt, null);
    const res = await api('POST', `/v2/calendars/${id}/refresh`, { token });
    expect(res.status).toBe(202);
    expect(res.json.id).toBe(id);
    expect((await state(id))!.enqueued_at).toBe(queuedAt);
    // A pending sync queued over 15 minutes ago was lost: a refresh queues a new one.
    await setState(id, Date.now() - 16 * 60_000, null);
    expect((await api('POST', `/v2/calendars/${id}/refresh`, { token })).status).toBe(202);
    expect((await state(id))!.enqueued_at).toBeGreaterThan(Date.now() - 60_000);
  });

  it('one a minute: within a minute of the last sync 429 with Retry-After; parallel refreshes queue one sync', async () => {
    const { token } = await makeUser();
    const { id } = (await connect(token, { enabled: false })).json;
    await setState(id, Date.now() - 30_000, Date.now() - 25_000);
    const refused = await api('POST', `/v2/calendars/${id}/refresh`, { token });
    expectError(refused, 429, 'rate_limited');
    const wait = Number(refused.headers.get('retry-after'));
    expect(wait).toBeGreaterThanOrEqual(29);
    expect(wait).toBeLessThanOrEqual(31);

    await setState(id, Date.now() - 61_000, Date.now() - 55_000);
    const fetches = vi.mocked(globalThis.fetch);
    fetches.mockClear();
    const answers = await Promise.all(Array.from({ length: 6 }, () => api('POST', `/v2/calendars/${id}/refresh`, { token })));
    for (const a of answers) expect([202, 429]).toContain(a.status);
    expect(answers.filter((a) => a.status === 202).length).toBeGreaterThanOrEqual(1);
    await settleSyncs();
    expect(fetches.mock.calls.length).toBe(1);
  });
});

describe('served feeds', () => {
  it('the sync fetches the real address, and only the server ever sees it', async () => {
    vi.restoreAllMocks();
    const { requests } = serveFeeds(new Map([[GOOGLE_URL, { body: EMPTY_FEED, etag: '"v1"' }]]));
    const { token } = await makeUser();
    const { json } = await connect(token);
    const deadline = Date.now() + 10_000;
    while (!requests.some((r) => r.url === GOOGLE_URL) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(requests.map((r) => r.url)).toContain(GOOGLE_URL);
    void json;
  });
});

describe('OpenAPI contract', () => {
  it('every /v2/calendars answer is documented and matches its schema', async () => {
    const { token } = await makeUser();
    const created = await connect(token, { enabled: false });
    await expectDocumented('POST', '/v2/calendars', created);
    await expectDocumented('GET', '/v2/calendars', await api('GET', '/v2/calendars', { token }));
    await expectDocumented('GET', '/v2/calendars/{id}', await api('GET', `/v2/calendars/${created.json.id}`, { token }));
    await expectDocumented('PATCH', '/v2/calendars/{id}', await api('PATCH', `/v2/calendars/${created.json.id}`, { token, body: { name: 'Renamed' } }));
    await expectDocumented('POST', '/v2/calendars/{id}/refresh', await api('POST', `/v2/calendars/${created.json.id}/refresh`, { token }));
    await expectDocumented('POST', '/v2/calendars', await connect(token, { url: 'https://10.1.1.1/x.ics' }));
    await expectDocumented('DELETE', '/v2/calendars/{id}', await api('DELETE', `/v2/calendars/${created.json.id}`, { token }));
    await expectDocumented('GET', '/v2/calendars/{id}', await api('GET', `/v2/calendars/${created.json.id}`, { token }));
    const enabled = await connect(token);
    await expectDocumented('POST', '/v2/calendars/{id}/refresh', await api('POST', `/v2/calendars/${enabled.json.id}/refresh`, { token }));
    await env.DB.prepare('UPDATE calendar_connections SET enqueued_at = ?2, last_attempt_at = ?2 WHERE id = ?1').bind(enabled.json.id, Date.now()).run();
    const tooSoon = await api('POST', `/v2/calendars/${enabled.json.id}/refresh`, { token });
    expect(tooSoon.status).toBe(429);
    await expectDocumented('POST', '/v2/calendars/{id}/refresh', tooSoon);
  });
});

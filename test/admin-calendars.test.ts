// The admin Calendars tab: every host's connections with their sync status, and a refresh that queues a sync.
import { env } from 'cloudflare:workers';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { csrfToken } from '../src/web/csrf';
import { api, follow, getPage, makeAdmin, makeUser, postForm } from './helpers';
import { settleSyncs } from './calendars-helpers';

const SECRET_URL = 'https://calendar.google.com/calendar/ical/h%40example.com/private-adm1nSecret/basic.ics';

beforeEach(() => {
  vi.spyOn(globalThis, 'fetch').mockImplementation(async () => new Response('not a calendar', { status: 200 }));
});
afterEach(async () => {
  await settleSyncs();
  vi.restoreAllMocks();
});

describe('/admin/calendars', () => {
  it('lists connections with owner, status and last error, never the secret address', async () => {
    const admin = await makeAdmin();
    const host = await makeUser();
    const created = await api('POST', '/v2/calendars', { token: host.token, body: { kind: 'ics', url: SECRET_URL, name: 'Work calendar', enabled: false } });
    // Not queued (enqueued_at NULL): a listed failure, with no sync in flight for afterEach to wait for.
    await env.DB.prepare("UPDATE calendar_connections SET enabled = 1, enqueued_at = NULL, consecutive_failures = 2, last_error = 'The calendar server answered HTTP 500' WHERE id = ?")
      .bind(created.json.id)
      .run();
    const res = await getPage('/admin/calendars', `session=${admin.token}`);
    expect(res.status).toBe(200);
    expect(res.html).toContain('<h1>Calendars</h1>');
    expect(res.html).toMatch(/<a href="\/admin\/calendars" class="tab active" aria-current="page">/);
    const row = res.html.slice(res.html.indexOf(`id="calendar-${created.json.id}"`));
    expect(row).toContain('Work calendar');
    expect(row).toContain(host.user.email);
    expect(row).toContain('Failing');
    expect(row).toContain('The calendar server answered HTTP 500');
    expect(row).toContain('https://calendar.google.com/…');
    expect(res.html).not.toContain('adm1nSecret');
  });

  it('refresh queues a sync and comes back with a message', async () => {
    const admin = await makeAdmin();
    const host = await makeUser();
    const created = await api('POST', '/v2/calendars', { token: host.token, body: { kind: 'ics', url: SECRET_URL, enabled: false } });
    await env.DB.prepare('UPDATE calendar_connections SET enabled = 1, enqueued_at = 0 WHERE id = ?').bind(created.json.id).run();
    const res = await postForm(`/admin/calendars/${created.json.id}/refresh`, { _csrf: await csrfToken(admin.token, 'session') }, { cookie: `session=${admin.token}` });
    expect(res.status).toBe(303);
    expect(res.location).toBe('/admin/calendars');
    const queued = await env.DB.prepare('SELECT enqueued_at FROM calendar_connections WHERE id = ?').bind(created.json.id).first<{ enqueued_at: number }>();
    expect(queued!.enqueued_at).toBeGreaterThan(Date.now() - 60_000);
  });

  it('a refresh within a minute of the last sync queues nothing and says when to try again', async () => {
    const admin = await makeAdmin();
    const host = await makeUser();
    const created = await api('POST', '/v2/calendars', { token: host.token, body: { kind: 'ics', url: SECRET_URL, enabled: false } });
    const synced = Date.now() - 20_000;
    await env.DB.prepare('UPDATE calendar_connections SET enabled = 1, enqueued_at = ?2, last_attempt_at = ?2 WHERE id = ?1').bind(created.json.id, synced).run();
    const cookie = `session=${admin.token}`;
    const res = await postForm(`/admin/calendars/${created.json.id}/refresh`, { _csrf: await csrfToken(admin.token, 'session') }, { cookie });
    const shown = await follow(res, cookie);
    expect(shown.html).toMatch(new RegExp(`Calendar #${created.json.id}: This calendar was synced moments ago; try again in 4\\d seconds`));
    const row = await env.DB.prepare('SELECT enqueued_at FROM calendar_connections WHERE id = ?').bind(created.json.id).first<{ enqueued_at: number }>();
    expect(row!.enqueued_at).toBe(synced);
  });

  it('is for super admins only, and refuses a refresh without the CSRF token', async () => {
    const host = await makeUser();
    expect((await getPage('/admin/calendars', `session=${host.token}`)).status).toBe(403);
    const admin = await makeAdmin();
    const res = await postForm('/admin/calendars/1/refresh', {}, { cookie: `session=${admin.token}` });
    expect(res.status).toBe(403);
  });
});

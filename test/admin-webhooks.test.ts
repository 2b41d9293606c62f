// The admin's Webhooks tab: create, edit, switch on and off, delete, the delivery log and the test ping.
import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { api, dbCount, dbRow, esc, type Fields, follow, getPage, makeUser, signedInAdmin } from './helpers';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('admin Webhooks tab', () => {
  const form = (ownerId: number, extra: Fields = {}): Fields => ({
    owner_id: String(ownerId),
    subscriber_url: 'https://hooks.example.com/calflare',
    event_triggers: ['BOOKING_CREATED', 'BOOKING_CANCELLED'],
    active: 'on',
    secret: '',
    ...extra,
  });
  const webhook = (url: string) =>
    dbRow<{ id: number; owner_id: number; event_triggers: string; active: number; secret: string }>('SELECT * FROM booking_webhooks WHERE subscriber_url = ?', url);
  const uniqueUrl = () => `https://hooks.example.com/${crypto.randomUUID()}`;

  it('creates a webhook for the chosen owner and shows its generated secret exactly once', async () => {
    const owner = await makeUser();
    const admin = await signedInAdmin();
    const url = uniqueUrl();
    const res = await admin.post('/admin/webhooks', form(owner.user.id, { subscriber_url: url }));
    expect(res.status).toBe(303);
    const stored = (await webhook(url))!;
    expect(stored).toMatchObject({ owner_id: owner.user.id, event_triggers: '["BOOKING_CREATED","BOOKING_CANCELLED"]', active: 1 });
    expect(stored.secret).toMatch(/^whsec_/);
    const shown = await follow(res, admin.cookie);
    expect(shown.html).toContain(`<code class="secret" id="generated-secret">${stored.secret}</code>`);
    for (const path of ['/admin/webhooks', `/admin/webhooks/${stored.id}/edit`, `/admin/webhooks/${stored.id}/deliveries`]) {
      expect((await getPage(path, admin.cookie)).html, path).not.toContain(stored.secret);
    }
  });

  it('never displays a secret that was given', async () => {
    const admin = await signedInAdmin();
    const url = uniqueUrl();
    const res = await admin.post('/admin/webhooks', form(admin.user.id, { subscriber_url: url, secret: 'a-given-secret-of-some-length' }));
    expect((await webhook(url))!.secret).toBe('a-given-secret-of-some-length');
    expect((await follow(res, admin.cookie)).html).not.toContain('a-given-secret-of-some-length');
  });

  it("shows the API's validation messages, including the URL guard's", async () => {
    const admin = await signedInAdmin();
    const res = await admin.post('/admin/webhooks', form(admin.user.id, { event_triggers: [], secret: 'short' }));
    expect(res.status).toBe(400);
    expect(res.html).toContain('At least one trigger is required');
    expect(res.html).toContain('secret: Too small');
    const privateUrl = await admin.post('/admin/webhooks', form(admin.user.id, { subscriber_url: 'https://10.0.0.1/hook' }));
    expect(privateUrl.status).toBe(400);
    const apiRes = await api('POST', '/v2/webhooks', { token: admin.token, body: { subscriber_url: 'https://10.0.0.1/hook', event_triggers: ['BOOKING_CREATED'] } });
    expect(privateUrl.html).toContain(esc(apiRes.json.error.issues[0].message));
    expect(await dbCount("SELECT COUNT(*) AS n FROM booking_webhooks WHERE subscriber_url = 'https://10.0.0.1/hook'")).toBe(0);
  });

  it('edits a webhook, keeping the secret when the field is left blank and replacing it when filled', async () => {
    const admin = await signedInAdmin();
    const url = uniqueUrl();
    await admin.post('/admin/webhooks', form(admin.user.id, { subscriber_url: url, secret: 'first-secret-0123456789' }));
    const { id } = (await webhook(url))!;
    const newUrl = uniqueUrl();
    const res = await admin.post(`/admin/webhooks/${id}`, form(admin.user.id, { subscriber_url: newUrl, event_triggers: ['BOOKING_RESCHEDULED'], active: undefined }));
    expect(res.status).toBe(303);
    expect(await webhook(newUrl)).toMatchObject({ id, event_triggers: '["BOOKING_RESCHEDULED"]', active: 0, secret: 'first-secret-0123456789' });
    await admin.post(`/admin/webhooks/${id}`, form(admin.user.id, { subscriber_url: newUrl, secret: 'second-secret-0123456789' }));
    expect((await webhook(newUrl))!.secret).toBe('second-secret-0123456789');
  });

  it('switches a webhook off and on, and deletes it (with its delivery log) after a confirmation page', async () => {
    const admin = await signedInAdmin();
    const url = uniqueUrl();
    await admin.post('/admin/webhooks', form(admin.user.id, { subscriber_url: url }));
    const { id } = (await webhook(url))!;
    await admin.post(`/admin/webhooks/${id}/active`, { active: 'false' });
    expect((await webhook(url))!.active).toBe(0);
    await admin.post(`/admin/webhooks/${id}/active`, { active: 'true' });
    expect((await webhook(url))!.active).toBe(1);
    await env.DB.prepare(
      `INSERT INTO booking_webhook_deliveries (event_id, webhook_id, trigger_event, payload, status, attempt_log, created_at, updated_at)
       VALUES (?, ?, 'BOOKING_CREATED', '{}', 'pending', '[]', 1, 1)`,
    )
      .bind(`msg_${crypto.randomUUID()}`, id)
      .run();
    expect((await getPage(`/admin/webhooks/${id}/delete`, admin.cookie)).html).toContain(`action="/admin/webhooks/${id}/delete"`);
    expect(await webhook(url)).not.toBeNull();
    expect((await admin.post(`/admin/webhooks/${id}/delete`, {})).status).toBe(303);
    expect(await webhook(url)).toBeNull();
    expect(await dbCount('SELECT COUNT(*) AS n FROM booking_webhook_deliveries WHERE webhook_id = ?', id)).toBe(0);
  });

  it('shows the delivery log with every attempt and its status code', async () => {
    const admin = await signedInAdmin();
    const url = uniqueUrl();
    await admin.post('/admin/webhooks', form(admin.user.id, { subscriber_url: url }));
    const { id } = (await webhook(url))!;
    const empty = await getPage(`/admin/webhooks/${id}/deliveries`, admin.cookie);
    expect(empty.html).toContain('Nothing delivered yet');
    const at = Date.parse('2025-11-15T14:00:00Z');
    const log = [
      { attempt: 1, at, status_code: 503, duration_ms: 12, error: 'HTTP 503', next_attempt_at: at + 60_000 },
      { attempt: 2, at: at + 60_000, status_code: 200, duration_ms: 8, error: null, next_attempt_at: null },
    ];
    await env.DB.prepare(
      `INSERT INTO booking_webhook_deliveries (event_id, webhook_id, trigger_event, payload, status, attempts, last_status_code, attempt_log, created_at, updated_at)
       VALUES ('msg_log_test', ?, 'BOOKING_CREATED', '{}', 'delivered', 2, 200, ?, ?, ?)`,
    )
      .bind(id, JSON.stringify(log), at, at)
      .run();
    const res = await getPage(`/admin/webhooks/${id}/deliveries`, admin.cookie);
    expect(res.html).toContain('msg_log_test');
    expect(res.html).toContain('2 attempts');
    expect(res.html).toContain('#1 · 2025-11-15 14:00:00 UTC · HTTP 503 · 12 ms · HTTP 503');
    expect(res.html).toContain('#2 · 2025-11-15 14:01:00 UTC · HTTP 200 · 8 ms');
    expect(res.html).toContain('delivered');
  });

  it('sends a test ping and shows its outcome and log entry', async () => {
    const admin = await signedInAdmin();
    const url = uniqueUrl();
    await admin.post('/admin/webhooks', form(admin.user.id, { subscriber_url: url }));
    const { id } = (await webhook(url))!;
    const sent: string[] = [];
    vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
      sent.push(new Request(input, init).url);
      return new Response('ok', { status: 202 });
    });
    const res = await admin.post(`/admin/webhooks/${id}/ping`, {});
    expect(res.status).toBe(303);
    expect(res.location).toBe(`/admin/webhooks/${id}/deliveries`);
    expect(sent).toEqual([url]);
    expect(await dbRow('SELECT trigger_event, status, last_status_code FROM booking_webhook_deliveries WHERE webhook_id = ?', id)).toEqual({
      trigger_event: 'PING',
      status: 'delivered',
      last_status_code: 202,
    });
    const page = await follow(res, admin.cookie);
    expect(page.html).toContain('Test ping delivered: HTTP 202');
    expect(page.html).toContain('PING');
  });
});

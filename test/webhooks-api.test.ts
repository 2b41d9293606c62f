import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { signBody } from '../src/webhooks/signing';
import { api, create, expectError, issuePaths, makeAdmin, makeUser } from './helpers';

const SPEC_BODY = {
  subscriber_url: 'https://yourapp.com/webhooks/bookings',
  event_triggers: ['BOOKING_CREATED', 'BOOKING_CANCELLED'],
  active: true,
  secret: 'whsec_your_secret_here',
};

async function createWebhook(token: string, body: Record<string, unknown> = {}) {
  // Shown at create only; the webhook as later reads answer it.
  const { signing_secret_standard: _shownOnce, ...webhook } = await create('/v2/webhooks', token, { ...SPEC_BODY, ...body });
  return webhook;
}

/** Delivery rows inserted straight into D1, as the outbox would leave them. */
async function insertDeliveries(webhookId: number, count: number, status = 'pending') {
  const now = Date.now();
  const ids: number[] = [];
  for (let i = 0; i < count; i++) {
    const row = await env.DB.prepare(
      `INSERT INTO booking_webhook_deliveries (event_id, webhook_id, trigger_event, payload, status, attempt_log, enqueued_at, created_at, updated_at)
       VALUES (?, ?, 'BOOKING_CREATED', '{}', ?, '[]', ?, ?, ?) RETURNING id`,
    )
      .bind(`msg_test_${crypto.randomUUID()}`, webhookId, status, now, now + i, now + i)
      .first<{ id: number }>();
    ids.push(row!.id);
  }
  return ids;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('POST /v2/webhooks', () => {
  it('creates the spec example and never echoes the given secret (only its Standard Webhooks form, this once)', async () => {
    const { user, token } = await makeUser();
    const res = await api('POST', '/v2/webhooks', { token, body: SPEC_BODY });
    expect(res.status).toBe(201);
    expect(res.json).toEqual({
      id: expect.any(Number),
      owner_id: user.id,
      subscriber_url: SPEC_BODY.subscriber_url,
      event_triggers: SPEC_BODY.event_triggers,
      active: true,
      created_at: expect.stringMatching(/Z$/),
      updated_at: expect.stringMatching(/Z$/),
      // The Standard Webhooks form of the given secret, which is not a whsec_ base64 key: derived from its bytes.
      signing_secret_standard: `whsec_${btoa(SPEC_BODY.secret)}`,
    });
    const stored = await env.DB.prepare('SELECT secret FROM booking_webhooks WHERE id = ?').bind(res.json.id).first<{ secret: string }>();
    expect(stored!.secret).toBe(SPEC_BODY.secret);
  });

  it('generates a whsec_ secret when none is given and shows it once, in the create response only', async () => {
    const { token } = await makeUser();
    const { secret: _omitted, ...body } = SPEC_BODY;
    const res = await api('POST', '/v2/webhooks', { token, body });
    expect(res.status).toBe(201);
    expect(res.json.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(res.json.signing_secret_standard).toBe(res.json.secret);
    const stored = await env.DB.prepare('SELECT secret FROM booking_webhooks WHERE id = ?').bind(res.json.id).first<{ secret: string }>();
    expect(stored!.secret).toBe(res.json.secret);
    const read = await api('GET', `/v2/webhooks/${res.json.id}`, { token });
    expect(read.json).not.toHaveProperty('secret');
    expect(read.json).not.toHaveProperty('signing_secret_standard');
    expect(JSON.stringify(read.json)).not.toContain(res.json.secret);
  });

  it('defaults active to true', async () => {
    const { token } = await makeUser();
    const { active: _omitted, ...body } = SPEC_BODY;
    expect((await api('POST', '/v2/webhooks', { token, body })).json.active).toBe(true);
  });

  it('requires a session', async () => {
    expectError(await api('POST', '/v2/webhooks', { body: SPEC_BODY }), 401, 'unauthorized');
    expectError(await api('GET', '/v2/webhooks'), 401, 'unauthorized');
  });

  it.each([
    ['subscriber_url', { subscriber_url: 'not a url' }],
    ['subscriber_url', { subscriber_url: 'http://yourapp.com/hook' }],
    ['subscriber_url', { subscriber_url: 'https://127.0.0.1/hook' }],
    ['subscriber_url', { subscriber_url: 'https://10.0.0.8/hook' }],
    ['subscriber_url', { subscriber_url: 'https://169.254.169.254/latest/meta-data' }],
    ['subscriber_url', { subscriber_url: 'https://[::1]/hook' }],
    ['subscriber_url', { subscriber_url: 'https://localhost/hook' }],
    ['subscriber_url', { subscriber_url: 'https://db.internal/hook' }],
    ['subscriber_url', { subscriber_url: `https://yourapp.com/${'x'.repeat(2048)}` }],
    ['subscriber_url', { subscriber_url: 42 }],
    ['event_triggers', { event_triggers: [] }],
    ['event_triggers', { event_triggers: ['BOOKING_CREATED', 'BOOKING_CREATED'] }],
    ['event_triggers.0', { event_triggers: ['MEETING_ENDED'] }],
    ['event_triggers', { event_triggers: 'BOOKING_CREATED' }],
    ['active', { active: 'yes' }],
    ['secret', { secret: 'too-short' }],
    ['secret', { secret: 'x'.repeat(257) }],
    ['secret', { secret: 1234567890123456 }],
    ['payload_template', { payload_template: '{}' }],
  ])('rejects an invalid %s', async (path, patch) => {
    const { token } = await makeUser();
    const res = await api('POST', '/v2/webhooks', { token, body: { ...SPEC_BODY, ...patch } });
    expectError(res, 400, 'validation_failed');
    expect(issuePaths(res)).toContain(path);
  });

  it('requires subscriber_url and event_triggers', async () => {
    const { token } = await makeUser();
    const res = await api('POST', '/v2/webhooks', { token, body: {} });
    expectError(res, 400, 'validation_failed');
    expect(issuePaths(res).sort()).toEqual(['event_triggers', 'subscriber_url']);
  });

  it('accepts a secret of 16 to 256 characters', async () => {
    const { token } = await makeUser();
    expect((await api('POST', '/v2/webhooks', { token, body: { ...SPEC_BODY, secret: 'x'.repeat(16) } })).status).toBe(201);
    expect((await api('POST', '/v2/webhooks', { token, body: { ...SPEC_BODY, secret: 'x'.repeat(256) } })).status).toBe(201);
  });
});

describe('GET /v2/webhooks', () => {
  it('lists only the caller’s webhooks, paginated; a super admin sees everyone’s', async () => {
    const a = await makeUser();
    const b = await makeUser();
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await createWebhook(a.token, { subscriber_url: `https://a.example.com/${i}` })).id);
    const bHook = await createWebhook(b.token);
    const first = await api('GET', '/v2/webhooks?limit=2', { token: a.token });
    expect(first.json.data.map((w: { id: number }) => w.id)).toEqual(ids.slice(0, 2));
    const second = await api('GET', `/v2/webhooks?limit=2&cursor=${first.json.next_cursor}`, { token: a.token });
    expect(second.json.data.map((w: { id: number }) => w.id)).toEqual(ids.slice(2));
    expect(second.json.next_cursor).toBeNull();

    const admin = await makeAdmin();
    const seen: number[] = [];
    for (let cursor: string | null = ''; cursor !== null; ) {
      const res: { json: { data: { id: number }[]; next_cursor: string | null } } = await api('GET', `/v2/webhooks?limit=200${cursor ? `&cursor=${cursor}` : ''}`, {
        token: admin.token,
      });
      seen.push(...res.json.data.map((w) => w.id));
      cursor = res.json.next_cursor;
    }
    expect(seen).toEqual(expect.arrayContaining([...ids, bHook.id]));
  });

  it('rejects unknown query parameters and a forged cursor', async () => {
    const { token } = await makeUser();
    expectError(await api('GET', '/v2/webhooks?owner=1', { token }), 400, 'validation_failed');
    expectError(await api('GET', '/v2/webhooks?cursor=bm9wZQ', { token }), 400, 'validation_failed');
  });
});

describe('GET/PATCH/DELETE /v2/webhooks/{id}', () => {
  it('reads, pauses, edits and deletes the owner’s own webhook', async () => {
    const { token } = await makeUser();
    const hook = await createWebhook(token);
    expect((await api('GET', `/v2/webhooks/${hook.id}`, { token })).json).toEqual(hook);
    const paused = await api('PATCH', `/v2/webhooks/${hook.id}`, { token, body: { active: false } });
    expect(paused.status).toBe(200);
    expect(paused.json).toMatchObject({ active: false, subscriber_url: hook.subscriber_url });
    const edited = await api('PATCH', `/v2/webhooks/${hook.id}`, {
      token,
      body: { subscriber_url: 'https://other.example.com/in', event_triggers: ['BOOKING_RESCHEDULED'] },
    });
    expect(edited.json).toMatchObject({ subscriber_url: 'https://other.example.com/in', event_triggers: ['BOOKING_RESCHEDULED'], active: false });
    expect((await api('DELETE', `/v2/webhooks/${hook.id}`, { token })).status).toBe(204);
    expectError(await api('GET', `/v2/webhooks/${hook.id}`, { token }), 404, 'not_found');
  });

  it('rotates the secret through PATCH, answering only its Standard Webhooks form, never the secret', async () => {
    const { token } = await makeUser();
    const hook = await createWebhook(token);
    const res = await api('PATCH', `/v2/webhooks/${hook.id}`, { token, body: { secret: 'whsec_rotated_secret_value' } });
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.json)).not.toContain('whsec_rotated_secret_value');
    expect(res.json.signing_secret_standard).toBe(`whsec_${btoa('whsec_rotated_secret_value')}`);
    expect((await api('GET', `/v2/webhooks/${hook.id}`, { token })).json).not.toHaveProperty('signing_secret_standard');
    const stored = await env.DB.prepare('SELECT secret FROM booking_webhooks WHERE id = ?').bind(hook.id).first<{ secret: string }>();
    expect(stored!.secret).toBe('whsec_rotated_secret_value');
  });

  it('validates updates like creates: empty body, unknown fields, private URLs, triggers, secret length', async () => {
    const { token } = await makeUser();
    const hook = await createWebhook(token);
    const patch = (body: unknown) => api('PATCH', `/v2/webhooks/${hook.id}`, { token, body });
    expectError(await patch({}), 400, 'validation_failed');
    expectError(await patch({ owner_id: 1 }), 400, 'validation_failed');
    expectError(await patch({ subscriber_url: 'https://192.168.0.1/' }), 400, 'validation_failed');
    expectError(await patch({ subscriber_url: 'http://yourapp.com/' }), 400, 'validation_failed');
    expectError(await patch({ event_triggers: [] }), 400, 'validation_failed');
    expectError(await patch({ secret: 'short' }), 400, 'validation_failed');
    expectError(await patch('{bad json'), 400, 'validation_failed');
    expect((await api('GET', `/v2/webhooks/${hook.id}`, { token })).json).toEqual(hook);
  });

  it("answers 404 for another user's webhook on read, update, delete, deliveries and ping, and leaves it untouched", async () => {
    const owner = await makeUser();
    const other = await makeUser();
    const hook = await createWebhook(owner.token);
    const fetchSpy = vi.spyOn(globalThis, 'fetch');
    const t = other.token;
    expectError(await api('GET', `/v2/webhooks/${hook.id}`, { token: t }), 404, 'not_found');
    expectError(await api('PATCH', `/v2/webhooks/${hook.id}`, { token: t, body: { active: false } }), 404, 'not_found');
    expectError(await api('DELETE', `/v2/webhooks/${hook.id}`, { token: t }), 404, 'not_found');
    expectError(await api('GET', `/v2/webhooks/${hook.id}/deliveries`, { token: t }), 404, 'not_found');
    expectError(await api('POST', `/v2/webhooks/${hook.id}/ping`, { token: t }), 404, 'not_found');
    expect(fetchSpy).not.toHaveBeenCalled();
    expect((await api('GET', `/v2/webhooks/${hook.id}`, { token: owner.token })).json).toEqual(hook);
    expect((await api('GET', `/v2/webhooks/${hook.id}/deliveries`, { token: owner.token })).json.data).toEqual([]);
    const listed = await api('GET', '/v2/webhooks', { token: t });
    expect(listed.json.data).toEqual([]);
  });

  it('lets a super admin read, update and delete any webhook', async () => {
    const owner = await makeUser();
    const admin = await makeAdmin();
    const hook = await createWebhook(owner.token);
    expect((await api('GET', `/v2/webhooks/${hook.id}`, { token: admin.token })).status).toBe(200);
    expect((await api('PATCH', `/v2/webhooks/${hook.id}`, { token: admin.token, body: { active: false } })).json.active).toBe(false);
    expect((await api('GET', `/v2/webhooks/${hook.id}/deliveries`, { token: admin.token })).status).toBe(200);
    expect((await api('DELETE', `/v2/webhooks/${hook.id}`, { token: admin.token })).status).toBe(204);
  });

  it('deleting a webhook deletes its delivery log', async () => {
    const { token } = await makeUser();
    const hook = await createWebhook(token);
    const [deliveryId] = await insertDeliveries(hook.id, 1);
    await api('DELETE', `/v2/webhooks/${hook.id}`, { token });
    const row = await env.DB.prepare('SELECT id FROM booking_webhook_deliveries WHERE id = ?').bind(deliveryId).first();
    expect(row).toBeNull();
  });

  it('answers 404 for ids that cannot exist', async () => {
    const { token } = await makeUser();
    expectError(await api('GET', '/v2/webhooks/0', { token }), 404, 'not_found');
    expectError(await api('GET', '/v2/webhooks/abc', { token }), 404, 'not_found');
    expectError(await api('DELETE', '/v2/webhooks/99999999', { token }), 404, 'not_found');
    expectError(await api('POST', '/v2/webhooks/99999999/ping', { token }), 404, 'not_found');
  });
});

describe('GET /v2/webhooks/{id}/deliveries', () => {
  it('lists the delivery log newest first, paginated, with every field of the attempt log', async () => {
    const { token } = await makeUser();
    const hook = await createWebhook(token);
    const ids = await insertDeliveries(hook.id, 5);
    const at = Date.parse('2025-11-15T14:00:00Z');
    await env.DB.prepare(
      `UPDATE booking_webhook_deliveries SET attempts = 1, last_status_code = 500, last_error = 'HTTP 500', last_duration_ms = 12,
         next_attempt_at = ?, attempt_log = ? WHERE id = ?`,
    )
      .bind(at + 60_000, JSON.stringify([{ attempt: 1, at, status_code: 500, duration_ms: 12, error: 'HTTP 500', next_attempt_at: at + 60_000 }]), ids[4])
      .run();

    const first = await api('GET', `/v2/webhooks/${hook.id}/deliveries?limit=2`, { token });
    expect(first.status).toBe(200);
    expect(first.json.data.map((d: { id: number }) => d.id)).toEqual([ids[4], ids[3]]);
    expect(first.json.data[0]).toEqual({
      id: ids[4],
      webhook_id: hook.id,
      event_id: expect.stringMatching(/^msg_test_/),
      trigger_event: 'BOOKING_CREATED',
      status: 'pending',
      attempts: 1,
      last_status_code: 500,
      last_error: 'HTTP 500',
      last_duration_ms: 12,
      next_attempt_at: '2025-11-15T14:01:00.000Z',
      delivered_at: null,
      created_at: expect.stringMatching(/Z$/),
      attempt_log: [
        { attempt: 1, at: '2025-11-15T14:00:00.000Z', status_code: 500, duration_ms: 12, error: 'HTTP 500', next_attempt_at: '2025-11-15T14:01:00.000Z' },
      ],
    });
    const second = await api('GET', `/v2/webhooks/${hook.id}/deliveries?limit=2&cursor=${first.json.next_cursor}`, { token });
    expect(second.json.data.map((d: { id: number }) => d.id)).toEqual([ids[2], ids[1]]);
    const third = await api('GET', `/v2/webhooks/${hook.id}/deliveries?limit=2&cursor=${second.json.next_cursor}`, { token });
    expect(third.json.data.map((d: { id: number }) => d.id)).toEqual([ids[0]]);
    expect(third.json.next_cursor).toBeNull();
  });

  it('filters by status and rejects an unknown one', async () => {
    const { token } = await makeUser();
    const hook = await createWebhook(token);
    await insertDeliveries(hook.id, 2, 'pending');
    const [failed] = await insertDeliveries(hook.id, 1, 'failed');
    const res = await api('GET', `/v2/webhooks/${hook.id}/deliveries?status=failed`, { token });
    expect(res.json.data.map((d: { id: number }) => d.id)).toEqual([failed]);
    expectError(await api('GET', `/v2/webhooks/${hook.id}/deliveries?status=lost`, { token }), 400, 'validation_failed');
  });

  it('never shows the payload or the secret', async () => {
    const { token } = await makeUser();
    const hook = await createWebhook(token);
    await insertDeliveries(hook.id, 1);
    const res = await api('GET', `/v2/webhooks/${hook.id}/deliveries`, { token });
    expect(res.json.data[0]).not.toHaveProperty('payload');
    expect(JSON.stringify(res.json)).not.toContain(SPEC_BODY.secret);
  });
});

describe('POST /v2/webhooks/{id}/ping', () => {
  it('sends a signed PING at once and answers the logged delivery', async () => {
    const { user, token } = await makeUser();
    const hook = await createWebhook(token, { active: false });
    const received: { url: string; method: string; headers: Headers; body: string }[] = [];
    vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
      // Read inside the call: a request body cannot be read later from the test's own context.
      const request = new Request(input, init);
      received.push({ url: request.url, method: request.method, headers: request.headers, body: await request.text() });
      return new Response('ok');
    });
    const res = await api('POST', `/v2/webhooks/${hook.id}/ping`, { token });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ webhook_id: hook.id, trigger_event: 'PING', status: 'delivered', attempts: 1, last_status_code: 200 });
    expect(res.json.delivered_at).toMatch(/Z$/);
    expect(received).toHaveLength(1);
    const request = received[0]!;
    expect(request.url).toBe(SPEC_BODY.subscriber_url);
    expect(request.method).toBe('POST');
    const body = request.body;
    expect(JSON.parse(body)).toMatchObject({ triggerEvent: 'PING', payload: { type: 'Test', organizer: { id: user.id, email: user.email } } });
    expect(request.headers.get('webhook-id')).toBe(res.json.event_id);
    expect(request.headers.get('x-cal-signature-256')).toBe(await signBody(SPEC_BODY.secret, body));

    const log = await api('GET', `/v2/webhooks/${hook.id}/deliveries`, { token });
    expect(log.json.data.map((d: { id: number }) => d.id)).toEqual([res.json.id]);
    expect(JSON.stringify(log.json)).not.toContain(SPEC_BODY.secret);
  });

  it('reports a failing subscriber in the answer and the log, without retrying', async () => {
    const { token } = await makeUser();
    const hook = await createWebhook(token);
    const fetchSpy = vi.spyOn(globalThis, 'fetch').mockResolvedValue(new Response('nope', { status: 503 }));
    const res = await api('POST', `/v2/webhooks/${hook.id}/ping`, { token });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ status: 'failed', attempts: 1, last_status_code: 503, last_error: 'HTTP 503', next_attempt_at: null });
    expect(fetchSpy).toHaveBeenCalledTimes(1);
  });
});

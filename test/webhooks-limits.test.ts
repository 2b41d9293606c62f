// How many webhooks an owner may have (WEBHOOK_MAX_PER_OWNER, 25), and none for a deactivated user.
import { SELF } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { csrfToken } from '../src/web/csrf';
import { api, BASE, expectError, makeAdmin, makeUser } from './helpers';
import { expectDocumented } from './openapi-helpers';

const CAP = 25;
const hookBody = (n: number | string) => ({ subscriber_url: `https://hooks.example.com/${n}`, event_triggers: ['BOOKING_CREATED'] });
const countOf = async (ownerId: number) =>
  (await env.DB.prepare('SELECT count(*) AS n FROM booking_webhooks WHERE owner_id = ?').bind(ownerId).first<{ n: number }>())!.n;

describe('webhooks per owner', () => {
  it(`allows ${CAP} and answers the next with 409 conflict; deleting one makes room`, async () => {
    const { user, token } = await makeUser();
    expect(env.WEBHOOK_MAX_PER_OWNER).toBe(String(CAP));
    let last = 0;
    for (let i = 0; i < CAP; i++) {
      const res = await api('POST', '/v2/webhooks', { token, body: hookBody(i) });
      expect(res.status).toBe(201);
      last = res.json.id;
    }
    const over = await api('POST', '/v2/webhooks', { token, body: hookBody('over') });
    expectError(over, 409, 'conflict');
    expect(over.json.error.message).toContain(String(CAP));
    await expectDocumented('POST', '/v2/webhooks', over);
    expect(await countOf(user.id)).toBe(CAP);
    expect((await api('DELETE', `/v2/webhooks/${last}`, { token })).status).toBe(204);
    expect((await api('POST', '/v2/webhooks', { token, body: hookBody('again') })).status).toBe(201);
  });

  it('holds under concurrency: 40 parallel creates make exactly 25', async () => {
    const { user, token } = await makeUser();
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => api('POST', '/v2/webhooks', { token, body: hookBody(i) })));
    expect(results.filter((r) => r.status === 201)).toHaveLength(CAP);
    expect(results.filter((r) => r.status === 409)).toHaveLength(40 - CAP);
    expect(await countOf(user.id)).toBe(CAP);
  });
});

describe('admin: webhooks for other owners', () => {
  async function adminPost(fields: Record<string, string | string[]>) {
    const admin = await makeAdmin();
    const body = new URLSearchParams({ _csrf: await csrfToken(admin.token, 'session') });
    for (const [k, v] of Object.entries(fields)) for (const one of Array.isArray(v) ? v : [v]) body.append(k, one);
    const res = await SELF.fetch(`${BASE}/admin/webhooks`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: `session=${admin.token}`, origin: BASE, 'content-type': 'application/x-www-form-urlencoded' },
      body: body.toString(),
    });
    return { status: res.status, html: await res.text() };
  }
  const form = (ownerId: number) => ({ owner_id: String(ownerId), subscriber_url: `https://hooks.example.com/${crypto.randomUUID()}`, event_triggers: ['BOOKING_CREATED'], active: 'on', secret: '' });

  it('refuses a webhook for a deactivated user', async () => {
    const { user } = await makeUser();
    await env.DB.prepare('UPDATE users SET is_active = 0 WHERE id = ?').bind(user.id).run();
    const res = await adminPost(form(user.id));
    expect(res.status).toBe(400);
    expect(res.html).toMatch(/deactivated/i);
    expect(await countOf(user.id)).toBe(0);
  });

  it('refuses one over the cap, with the reason on the form', async () => {
    const { user, token } = await makeUser();
    for (let i = 0; i < CAP; i++) await api('POST', '/v2/webhooks', { token, body: hookBody(i) });
    const res = await adminPost(form(user.id));
    expect(res.status).toBe(400);
    expect(res.html).toContain(String(CAP));
    expect(await countOf(user.id)).toBe(CAP);
  });
});

// Deliveries whose queue message was lost after it was sent (a restart dropped it, or a waiting retry) are picked up
// again by the cron sweep once their lease (due time + grace) has run out without an attempt; two copies of one message
// never post at the same time (the consumer's claim).
import { createScheduledController } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import worker from '../src/index';
import { CLAIM_MS, processDelivery } from '../src/webhooks/consumer';
import { LEASE_GRACE_MS } from '../src/webhooks/sweep';
import { api, makeUser } from './helpers';

const hooks: number[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  if (hooks.length) await env.DB.prepare('DELETE FROM booking_webhooks WHERE id IN (SELECT value FROM json_each(?))').bind(JSON.stringify(hooks.splice(0))).run();
});

async function webhook() {
  const { token } = await makeUser();
  const res = await api('POST', '/v2/webhooks', { token, body: { subscriber_url: `https://hooks.example.com/${crypto.randomUUID()}`, event_triggers: ['BOOKING_CREATED'] } });
  hooks.push(res.json.id);
  return res.json.id as number;
}

/** A pending delivery row as the outbox leaves it, whose queue message is gone (never sent in this test). */
async function lostDelivery(webhookId: number, at: { enqueuedAt: number; nextAttemptAt?: number; attempts?: number; status?: string }) {
  return (await env.DB.prepare(
    `INSERT INTO booking_webhook_deliveries (event_id, webhook_id, trigger_event, payload, status, attempts, attempt_log, enqueued_at, next_attempt_at, created_at, updated_at)
     VALUES (?, ?, 'BOOKING_CREATED', '{"triggerEvent":"BOOKING_CREATED"}', ?, ?, '[]', ?, ?, ?, ?) RETURNING id, event_id`,
  )
    .bind(`msg_${crypto.randomUUID()}_${webhookId}`, webhookId, at.status ?? 'pending', at.attempts ?? 0, at.enqueuedAt, at.nextAttemptAt ?? null, at.enqueuedAt, at.enqueuedAt)
    .first<{ id: number; event_id: string }>())!;
}

const rowOf = (id: number) => env.DB.prepare('SELECT status, attempts, next_attempt_at FROM booking_webhook_deliveries WHERE id = ?').bind(id).first<{ status: string; attempts: number; next_attempt_at: number | null }>();

async function settle(id: number) {
  const deadline = Date.now() + 5000;
  for (;;) {
    const row = await rowOf(id);
    if (row && row.status !== 'pending') return row;
    if (Date.now() > deadline) throw new Error('delivery never settled');
    await new Promise((r) => setTimeout(r, 25));
  }
}

function stubSubscriber() {
  const ids: string[] = [];
  vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    ids.push(new Request(input, init).headers.get('webhook-id') ?? '');
    return new Response('ok');
  });
  return ids;
}

const sweep = () => worker.scheduled(createScheduledController({ cron: '* * * * *' }), env);

describe('webhook delivery lease', () => {
  it('re-enqueues a first attempt whose message was lost three minutes ago (a crash costs minutes), and delivers it once', async () => {
    const id = await webhook();
    const lost = await lostDelivery(id, { enqueuedAt: Date.now() - 3 * 60_000 });
    const sent = stubSubscriber();
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    await sweep();
    expect((await settle(lost.id)).status).toBe('delivered');
    await sweep();
    await new Promise((r) => setTimeout(r, 300));
    expect(sent.filter((s) => s === lost.event_id)).toHaveLength(1);
  });

  it('re-enqueues a retry whose waiting message was lost', async () => {
    const id = await webhook();
    const now = Date.now();
    const lost = await lostDelivery(id, { enqueuedAt: now - 3 * LEASE_GRACE_MS, attempts: 1, nextAttemptAt: now - LEASE_GRACE_MS - 60_000 });
    const sent = stubSubscriber();
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    await sweep();
    expect(await settle(lost.id)).toMatchObject({ status: 'delivered', attempts: 2 });
    expect(sent.filter((s) => s === lost.event_id)).toHaveLength(1);
  });

  it('leaves deliveries inside their lease alone: just enqueued, or a retry not yet due', async () => {
    const id = await webhook();
    const now = Date.now();
    const fresh = await lostDelivery(id, { enqueuedAt: now - 60_000 });
    const waiting = await lostDelivery(id, { enqueuedAt: now - 3 * LEASE_GRACE_MS, attempts: 1, nextAttemptAt: now + 3_600_000 });
    const settled = await lostDelivery(id, { enqueuedAt: now - 3 * LEASE_GRACE_MS, status: 'delivered' });
    const sent = stubSubscriber();
    await sweep();
    await new Promise((r) => setTimeout(r, 300));
    expect(sent.filter((s) => [fresh.event_id, waiting.event_id, settled.event_id].includes(s))).toEqual([]);
    expect((await rowOf(waiting.id))!.next_attempt_at).toBe(now + 3_600_000);
  });

  it('renews the lease of a re-enqueued row, so the next sweep does not send it again while its message waits', async () => {
    const id = await webhook();
    const lost = await lostDelivery(id, { enqueuedAt: Date.now() - LEASE_GRACE_MS - 60_000 });
    // The re-sent message is swallowed too (the queue is down): only the row's lease shows what happened.
    const send = vi.spyOn(env.WEBHOOKS, 'sendBatch').mockResolvedValue(undefined as never);
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    await sweep();
    expect(send.mock.calls.flatMap(([m]) => [...m].map((x) => (x.body as { delivery_id: number }).delivery_id))).toContain(lost.id);
    send.mockClear();
    await sweep();
    expect(send.mock.calls.flatMap(([m]) => [...m].map((x) => (x.body as { delivery_id: number }).delivery_id))).not.toContain(lost.id);
  });

  it('posts once when two copies of a message arrive together: the second finds the delivery claimed and sends nothing', async () => {
    const id = await webhook();
    const row = await lostDelivery(id, { enqueuedAt: Date.now() });
    const ids: string[] = [];
    let answer!: () => void;
    const answered = new Promise<void>((resolve) => (answer = resolve));
    vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
      ids.push(new Request(input, init).headers.get('webhook-id') ?? '');
      await answered; // a slow subscriber: the first copy is still waiting when the second one comes
      return new Response('ok');
    });
    const first = processDelivery(env, row.id);
    while (ids.length === 0) await new Promise((r) => setTimeout(r, 5));
    expect(await processDelivery(env, row.id)).toEqual({ action: 'ack' });
    answer();
    expect(await first).toEqual({ action: 'ack' });
    expect(ids).toEqual([row.event_id]);
    expect(await env.DB.prepare('SELECT status, attempts, json_array_length(attempt_log) AS logged, lease_until FROM booking_webhook_deliveries WHERE id = ?').bind(row.id).first())
      .toEqual({ status: 'delivered', attempts: 1, logged: 1, lease_until: null });
  });

  it('takes over the claim of a consumer that died mid-send once it lapses, and sends then', async () => {
    const id = await webhook();
    const row = await lostDelivery(id, { enqueuedAt: Date.now() - LEASE_GRACE_MS - 60_000 });
    const sent = stubSubscriber();
    await env.DB.prepare('UPDATE booking_webhook_deliveries SET lease_until = ? WHERE id = ?').bind(Date.now() + CLAIM_MS, row.id).run();
    expect(await processDelivery(env, row.id)).toEqual({ action: 'ack' });
    expect(sent).toEqual([]);
    await env.DB.prepare('UPDATE booking_webhook_deliveries SET lease_until = ? WHERE id = ?').bind(Date.now() - 1, row.id).run();
    await processDelivery(env, row.id);
    expect(sent).toEqual([row.event_id]);
    expect(CLAIM_MS).toBeLessThan(LEASE_GRACE_MS);
  });
});

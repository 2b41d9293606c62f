// The webhook queue consumer: signed POSTs, retries with backoff, the attempt log, dead letters (outbox rows, enqueue
// and the sweep: webhooks-outbox.test.ts).
import { createExecutionContext, createMessageBatch, getQueueResult } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Bindings, WebhookMessage } from '../src/env';
import worker from '../src/index';
import { consumeWebhookBatch, DEAD_LETTER_QUEUE, TRANSPORT_FAILED } from '../src/webhooks/consumer';
import { signBody } from '../src/webhooks/signing';
import { api, makeAdmin, makeUser } from './helpers';
import { attemptLog, cleanUpWebhooks, createWebhook, delivery, insertDelivery, SECRET, stubSubscribers } from './webhooks-helpers';

afterEach(cleanUpWebhooks);

let messageSeq = 0;
/** Runs the Worker's real `queue` handler on one batch and answers how each message was settled. */
async function runQueue(bodies: WebhookMessage[], opts: { attempts?: number; env?: Bindings; timeoutMs?: number; queue?: string } = {}) {
  const batch = createMessageBatch<WebhookMessage>(
    opts.queue ?? 'calflare-webhooks',
    bodies.map((body) => ({ id: `m${++messageSeq}`, timestamp: new Date(), attempts: opts.attempts ?? 1, body })),
  );
  // getQueueResult reports which messages were retried but not their delay; the spies keep the delays.
  const delays = new Map<string, number | undefined>();
  for (const message of batch.messages) {
    const retry = message.retry.bind(message);
    vi.spyOn(message, 'retry').mockImplementation((options?: QueueRetryOptions) => {
      delays.set(message.id, options?.delaySeconds);
      retry(options);
    });
  }
  const ctx = createExecutionContext();
  if (opts.timeoutMs !== undefined || opts.env) await consumeWebhookBatch(batch, opts.env ?? env, { timeoutMs: opts.timeoutMs });
  else await worker.queue(batch, env);
  const result = await getQueueResult(batch, ctx);
  const ids = batch.messages.map((m) => m.id);
  const retried = (result.retryMessages as { msgId: string }[]).map(({ msgId }) => ({ msgId, delaySeconds: delays.get(msgId) }));
  return { ids, acked: result.explicitAcks as string[], retried };
}

describe('queue consumer', () => {
  it('posts the stored body, signed, and marks the delivery delivered', async () => {
    const { token } = await makeUser();
    const hook = await createWebhook(token);
    const row = await insertDelivery(hook.id);
    const { received } = stubSubscribers();
    const { ids, acked, retried } = await runQueue([{ delivery_id: row.id }]);
    expect(acked).toEqual(ids);
    expect(retried).toEqual([]);
    const stored = (await delivery(row.id))!;
    expect(received).toHaveLength(1);
    const req = received[0]!;
    expect(req.body).toBe(stored.payload);
    expect(req.headers.get('content-type')).toBe('application/json');
    expect(req.headers.get('x-cal-signature-256')).toBe(await signBody(SECRET, stored.payload));
    expect(req.headers.get('webhook-id')).toBe(row.event_id);
    expect(Math.abs(Number(req.headers.get('webhook-timestamp')) - Date.now() / 1000)).toBeLessThan(60);
    expect(req.redirect).toBe('manual');
    expect(stored).toMatchObject({ status: 'delivered', attempts: 1, last_status_code: 200, last_error: null, next_attempt_at: null });
    expect(stored.delivered_at).toEqual(expect.any(Number));
    expect(await attemptLog(row.id)).toEqual([
      { attempt: 1, at: expect.any(Number), status_code: 200, duration_ms: expect.any(Number), error: null, next_attempt_at: null },
    ]);
  });

  it('retries a 500 with backoff, then delivers with the same webhook-id and logs both attempts', async () => {
    const { token } = await makeUser();
    const hook = await createWebhook(token);
    const row = await insertDelivery(hook.id);
    const { received } = stubSubscribers((_req, n) => new Response(n === 1 ? 'boom' : 'ok', { status: n === 1 ? 500 : 200 }));

    const first = await runQueue([{ delivery_id: row.id }]);
    expect(first.acked).toEqual([]);
    // Test config: WEBHOOK_RETRY_BASE_SECONDS=1, so the first wait is 1 s +-20%, rounded.
    expect(first.retried).toEqual([{ msgId: first.ids[0], delaySeconds: 1 }]);
    const afterFirst = (await delivery(row.id))!;
    expect(afterFirst).toMatchObject({ status: 'pending', attempts: 1, last_status_code: 500, last_error: 'HTTP 500', delivered_at: null });
    expect(afterFirst.next_attempt_at).toBeGreaterThan(Date.now() - 1000);

    const second = await runQueue([{ delivery_id: row.id }], { attempts: 2 });
    expect(second.acked).toEqual(second.ids);
    expect(received.map((r) => r.headers.get('webhook-id'))).toEqual([row.event_id, row.event_id]);
    expect(received[0]!.body).toBe(received[1]!.body);
    expect((await delivery(row.id))!).toMatchObject({ status: 'delivered', attempts: 2, last_status_code: 200, last_error: null, next_attempt_at: null });
    expect((await attemptLog(row.id)).map((a) => [a.attempt, a.status_code, a.error])).toEqual([
      [1, 500, 'HTTP 500'],
      [2, 200, null],
    ]);
  });

  it('gives up on a subscriber that does not answer within the timeout, and retries', async () => {
    const { token } = await makeUser();
    const hook = await createWebhook(token);
    const row = await insertDelivery(hook.id);
    // Never answers; only the consumer's abort signal ends the request.
    vi.spyOn(globalThis, 'fetch').mockImplementation(
      (_input, init) => new Promise((_resolve, reject) => init!.signal!.addEventListener('abort', () => reject(init!.signal!.reason))),
    );
    const { retried } = await runQueue([{ delivery_id: row.id }], { timeoutMs: 50 });
    expect(retried).toHaveLength(1);
    expect((await delivery(row.id))!).toMatchObject({ status: 'pending', attempts: 1, last_status_code: null, last_error: 'Timed out after 50 ms' });
  });

  it('records a network error as the attempt’s error, in the one coarse wording', async () => {
    const { token } = await makeUser();
    const hook = await createWebhook(token);
    const row = await insertDelivery(hook.id);
    vi.spyOn(globalThis, 'fetch').mockRejectedValue(new TypeError('connection refused'));
    const { retried } = await runQueue([{ delivery_id: row.id }]);
    expect(retried).toHaveLength(1);
    expect((await delivery(row.id))!).toMatchObject({ status: 'pending', last_status_code: null, last_error: TRANSPORT_FAILED });
  });

  it('marks the delivery failed after the last of 8 attempts, waiting longer each time', async () => {
    const { token } = await makeUser();
    const hook = await createWebhook(token);
    const row = await insertDelivery(hook.id);
    const { spy } = stubSubscribers(() => new Response('down', { status: 502 }));
    const delays: number[] = [];
    for (let attempt = 1; attempt <= 7; attempt++) {
      const { retried, acked } = await runQueue([{ delivery_id: row.id }], { attempts: attempt });
      expect(acked).toEqual([]);
      delays.push(retried[0]!.delaySeconds!);
    }
    // Nominal 1, 2, 4 ... 64 s with the test base of 1 s, each within +-20% (rounded).
    delays.forEach((d, i) => {
      expect(d).toBeGreaterThanOrEqual(Math.floor(2 ** i * 0.8));
      expect(d).toBeLessThanOrEqual(Math.ceil(2 ** i * 1.2));
    });
    const last = await runQueue([{ delivery_id: row.id }], { attempts: 8 });
    expect(last.acked).toEqual(last.ids);
    expect(last.retried).toEqual([]);
    expect((await delivery(row.id))!).toMatchObject({ status: 'failed', attempts: 8, last_status_code: 502, next_attempt_at: null, delivered_at: null });
    const log = await attemptLog(row.id);
    expect(log.map((a) => a.attempt)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(log.at(-1)!.next_attempt_at).toBeNull();
    expect(log[0]!.next_attempt_at).toEqual(expect.any(Number));

    // A late duplicate of the message changes nothing.
    const again = await runQueue([{ delivery_id: row.id }], { attempts: 9 });
    expect(again.acked).toEqual(again.ids);
    expect(spy).toHaveBeenCalledTimes(8);
  });

  it('does not send a duplicate message for a delivery that was already delivered', async () => {
    const { token } = await makeUser();
    const hook = await createWebhook(token);
    const row = await insertDelivery(hook.id);
    const { spy } = stubSubscribers();
    await runQueue([{ delivery_id: row.id }]);
    const duplicate = await runQueue([{ delivery_id: row.id }]);
    expect(duplicate.acked).toEqual(duplicate.ids);
    expect(spy).toHaveBeenCalledTimes(1);
    expect((await delivery(row.id))!.attempts).toBe(1);
  });

  it('marks a dead-lettered delivery failed without sending it, and leaves a delivered one alone', async () => {
    const { token } = await makeUser();
    const hook = await createWebhook(token);
    const stuck = await insertDelivery(hook.id);
    const done = await insertDelivery(hook.id, { status: 'delivered' });
    const { spy } = stubSubscribers();
    const { ids, acked } = await runQueue([{ delivery_id: stuck.id }, { delivery_id: done.id }], { queue: DEAD_LETTER_QUEUE });
    expect(acked).toEqual(ids);
    expect(spy).not.toHaveBeenCalled();
    expect(await delivery(stuck.id)).toMatchObject({ status: 'failed', last_error: expect.stringContaining('dead-lettered') });
    expect((await delivery(done.id))!.status).toBe('delivered');
  });

  it('drops the message of a deleted webhook without sending', async () => {
    const { token } = await makeUser();
    const hook = await createWebhook(token);
    const row = await insertDelivery(hook.id);
    await api('DELETE', `/v2/webhooks/${hook.id}`, { token });
    const { spy } = stubSubscribers();
    const { ids, acked } = await runQueue([{ delivery_id: row.id }]);
    expect(acked).toEqual(ids);
    expect(spy).not.toHaveBeenCalled();
  });

  it('marks deliveries of a webhook switched off meanwhile as failed, "webhook inactive", without sending', async () => {
    const { token } = await makeUser();
    const hook = await createWebhook(token);
    const row = await insertDelivery(hook.id);
    await api('PATCH', `/v2/webhooks/${hook.id}`, { token, body: { active: false } });
    const { spy } = stubSubscribers();
    const { ids, acked } = await runQueue([{ delivery_id: row.id }]);
    expect(acked).toEqual(ids);
    expect(spy).not.toHaveBeenCalled();
    expect((await delivery(row.id))!).toMatchObject({ status: 'failed', attempts: 0, last_error: 'webhook inactive' });
  });

  it("drops what is still queued for the webhooks of an owner deactivated meanwhile, without sending", async () => {
    const { user, token } = await makeUser();
    const hook = await createWebhook(token);
    const row = await insertDelivery(hook.id);
    const admin = await makeAdmin();
    expect((await api('DELETE', `/v2/users/${user.id}`, { token: admin.token })).status).toBe(200);
    const { spy } = stubSubscribers();
    const { ids, acked } = await runQueue([{ delivery_id: row.id }]);
    expect(acked).toEqual(ids);
    expect(spy).not.toHaveBeenCalled();
    expect((await delivery(row.id))!).toMatchObject({ status: 'failed', attempts: 0, last_error: 'webhook owner deactivated' });
  });

  it('refuses at delivery time a URL the guard does not allow', async () => {
    const { token } = await makeUser();
    const hook = await createWebhook(token);
    // Only possible by writing D1 directly (or with WEBHOOK_ALLOW_PRIVATE_URLS on at the time of the write).
    await env.DB.prepare("UPDATE booking_webhooks SET subscriber_url = 'http://169.254.169.254/latest' WHERE id = ?").bind(hook.id).run();
    const row = await insertDelivery(hook.id);
    const { spy } = stubSubscribers();
    await runQueue([{ delivery_id: row.id }]);
    expect(spy).not.toHaveBeenCalled();
    expect((await delivery(row.id))!).toMatchObject({ status: 'failed', last_error: expect.stringMatching(/^subscriber URL not allowed/) });
  });

  it('treats a redirect as a failed attempt instead of following it', async () => {
    const { token } = await makeUser();
    const hook = await createWebhook(token);
    const row = await insertDelivery(hook.id);
    stubSubscribers(() => new Response(null, { status: 302, headers: { location: 'http://127.0.0.1/' } }));
    const { retried } = await runQueue([{ delivery_id: row.id }]);
    expect(retried).toHaveLength(1);
    expect((await delivery(row.id))!.last_error).toBe('HTTP 302 (redirects are not followed)');
  });

  it('settles each message of a batch on its own', async () => {
    const { token } = await makeUser();
    const good = await createWebhook(token);
    const bad = await createWebhook(token);
    const okRow = await insertDelivery(good.id);
    const badRow = await insertDelivery(bad.id);
    const badUrl = (await env.DB.prepare('SELECT subscriber_url FROM booking_webhooks WHERE id = ?').bind(bad.id).first<{ subscriber_url: string }>())!
      .subscriber_url;
    stubSubscribers((req) => new Response(null, { status: req.url === badUrl ? 500 : 204 }));
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const { ids, acked, retried } = await runQueue([{ delivery_id: okRow.id }, { delivery_id: badRow.id }, { delivery_id: 0 }]);
    expect(errors).toHaveBeenCalledWith('webhook message without a delivery id dropped', { messageId: ids[2] });
    expect(acked.sort()).toEqual([ids[0], ids[2]].sort());
    expect(retried.map((r) => r.msgId)).toEqual([ids[1]]);
    expect((await delivery(okRow.id))!.status).toBe('delivered');
  });

  it('retries the message, rather than losing it, when its own database is unavailable', async () => {
    const broken = { ...env, DB: { prepare: () => { throw new Error('D1 is down'); } } } as unknown as Bindings;
    const { spy } = stubSubscribers();
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const { ids, acked, retried } = await runQueue([{ delivery_id: 1 }], { env: broken });
    expect(errors).toHaveBeenCalled();
    expect(acked).toEqual([]);
    expect(retried.map((r) => r.msgId)).toEqual(ids);
    expect(spy).not.toHaveBeenCalled();
  });
});

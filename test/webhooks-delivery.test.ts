import { createExecutionContext, createMessageBatch, createScheduledController, getQueueResult } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BookingStatus, DeliveryAttempt, WebhookTrigger } from '../src/db/schema';
import type { Bindings, WebhookMessage } from '../src/env';
import worker from '../src/index';
import { consumeWebhookBatch, DEAD_LETTER_QUEUE, TRANSPORT_FAILED } from '../src/webhooks/consumer';
import { deliveryIdsOf, enqueueDeliveries, outboxInsert, type BookingEventSnapshot } from '../src/webhooks/outbox';
import { signBody } from '../src/webhooks/signing';
import { api, makeAdmin, makeUser } from './helpers';

const SECRET = 'whsec_delivery_test_secret';
const HOOK_HOST = 'https://hooks.example.com';

interface Received {
  url: string;
  headers: Headers;
  body: string;
  redirect: string | undefined;
}

/** Stands in for subscribers: records each request (read inside the call) and answers with `respond`. */
function stubSubscribers(respond: (req: Received, n: number) => Response | Promise<Response> = () => new Response('ok')) {
  const received: Received[] = [];
  const spy = vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const request = new Request(input, init);
    const req = { url: request.url, headers: request.headers, body: await request.text(), redirect: init?.redirect };
    received.push(req);
    return respond(req, received.length);
  });
  return { received, spy };
}

/** Webhooks made here are deleted after each test (their deliveries cascade), so no other test file sees them fire. */
const createdHooks: number[] = [];

afterEach(async () => {
  vi.restoreAllMocks();
  if (createdHooks.length) {
    await env.DB.prepare('DELETE FROM booking_webhooks WHERE id IN (SELECT value FROM json_each(?))').bind(JSON.stringify(createdHooks)).run();
    createdHooks.length = 0;
  }
});

async function createWebhook(token: string, body: Record<string, unknown> = {}): Promise<{ id: number }> {
  const res = await api('POST', '/v2/webhooks', {
    token,
    body: { subscriber_url: `${HOOK_HOST}/${crypto.randomUUID()}`, event_triggers: ['BOOKING_CREATED'], secret: SECRET, ...body },
  });
  if (res.status !== 201) throw new Error(`webhook create failed: ${res.status} ${JSON.stringify(res.json)}`);
  createdHooks.push(res.json.id);
  return res.json;
}

interface DeliveryRow {
  id: number;
  event_id: string;
  webhook_id: number;
  booking_id: number | null;
  trigger_event: string;
  payload: string;
  status: string;
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  last_duration_ms: number | null;
  attempt_log: string;
  next_attempt_at: number | null;
  enqueued_at: number | null;
  delivered_at: number | null;
  created_at: number;
}

const delivery = (id: number) => env.DB.prepare('SELECT * FROM booking_webhook_deliveries WHERE id = ?').bind(id).first<DeliveryRow>();
const attemptLog = async (id: number) => JSON.parse((await delivery(id))!.attempt_log) as DeliveryAttempt[];

/** A pending delivery row as the outbox leaves it (already enqueued unless told otherwise). */
async function insertDelivery(webhookId: number, opts: { payload?: string; enqueuedAt?: number | null; createdAt?: number; status?: string } = {}) {
  const now = Date.now();
  const row = await env.DB.prepare(
    `INSERT INTO booking_webhook_deliveries (event_id, webhook_id, trigger_event, payload, status, attempt_log, enqueued_at, created_at, updated_at)
     VALUES (?, ?, 'BOOKING_CREATED', ?, ?, '[]', ?, ?, ?) RETURNING id, event_id`,
  )
    .bind(
      `msg_${crypto.randomUUID()}_${webhookId}`,
      webhookId,
      opts.payload ?? '{"triggerEvent":"BOOKING_CREATED","createdAt":"2025-11-15T14:00:00.000Z","payload":{"uid":"x"}}',
      opts.status ?? 'pending',
      opts.enqueuedAt === undefined ? now : opts.enqueuedAt,
      opts.createdAt ?? now,
      opts.createdAt ?? now,
    )
    .first<{ id: number; event_id: string }>();
  return row!;
}

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

async function waitFor<T>(probe: () => Promise<T | null | undefined | false>, what: string, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
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

describe('outbox sweep (cron)', () => {
  it('re-enqueues a delivery whose queue send was lost, and the queue then delivers it', async () => {
    const { token } = await makeUser();
    const hook = await createWebhook(token);
    const lost = await insertDelivery(hook.id, { enqueuedAt: null, createdAt: Date.now() - 5 * 60_000 });
    const fresh = await insertDelivery(hook.id, { enqueuedAt: null });
    const { received } = stubSubscribers();
    const warnings = vi.spyOn(console, 'warn').mockImplementation(() => undefined);

    await worker.scheduled(createScheduledController({ cron: '*/5 * * * *' }), env);

    expect((await delivery(lost.id))!.enqueued_at).toEqual(expect.any(Number));
    expect(warnings).toHaveBeenCalledWith('webhook outbox sweep re-enqueues deliveries', { count: expect.any(Number) });
    // Younger than the grace period: probably still being enqueued by the request that wrote it.
    expect((await delivery(fresh.id))!.enqueued_at).toBeNull();
    // The real queue consumer picks the message up (the test config batches for 50 ms).
    const delivered = await waitFor(async () => {
      const row = await delivery(lost.id);
      return row?.status === 'delivered' ? row : null;
    }, 'the swept delivery to be delivered');
    expect(received.find((r) => r.headers.get('webhook-id') === lost.event_id)?.body).toBe(delivered.payload);
  });

  it('leaves settled rows alone', async () => {
    const { token } = await makeUser();
    const hook = await createWebhook(token);
    const old = Date.now() - 5 * 60_000;
    const failed = await insertDelivery(hook.id, { enqueuedAt: null, createdAt: old, status: 'failed' });
    const sent = await insertDelivery(hook.id, { enqueuedAt: old, createdAt: old });
    const { spy } = stubSubscribers();
    await worker.scheduled(createScheduledController(), env);
    expect((await delivery(failed.id))!.enqueued_at).toBeNull();
    expect((await delivery(sent.id))!.enqueued_at).toBe(old);
    expect(spy.mock.calls.some(([input]) => String(input instanceof Request ? input.url : input).includes(String(hook.id)))).toBe(false);
  });
});

describe('enqueueDeliveries', () => {
  it('sends one message per delivery in chunks of at most 100 and marks them enqueued', async () => {
    const { token } = await makeUser();
    const hook = await createWebhook(token);
    const rows = [await insertDelivery(hook.id, { enqueuedAt: null }), await insertDelivery(hook.id, { enqueuedAt: null })];
    const sent: number[][] = [];
    const fakeQueue = { sendBatch: async (messages: { body: WebhookMessage }[]) => void sent.push(messages.map((m) => m.body.delivery_id)) };
    const ids = [...rows.map((r) => r.id), ...Array.from({ length: 148 }, (_, i) => 1_000_000_000 + i)];
    await enqueueDeliveries({ ...env, WEBHOOKS: fakeQueue } as unknown as Bindings, ids);
    expect(sent.map((chunk) => chunk.length)).toEqual([100, 50]);
    expect(sent.flat()).toEqual(ids);
    for (const row of rows) expect((await delivery(row.id))!.enqueued_at).toEqual(expect.any(Number));
  });

  it('swallows a failed send and leaves the rows for the sweep', async () => {
    const { token } = await makeUser();
    const hook = await createWebhook(token);
    const row = await insertDelivery(hook.id, { enqueuedAt: null });
    const failing = { sendBatch: async () => { throw new Error('Queues unavailable'); } };
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    await expect(enqueueDeliveries({ ...env, WEBHOOKS: failing } as unknown as Bindings, [row.id])).resolves.toBeUndefined();
    expect((await delivery(row.id))!.enqueued_at).toBeNull();
    expect(errors).toHaveBeenCalled();
  });
});

describe('outboxInsert', () => {
  const START = Date.parse('2030-01-07T15:00:00Z');

  async function setup() {
    const host = await makeUser({ timezone: 'America/New_York' });
    const et = await api('POST', '/v2/event-types', {
      token: host.token,
      body: { title: 'Coffee Chat', slug: 'coffee-chat', duration_minutes: 30, location_type: 'zoom' },
    });
    if (et.status !== 201) throw new Error(`event type create failed: ${JSON.stringify(et.json)}`);
    return { host, eventType: et.json as { id: number; slug: string } };
  }

  function snapshotFor(
    host: Awaited<ReturnType<typeof makeUser>>,
    eventType: { id: number; slug: string },
    uid: string,
    trigger: WebhookTrigger = 'BOOKING_CREATED',
    status: BookingStatus = 'accepted',
  ): BookingEventSnapshot {
    return {
      trigger,
      hostId: host.user.id,
      booking: {
        uid,
        title: 'Coffee Chat between Host and Jane Doe',
        description: null,
        startAt: START,
        endAt: START + 30 * 60_000,
        status,
        locationType: 'zoom',
        locationValue: 'https://zoom.us/j/1',
        metadata: { utm: 'x' },
        cancellationReason: null,
        rejectionReason: null,
      },
      eventType: { id: eventType.id, slug: eventType.slug, durationMinutes: 30 },
      organizer: { id: host.user.id, name: host.user.name, email: host.user.email, timezone: host.user.timezone },
      attendee: { name: 'Jane Doe', email: 'jane@example.com', timezone: 'Europe/Paris', notes: 'Looking forward' },
    };
  }

  /** A bookings row and its attendee, written with plain SQL as the bookings code would. */
  function bookingInsert(hostId: number, eventTypeId: number, uid: string, status: BookingStatus = 'accepted', guardHolds = true) {
    const now = Date.now();
    return env.DB.prepare(
      `INSERT INTO bookings (uid, event_type_id, host_id, title, start_at, end_at, occupied_start, occupied_end, status,
         location_type, location_value, metadata, created_at, updated_at)
       SELECT ?, ?, ?, 'Coffee Chat between Host and Jane Doe', ?, ?, ?, ?, ?, 'zoom', 'https://zoom.us/j/1', '{"utm":"x"}', ?, ?
       WHERE ?`,
    ).bind(uid, eventTypeId, hostId, START, START + 1_800_000, START, START + 1_800_000, status, now, now, guardHolds ? 1 : 0);
  }

  function attendeeInsert(uid: string) {
    return env.DB.prepare(
      `INSERT INTO booking_attendees (booking_id, name, email, timezone, notes)
       SELECT id, 'Jane Doe', 'jane@example.com', 'Europe/Paris', 'Looking forward' FROM bookings WHERE uid = ?`,
    ).bind(uid);
  }

  const rowsOfBooking = async (uid: string) =>
    (
      await env.DB.prepare(
        'SELECT d.* FROM booking_webhook_deliveries d JOIN bookings b ON b.id = d.booking_id WHERE b.uid = ? ORDER BY d.id',
      )
        .bind(uid)
        .all<DeliveryRow>()
    ).results;

  it('writes one delivery per matching active webhook of the host and of super admins, in the booking’s batch', async () => {
    const { host, eventType } = await setup();
    const other = await makeUser();
    const admin = await makeAdmin();
    const hostHook = await createWebhook(host.token, { event_triggers: ['BOOKING_CREATED', 'BOOKING_CANCELLED'] });
    const hostSecond = await createWebhook(host.token);
    const hostInactive = await createWebhook(host.token, { active: false });
    const hostCancelOnly = await createWebhook(host.token, { event_triggers: ['BOOKING_CANCELLED'] });
    const otherHook = await createWebhook(other.token);
    const adminHook = await createWebhook(admin.token);
    const adminRescheduleOnly = await createWebhook(admin.token, { event_triggers: ['BOOKING_RESCHEDULED'] });

    const uid = `bk_${crypto.randomUUID()}`;
    const now = Date.now();
    const results = await env.DB.batch([
      bookingInsert(host.user.id, eventType.id, uid),
      outboxInsert(env.DB, snapshotFor(host, eventType, uid), now),
      attendeeInsert(uid),
    ]);
    const ids = deliveryIdsOf(results[1]!);
    const rows = await rowsOfBooking(uid);
    expect(rows.map((r) => r.id)).toEqual(ids);
    const hooks = rows.map((r) => r.webhook_id);
    expect(hooks).toEqual(expect.arrayContaining([hostHook.id, hostSecond.id, adminHook.id]));
    for (const excluded of [hostInactive.id, hostCancelOnly.id, otherHook.id, adminRescheduleOnly.id]) expect(hooks).not.toContain(excluded);
    // Anything else matched must be some other super admin's webhook (tests share the database).
    const owners = await env.DB.prepare(
      `SELECT DISTINCT u.id, u.role FROM booking_webhooks w JOIN users u ON u.id = w.owner_id WHERE w.id IN (SELECT value FROM json_each(?))`,
    )
      .bind(JSON.stringify(hooks))
      .all<{ id: number; role: string }>();
    for (const owner of owners.results) expect(owner.id === host.user.id || owner.role === 'super_admin').toBe(true);

    const bookingId = (await env.DB.prepare('SELECT id FROM bookings WHERE uid = ?').bind(uid).first<{ id: number }>())!.id;
    expect(new Set(rows.map((r) => r.event_id)).size).toBe(rows.length);
    for (const row of rows) {
      expect(row).toMatchObject({ booking_id: bookingId, trigger_event: 'BOOKING_CREATED', status: 'pending', attempts: 0, enqueued_at: null, created_at: now });
      expect(row.event_id).toMatch(new RegExp(`^msg_[0-9a-f]{24}_${row.webhook_id}$`));
    }
  });

  it('fills the payload with Cal.com’s field names and the booking’s values, bookingId included', async () => {
    const { host, eventType } = await setup();
    await createWebhook(host.token);
    const uid = `bk_${crypto.randomUUID()}`;
    const now = Date.parse('2029-12-01T10:00:00Z');
    await env.DB.batch([bookingInsert(host.user.id, eventType.id, uid), outboxInsert(env.DB, snapshotFor(host, eventType, uid), now), attendeeInsert(uid)]);
    const [row] = await rowsOfBooking(uid);
    const bookingId = (await env.DB.prepare('SELECT id FROM bookings WHERE uid = ?').bind(uid).first<{ id: number }>())!.id;
    expect(JSON.parse(row!.payload)).toEqual({
      triggerEvent: 'BOOKING_CREATED',
      createdAt: '2029-12-01T10:00:00.000Z',
      payload: {
        type: 'coffee-chat',
        title: 'Coffee Chat between Host and Jane Doe',
        description: null,
        additionalNotes: 'Looking forward',
        startTime: '2030-01-07T15:00:00.000Z',
        endTime: '2030-01-07T15:30:00.000Z',
        organizer: { id: host.user.id, name: host.user.name, email: host.user.email, timeZone: 'America/New_York' },
        attendees: [{ name: 'Jane Doe', email: 'jane@example.com', timeZone: 'Europe/Paris' }],
        responses: {
          name: { label: 'your_name', value: 'Jane Doe' },
          email: { label: 'email_address', value: 'jane@example.com' },
          notes: { label: 'additional_notes', value: 'Looking forward' },
        },
        location: 'https://zoom.us/j/1',
        uid,
        bookingId,
        eventTypeId: eventType.id,
        length: 30,
        status: 'ACCEPTED',
        metadata: { utm: 'x' },
      },
    });
  });

  it('writes nothing when the booking insert of the same batch was refused by its guard', async () => {
    const { host, eventType } = await setup();
    await createWebhook(host.token);
    const uid = `bk_${crypto.randomUUID()}`;
    const results = await env.DB.batch([
      bookingInsert(host.user.id, eventType.id, uid, 'accepted', false),
      outboxInsert(env.DB, snapshotFor(host, eventType, uid), Date.now()),
    ]);
    expect(deliveryIdsOf(results[1]!)).toEqual([]);
    const count = await env.DB.prepare("SELECT COUNT(*) AS n FROM booking_webhook_deliveries WHERE payload LIKE '%' || ? || '%'").bind(uid).first<{ n: number }>();
    expect(count!.n).toBe(0);
  });

  it('writes nothing for an unknown uid, or when the booking is not in the state the event describes', async () => {
    const { host, eventType } = await setup();
    await createWebhook(host.token, { event_triggers: ['BOOKING_CREATED', 'BOOKING_CANCELLED'] });
    const unknown = await env.DB.batch([outboxInsert(env.DB, snapshotFor(host, eventType, `bk_${crypto.randomUUID()}`), Date.now())]);
    expect(deliveryIdsOf(unknown[0]!)).toEqual([]);

    // A cancellation whose guarded update changed nothing: the row is still accepted.
    const uid = `bk_${crypto.randomUUID()}`;
    await env.DB.batch([bookingInsert(host.user.id, eventType.id, uid), attendeeInsert(uid)]);
    const stale = await env.DB.batch([
      env.DB.prepare("UPDATE bookings SET status = 'cancelled' WHERE uid = ? AND status = 'pending'").bind(uid),
      outboxInsert(env.DB, snapshotFor(host, eventType, uid, 'BOOKING_CANCELLED', 'cancelled'), Date.now()),
    ]);
    expect(deliveryIdsOf(stale[1]!)).toEqual([]);

    const applied = await env.DB.batch([
      env.DB.prepare("UPDATE bookings SET status = 'cancelled' WHERE uid = ? AND status = 'accepted'").bind(uid),
      outboxInsert(env.DB, snapshotFor(host, eventType, uid, 'BOOKING_CANCELLED', 'cancelled'), Date.now()),
    ]);
    expect(deliveryIdsOf(applied[1]!)).toHaveLength(1);
  });

  it("does not fire a deactivated super admin's webhook", async () => {
    const { host, eventType } = await setup();
    const admin = await makeAdmin();
    const adminHook = await createWebhook(admin.token);
    await env.DB.prepare('UPDATE users SET is_active = 0 WHERE id = ?').bind(admin.user.id).run();
    const uid = `bk_${crypto.randomUUID()}`;
    await env.DB.batch([bookingInsert(host.user.id, eventType.id, uid), outboxInsert(env.DB, snapshotFor(host, eventType, uid), Date.now())]);
    expect((await rowsOfBooking(uid)).map((r) => r.webhook_id)).not.toContain(adminHook.id);
  });

  it('end to end: batch, enqueue, queue consumer, signed POST to the subscriber', async () => {
    const { host, eventType } = await setup();
    const hook = await createWebhook(host.token);
    const uid = `bk_${crypto.randomUUID()}`;
    const { received } = stubSubscribers();
    const results = await env.DB.batch([
      bookingInsert(host.user.id, eventType.id, uid),
      outboxInsert(env.DB, snapshotFor(host, eventType, uid), Date.now()),
      attendeeInsert(uid),
    ]);
    await enqueueDeliveries(env, deliveryIdsOf(results[1]!));
    const [row] = (await rowsOfBooking(uid)).filter((r) => r.webhook_id === hook.id);
    const delivered = await waitFor(async () => {
      const current = await delivery(row!.id);
      return current?.status === 'delivered' ? current : null;
    }, 'the booking webhook to be delivered');
    const req = received.find((r) => r.headers.get('webhook-id') === row!.event_id)!;
    expect(req.body).toBe(delivered.payload);
    expect(req.headers.get('x-cal-signature-256')).toBe(await signBody(SECRET, req.body));
    expect(JSON.parse(req.body).payload.uid).toBe(uid);
  });
});

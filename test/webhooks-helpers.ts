// Shared by the webhook delivery tests (webhooks-consumer: the queue consumer; webhooks-outbox: outbox rows, enqueue
// and the sweep): stub subscribers, webhooks cleaned up after each test, delivery rows as the outbox leaves them.
import { env } from 'cloudflare:workers';
import { vi } from 'vitest';
import type { DeliveryAttempt } from '../src/db/schema';
import { create } from './helpers';

export const SECRET = 'whsec_delivery_test_secret';
export const HOOK_HOST = 'https://hooks.example.com';

export interface Received {
  url: string;
  headers: Headers;
  body: string;
  redirect: string | undefined;
}

/** Stands in for subscribers: records each request (read inside the call) and answers with `respond`. */
export function stubSubscribers(respond: (req: Received, n: number) => Response | Promise<Response> = () => new Response('ok')) {
  const received: Received[] = [];
  const spy = vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const request = new Request(input, init);
    const req = { url: request.url, headers: request.headers, body: await request.text(), redirect: init?.redirect };
    received.push(req);
    return respond(req, received.length);
  });
  return { received, spy };
}

/** Webhooks made by createWebhook, deleted by cleanUpWebhooks. */
const createdHooks: number[] = [];

/** Deletes the webhooks made here (their deliveries cascade), so no other test file sees them fire; for afterEach. */
export async function cleanUpWebhooks() {
  vi.restoreAllMocks();
  if (createdHooks.length) {
    await env.DB.prepare('DELETE FROM booking_webhooks WHERE id IN (SELECT value FROM json_each(?))').bind(JSON.stringify(createdHooks)).run();
    createdHooks.length = 0;
  }
}

export async function createWebhook(token: string, body: Record<string, unknown> = {}): Promise<{ id: number }> {
  const webhook = await create<{ id: number }>('/v2/webhooks', token, {
    subscriber_url: `${HOOK_HOST}/${crypto.randomUUID()}`,
    event_triggers: ['BOOKING_CREATED'],
    secret: SECRET,
    ...body,
  });
  createdHooks.push(webhook.id);
  return webhook;
}

export interface DeliveryRow {
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

export const delivery = (id: number) => env.DB.prepare('SELECT * FROM booking_webhook_deliveries WHERE id = ?').bind(id).first<DeliveryRow>();
export const attemptLog = async (id: number) => JSON.parse((await delivery(id))!.attempt_log) as DeliveryAttempt[];

/** A pending delivery row as the outbox leaves it (already enqueued unless told otherwise). */
export async function insertDelivery(webhookId: number, opts: { payload?: string; enqueuedAt?: number | null; createdAt?: number; status?: string } = {}) {
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

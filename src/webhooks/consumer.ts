// The sending side: the Queue consumer that delivers outbox rows, and the direct send behind the ping endpoint.
//
// Each message is settled on its own (ack or retry with a delay); one slow or failing subscriber never makes the
// batch retry. The queue's dead-letter queue (wrangler.toml, max_retries 100) is the last net for messages that keep
// crashing the consumer itself: `settleDeadLetters` marks their deliveries failed, so the log never shows them pending
// forever.
import { getDb, type Db } from '../db/client';
import type { DeliveryAttempt, User, Webhook, WebhookDelivery } from '../db/schema';
import type { Bindings, WebhookMessage } from '../env';
import { isPositiveInt } from '../lib/pagination';
import { retryAfterFailure, retryDelaySeconds, retrySettings } from './backoff';
import { newEventId } from './outbox';
import { pingEnvelope } from './payload';
import { abandonDelivery, claimDelivery, findDeliveryToSend, insertSettledDelivery, recordAttempt, type DeliveryOutcome } from './repo';
import { deliveryHeaders } from './signing';
import { checkSubscriberUrl, privateUrlsAllowed } from './url-guard';

/** The delivery log's text for any failure to get an HTTP answer (see postDelivery). */
export const TRANSPORT_FAILED = 'Request failed: no HTTP response (connection refused, reset, or name not resolved)';

/** How long a subscriber gets to answer one attempt. */
export const DELIVERY_TIMEOUT_MS = 10_000;

/**
 * How long a consumer holds a delivery it is sending: longer than any attempt takes, shorter than the sweep's grace
 * (LEASE_GRACE_MS, 2 minutes), so the row of a consumer that died mid-send is re-sent by the next sweep after it.
 */
export const CLAIM_MS = 60_000;

export interface SendOptions {
  /** Tests shorten it; production uses DELIVERY_TIMEOUT_MS. */
  timeoutMs?: number;
  random?: () => number;
}

export interface HttpAttempt {
  ok: boolean;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

/** One signed POST of the stored body. Never throws: every way it can go wrong becomes the attempt's error. */
export async function postDelivery(
  target: { url: string; secret: string },
  delivery: { eventId: string; payload: string },
  attemptAt: number,
  timeoutMs = DELIVERY_TIMEOUT_MS,
): Promise<HttpAttempt> {
  const headers = await deliveryHeaders(target.secret, delivery.payload, delivery.eventId, attemptAt);
  const signal = AbortSignal.timeout(timeoutMs);
  const started = Date.now();
  try {
    // Redirects are not followed: a public URL could otherwise bounce the request to a private address.
    const res = await fetch(target.url, { method: 'POST', headers, body: delivery.payload, redirect: 'manual', signal });
    const durationMs = Date.now() - started;
    await res.body?.cancel().catch(() => undefined); // only the status matters; free the connection
    const ok = res.status >= 200 && res.status < 300;
    const redirect = res.status >= 300 && res.status < 400 ? ' (redirects are not followed)' : '';
    return { ok, statusCode: res.status, error: ok ? null : `HTTP ${res.status}${redirect}`, durationMs };
  } catch (error) {
    const durationMs = Date.now() - started;
    // One text for every transport failure: the runtime's own message tells a refused connection from a reset or an
    // unknown name, which would make pings a port scanner. The reason is logged for the operator instead.
    if (!signal.aborted) console.warn('webhook request failed', { url: target.url, error: String(error) });
    const message = signal.aborted ? `Timed out after ${timeoutMs} ms` : TRANSPORT_FAILED;
    return { ok: false, statusCode: null, error: message, durationMs };
  }
}

export type Settlement = { action: 'ack' } | { action: 'retry'; delaySeconds: number };
const ACK: Settlement = { action: 'ack' };

/** Delivers one outbox row if it still needs it, records the attempt, and says how to settle its message. */
export async function processDelivery(env: Bindings, deliveryId: number, opts: SendOptions = {}): Promise<Settlement> {
  const db = getDb(env.DB);
  const now = Date.now();
  // Not ours to send: settled (this message is a duplicate), gone (its webhook was deleted, the rows cascade), or
  // another copy of the message is sending it right now.
  if (!(await claimDelivery(db, deliveryId, now, CLAIM_MS))) return ACK;
  const found = await findDeliveryToSend(db, deliveryId);
  if (!found || found.delivery.status !== 'pending') return ACK;
  const { delivery, webhook } = found;
  // A webhook switched off drops what is still queued for it, rather than bursting old events when it is switched on.
  if (!webhook.active) {
    await abandonDelivery(db, delivery.id, 'webhook inactive', now);
    return ACK;
  }
  // Deactivated owners' webhooks stop firing, retries of events from before the deactivation included.
  if (!found.ownerActive) {
    await abandonDelivery(db, delivery.id, 'webhook owner deactivated', now);
    return ACK;
  }
  const verdict = checkSubscriberUrl(webhook.subscriberUrl, { allowPrivate: privateUrlsAllowed(env) });
  if (!verdict.ok) {
    await abandonDelivery(db, delivery.id, `subscriber URL not allowed: ${verdict.reason}`, now);
    return ACK;
  }

  const attempt = delivery.attempts + 1;
  const result = await postDelivery({ url: webhook.subscriberUrl, secret: webhook.secret }, delivery, now, opts.timeoutMs);
  const delaySeconds = result.ok ? null : retryAfterFailure(attempt, false, retrySettings(env), opts.random);
  const outcome: DeliveryOutcome = result.ok ? 'delivered' : delaySeconds === null ? 'failed' : 'pending';
  await recordAttempt(db, delivery.id, attemptEntry(attempt, now, result, delaySeconds), outcome);
  return delaySeconds === null ? ACK : { action: 'retry', delaySeconds };
}

function attemptEntry(attempt: number, at: number, result: HttpAttempt, delaySeconds: number | null): DeliveryAttempt {
  return {
    attempt,
    at,
    status_code: result.statusCode,
    duration_ms: result.durationMs,
    error: result.error,
    next_attempt_at: delaySeconds === null ? null : at + result.durationMs + delaySeconds * 1000,
  };
}

/** The Worker's `queue` handler. */
export async function consumeWebhookBatch(batch: MessageBatch<WebhookMessage>, env: Bindings, opts: SendOptions = {}): Promise<void> {
  await Promise.all(
    batch.messages.map(async (message) => {
      const id = (message.body as Partial<WebhookMessage> | null)?.delivery_id;
      if (!isPositiveInt(id)) {
        console.error('webhook message without a delivery id dropped', { messageId: message.id });
        message.ack();
        return;
      }
      try {
        const settlement = await processDelivery(env, id, opts);
        if (settlement.action === 'ack') message.ack();
        else message.retry({ delaySeconds: settlement.delaySeconds });
      } catch (error) {
        // Our own failure (D1 unavailable...), not the subscriber's: try the message again later.
        console.error('webhook delivery crashed; retrying the message', { deliveryId: id, error: String(error) });
        message.retry({ delaySeconds: retryDelaySeconds(message.attempts, retrySettings(env).baseSeconds) });
      }
    }),
  );
}

/** wrangler.toml: the webhook queue's dead-letter queue, consumed by this Worker too. */
export const DEAD_LETTER_QUEUE = 'calflare-webhooks-dlq';

/** Consumer of the dead-letter queue: the queue gave up on these messages, so their deliveries are failed. */
export async function settleDeadLetters(batch: MessageBatch<WebhookMessage>, env: Bindings): Promise<void> {
  const db = getDb(env.DB);
  await Promise.all(
    batch.messages.map(async (message) => {
      const id = (message.body as Partial<WebhookMessage> | null)?.delivery_id;
      try {
        if (isPositiveInt(id)) await abandonDelivery(db, id, 'dead-lettered: the queue gave up after repeated consumer failures', Date.now());
        message.ack();
      } catch (error) {
        console.error('dead-letter settlement failed; retrying', { deliveryId: id, error: String(error) });
        message.retry({ delaySeconds: 60 });
      }
    }),
  );
}

/**
 * The ping endpoint: a test event sent at once (one attempt, no retries, so the caller sees the result) and recorded
 * in the webhook's delivery log like any other delivery. Inactive webhooks can be pinged: testing before switching on.
 */
export async function pingWebhook(db: Db, env: Bindings, webhook: Webhook, owner: User, opts: SendOptions = {}): Promise<WebhookDelivery> {
  const now = Date.now();
  const eventId = newEventId(webhook.id);
  const payload = JSON.stringify(pingEnvelope(owner, now));
  const verdict = checkSubscriberUrl(webhook.subscriberUrl, { allowPrivate: privateUrlsAllowed(env) });
  const result: HttpAttempt = verdict.ok
    ? await postDelivery({ url: webhook.subscriberUrl, secret: webhook.secret }, { eventId, payload }, now, opts.timeoutMs)
    : { ok: false, statusCode: null, error: `subscriber URL not allowed: ${verdict.reason}`, durationMs: 0 };
  return insertSettledDelivery(db, {
    eventId,
    webhookId: webhook.id,
    triggerEvent: 'PING',
    payload,
    attempt: attemptEntry(1, now, result, null),
    delivered: result.ok,
  });
}

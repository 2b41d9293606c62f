// The cron half of the outbox. Two kinds of pending deliveries have no queue message that will ever arrive:
//  - never sent: the Worker died between the D1 batch and the send, or Queues refused it (enqueued_at NULL);
//  - lost after sending: a restart dropped the message, or the retry it was waiting as. Each enqueued delivery holds a
//    lease: its due time (next_attempt_at for a retry, else enqueued_at) plus LEASE_GRACE_MS. A pending row whose lease
//    ran out without an attempt being recorded (an attempt moves next_attempt_at or settles the row) is sent again,
//    and its lease renewed (next_attempt_at = now), so the next run leaves it to the new message.
// A re-sent message is harmless: the consumer skips rows that are no longer pending, and receivers dedupe on
// `webhook-id`, which stays the same.
import { getDb } from '../db/client';
import { OUTBOX_LEASE_GRACE_MS, sendInChunks } from '../db/outbox';
import type { Bindings } from '../env';
import { enqueueDeliveries } from './outbox';
import { expiredLeaseIds, renewLeases, unsentDeliveryIds } from './repo';

/** Younger rows are probably being enqueued right now by the request that wrote them. */
export const SWEEP_GRACE_MS = 60_000;

/** How late a due attempt may be before its message counts as lost (src/db/outbox.ts, shared with the emails). */
export const LEASE_GRACE_MS = OUTBOX_LEASE_GRACE_MS;

/** Bounds one run (10 sendBatch calls per kind); a larger backlog drains over the next runs, oldest first. */
export const SWEEP_MAX_ROWS = 1_000;

/** The Worker's `scheduled` handler; returns how many deliveries it re-enqueued. */
export async function sweepOutbox(env: Bindings, now: number): Promise<number> {
  const db = getDb(env.DB);
  const unsent = await unsentDeliveryIds(db, now - SWEEP_GRACE_MS, SWEEP_MAX_ROWS);
  if (unsent.length > 0) {
    console.warn('webhook outbox sweep re-enqueues deliveries', { count: unsent.length });
    await enqueueDeliveries(env, unsent);
  }
  const lost = await expiredLeaseIds(db, now - LEASE_GRACE_MS, SWEEP_MAX_ROWS);
  if (lost.length > 0) {
    console.warn('webhook outbox sweep re-enqueues deliveries whose lease ran out', { count: lost.length });
    await sendInChunks(env.WEBHOOKS, lost, (id) => ({ delivery_id: id }), (chunk) => renewLeases(db, chunk, now), {
      message: 'webhook re-enqueue failed; the next sweep will retry',
      idsKey: 'deliveryIds',
    });
  }
  return unsent.length + lost.length;
}

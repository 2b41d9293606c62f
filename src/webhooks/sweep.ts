// The cron half of the outbox: deliveries whose queue message was never sent (the Worker died between the D1 batch
// and the send, or Queues refused it) are pending with enqueued_at NULL; this sends them again.
import { getDb } from '../db/client';
import type { Bindings } from '../env';
import { enqueueDeliveries } from './outbox';
import { unsentDeliveryIds } from './repo';

/** Younger rows are probably being enqueued right now by the request that wrote them. */
export const SWEEP_GRACE_MS = 60_000;

/** Bounds one run (10 sendBatch calls); a larger backlog drains over the next runs, oldest first. */
export const SWEEP_MAX_ROWS = 1_000;

/** The Worker's `scheduled` handler; returns how many deliveries it re-enqueued. */
export async function sweepOutbox(env: Bindings, now: number): Promise<number> {
  const ids = await unsentDeliveryIds(getDb(env.DB), now - SWEEP_GRACE_MS, SWEEP_MAX_ROWS);
  if (ids.length > 0) {
    console.warn('webhook outbox sweep re-enqueues deliveries', { count: ids.length });
    await enqueueDeliveries(env, ids);
  }
  return ids.length;
}

// The send half of the transactional outboxes (webhook deliveries, email notifications): after the batch that wrote
// the rows committed, one queue message per row, then `enqueued_at` on the rows sent. A lost send leaves
// `enqueued_at` NULL for the cron sweep to redo.
import type { D1Queryable } from './client';

/**
 * The lease of an enqueued outbox row (both outboxes): its due time (next_attempt_at for a retry, else enqueued_at)
 * plus this grace. A pending row whose lease ran out with no attempt recorded lost its queue message (a restart dropped
 * it, or the retry it waited as) and the cron sweep sends it again. Queue messages arrive within seconds of being due,
 * so two minutes keeps duplicates rare while a crash delays delivery by minutes: with the sweep every minute, a lost
 * message is re-sent at most about three minutes after it was due.
 */
export const OUTBOX_LEASE_GRACE_MS = 2 * 60_000;

/** Queues' sendBatch takes at most 100 messages per call. */
export const SEND_BATCH_MAX = 100;

/**
 * Sends one message per id, SEND_BATCH_MAX at a time, and runs `afterSent` on each chunk that was sent. Never throws:
 * a failed chunk is logged (`failure`, with its ids under `idsKey`) and left to the next sweep; the others still go.
 */
export async function sendInChunks<Body>(
  queue: Queue<Body>,
  ids: number[],
  bodyOf: (id: number) => Body,
  afterSent: (chunk: number[]) => Promise<unknown>,
  failure: { message: string; idsKey: string },
): Promise<void> {
  for (let i = 0; i < ids.length; i += SEND_BATCH_MAX) {
    const chunk = ids.slice(i, i + SEND_BATCH_MAX);
    try {
      await queue.sendBatch(chunk.map((id) => ({ body: bodyOf(id) })));
      await afterSent(chunk);
    } catch (error) {
      console.error(failure.message, { [failure.idsKey]: chunk, error: String(error) });
    }
  }
}

export type OutboxTable = 'booking_webhook_deliveries' | 'booking_email_notifications' | 'calendar_writes';

/** `enqueued_at` on rows just sent; one JSON parameter, since D1 allows at most 100 bound parameters per statement. */
export function markEnqueued(d1: D1Queryable, table: OutboxTable, ids: number[], now: number) {
  return d1
    .prepare(`UPDATE ${table} SET enqueued_at = ? WHERE enqueued_at IS NULL AND id IN (SELECT value FROM json_each(?))`)
    .bind(now, JSON.stringify(ids))
    .run();
}

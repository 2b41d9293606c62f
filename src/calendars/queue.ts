// The calendar sync queue: one message per connection to sync. The cron sweep queues every enabled connection once
// per SYNC_INTERVAL_MS; creating, re-enabling or refreshing a connection queues it at once.
import type { Bindings, CalendarSyncMessage } from '../env';
import { claimDueConnections, markEnqueued } from './repo';
import { syncConnection } from './sync';

export const CALENDAR_SYNC_QUEUE = 'calflare-calendars';
export const SYNC_INTERVAL_MS = 15 * 60_000;
/** Bounds one sweep (sendBatch takes at most 100 messages); the rest are due again at the next run. */
const SWEEP_MAX_CONNECTIONS = 1_000;

export async function enqueueSync(env: Bindings, connectionId: number, now: number): Promise<void> {
  await env.CALENDAR_SYNC.send({ connection_id: connectionId });
  await markEnqueued(env.DB, connectionId, now);
}

/** Part of the Worker's `scheduled` handler; returns how many connections it queued. */
export async function sweepCalendars(env: Bindings, now: number): Promise<number> {
  const ids = await claimDueConnections(env.DB, now, SYNC_INTERVAL_MS - 60_000, SWEEP_MAX_CONNECTIONS);
  for (let i = 0; i < ids.length; i += 100) {
    await env.CALENDAR_SYNC.sendBatch(ids.slice(i, i + 100).map((id) => ({ body: { connection_id: id } })));
  }
  return ids.length;
}

/** Every message is acknowledged: a failed sync is recorded on the connection and retried by the next sweep. */
export async function consumeCalendarBatch(batch: MessageBatch<CalendarSyncMessage>, env: Bindings): Promise<void> {
  for (const message of batch.messages) {
    const id = Number(message.body?.connection_id);
    if (Number.isSafeInteger(id) && id > 0) await syncConnection(env, id, Date.now());
    message.ack();
  }
}

import { and, asc, desc, eq, gt, isNull, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client';
import { runBatch } from '../db/purge';
import { ownedBy } from '../auth/ownership';
import {
  users,
  webhookDeliveries,
  webhooks,
  type DeliveryAttempt,
  type User,
  type Webhook,
  type WebhookDelivery,
  type SubscribableTrigger,
} from '../db/schema';

export async function listWebhooks(db: Db, viewer: User, opts: { afterId: number; limit: number }): Promise<Webhook[]> {
  return db
    .select()
    .from(webhooks)
    .where(and(ownedBy(webhooks.ownerId, viewer), gt(webhooks.id, opts.afterId)))
    .orderBy(asc(webhooks.id))
    .limit(opts.limit)
    .all();
}

export async function findOwnedWebhook(db: Db, viewer: User, id: number): Promise<Webhook | undefined> {
  return db.select().from(webhooks).where(and(eq(webhooks.id, id), ownedBy(webhooks.ownerId, viewer))).get();
}

export interface WebhookFields {
  subscriberUrl: string;
  eventTriggers: SubscribableTrigger[];
  active: boolean;
  secret: string;
}

/**
 * Inserts the webhook only while the owner has fewer than `maxPerOwner`, in one statement, so parallel creates cannot
 * overshoot the cap. Undefined when the owner is at the cap.
 */
export async function insertWebhook(db: Db, ownerId: number, fields: WebhookFields, maxPerOwner: number): Promise<Webhook | undefined> {
  const now = Date.now();
  const row = await db.get<Record<string, unknown>>(sql`
    INSERT INTO booking_webhooks (owner_id, subscriber_url, event_triggers, active, secret, created_at, updated_at)
    SELECT ${ownerId}, ${fields.subscriberUrl}, ${JSON.stringify(fields.eventTriggers)}, ${fields.active ? 1 : 0}, ${fields.secret}, ${now}, ${now}
    WHERE (SELECT count(*) FROM booking_webhooks WHERE owner_id = ${ownerId}) < ${maxPerOwner}
    RETURNING id`);
  if (!row) return undefined;
  return db.select().from(webhooks).where(eq(webhooks.id, row.id as number)).get();
}

export async function updateWebhook(db: Db, id: number, changes: Partial<WebhookFields>): Promise<Webhook | undefined> {
  return db
    .update(webhooks)
    .set({ ...changes, updatedAt: Date.now() })
    .where(eq(webhooks.id, id))
    .returning()
    .get();
}

/** Its delivery log goes with it (ON DELETE CASCADE); queued messages for it then find nothing and are dropped. */
export async function deleteWebhook(db: Db, id: number): Promise<void> {
  await db.delete(webhooks).where(eq(webhooks.id, id));
}

/** Newest first: the id is the cursor, so a page never repeats or skips a row while new deliveries arrive. */
export async function listDeliveries(
  db: Db,
  webhookId: number,
  opts: { beforeId: number | null; status?: WebhookDelivery['status']; limit: number },
): Promise<WebhookDelivery[]> {
  return db
    .select()
    .from(webhookDeliveries)
    .where(
      and(
        eq(webhookDeliveries.webhookId, webhookId),
        opts.beforeId === null ? undefined : lt(webhookDeliveries.id, opts.beforeId),
        opts.status === undefined ? undefined : eq(webhookDeliveries.status, opts.status),
      ),
    )
    .orderBy(desc(webhookDeliveries.id))
    .limit(opts.limit)
    .all();
}

/** A delivery with what sending it needs; undefined once its webhook (and so the row) was deleted. */
/**
 * Takes the send of a pending delivery for `leaseMs`, in one UPDATE that only a pending row nobody holds passes: two
 * copies of its queue message (delivery is at least once, and the sweep re-sends) never post at the same time. False
 * when it is settled, gone, or being sent right now; a holder that dies lets the lease lapse and the sweep re-sends.
 */
export async function claimDelivery(db: Db, id: number, now: number, leaseMs: number): Promise<boolean> {
  const claimed = await db
    .update(webhookDeliveries)
    .set({ leaseUntil: now + leaseMs })
    .where(
      and(
        eq(webhookDeliveries.id, id),
        eq(webhookDeliveries.status, 'pending'),
        or(isNull(webhookDeliveries.leaseUntil), lte(webhookDeliveries.leaseUntil, now)),
      ),
    )
    .returning({ id: webhookDeliveries.id });
  return claimed.length > 0;
}

export async function findDeliveryToSend(db: Db, id: number) {
  return db
    .select({ delivery: webhookDeliveries, webhook: webhooks, ownerActive: users.isActive })
    .from(webhookDeliveries)
    .innerJoin(webhooks, eq(webhooks.id, webhookDeliveries.webhookId))
    .innerJoin(users, eq(users.id, webhooks.ownerId))
    .where(eq(webhookDeliveries.id, id))
    .get();
}

export type DeliveryOutcome = 'delivered' | 'pending' | 'failed';

/**
 * Appends one attempt, moves the status and lets go of the claim. One UPDATE, so that a failure that finishes late (its
 * claim lapsed and another copy delivered) still lands in the log and never turns a delivered row back.
 */
export async function recordAttempt(db: Db, id: number, attempt: DeliveryAttempt, outcome: DeliveryOutcome): Promise<void> {
  const delivered = sql`${webhookDeliveries.status} = 'delivered'`;
  await db
    .update(webhookDeliveries)
    .set({
      attempts: sql`${webhookDeliveries.attempts} + 1`,
      lastStatusCode: attempt.status_code,
      lastError: attempt.error,
      lastDurationMs: attempt.duration_ms,
      attemptLog: sql`json_insert(${webhookDeliveries.attemptLog}, '$[#]', json(${JSON.stringify(attempt)}))`,
      status: sql`CASE WHEN ${delivered} THEN ${webhookDeliveries.status} ELSE ${outcome} END`,
      nextAttemptAt: sql`CASE WHEN ${delivered} THEN NULL ELSE ${attempt.next_attempt_at} END`,
      deliveredAt: sql`CASE WHEN ${delivered} THEN ${webhookDeliveries.deliveredAt} ELSE ${outcome === 'delivered' ? attempt.at : null} END`,
      leaseUntil: null,
      updatedAt: attempt.at,
    })
    .where(eq(webhookDeliveries.id, id));
}

/** Gives up on a pending delivery without sending it (its webhook was switched off, or its URL is no longer allowed). */
export async function abandonDelivery(db: Db, id: number, error: string, now: number): Promise<void> {
  await db
    .update(webhookDeliveries)
    .set({ status: 'failed', lastError: error, nextAttemptAt: null, updatedAt: now })
    .where(and(eq(webhookDeliveries.id, id), eq(webhookDeliveries.status, 'pending')));
}

/** A ping is sent before it is logged, so its row is written once, already settled. */
export async function insertSettledDelivery(
  db: Db,
  row: { eventId: string; webhookId: number; triggerEvent: string; payload: string; attempt: DeliveryAttempt; delivered: boolean },
): Promise<WebhookDelivery> {
  const { attempt } = row;
  return db
    .insert(webhookDeliveries)
    .values({
      eventId: row.eventId,
      webhookId: row.webhookId,
      triggerEvent: row.triggerEvent,
      payload: row.payload,
      status: row.delivered ? 'delivered' : 'failed',
      attempts: 1,
      lastStatusCode: attempt.status_code,
      lastError: attempt.error,
      lastDurationMs: attempt.duration_ms,
      attemptLog: [attempt],
      enqueuedAt: attempt.at,
      deliveredAt: row.delivered ? attempt.at : null,
      createdAt: attempt.at,
      updatedAt: attempt.at,
    })
    .returning()
    .get();
}

/** Ids of pending rows that also meet `condition`, oldest first. */
async function pendingDeliveryIds(db: Db, condition: SQL, limit: number): Promise<number[]> {
  const rows = await db
    .select({ id: webhookDeliveries.id })
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.status, 'pending'), condition))
    .orderBy(asc(webhookDeliveries.id))
    .limit(limit)
    .all();
  return rows.map((r) => r.id);
}

/** Pending rows whose queue message was never sent, oldest first. */
export function unsentDeliveryIds(db: Db, olderThan: number, limit: number): Promise<number[]> {
  return pendingDeliveryIds(db, and(sql`${webhookDeliveries.enqueuedAt} IS NULL`, lt(webhookDeliveries.createdAt, olderThan))!, limit);
}

/**
 * Pending rows that were enqueued but whose due attempt (next_attempt_at for a retry, else enqueued_at) is older than
 * `dueBefore` with nothing recorded since: their queue message was lost. Oldest first.
 */
export function expiredLeaseIds(db: Db, dueBefore: number, limit: number): Promise<number[]> {
  const due = sql`COALESCE(${webhookDeliveries.nextAttemptAt}, ${webhookDeliveries.enqueuedAt}) < ${dueBefore}`;
  return pendingDeliveryIds(db, and(sql`${webhookDeliveries.enqueuedAt} IS NOT NULL`, due)!, limit);
}

/** A re-sent row is due now: its lease starts over. */
export async function renewLeases(db: Db, ids: number[], now: number): Promise<void> {
  await db
    .update(webhookDeliveries)
    .set({ nextAttemptAt: now })
    .where(and(eq(webhookDeliveries.status, 'pending'), sql`${webhookDeliveries.id} IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`));
}

const isoOrNull = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** What the API shows of a webhook: never its secret. */
export function webhookJson(w: Webhook) {
  return {
    id: w.id,
    owner_id: w.ownerId,
    subscriber_url: w.subscriberUrl,
    event_triggers: w.eventTriggers,
    active: w.active,
    created_at: new Date(w.createdAt).toISOString(),
    updated_at: new Date(w.updatedAt).toISOString(),
  };
}

export function deliveryJson(d: WebhookDelivery) {
  return {
    id: d.id,
    webhook_id: d.webhookId,
    event_id: d.eventId,
    trigger_event: d.triggerEvent,
    status: d.status,
    attempts: d.attempts,
    last_status_code: d.lastStatusCode,
    last_error: d.lastError,
    last_duration_ms: d.lastDurationMs,
    next_attempt_at: isoOrNull(d.nextAttemptAt),
    delivered_at: isoOrNull(d.deliveredAt),
    created_at: new Date(d.createdAt).toISOString(),
    attempt_log: d.attemptLog.map((a) => ({
      attempt: a.attempt,
      at: new Date(a.at).toISOString(),
      status_code: a.status_code,
      duration_ms: a.duration_ms,
      error: a.error,
      next_attempt_at: isoOrNull(a.next_attempt_at),
    })),
  };
}

// ---- Retention (the cron, src/housekeeping.ts): one batch each; finished rows only, a pending one is still owed ----

/** Empties the attempt log of finished deliveries created before `cutoff` (the row and its payload stay). */
export function purgeDeliveryAttemptLogs(db: Db, cutoff: number, limit: number): Promise<number> {
  return runBatch(
    db.$client,
    `UPDATE booking_webhook_deliveries SET attempt_log = '[]'
     WHERE id IN (SELECT id FROM booking_webhook_deliveries WHERE status != 'pending' AND attempt_log != '[]' AND created_at <= ? LIMIT ?)`,
    [cutoff],
    limit,
  );
}

/** Deletes finished deliveries, payload and all, created before `cutoff`. */
export function purgeDeliveries(db: Db, cutoff: number, limit: number): Promise<number> {
  return runBatch(
    db.$client,
    `DELETE FROM booking_webhook_deliveries
     WHERE id IN (SELECT id FROM booking_webhook_deliveries WHERE created_at <= ? AND status != 'pending' LIMIT ?)`,
    [cutoff],
    limit,
  );
}

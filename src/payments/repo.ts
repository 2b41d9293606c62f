// SQL of payments outside the booking rows' transitions: hosts' Stripe accounts, handled Stripe events, and the cron's
// work lists (unpaid bookings past their deadline, refunds Stripe has not confirmed).
import { and, eq, gte, isNotNull, lte, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { bookings, paymentAccounts, stripeEvents, type PaymentAccount } from '../db/schema';

export async function findPaymentAccount(db: Db, userId: number): Promise<PaymentAccount | undefined> {
  return db.select().from(paymentAccounts).where(eq(paymentAccounts.userId, userId)).get();
}

export async function upsertPaymentAccount(db: Db, row: Omit<PaymentAccount, 'createdAt' | 'updatedAt'>, now: number): Promise<PaymentAccount> {
  return db
    .insert(paymentAccounts)
    .values({ ...row, createdAt: now, updatedAt: now })
    .onConflictDoUpdate({
      target: paymentAccounts.userId,
      set: { secretKeySealed: row.secretKeySealed, webhookSecretSealed: row.webhookSecretSealed, keyHint: row.keyHint, livemode: row.livemode, updatedAt: now },
    })
    .returning()
    .get();
}

export async function deletePaymentAccount(db: Db, userId: number): Promise<boolean> {
  return (await db.delete(paymentAccounts).where(eq(paymentAccounts.userId, userId)).returning({ userId: paymentAccounts.userId })).length > 0;
}

export async function eventSeen(db: Db, id: string): Promise<boolean> {
  return (await db.select({ id: stripeEvents.id }).from(stripeEvents).where(eq(stripeEvents.id, id)).get()) !== undefined;
}

export async function recordEvent(db: Db, id: string, type: string, bookingUid: string | null, now: number): Promise<void> {
  await db.insert(stripeEvents).values({ id, type, bookingUid, receivedAt: now }).onConflictDoNothing();
}

/** The cron: unpaid bookings whose deadline has passed (their time is already free; this stores `expired`). */
export async function overdueUnpaid(db: Db, now: number, limit: number) {
  return db
    .select({ uid: bookings.uid, hostId: bookings.hostId })
    .from(bookings)
    // A seated slot's booking waits for its seats' payments (it has none of its own): its seats' expiry settles it.
    .where(and(eq(bookings.status, 'awaiting_payment'), lte(bookings.paymentExpiresAt, now), isNotNull(bookings.payment)))
    .orderBy(bookings.paymentExpiresAt)
    .limit(limit)
    .all();
}

/** Must read exactly as the partial index `bookings_refund_due_idx` is written, for SQLite to use it. */
const REFUND_DUE = sql`json_extract(payment, '$.refunded_amount') > json_extract(payment, '$.refund_settled_amount')`;

/** A refund left to the host's hand (the keys that took its payment are gone): never retried, not in flight. */
const NOT_MANUAL = sql`json_extract(payment, '$.refund_manual') IS NULL`;

/** A due refund's retry order: never tried (or tried longest ago) first, so refunds that keep failing go to the back. */
const TRIED_AT = sql`coalesce(json_extract(payment, '$.refund_tried_at'), 0)`;

/** The cron: bookings with a refund decided and not yet confirmed by Stripe, the longest untried first. */
export async function refundsDue(db: Db, limit: number) {
  // `updated_at >= 0` makes the partial index a range search rather than a walk of all of it.
  return db.select({ uid: bookings.uid }).from(bookings).where(and(REFUND_DUE, NOT_MANUAL, gte(bookings.updatedAt, 0))).orderBy(TRIED_AT, bookings.updatedAt).limit(limit).all();
}

/** A refund send failed (Stripe down, or refusing it): it waits behind the others for the next run. */
export async function refundTried(db: Db, uid: string, now: number): Promise<void> {
  await onPaymentOf(db, uid, `payment = json_set(payment, '$.refund_tried_at', ?)`, [now]);
}

/**
 * The keys that took this payment are gone (changed or removed): its unsettled refunds are the host's to give by hand
 * in that Stripe account. The cron and the in-flight count leave it from now on.
 */
export async function refundManual(db: Db, uid: string): Promise<void> {
  await onPaymentOf(db, uid, `payment = json_set(payment, '$.refund_manual', json('true'))`, []);
}

/** Stripe confirmed the refunds up to this total (never lowers what is recorded). */
export async function settleRefund(db: Db, uid: string, refundedTotal: number): Promise<void> {
  await onPaymentOf(db, uid, `payment = json_set(payment, '$.refund_settled_amount', MAX(json_extract(payment, '$.refund_settled_amount'), ?))`, [refundedTotal]);
}

/** The payment intent a completed session paid with, learnt later (a refund needs it). */
export async function recordPaymentIntent(db: Db, uid: string, paymentIntentId: string): Promise<void> {
  await onPaymentOf(db, uid, `payment = json_set(payment, '$.payment_intent_id', ?)`, [paymentIntentId]);
}

/** One SET on the payment named by `uid`: a booking's, or a paid seat's (by its seat_uid; one row holds it). */
async function onPaymentOf(db: Db, uid: string, set: string, binds: unknown[]): Promise<void> {
  await db.$client.batch([
    db.$client.prepare(`UPDATE bookings SET ${set} WHERE uid = ? AND payment IS NOT NULL`).bind(...binds, uid),
    db.$client.prepare(`UPDATE booking_attendees SET ${set} WHERE seat_uid = ? AND payment IS NOT NULL`).bind(...binds, uid),
  ]);
}

/** The cron: unpaid seats past their deadline (their places are already free; this stores them expired). */
export async function overdueUnpaidSeats(db: Db, now: number, limit: number): Promise<{ uid: string; hostId: number }[]> {
  const { results } = await db.$client
    .prepare(
      `SELECT a.seat_uid AS uid, b.host_id AS hostId FROM booking_attendees a JOIN bookings b ON b.id = a.booking_id
       WHERE a.cancelled_at IS NULL AND a.payment_expires_at IS NOT NULL AND a.payment_expires_at <= ?
       ORDER BY a.payment_expires_at LIMIT ?`,
    )
    .bind(now, limit)
    .all<{ uid: string; hostId: number }>();
  return results;
}

/** The cron: paid seats with a refund decided and not yet confirmed by Stripe (partial index of exactly those). */
export async function seatRefundsDue(db: Db, limit: number): Promise<{ uid: string }[]> {
  const { results } = await db.$client
    .prepare(
      `SELECT seat_uid AS uid FROM booking_attendees
       WHERE json_extract(payment, '$.refunded_amount') > json_extract(payment, '$.refund_settled_amount') AND id >= 0
         AND json_extract(payment, '$.refund_manual') IS NULL
       ORDER BY coalesce(json_extract(payment, '$.refund_tried_at'), 0), id LIMIT ?`,
    )
    .bind(limit)
    .all<{ uid: string }>();
  return results;
}

/** Handled Stripe events are kept 30 days: Stripe retries a delivery for 3 days at most. */
export function purgeStripeEvents(db: Db, before: number, limit: number): Promise<number> {
  return db.$client
    .prepare('DELETE FROM stripe_events WHERE id IN (SELECT id FROM stripe_events WHERE received_at < ? LIMIT ?)')
    .bind(before, limit)
    .run()
    .then((r) => r.meta.changes ?? 0);
}

/**
 * Payments still in flight through this user's Stripe account: checkouts open (bookings and seats) and refunds Stripe
 * has not confirmed. Their webhooks and refunds need the keys they were made with. Each count walks a partial index
 * of in-flight rows only.
 */
export async function paymentsInFlight(db: Db, userId: number): Promise<number> {
  const row = await db.$client
    .prepare(
      `SELECT
         (SELECT COUNT(*) FROM bookings WHERE status = 'awaiting_payment' AND json_extract(payment, '$.account_user_id') = ?1)
       + (SELECT COUNT(*) FROM bookings WHERE json_extract(payment, '$.refunded_amount') > json_extract(payment, '$.refund_settled_amount')
            AND json_extract(payment, '$.account_user_id') = ?1 AND json_extract(payment, '$.refund_manual') IS NULL)
       + (SELECT COUNT(*) FROM booking_attendees WHERE cancelled_at IS NULL AND payment_expires_at IS NOT NULL
            AND json_extract(payment, '$.status') = 'unpaid' AND json_extract(payment, '$.account_user_id') = ?1)
       + (SELECT COUNT(*) FROM booking_attendees WHERE json_extract(payment, '$.refunded_amount') > json_extract(payment, '$.refund_settled_amount')
            AND json_extract(payment, '$.account_user_id') = ?1 AND json_extract(payment, '$.refund_manual') IS NULL) AS n`,
    )
    .bind(userId)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

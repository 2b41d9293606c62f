// The Stripe work a committed payment transition asked for (src/payments/machine.ts effects), for every caller: the
// API and pages (cancel, decline), the webhook, the admin's refund and the cron's retries.
import { getDb } from '../db/client';
import type { Bindings } from '../env';
import { findBooking, byUid } from '../bookings/repo';
import { findSeat } from '../bookings/seat-repo';
import type { Db } from '../db/client';
import type { PaymentRecord } from '../db/json-types';
import type { PaymentEffect, PaymentWork } from './machine';
import { createRefund, expireCheckout, stripeClient } from './stripe';
import { recordPaymentIntent, refundTried, settleRefund } from './repo';
import { paymentKeys } from './keys';
import { refundSteps } from './money';

/**
 * After a payment transition committed: the Stripe work it asked for. Refunds send each refund decided and not yet
 * confirmed, named by the refunded total it reached (a retry or a racing sender repeats the same refund, never a second one); closing a checkout
 * expires the session so nobody pays for a booking that cannot happen. Failures are left for the cron to retry.
 */
export async function performPaymentEffects(env: Bindings, uid: string, effects: PaymentEffect[]): Promise<{ refundSettled: boolean }> {
  const refund = effects.some((e) => e.kind === 'refund');
  const close = effects.some((e) => e.kind === 'close_checkout');
  if (!refund && !close) return { refundSettled: false };
  const db = getDb(env.DB);
  const p = (await paymentOf(db, uid))?.payment;
  if (!p) return { refundSettled: false };
  const keys = await paymentKeys(db, env, p.account_user_id);
  if (!keys) {
    if (refund) await refundTried(db, uid, Date.now()).catch(() => undefined);
    return { refundSettled: false };
  }
  const stripe = stripeClient(env, keys.secretKey);
  try {
    if (close && p.checkout_session_id) await expireCheckout(stripe, p.checkout_session_id, uid);
    if (refund && p.refunded_amount > p.refund_settled_amount) {
      let intent = p.payment_intent_id;
      if (!intent && p.checkout_session_id) {
        const session = await stripe.checkout.sessions.retrieve(p.checkout_session_id);
        intent = typeof session.payment_intent === 'string' ? session.payment_intent : (session.payment_intent?.id ?? null);
        if (intent) await recordPaymentIntent(db, uid, intent);
      }
      if (!intent) throw new Error('No payment intent to refund');
      for (const step of refundSteps(p)) {
        await createRefund(stripe, intent, step.amount, uid, step.total);
        await settleRefund(db, uid, step.total);
      }
      return { refundSettled: true };
    }
  } catch (error) {
    console.error(JSON.stringify({ level: 'error', msg: 'stripe call failed', booking_uid: uid, error: String(error) }));
    if (refund) await refundTried(db, uid, Date.now()).catch(() => undefined);
  }
  return { refundSettled: false };
}

/** The Stripe work of every booking a change touched (a paid series' occurrences); the outcome for `uid`'s. */
export async function performPaymentWork(env: Bindings, uid: string, work: PaymentWork[]): Promise<{ refundSettled: boolean }> {
  let mine = { refundSettled: false };
  for (const w of work) {
    const outcome = await performPaymentEffects(env, w.uid, w.effects);
    if (w.uid === uid) mine = outcome;
  }
  return mine;
}

/** The booking as answered after the Stripe work: a refund Stripe confirmed is no longer pending. */
export function afterEffects<B extends { payment?: { refund_pending: boolean } }>(booking: B, outcome: { refundSettled: boolean }): B {
  return outcome.refundSettled && booking.payment ? { ...booking, payment: { ...booking.payment, refund_pending: false } } : booking;
}

/** The payment named by a uid: a paid booking's, or a paid seat's (its seat_uid), with the host whose object runs it. */
export async function paymentOf(db: Db, uid: string): Promise<{ uid: string; hostId: number; payment: PaymentRecord } | undefined> {
  const found = await findBooking(db, byUid(uid));
  if (found) return found.booking.payment ? { uid, hostId: found.booking.hostId, payment: found.booking.payment } : undefined;
  const seat = await findSeat(db, uid);
  return seat?.attendee.payment ? { uid, hostId: seat.booking.hostId, payment: seat.attendee.payment } : undefined;
}

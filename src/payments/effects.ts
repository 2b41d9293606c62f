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
import { recordPaymentIntent, refundManual, refundTried, settleRefund } from './repo';
import { keyFingerprint, paymentKeys } from './keys';
import { refundSteps } from './money';

/** What the Stripe work did to the refunds: confirmed by Stripe, or left to the host (the keys that took the payment are gone). */
export type EffectsOutcome = { refundSettled: boolean; refundManualAmount?: number };

/**
 * After a payment transition committed: the Stripe work it asked for. Refunds send each refund decided and not yet
 * confirmed, named by the refunded total it reached (a retry or a racing sender repeats the same refund, never a second one); closing a checkout
 * expires the session so nobody pays for a booking that cannot happen. Failures are left for the cron to retry.
 * A refund whose payment was taken with other keys than the account's current ones (the host changed or removed
 * them after it settled) is never sent: Stripe would refuse it for ever. It is marked for the host to give by hand.
 */
export async function performPaymentEffects(env: Bindings, uid: string, effects: PaymentEffect[]): Promise<EffectsOutcome> {
  const refund = effects.some((e) => e.kind === 'refund');
  const close = effects.some((e) => e.kind === 'close_checkout');
  if (!refund && !close) return { refundSettled: false };
  const db = getDb(env.DB);
  const p = (await paymentOf(db, uid))?.payment;
  if (!p) return { refundSettled: false };
  const keys = await paymentKeys(db, env, p.account_user_id);
  const refundDue = refund && p.refunded_amount > p.refund_settled_amount;
  if (refundDue && (p.refund_manual || (p.key_fingerprint && (!keys || (await keyFingerprint(keys.secretKey)) !== p.key_fingerprint)))) {
    if (!p.refund_manual) await refundManual(db, uid);
    return { refundSettled: false, refundManualAmount: p.refunded_amount - p.refund_settled_amount };
  }
  if (!keys) {
    if (refund) await refundTried(db, uid, Date.now()).catch(() => undefined);
    return { refundSettled: false };
  }
  const stripe = stripeClient(env, keys.secretKey);
  try {
    if (close && p.checkout_session_id) await expireCheckout(stripe, p.checkout_session_id, uid);
    if (refundDue) {
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
export async function performPaymentWork(env: Bindings, uid: string, work: PaymentWork[]): Promise<EffectsOutcome> {
  let mine: EffectsOutcome = { refundSettled: false };
  for (const w of work) {
    const outcome = await performPaymentEffects(env, w.uid, w.effects);
    if (w.uid === uid) mine = outcome;
  }
  return mine;
}

/** The booking as answered after the Stripe work: a refund Stripe confirmed is no longer pending; one left to the host says so. */
export function afterEffects<B extends { payment?: { refund_pending: boolean } }>(booking: B, outcome: EffectsOutcome): B {
  if (!booking.payment) return booking;
  if (outcome.refundSettled) return { ...booking, payment: { ...booking.payment, refund_pending: false } };
  const manual = outcome.refundManualAmount;
  return manual !== undefined ? { ...booking, payment: { ...booking.payment, refund_pending: false, refund_manual: true, refund_manual_amount: manual } } : booking;
}

/** The payment named by a uid: a paid booking's, or a paid seat's (its seat_uid), with the host whose object runs it. */
export async function paymentOf(db: Db, uid: string): Promise<{ uid: string; hostId: number; payment: PaymentRecord } | undefined> {
  const found = await findBooking(db, byUid(uid));
  if (found) return found.booking.payment ? { uid, hostId: found.booking.hostId, payment: found.booking.payment } : undefined;
  const seat = await findSeat(db, uid);
  return seat?.attendee.payment ? { uid, hostId: seat.booking.hostId, payment: seat.attendee.payment } : undefined;
}

// Payments (issue #30) for the routes, the booking pages, the admin and the cron: a host's Stripe keys, the Checkout
// Session of a new paid booking, Stripe's webhooks, the expiry sweep and refunds. Every state change runs in the
// host's HostCalendar object through the one state machine (src/payments/machine.ts, applied by
// src/bookings/paid.ts); this module only talks to Stripe before and after, with idempotency keys from the booking uid.
import { getDb, type Db } from '../db/client';
import type { RequestDb } from '../db/session';
import type { Booking, User } from '../db/schema';
import type { PaymentRecord } from '../db/json-types';
import type { Bindings } from '../env';
import { ApiError, notFound } from '../lib/errors';
import { seal } from '../lib/sealed';
import { hostCalendar } from '../bookings/stub';
import { bookingJson, findBooking, byUid, seriesForWrite, type AttendeeInput, type BookingJson } from '../bookings/repo';
import { recordCheckout } from '../bookings/paid-repo';
import type { CalendarReply, PaymentCall } from '../bookings/host-calendar';
import { checkoutParams } from './checkout';
import { createCheckout, stripeClient, verifiedEvent, type StripeKeys } from './stripe';
import { deletePaymentAccount, eventSeen, findPaymentAccount, overdueUnpaid, overdueUnpaidSeats, paymentsInFlight, purgeStripeEvents, recordEvent, refundsDue, seatRefundsDue, upsertPaymentAccount } from './repo';
import { keyFingerprint, paymentKeys, PURPOSE_KEY, PURPOSE_WEBHOOK } from './keys';
import { afterEffects, paymentOf, performPaymentEffects, performPaymentWork } from './effects';
import { refundable } from './machine';
import { priceProblem } from './money';

const keyHint = (key: string) => `${key.slice(0, key.indexOf('_', 3) + 1)}…${key.slice(-4)}`;

/**
 * Keys change only when no payment is in flight through the current ones: an open checkout's webhook and a pending
 * refund are verified and sent with the keys they were made with, so swapping them mid-flight would leave a payment
 * unverifiable (never booked, never refunded). Putting the same keys again is always fine.
 */
async function assertKeysMayChange(db: Db, env: Bindings, userId: number, next: StripeKeys | null) {
  const current = await paymentKeys(db, env, userId);
  if (!current || (next && next.secretKey === current.secretKey && next.webhookSecret === current.webhookSecret)) return;
  const inFlight = await paymentsInFlight(db, userId);
  if (inFlight > 0) {
    throw new ApiError(
      'conflict',
      `${inFlight} payment${inFlight === 1 ? ' is' : 's are'} in flight through your current Stripe keys (open checkouts, or refunds Stripe has not confirmed); change the keys once they settle (a checkout closes at its payment deadline)`,
    );
  }
}

export async function connectStripe(db: Db, env: Bindings, userId: number, body: { secret_key: string; webhook_secret: string }) {
  await assertKeysMayChange(db, env, userId, { secretKey: body.secret_key, webhookSecret: body.webhook_secret });
  const row = await upsertPaymentAccount(
    db,
    {
      userId,
      secretKeySealed: await seal(env, PURPOSE_KEY, body.secret_key),
      webhookSecretSealed: await seal(env, PURPOSE_WEBHOOK, body.webhook_secret),
      keyHint: keyHint(body.secret_key),
      livemode: body.secret_key.startsWith('sk_live_') || body.secret_key.startsWith('rk_live_'),
    },
    Date.now(),
  );
  return accountJson(row.userId, { source: 'account', keyHint: row.keyHint, livemode: row.livemode, updatedAt: row.updatedAt });
}

export async function stripeAccount(db: Db, env: Bindings, userId: number) {
  const row = await findPaymentAccount(db, userId);
  if (row) return accountJson(userId, { source: 'account', keyHint: row.keyHint, livemode: row.livemode, updatedAt: row.updatedAt });
  if (env.STRIPE_SECRET_KEY && env.STRIPE_WEBHOOK_SECRET) return accountJson(userId, { source: 'deployment', keyHint: keyHint(env.STRIPE_SECRET_KEY), livemode: env.STRIPE_SECRET_KEY.includes('_live_'), updatedAt: null });
  return accountJson(userId, null);
}

export async function disconnectStripe(db: Db, env: Bindings, userId: number): Promise<void> {
  if (!(await findPaymentAccount(db, userId))) throw notFound('Stripe account');
  await assertKeysMayChange(db, env, userId, null);
  if (!(await deletePaymentAccount(db, userId))) throw notFound('Stripe account');
}

function accountJson(userId: number, a: { source: 'account' | 'deployment'; keyHint: string; livemode: boolean; updatedAt: number | null } | null) {
  return {
    user_id: userId,
    connected: a !== null,
    source: a?.source ?? null,
    key_hint: a?.keyHint ?? null,
    livemode: a?.livemode ?? null,
    updated_at: a?.updatedAt ? new Date(a.updatedAt).toISOString() : null,
    webhook_url: '/v2/payments/stripe/webhook',
  };
}

/** Runs a payment event in the booking's host object. */
async function onCalendar(env: Bindings, hostId: number, uid: string, call: PaymentCall, d1?: RequestDb): Promise<CalendarReply> {
  const run = () => hostCalendar(env, hostId).payment(uid, call);
  return d1 ? d1.callObject(run) : run();
}

/**
 * A new paid booking's Checkout Session (POST /v2/bookings and the booking form): opened once, with the booking uid
 * as idempotency key, so a retry (or the same attendee booking the same slot again) gets the same session. A host
 * without Stripe keys cannot take the booking: it is expired at once (its time free) and the answer is a 409.
 * Stripe unreachable: the booking keeps its time until its deadline and is answered without `checkout_url`; asking
 * again (GET or the same booking again) opens it then.
 */
export async function withCheckout(d1: RequestDb, env: Bindings, booking: BookingJson, accountUserId?: number): Promise<BookingJson> {
  if (booking.status !== 'awaiting_payment' || !booking.payment?.expires_at || booking.payment.checkout_url) return booking;
  const db = getDb(env.DB);
  // A team booking pays into the team owner's account, recorded on the booking when it was made.
  const account = accountUserId ?? (await findBooking(db, byUid(booking.uid)))?.booking.payment?.account_user_id ?? booking.host_id;
  const keys = await paymentKeys(db, env, account);
  if (!keys) {
    await onCalendar(env, booking.host_id, booking.uid, { type: 'expire' }, d1);
    throw new ApiError('conflict', 'This host cannot take payments yet: their Stripe account is not connected');
  }
  const params = checkoutParams(
    {
      uid: booking.uid,
      title: booking.title,
      startAt: Date.parse(booking.start!),
      paymentExpiresAt: Date.parse(booking.payment.expires_at!),
      attendeeEmail: booking.attendee.email,
      // A paid series is one checkout for its price (each occurrence's `amount` is its share).
      price: booking.payment.series_amount ?? booking.payment.amount,
      currency: booking.payment.currency,
    },
    env.APP_URL,
    Date.parse(booking.created_at!),
  );
  try {
    const session = await createCheckout(stripeClient(env, keys.secretKey), params, booking.uid);
    await recordCheckout(db, booking.uid, session.id, session.url, await keyFingerprint(keys.secretKey));
    return { ...booking, payment: { ...booking.payment, checkout_url: session.url } };
  } catch (error) {
    console.error(JSON.stringify({ level: 'error', msg: 'stripe checkout failed', booking_uid: booking.uid, error: String(error) }));
    return booking;
  }
}

/**
 * The booking page of an unpaid booking whose Checkout Session could not be opened when it was made (Stripe was
 * unreachable): opened now, once, with the same idempotency key. Null when there is none to offer.
 */
export async function openCheckout(d1: RequestDb, env: Bindings, found: { booking: Booking; attendee: AttendeeInput }): Promise<string | null> {
  const b = found.booking;
  if (b.status !== 'awaiting_payment' || !b.payment || b.payment.checkout_url || (b.paymentExpiresAt ?? 0) <= Date.now()) return b.payment?.checkout_url ?? null;
  // A paid series has one checkout, its first occurrence's: every occurrence's page offers that one.
  if (b.payment.series_amount !== undefined && !b.payment.series_master && b.recurringBookingUid) {
    const first = (await seriesForWrite(d1.db, b.recurringBookingUid))[0];
    return first && first.booking.uid !== b.uid ? openCheckout(d1, env, first) : null;
  }
  try {
    return (await withCheckout(d1, env, bookingJson(found), b.payment.account_user_id)).payment?.checkout_url ?? null;
  } catch (error) {
    if (error instanceof ApiError) return null;
    throw error;
  }
}

/** Events that change a booking; any other type is acknowledged and ignored (the endpoint may receive more). */
const HANDLED = new Set(['checkout.session.completed', 'checkout.session.async_payment_succeeded', 'checkout.session.expired']);

type CheckoutSessionEvent = {
  id: string;
  payment_status?: string;
  payment_intent?: string | { id: string } | null;
  metadata?: Record<string, string> | null;
  amount_total?: number | null;
  currency?: string | null;
};

/**
 * Whether a signed session is the one we opened for this booking. Every session of the host's Stripe account is
 * signed alike, and a Payment Link takes `client_reference_id` from its URL: only the recorded session (or, before it
 * was recorded, one carrying our metadata and the booking's price) may pay or expire the booking.
 */
function isBookingCheckout(uid: string, p: PaymentRecord, session: CheckoutSessionEvent): boolean {
  if (p.checkout_session_id) return session.id === p.checkout_session_id;
  return session.metadata?.booking_uid === uid && session.amount_total === (p.series_amount ?? p.amount) && session.currency?.toLowerCase() === p.currency.toLowerCase();
}

export type WebhookAnswer = { status: 200 | 400; body: Record<string, unknown> };

/**
 * POST /v2/payments/stripe/webhook. The booking named in the session (metadata.booking_uid, client_reference_id)
 * says whose webhook secret signs it; the SDK checks the signature (and its 5-minute tolerance) before anything
 * happens. Handled once per event id: a redelivered event is answered without acting again (and acting again would
 * change nothing: the machine treats a repeated payment or expiry as no change).
 */
export async function handleStripeWebhook(d1: RequestDb, env: Bindings, payload: string, signature: string | undefined): Promise<WebhookAnswer> {
  if (!signature) return { status: 400, body: { error: { code: 'validation_failed', message: 'Missing Stripe-Signature header' } } };
  let claimed: null | { id?: unknown; type?: unknown; data?: { object?: { metadata?: { booking_uid?: unknown }; client_reference_id?: unknown } } };
  try {
    claimed = JSON.parse(payload);
  } catch {
    return { status: 400, body: { error: { code: 'validation_failed', message: 'The body is not JSON' } } };
  }
  // Any JSON parses: `null` or a number is no event either.
  const type = typeof claimed?.type === 'string' ? claimed.type : '';
  if (!HANDLED.has(type)) return { status: 200, body: { received: true, ignored: `event type ${type || '(none)'} is not used` } };
  const object = claimed?.data?.object;
  const uid = typeof object?.metadata?.booking_uid === 'string' ? object.metadata.booking_uid : typeof object?.client_reference_id === 'string' ? object.client_reference_id : null;
  const db = getDb(env.DB);
  // A paid booking, or a paid seat (its checkout is named by its seat_uid).
  const found = uid ? await paymentOf(db, uid) : undefined;
  const keys = found ? await paymentKeys(db, env, found.payment.account_user_id) : env.STRIPE_WEBHOOK_SECRET ? { secretKey: '', webhookSecret: env.STRIPE_WEBHOOK_SECRET } : null;
  const event = keys ? await verifiedEvent(payload, signature, keys.webhookSecret) : null;
  if (!event) return { status: 400, body: { error: { code: 'validation_failed', message: 'Bad Stripe signature' } } };
  if (!found) return { status: 200, body: { received: true, ignored: 'no paid booking of ours' } };
  const session = event.data.object as CheckoutSessionEvent;
  if (!isBookingCheckout(found.uid, found.payment, session)) return { status: 200, body: { received: true, ignored: 'not the checkout of this booking' } };
  if (await eventSeen(db, event.id)) return { status: 200, body: { received: true, duplicate: true } };

  let call: PaymentCall | null = null;
  if (event.type === 'checkout.session.expired') call = { type: 'expire' };
  // A delayed payment method completes the session unpaid; its async_payment_succeeded event pays it.
  else if (session.payment_status === 'paid' || session.payment_status === 'no_payment_required') {
    const intent = typeof session.payment_intent === 'string' ? session.payment_intent : (session.payment_intent?.id ?? null);
    call = { type: 'pay', paymentIntentId: intent };
  }
  if (call) {
    const reply = await onCalendar(env, found.hostId, found.uid, call, d1);
    if (!reply.ok && reply.code !== 'conflict') throw new ApiError(reply.code, reply.message);
    if (reply.ok && reply.paymentWork?.length) await performPaymentWork(env, found.uid, reply.paymentWork);
  }
  await recordEvent(db, event.id, event.type, found.uid, Date.now());
  return { status: 200, body: { received: true } };
}

/**
 * The cron: unpaid bookings past their deadline become `expired` (their time was already free: the guard compares
 * the deadline with the clock) and their checkout is closed; refunds Stripe has not confirmed are sent again.
 */
export async function sweepPayments(env: Bindings, now: number): Promise<{ expired: number; refunds: number }> {
  const db = getDb(env.DB);
  let expired = 0;
  // Seats first: a seated slot's booking is settled by its seats' expiry.
  for (const b of [...(await overdueUnpaidSeats(db, now, 50)), ...(await overdueUnpaid(db, now, 50))]) {
    const reply = await onCalendar(env, b.hostId, b.uid, { type: 'expire' });
    if (reply.ok && reply.paymentWork?.length) {
      expired++;
      await performPaymentWork(env, b.uid, reply.paymentWork);
    }
  }
  const due = [...(await refundsDue(db, 20)), ...(await seatRefundsDue(db, 20))];
  for (const b of due) await performPaymentEffects(env, b.uid, [{ kind: 'refund', amount: 0 }]);
  // Stripe redelivers an event for 3 days at most: ids older than 30 days can no longer come back.
  await purgeStripeEvents(db, now - 30 * 86_400_000, 500);
  return { expired, refunds: due.length };
}

/** A host's refund by hand (admin): the booking's host, the owner of the account it paid into, or a super admin; anyone else sees a 404. */
export async function refundByHost(d1: RequestDb, env: Bindings, actor: User, uid: string, requested?: number): Promise<BookingJson> {
  // A paid booking or a paid seat (by its seat_uid).
  const found = await paymentOf(d1.db, uid);
  // The host, or the account holder the money went to (a team booking's team owner).
  const mayRefund = actor.role === 'super_admin' || actor.id === found?.hostId || actor.id === found?.payment.account_user_id;
  if (!found || !mayRefund) throw notFound('Booking');
  // Stripe takes three-decimal amounts in tens only: a refund it refuses would stay pending (and retried) for ever.
  const problem = requested === undefined ? null : priceProblem(requested, found.payment.currency);
  if (problem) throw new ApiError('validation_failed', 'Request validation failed', [{ path: 'amount', message: problem }]);
  // Default: everything still refundable (the machine checks it again under the lock; the booking's status plays no part).
  const p = found.payment;
  const amount = requested ?? refundable({ booking: 'accepted', payment: p.status, amount: p.amount, refunded: p.refunded_amount });
  const reply = await onCalendar(env, found.hostId, uid, { type: 'host_refund', amount }, d1);
  if (!reply.ok) throw new ApiError(reply.code, reply.message);
  if (!reply.paymentWork?.length) return reply.booking;
  return afterEffects(reply.booking, await performPaymentWork(env, uid, reply.paymentWork));
}

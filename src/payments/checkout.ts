// The Checkout Session a paid booking opens, and the payment record it starts with. Pure: test/payments-stripe.test.ts
// checks the form-encoded request the SDK makes of it against Stripe's documented fields.
import type { PaymentRecord } from '../db/json-types';
import { attendeeCancelRefund, type RefundPolicy } from './money';

/** Where Stripe Checkout pages live: Stripe's, or the stand-in's at STRIPE_API_BASE (tests, local fakes). */
export function checkoutOrigins(env: { STRIPE_API_BASE?: string }): string[] {
  const origins = ['https://checkout.stripe.com'];
  if (env.STRIPE_API_BASE) {
    try {
      origins.push(new URL(env.STRIPE_API_BASE).origin);
    } catch {
      // A malformed base is refused where the SDK is configured; nothing to allow here.
    }
  }
  return origins;
}

/** Stripe refuses a session `expires_at` less than 30 minutes (or more than 24 hours) after its creation. */
export const STRIPE_MIN_SESSION_MS = 30 * 60_000;

export interface CheckoutBooking {
  uid: string;
  title: string;
  startAt: number;
  paymentExpiresAt: number;
  attendeeEmail: string;
  price: number;
  currency: string;
}

/**
 * `payment_expires_at` of a new paid booking: the deadline from now, but never after the meeting starts (an unpaid
 * booking must not hold time it could no longer be paid for).
 */
export const paymentDeadline = (now: number, deadlineMinutes: number, startAt: number) => Math.min(now + deadlineMinutes * 60_000, startAt);

/** Form fields of POST /v1/checkout/sessions (https://docs.stripe.com/api/checkout/sessions/create). */
export function checkoutParams(b: CheckoutBooking, appUrl: string, now: number) {
  const page = `${appUrl.replace(/\/+$/, '')}/booking/${encodeURIComponent(b.uid)}`;
  // Ours may be shorter (down to 10 minutes): the expiry sweep closes the session at our deadline instead.
  const expiresAt = Math.max(b.paymentExpiresAt, now + STRIPE_MIN_SESSION_MS + 60_000);
  return {
    mode: 'payment' as const,
    line_items: [{ quantity: 1, price_data: { currency: b.currency, unit_amount: b.price, product_data: { name: b.title.slice(0, 250) } } }],
    customer_email: b.attendeeEmail,
    client_reference_id: b.uid,
    metadata: { booking_uid: b.uid },
    payment_intent_data: { metadata: { booking_uid: b.uid } },
    success_url: `${page}?paid=1`,
    cancel_url: page,
    expires_at: Math.floor(expiresAt / 1000),
  };
}

export function newPaymentRecord(price: number, currency: string, accountUserId: number, refundPolicy: RefundPolicy, client: string | null = null): PaymentRecord {
  return {
    ...(client ? { client } : {}),
    status: 'unpaid',
    amount: price,
    currency,
    refunded_amount: 0,
    refund_settled_amount: 0,
    account_user_id: accountUserId,
    checkout_session_id: null,
    checkout_url: null,
    payment_intent_id: null,
    late_refund: false,
    refund_policy: refundPolicy,
  };
}

/** The booking's `payment` as the API answers it. The checkout link only while it can still be paid. */
export function paymentJson(p: PaymentRecord, bookingStatus: string, paymentExpiresAt: number | null, startAt: number, now: number) {
  const open = bookingStatus === 'awaiting_payment' && (paymentExpiresAt ?? 0) > now;
  const live = bookingStatus === 'accepted' || bookingStatus === 'pending';
  const refundable = p.status === 'paid' || p.status === 'partially_refunded' ? p.amount - p.refunded_amount : 0;
  return {
    status: p.status,
    amount: p.amount,
    currency: p.currency,
    refunded_amount: p.refunded_amount,
    refund_pending: p.refunded_amount > p.refund_settled_amount && !p.refund_manual,
    // The keys that took the payment are gone: this much is the host's to refund in that Stripe account.
    ...(p.refund_manual ? { refund_manual: true, refund_manual_amount: p.refunded_amount - p.refund_settled_amount } : {}),
    expires_at: open && paymentExpiresAt !== null ? new Date(paymentExpiresAt).toISOString() : null,
    refund_policy: p.refund_policy,
    // An occurrence of a paid series: the series' price (one checkout, on its first occurrence); `amount` is its share.
    ...(p.series_amount !== undefined ? { series_amount: p.series_amount } : {}),
    // Said before the attendee confirms a cancel (API and booking page): what cancelling now gives back.
    cancel_refund_amount: live ? attendeeCancelRefund(p.refund_policy, refundable, startAt, now) : 0,
    ...(open && p.checkout_url ? { checkout_url: p.checkout_url } : {}),
  };
}

// Stripe behind a small client: the official SDK on its fetch HTTP client and SubtleCrypto (both run in Workers), the
// requests built by pure functions (checkout.ts) and sent with idempotency keys derived from the booking uid, so a
// retry after a timeout never opens a second checkout or makes a second refund.
import Stripe from 'stripe';
import type { Bindings } from '../env';

export interface StripeKeys {
  secretKey: string;
  webhookSecret: string;
}

type StripeEnv = Pick<Bindings, 'STRIPE_API_BASE'>;

const crypto = Stripe.createSubtleCryptoProvider();

/** A client per call: cheap, and it picks up the current `fetch` (tests stub it per test). */
export function stripeClient(env: StripeEnv, secretKey: string): Stripe {
  const base = env.STRIPE_API_BASE ? new URL(env.STRIPE_API_BASE) : null;
  return new Stripe(secretKey, {
    httpClient: Stripe.createFetchHttpClient(),
    // One retry on a network error or 409/429/5xx, with the same Idempotency-Key (the SDK keeps it across retries).
    maxNetworkRetries: 1,
    timeout: 15_000,
    ...(base
      ? { host: base.hostname, protocol: base.protocol === 'http:' ? ('http' as const) : ('https' as const), port: base.port ? Number(base.port) : base.protocol === 'http:' ? 80 : 443 }
      : {}),
  });
}

/** Idempotency keys: ours, from the booking uid and the step, so a repeat is the same request to Stripe. */
export const checkoutKey = (uid: string) => `calflare-checkout-${uid}`;
export const expireKey = (uid: string) => `calflare-expire-${uid}`;
/** A refund is named by the refunded total it brings the booking to: a retry repeats it, a further refund is new. */
export const refundKey = (uid: string, refundedTotal: number) => `calflare-refund-${uid}-${refundedTotal}`;

export async function createCheckout(stripe: Stripe, params: Stripe.Checkout.SessionCreateParams, uid: string): Promise<{ id: string; url: string }> {
  const session = await stripe.checkout.sessions.create(params, { idempotencyKey: checkoutKey(uid) });
  if (!session.url) throw new Error('Stripe answered a Checkout Session without a url');
  return { id: session.id, url: session.url };
}

/** Closes an open session so nobody can pay for a booking that expired or was cancelled. Already closed: fine. */
export async function expireCheckout(stripe: Stripe, sessionId: string, uid: string): Promise<'expired' | 'complete' | 'already'> {
  try {
    await stripe.checkout.sessions.expire(sessionId, {}, { idempotencyKey: expireKey(uid) });
    return 'expired';
  } catch (error) {
    // Only an open session can be expired: a completed one has a payment on its way (its webhook decides).
    const session = await stripe.checkout.sessions.retrieve(sessionId).catch(() => null);
    if (session?.status === 'complete') return 'complete';
    if (session?.status === 'expired') return 'already';
    throw error;
  }
}

export async function createRefund(stripe: Stripe, paymentIntentId: string, amount: number, uid: string, refundedTotal: number): Promise<string> {
  const refund = await stripe.refunds.create(
    { payment_intent: paymentIntentId, amount, reason: 'requested_by_customer', metadata: { booking_uid: uid } },
    { idempotencyKey: refundKey(uid, refundedTotal) },
  );
  return refund.id;
}

/** The event, if the signature is right for this secret (and not older than the SDK's 5-minute tolerance). */
export async function verifiedEvent(payload: string, signature: string, secret: string): Promise<Stripe.Event | null> {
  try {
    return await Stripe.webhooks.constructEventAsync(payload, signature, secret, undefined, crypto);
  } catch {
    return null;
  }
}

export type { Stripe };

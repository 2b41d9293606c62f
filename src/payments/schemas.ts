import { z } from 'zod';
import { singleLine, NO_CONTROL_CHARS } from '../lib/validation';

const secret = (prefixes: RegExp, what: string) =>
  z.string().trim().min(20).max(255).refine(singleLine, NO_CONTROL_CHARS).regex(prefixes, `Not a Stripe ${what}`);

export const stripeAccountBody = z.strictObject({
  secret_key: secret(/^(sk|rk)_(test|live)_[A-Za-z0-9]+$/, 'secret or restricted key (sk_test_…, sk_live_…, rk_…)').describe('Stored encrypted; never answered again'),
  webhook_secret: secret(/^whsec_[A-Za-z0-9+/=]+$/, 'webhook signing secret (whsec_…)').describe("The signing secret of the endpoint registered in Stripe for /v2/payments/stripe/webhook"),
});

export const stripeAccountResponse = z.strictObject({
  user_id: z.number().int().positive(),
  connected: z.boolean(),
  source: z.enum(['account', 'deployment']).nullable().describe('`account`: keys given through this API; `deployment`: the STRIPE_SECRET_KEY / STRIPE_WEBHOOK_SECRET Worker secrets'),
  key_hint: z.string().nullable().describe('The key type and its last 4 characters'),
  livemode: z.boolean().nullable(),
  updated_at: z.iso.datetime().nullable(),
  webhook_url: z.string().describe('The path to register in Stripe (events: checkout.session.completed, checkout.session.async_payment_succeeded, checkout.session.expired)'),
});

export const refundBody = z.strictObject({
  booking_uid: z.string().min(1).max(64),
  amount: z.number().int().min(1).max(99_999_999).optional().describe('Minor units; default: everything still refundable'),
});

export const webhookAck = z.strictObject({
  received: z.literal(true),
  duplicate: z.literal(true).optional().describe('This event id was handled before: nothing was done again'),
  ignored: z.string().optional().describe('Why nothing was done (an event type we do not use, or no paid booking of ours)'),
});

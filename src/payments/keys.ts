// Whose Stripe keys a payment uses: the host's own account (sealed in payment_accounts), else the deployment's Worker
// secrets (single-tenant). Plain keys live only in memory for the call that needs them.
import type { Db } from '../db/client';
import type { Bindings } from '../env';
import { sha256Hex } from '../lib/crypto';
import { unseal } from '../lib/sealed';
import { findPaymentAccount } from './repo';
import type { StripeKeys } from './stripe';

export const PURPOSE_KEY = 'calflare stripe secret key';
export const PURPOSE_WEBHOOK = 'calflare stripe webhook secret';

/** The Stripe keys money for this user's bookings goes through: their own account, else the deployment's secrets. */
export async function paymentKeys(db: Db, env: Bindings, userId: number): Promise<StripeKeys | null> {
  const row = await findPaymentAccount(db, userId);
  if (row) return { secretKey: await unseal(env, PURPOSE_KEY, row.secretKeySealed), webhookSecret: await unseal(env, PURPOSE_WEBHOOK, row.webhookSecretSealed) };
  if (env.STRIPE_SECRET_KEY && env.STRIPE_WEBHOOK_SECRET) return { secretKey: env.STRIPE_SECRET_KEY, webhookSecret: env.STRIPE_WEBHOOK_SECRET };
  return null;
}

/** The fingerprint of the keys a payment was taken with: the first 16 hex of the secret key's SHA-256 (not reversible, short). */
export async function keyFingerprint(secretKey: string): Promise<string> {
  return (await sha256Hex(secretKey)).slice(0, 16);
}

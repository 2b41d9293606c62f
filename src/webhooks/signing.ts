// Webhook signatures, WebCrypto only so the Worker and the Node receiver script share this file. Every delivery
// carries two, so both kinds of receivers work unchanged:
//
// - `X-Cal-Signature-256` is Cal.com's header: lowercase hex HMAC-SHA256 of the exact body bytes (UTF-8) keyed with
//   the secret's UTF-8 bytes, which is what the spec's Python `verify_webhook_signature` recomputes.
// - `webhook-signature` is Standard Webhooks' (standardwebhooks.com): `v1,<base64 HMAC-SHA256 of
//   "{webhook-id}.{webhook-timestamp}.{body}">`, keyed with the bytes a `whsec_<base64>` secret stands for. A secret
//   that is not such a string (a user's own passphrase) is keyed with its UTF-8 bytes, and its owner is given the
//   equivalent `whsec_` string (`standardSecret`) for their Standard Webhooks library.

import { fromBase64Strict, toBase64, toHex } from '../lib/encoding';

const encoder = new TextEncoder();

export const SIGNATURE_HEADER = 'X-Cal-Signature-256';
export const STANDARD_SIGNATURE_HEADER = 'webhook-signature';

const WHSEC = 'whsec_';
/** Standard Webhooks asks for keys of 24 to 64 bytes; a shorter `whsec_` string is taken as a plain passphrase. */
const MIN_STANDARD_KEY_BYTES = 24;

/** A new subscription's secret: `whsec_` and 32 random bytes in base64, usable as is by Standard Webhooks libraries. */
export function generateSecret(): string {
  return WHSEC + toBase64(crypto.getRandomValues(new Uint8Array(32)));
}

/** The HMAC key of the Standard Webhooks signature: a valid `whsec_<base64>` secret's bytes, else its UTF-8 bytes. */
export function standardKey(secret: string): Uint8Array<ArrayBuffer> {
  const decoded = secret.startsWith(WHSEC) ? fromBase64Strict(secret.slice(WHSEC.length)) : null;
  return decoded && decoded.length >= MIN_STANDARD_KEY_BYTES ? decoded : new Uint8Array(encoder.encode(secret));
}

/** The `whsec_` string a Standard Webhooks library needs to verify this secret's deliveries (itself, if already one). */
export function standardSecret(secret: string): string {
  return WHSEC + toBase64(standardKey(secret));
}

export async function signStandard(secret: string, webhookId: string, timestamp: string, body: string): Promise<string> {
  const key = await crypto.subtle.importKey('raw', standardKey(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = await crypto.subtle.sign('HMAC', key, encoder.encode(`${webhookId}.${timestamp}.${body}`));
  return `v1,${toBase64(mac)}`;
}

async function hmacKey(secret: string, usage: 'sign' | 'verify'): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [usage]);
}

export async function signBody(secret: string, body: string): Promise<string> {
  const mac = await crypto.subtle.sign('HMAC', await hmacKey(secret, 'sign'), encoder.encode(body));
  return toHex(mac);
}

/** Constant-time check (crypto.subtle.verify) of a hex signature; anything that is not 64 hex digits is false. */
export async function verifyBody(secret: string, body: string, signature: string): Promise<boolean> {
  if (!/^[0-9a-f]{64}$/i.test(signature)) return false;
  const mac = new Uint8Array(32);
  for (let i = 0; i < 32; i++) mac[i] = parseInt(signature.slice(i * 2, i * 2 + 2), 16);
  return crypto.subtle.verify('HMAC', await hmacKey(secret, 'verify'), mac, encoder.encode(body));
}

/**
 * Headers of one delivery attempt. `webhook-id` is the delivery's event id, the same on every retry, so receivers
 * can drop duplicates (delivery is at least once); `webhook-timestamp` is this attempt's time in unix seconds.
 */
export async function deliveryHeaders(secret: string, body: string, eventId: string, attemptAt: number): Promise<Record<string, string>> {
  const timestamp = String(Math.floor(attemptAt / 1000));
  return {
    'Content-Type': 'application/json',
    'User-Agent': 'calflare-webhooks/1',
    [SIGNATURE_HEADER]: await signBody(secret, body),
    'webhook-id': eventId,
    'webhook-timestamp': timestamp,
    [STANDARD_SIGNATURE_HEADER]: await signStandard(secret, eventId, timestamp, body),
  };
}

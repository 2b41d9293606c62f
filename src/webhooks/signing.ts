// Webhook signatures, WebCrypto only so the Worker and the Node receiver script share this file.
//
// `X-Cal-Signature-256` is Cal.com's header: lowercase hex HMAC-SHA256 of the exact body bytes (UTF-8) keyed with the
// secret's UTF-8 bytes, which is what the spec's Python `verify_webhook_signature` recomputes.

import { toHex } from '../lib/encoding';

const encoder = new TextEncoder();

export const SIGNATURE_HEADER = 'X-Cal-Signature-256';

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
  return {
    'Content-Type': 'application/json',
    'User-Agent': 'calflare-webhooks/1',
    [SIGNATURE_HEADER]: await signBody(secret, body),
    'webhook-id': eventId,
    'webhook-timestamp': String(Math.floor(attemptAt / 1000)),
  };
}

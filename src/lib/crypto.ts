// Random tokens, digests and constant-time comparison with WebCrypto only, so the same code runs in the Worker and in
// Node scripts. Shared by sessions, booking uids, idempotency keys, rate-limit keys, CSRF and calendar feeds.

import { toBase64Url, toHex } from './encoding';

const encoder = new TextEncoder();

export function randomToken(byteLength = 32): string {
  return toBase64Url(crypto.getRandomValues(new Uint8Array(byteLength)));
}

export function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** Tokens are looked up by this hash; the token itself is never stored. */
export async function sha256Hex(value: string): Promise<string> {
  return toHex(await crypto.subtle.digest('SHA-256', encoder.encode(value)));
}

/** The SHA-256 of bytes (a content address, e.g. a logo's R2 key). */
export async function sha256HexOfBytes(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  return toHex(await crypto.subtle.digest('SHA-256', bytes));
}

// CSRF tokens for server-rendered forms that act for a signed-in session (the admin) (on top of hono/csrf's Origin check, which some proxies and old browsers defeat).
//
// A token is HMAC-SHA256(key = a secret the browser holds only in an HttpOnly cookie, message = a purpose string).
// Signed in, the secret is the session token itself, so the token is bound to that session and dies with it; before
// sign-in it is a random login nonce cookie. The raw session token is the key, not its stored SHA-256 hash: anyone who
// can read the sessions table could otherwise forge tokens. Nothing extra is stored server-side.
import { timingSafeEqual } from '../lib/crypto';
import { toBase64Url } from '../lib/encoding';

export const CSRF_FIELD = '_csrf';

export type CsrfPurpose = 'session' | 'login';

const encoder = new TextEncoder();

export async function csrfToken(secret: string, purpose: CsrfPurpose): Promise<string> {
  const key = await crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = await crypto.subtle.sign('HMAC', key, encoder.encode(`calflare-admin-csrf:${purpose}`));
  return toBase64Url(new Uint8Array(mac));
}

export async function csrfTokenValid(secret: string | null | undefined, purpose: CsrfPurpose, given: unknown): Promise<boolean> {
  if (!secret || typeof given !== 'string' || given.length === 0 || given.length > 128) return false;
  return timingSafeEqual(encoder.encode(await csrfToken(secret, purpose)), encoder.encode(given));
}

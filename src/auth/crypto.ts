// Password hashing with WebCrypto only, so the same code runs in the Worker and in Node scripts.

import { timingSafeEqual } from '../lib/crypto';
import { fromBase64Url, toBase64Url } from '../lib/encoding';

// Workers cap PBKDF2 at 100,000 iterations.
const PBKDF2_ITERATIONS = 100_000;
const encoder = new TextEncoder();

async function pbkdf2(password: string, salt: Uint8Array<ArrayBuffer>, iterations: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey('raw', encoder.encode(password), 'PBKDF2', false, ['deriveBits']);
  const bits = await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, key, 256);
  return new Uint8Array(bits);
}

/** Stored as `pbkdf2-sha256$<iterations>$<salt>$<hash>` so the cost can rise later without breaking old hashes. */
export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const hash = await pbkdf2(password, salt, PBKDF2_ITERATIONS);
  return `pbkdf2-sha256$${PBKDF2_ITERATIONS}$${toBase64Url(salt)}$${toBase64Url(hash)}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, iterations, salt, expected] = stored.split('$');
  if (scheme !== 'pbkdf2-sha256' || !iterations || !salt || !expected) return false;
  const actual = await pbkdf2(password, fromBase64Url(salt), Number(iterations));
  return timingSafeEqual(actual, fromBase64Url(expected));
}

/** Minimum bar for a password; returns the reason it is too weak, or null. */
export function passwordWeakness(password: string): string | null {
  if (password.length < 10) return 'Password must be at least 10 characters';
  if (password.length > 256) return 'Password must be at most 256 characters';
  if (new Set(password).size < 4) return 'Password is too repetitive';
  return null;
}

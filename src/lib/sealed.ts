// Secrets at rest that the Worker must read back (calendar connection secrets and OAuth tokens, a host's Stripe keys):
// AES-256-GCM under the CALENDAR_ENCRYPTION_KEY Worker secret (32 random bytes in base64), a fresh 96-bit IV per value,
// stored as "v1." + base64url(iv || ciphertext+tag), with the purpose as additional data so a value sealed for one
// use cannot be replayed as another. Plain text never reaches a response or a log.
import { fromBase64Url, toBase64Url } from './encoding';
import { ApiError } from './errors';

const PREFIX = 'v1.';
const keys = new Map<string, Promise<CryptoKey>>();

function keyOf(env: { CALENDAR_ENCRYPTION_KEY?: string }): Promise<CryptoKey> {
  const raw = env.CALENDAR_ENCRYPTION_KEY?.trim();
  if (!raw) throw new ApiError('internal', 'Secrets cannot be stored here: the CALENDAR_ENCRYPTION_KEY secret is not set');
  let key = keys.get(raw);
  if (!key) {
    let bytes: Uint8Array<ArrayBuffer>;
    try {
      bytes = Uint8Array.from(atob(raw), (ch) => ch.charCodeAt(0));
    } catch {
      throw new ApiError('internal', 'CALENDAR_ENCRYPTION_KEY must be 32 bytes in base64');
    }
    if (bytes.length !== 32) throw new ApiError('internal', 'CALENDAR_ENCRYPTION_KEY must be 32 bytes in base64');
    key = crypto.subtle.importKey('raw', bytes, 'AES-GCM', false, ['encrypt', 'decrypt']);
    keys.set(raw, key);
  }
  return key;
}

export async function seal(env: { CALENDAR_ENCRYPTION_KEY?: string }, purpose: string, plain: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const aad = new TextEncoder().encode(purpose);
  const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: aad }, await keyOf(env), new TextEncoder().encode(plain)));
  const out = new Uint8Array(iv.length + sealed.length);
  out.set(iv);
  out.set(sealed, iv.length);
  return PREFIX + toBase64Url(out);
}

/** Throws when the text was sealed with another key or purpose, or altered. */
export async function unseal(env: { CALENDAR_ENCRYPTION_KEY?: string }, purpose: string, stored: string): Promise<string> {
  if (!stored.startsWith(PREFIX)) throw new Error('Unknown secret format');
  const bytes = fromBase64Url(stored.slice(PREFIX.length));
  const aad = new TextEncoder().encode(purpose);
  const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: bytes.slice(0, 12), additionalData: aad }, await keyOf(env), bytes.slice(12));
  return new TextDecoder().decode(plain);
}

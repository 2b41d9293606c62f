// Connection secrets (an ICS address, CalDAV credentials) at rest: AES-256-GCM with the CALENDAR_ENCRYPTION_KEY
// secret (`wrangler secret put`, 32 random bytes in base64). A fresh 96-bit IV per value; the stored text is
// "v1." + base64url(iv || ciphertext+tag). Only the queue consumer decrypts; responses and logs never carry the plain text.
import { fromBase64Url, toBase64Url } from '../lib/encoding';
import { ApiError } from '../lib/errors';

export interface ConnectionSecret {
  url: string;
  username?: string;
  password?: string;
}

const PREFIX = 'v1.';
const AAD = new TextEncoder().encode('calflare calendar connection');
const keys = new Map<string, Promise<CryptoKey>>();

function keyOf(env: { CALENDAR_ENCRYPTION_KEY?: string }): Promise<CryptoKey> {
  const raw = env.CALENDAR_ENCRYPTION_KEY;
  if (!raw) {
    throw new ApiError('internal', 'Calendar connections are not configured here: the CALENDAR_ENCRYPTION_KEY secret is not set');
  }
  let key = keys.get(raw);
  if (!key) {
    let bytes: Uint8Array<ArrayBuffer>;
    try {
      bytes = Uint8Array.from(atob(raw.trim()), (ch) => ch.charCodeAt(0));
    } catch {
      throw new ApiError('internal', 'CALENDAR_ENCRYPTION_KEY must be 32 bytes in base64');
    }
    if (bytes.length !== 32) throw new ApiError('internal', 'CALENDAR_ENCRYPTION_KEY must be 32 bytes in base64');
    key = crypto.subtle.importKey('raw', bytes, 'AES-GCM', false, ['encrypt', 'decrypt']);
    keys.set(raw, key);
  }
  return key;
}

/** An OAuth connection's tokens (Google, Microsoft), sealed the same way. */
export interface OAuthTokens {
  accessToken: string;
  /** Absent when the provider gave none (then the host reconnects when the access token expires). */
  refreshToken: string | null;
  /** Epoch ms when the access token expires. */
  expiresAt: number;
}

export async function encryptSecret(env: { CALENDAR_ENCRYPTION_KEY?: string }, secret: ConnectionSecret | OAuthTokens | { codeVerifier: string }): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const plain = new TextEncoder().encode(JSON.stringify(secret));
  const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: AAD }, await keyOf(env), plain));
  const out = new Uint8Array(iv.length + sealed.length);
  out.set(iv);
  out.set(sealed, iv.length);
  return PREFIX + toBase64Url(out);
}

/** Throws when the text was sealed with another key or altered. */
export async function decryptSecret<T = ConnectionSecret>(env: { CALENDAR_ENCRYPTION_KEY?: string }, stored: string): Promise<T> {
  if (!stored.startsWith(PREFIX)) throw new Error('Unknown secret format');
  const bytes = fromBase64Url(stored.slice(PREFIX.length));
  const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: bytes.slice(0, 12), additionalData: AAD }, await keyOf(env), bytes.slice(12));
  return JSON.parse(new TextDecoder().decode(plain)) as T;
}

/**
 * What may be shown of an address: scheme and host only. The path and query of a private ICS address are its secret
 * (Google's ".../private-<token>/basic.ics", Outlook's ".../<token>/calendar.ics", iCloud's "/published/2/<token>").
 */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}/…`;
  } catch {
    return '…';
  }
}

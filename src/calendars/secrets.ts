// Connection secrets (an ICS address, CalDAV credentials, OAuth tokens) at rest, sealed by src/lib/sealed.ts
// (AES-256-GCM under the CALENDAR_ENCRYPTION_KEY secret, a fresh IV per value, "v1." + base64url(iv || ciphertext+tag))
// with this purpose as additional data. Only the consumers decrypt; responses and logs never carry the plain text.
import { seal, unseal } from '../lib/sealed';

export interface ConnectionSecret {
  url: string;
  username?: string;
  password?: string;
}

/** The additional data every connection secret is sealed with (stored values depend on it: never change it). */
const PURPOSE = 'calflare calendar connection';

/** An OAuth connection's tokens (Google, Microsoft), sealed the same way. */
export interface OAuthTokens {
  accessToken: string;
  /** Absent when the provider gave none (then the host reconnects when the access token expires). */
  refreshToken: string | null;
  /** Epoch ms when the access token expires. */
  expiresAt: number;
}

export function encryptSecret(env: { CALENDAR_ENCRYPTION_KEY?: string }, secret: ConnectionSecret | OAuthTokens | { codeVerifier: string }): Promise<string> {
  return seal(env, PURPOSE, JSON.stringify(secret));
}

/** Throws when the text was sealed with another key or altered. */
export async function decryptSecret<T = ConnectionSecret>(env: { CALENDAR_ENCRYPTION_KEY?: string }, stored: string): Promise<T> {
  return JSON.parse(await unseal(env, PURPOSE, stored)) as T;
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

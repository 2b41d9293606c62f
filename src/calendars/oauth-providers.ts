// OAuth 2.0 clients for the calendar providers (issue #28), through `arctic` (a maintained OAuth client built on fetch
// and WebCrypto-free pure hashing, so it runs in workerd as it is): authorization code with PKCE (S256), refresh and
// revocation. Chosen over oauth4webapi because it knows both providers' endpoints and the token response handling,
// leaving us only the scopes and the redirect URI. Client ids and secrets are Worker secrets.
import { decodeIdToken, Google, MicrosoftEntraId, type OAuth2Tokens } from 'arctic';
import type { OAuthProvider } from '../db/schema';
import type { Bindings } from '../env';
import { siteOf } from '../invites/site';

/**
 * The least each provider needs to read busy time and write events. Google: events (read and write, on every calendar
 * of the account) and the calendar list (to choose calendars); Microsoft: calendars read/write and a refresh token.
 * `openid email`: the account's address, to show which account is connected.
 */
export const SCOPES: Record<OAuthProvider, string[]> = {
  google: ['openid', 'email', 'https://www.googleapis.com/auth/calendar.events', 'https://www.googleapis.com/auth/calendar.calendarlist.readonly'],
  microsoft: ['openid', 'email', 'offline_access', 'Calendars.ReadWrite'],
};

export const PROVIDER_NAMES: Record<OAuthProvider, string> = { google: 'Google Calendar', microsoft: 'Outlook Calendar' };
/** What `url` shows for an OAuth connection (the API it talks to). */
export const PROVIDER_API: Record<OAuthProvider, string> = { google: 'https://www.googleapis.com/…', microsoft: 'https://graph.microsoft.com/…' };

export type OAuthEnv = Pick<Bindings, 'APP_URL' | 'GOOGLE_CLIENT_ID' | 'GOOGLE_CLIENT_SECRET' | 'MICROSOFT_CLIENT_ID' | 'MICROSOFT_CLIENT_SECRET' | 'MICROSOFT_TENANT'>;

/** The callback URL to register with the provider: `<APP_URL>/v2/calendars/oauth/{provider}/callback`. */
export function redirectUri(env: Pick<Bindings, 'APP_URL'>, provider: OAuthProvider): string {
  return `${siteOf(env).baseUrl}/v2/calendars/oauth/${provider}/callback`;
}

export interface ProviderTokens {
  accessToken: string;
  refreshToken: string | null;
  expiresAt: number;
  /** From the ID token, when the provider sent one. */
  account: string | null;
}

export interface OAuthClient {
  authorizationUrl(state: string, codeVerifier: string): URL;
  exchange(code: string, codeVerifier: string): Promise<ProviderTokens>;
  refresh(refreshToken: string): Promise<ProviderTokens>;
  /** Revokes the grant at the provider; null where the provider has no per-token revocation (Microsoft). */
  revoke: ((token: string) => Promise<void>) | null;
}

function tokensOf(t: OAuth2Tokens): ProviderTokens {
  const data = t.data as Record<string, unknown>;
  let account: string | null = null;
  if (typeof data.id_token === 'string') {
    const claims = decodeIdToken(data.id_token) as Record<string, unknown>;
    const named = claims.email ?? claims.preferred_username;
    account = typeof named === 'string' ? named : null;
  }
  return {
    accessToken: t.accessToken(),
    refreshToken: t.hasRefreshToken() ? t.refreshToken() : null,
    expiresAt: 'expires_in' in data ? t.accessTokenExpiresAt().getTime() : Date.now() + 3_600_000,
    account,
  };
}

/** The provider's client, or null when its client id and secret are not configured on this deployment. */
export function oauthClient(env: OAuthEnv, provider: OAuthProvider): OAuthClient | null {
  const redirect = redirectUri(env, provider);
  if (provider === 'google') {
    if (!env.GOOGLE_CLIENT_ID || !env.GOOGLE_CLIENT_SECRET) return null;
    const google = new Google(env.GOOGLE_CLIENT_ID, env.GOOGLE_CLIENT_SECRET, redirect);
    return {
      authorizationUrl: (state, verifier) => {
        const url = google.createAuthorizationURL(state, verifier, SCOPES.google);
        // A refresh token, and a new one on every consent (Google sends one only at the first consent otherwise).
        url.searchParams.set('access_type', 'offline');
        url.searchParams.set('prompt', 'consent');
        return url;
      },
      exchange: async (code, verifier) => tokensOf(await google.validateAuthorizationCode(code, verifier)),
      refresh: async (refreshToken) => tokensOf(await google.refreshAccessToken(refreshToken)),
      revoke: (token) => google.revokeToken(token),
    };
  }
  if (!env.MICROSOFT_CLIENT_ID || !env.MICROSOFT_CLIENT_SECRET) return null;
  // "common": personal Microsoft accounts and work or school accounts alike.
  const microsoft = new MicrosoftEntraId(env.MICROSOFT_TENANT || 'common', env.MICROSOFT_CLIENT_ID, env.MICROSOFT_CLIENT_SECRET, redirect);
  return {
    authorizationUrl: (state, verifier) => microsoft.createAuthorizationURL(state, verifier, SCOPES.microsoft),
    exchange: async (code, verifier) => tokensOf(await microsoft.validateAuthorizationCode(code, verifier)),
    refresh: async (refreshToken) => tokensOf(await microsoft.refreshAccessToken(refreshToken, SCOPES.microsoft)),
    revoke: null,
  };
}

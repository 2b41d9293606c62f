// A fake of the providers' OAuth 2.0 endpoints (Google's and Microsoft's documented token, revocation and consent
// contracts), behind global fetch. It mints codes bound to the PKCE challenge and redirect URI of a consent, checks
// every token request the way the providers do (client authentication, code_verifier against the challenge,
// redirect_uri), rotates refresh tokens, and records what was asked, so tests check our requests, not only answers.
import { vi } from 'vitest';

export const GOOGLE_TOKEN = 'https://oauth2.googleapis.com/token';
export const GOOGLE_REVOKE = 'https://oauth2.googleapis.com/revoke';
export const MICROSOFT_TOKEN = 'https://login.microsoftonline.com/common/oauth2/v2.0/token';

const CLIENTS: Record<string, { id: string; secret: string }> = {
  [GOOGLE_TOKEN]: { id: 'calflare-test.apps.googleusercontent.com', secret: 'test-google-client-secret' },
  [MICROSOFT_TOKEN]: { id: '11111111-2222-3333-4444-555555555555', secret: 'test-microsoft-client-secret' },
};

const b64url = (bytes: ArrayBuffer | Uint8Array) =>
  btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
/** An ID token as the providers send it (the claims are all we read; its signature is the provider's business). */
const idToken = (claims: Record<string, unknown>) => `${b64url(new TextEncoder().encode('{"alg":"RS256"}'))}.${b64url(new TextEncoder().encode(JSON.stringify(claims)))}.c2ln`;

export interface TokenRequest {
  url: string;
  form: Record<string, string>;
  authorization: string | null;
}

export function fakeOAuth(opts: { email?: string } = {}) {
  const codes = new Map<string, { challenge: string; redirectUri: string; endpoint: string }>();
  const refreshTokens = new Set<string>();
  const tokenRequests: TokenRequest[] = [];
  const revoked: string[] = [];
  const issuedAccess: string[] = [];
  let counter = 0;
  /** Refresh tokens refused from now on (the host revoked access at the provider). */
  const refuse = new Set<string>();

  /** The host consents on the provider's page: a code for that authorization URL. */
  function consent(authorizationUrl: string): { code: string; state: string } {
    const url = new URL(authorizationUrl);
    const endpoint = url.hostname === 'accounts.google.com' ? GOOGLE_TOKEN : MICROSOFT_TOKEN;
    const code = `code-${++counter}-${crypto.randomUUID()}`;
    codes.set(code, { challenge: url.searchParams.get('code_challenge')!, redirectUri: url.searchParams.get('redirect_uri')!, endpoint });
    return { code, state: url.searchParams.get('state')! };
  }

  const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  const issue = (endpoint: string) => {
    const refresh = `refresh-${++counter}-${crypto.randomUUID()}`;
    refreshTokens.add(refresh);
    const email = opts.email ?? 'host@example.com';
    const access = `access-${++counter}-${crypto.randomUUID()}`;
    issuedAccess.push(access);
    return {
      access_token: access,
      expires_in: 3599,
      refresh_token: refresh,
      token_type: 'Bearer',
      scope: endpoint === GOOGLE_TOKEN ? 'openid email https://www.googleapis.com/auth/calendar.events' : 'openid email offline_access Calendars.ReadWrite',
      id_token: idToken(endpoint === GOOGLE_TOKEN ? { email, sub: '1' } : { preferred_username: email, sub: '1' }),
    };
  };

  async function handle(request: Request): Promise<Response | undefined> {
    const url = request.url.split('?')[0]!;
    if (url === GOOGLE_REVOKE) {
      revoked.push(new URLSearchParams(await request.text()).get('token') ?? '');
      return new Response(null, { status: 200 });
    }
    if (url !== GOOGLE_TOKEN && url !== MICROSOFT_TOKEN) return undefined;
    const form = Object.fromEntries(new URLSearchParams(await request.text()));
    tokenRequests.push({ url, form, authorization: request.headers.get('authorization') });
    const client = CLIENTS[url]!;
    if (request.headers.get('authorization') !== `Basic ${btoa(`${client.id}:${client.secret}`)}`) return json(401, { error: 'invalid_client' });
    if (request.headers.get('content-type') !== 'application/x-www-form-urlencoded') return json(400, { error: 'invalid_request' });
    if (form.grant_type === 'authorization_code') {
      const issued = codes.get(form.code ?? '');
      codes.delete(form.code ?? '');
      if (!issued || issued.endpoint !== url || issued.redirectUri !== form.redirect_uri) return json(400, { error: 'invalid_grant' });
      const challenge = b64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(form.code_verifier ?? '')));
      if (challenge !== issued.challenge) return json(400, { error: 'invalid_grant', error_description: 'code_verifier does not match' });
      return json(200, issue(url));
    }
    if (form.grant_type === 'refresh_token') {
      const token = form.refresh_token ?? '';
      if (!refreshTokens.has(token) || refuse.has(token)) return json(400, { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' });
      // Rotation: the old refresh token is spent.
      refreshTokens.delete(token);
      return json(200, issue(url));
    }
    return json(400, { error: 'unsupported_grant_type' });
  }

  return { consent, handle, tokenRequests, revoked, refuse, refreshTokens, accessTokens: () => issuedAccess };
}

/** The fake as global fetch; anything else it does not know answers 404. */
export function serveOAuth(fake: ReturnType<typeof fakeOAuth>, other?: (request: Request) => Promise<Response | undefined>) {
  return vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const request = new Request(input, init);
    return (await fake.handle(request.clone())) ?? (await other?.(request)) ?? new Response('not found', { status: 404 });
  });
}

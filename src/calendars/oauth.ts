// OAuth 2.0 connections (issue #28): the authorization-code flow with PKCE, tokens sealed at rest, refresh before
// expiry with rotated refresh tokens kept, `reauth_required` when the provider refuses, revocation on disconnect.
//
// The flow's guards: `state` is 256 random bits stored only as its SHA-256, bound to the user AND the session that
// started it (the SHA-256 of its token), single use (deleted as it is read, whatever follows), valid 10 minutes. A
// callback whose state is unknown, used, expired, of another provider or of another session is refused before the
// code is ever sent to the provider. Tokens never leave this module but towards the provider: not in answers, logs
// or pages (the connection shows the account's address only).
import { generateCodeVerifier, generateState, OAuth2RequestError } from 'arctic';
import type { D1Queryable } from '../db/client';
import type { CalendarConnection, OAuthProvider, User } from '../db/schema';
import type { Bindings } from '../env';
import { sha256Hex } from '../lib/crypto';
import { ApiError } from '../lib/errors';
import { oauthClient, PROVIDER_API, PROVIDER_NAMES, type OAuthClient, type OAuthEnv, type ProviderTokens } from './oauth-providers';
import { consumeState, findAccountConnection, insertState, markReauthRequired, readSecret, renewTokens, swapTokens } from './oauth-repo';
import { insertConnection, MAX_CONNECTIONS_PER_HOST } from './repo';
import { siteOf } from '../invites/site';
import { calendarReauthInsert, emailsEnabled, enqueueNotifications, notificationIdsOf } from '../notifications/outbox';
import { decryptSecret, encryptSecret, type OAuthTokens } from './secrets';
import { enqueueCalendarWrites } from './writeback-outbox';

export const STATE_TTL_MS = 10 * 60_000;
/** An access token this close to its expiry is refreshed first. */
export const REFRESH_MARGIN_MS = 5 * 60_000;

type Env = OAuthEnv & Pick<Bindings, 'CALENDAR_ENCRYPTION_KEY' | 'CALENDAR_WRITES' | 'DB' | 'EMAILS' | 'EMAIL_NOTIFICATIONS'>;

function clientOrThrow(env: OAuthEnv, provider: OAuthProvider): OAuthClient {
  const client = oauthClient(env, provider);
  if (!client) throw new ApiError('not_found', `${PROVIDER_NAMES[provider]} is not configured on this server`);
  return client;
}

/** Step 1: the provider's consent page for this user and session. */
export async function startAuthorization(d1: D1Queryable, env: Env, user: User, sessionToken: string, provider: OAuthProvider, now: number) {
  const client = clientOrThrow(env, provider);
  const state = generateState();
  const codeVerifier = generateCodeVerifier();
  const expiresAt = now + STATE_TTL_MS;
  await insertState(
    d1,
    await sha256Hex(state),
    { userId: user.id, sessionHash: await sha256Hex(sessionToken), provider, codeVerifier: await encryptSecret(env, { codeVerifier }), expiresAt },
    now,
  );
  return { authorization_url: client.authorizationUrl(state, codeVerifier).toString(), expires_at: new Date(expiresAt).toISOString() };
}

const refused = (message: string) => new ApiError('validation_failed', 'Request validation failed', [{ path: 'state', message }]);

/** Step 2: the provider sent the browser back. Answers the connection made (or renewed, for an account connected before). */
export async function finishAuthorization(
  d1: D1Queryable,
  env: Env,
  user: User,
  sessionToken: string,
  provider: OAuthProvider,
  query: { code?: string; state?: string; error?: string },
  now: number,
): Promise<{ connection: CalendarConnection; created: boolean }> {
  const client = clientOrThrow(env, provider);
  if (!query.state) throw refused('The provider sent no state');
  const pending = await consumeState(d1, await sha256Hex(query.state));
  if (!pending) throw refused('Unknown or already used state: start again');
  if (pending.provider !== provider) throw refused('This state was issued for another provider');
  if (pending.expiresAt < now) throw refused('This authorization took longer than 10 minutes: start again');
  if (pending.userId !== user.id || pending.sessionHash !== (await sha256Hex(sessionToken))) throw refused('This authorization was started in another session');
  if (query.error) throw new ApiError('validation_failed', 'Request validation failed', [{ path: 'error', message: `${PROVIDER_NAMES[provider]} did not grant access (${query.error.slice(0, 100)})` }]);
  if (!query.code) throw new ApiError('validation_failed', 'Request validation failed', [{ path: 'code', message: 'The provider sent no authorization code' }]);
  const { codeVerifier } = await decryptSecret<{ codeVerifier: string }>(env, pending.codeVerifier);
  let tokens: ProviderTokens;
  try {
    tokens = await client.exchange(query.code, codeVerifier);
  } catch (error) {
    if (error instanceof OAuth2RequestError) {
      throw new ApiError('validation_failed', 'Request validation failed', [{ path: 'code', message: `${PROVIDER_NAMES[provider]} refused the authorization code (${error.code})` }]);
    }
    console.error(JSON.stringify({ level: 'error', msg: 'oauth code exchange failed', provider, error: error instanceof Error ? error.name : 'unknown' }));
    throw new ApiError('internal', `${PROVIDER_NAMES[provider]} could not be reached; try again`);
  }
  const secret = await encryptSecret(env, { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, expiresAt: tokens.expiresAt } satisfies OAuthTokens);
  const existing = await findAccountConnection(d1, user.id, provider, tokens.account);
  if (existing) {
    const renewed = await renewTokens(d1, existing.id, secret, now);
    if (renewed) {
      // What failed while the provider refused us (or waits for a retry) is written now.
      if (renewed.writeIds.length) await enqueueCalendarWrites(env, renewed.writeIds, d1);
      return { connection: renewed.connection, created: false };
    }
  }
  const created = await insertConnection(
    d1,
    { ownerId: user.id, kind: provider, name: PROVIDER_NAMES[provider], urlDisplay: PROVIDER_API[provider], secret, calendarPath: null, includeTransparent: false, enabled: true, account: tokens.account },
    now,
  );
  if (!created) throw new ApiError('conflict', `A host can connect at most ${MAX_CONNECTIONS_PER_HOST} calendars`);
  return { connection: created, created: true };
}

/** The provider refused our refresh token (or gave none): the host must connect again. Thrown by `accessTokenOf`. */
export class ReauthRequired extends Error {}

/**
 * A valid access token for an OAuth connection: the stored one while it has more than REFRESH_MARGIN_MS left, else a
 * refreshed one (a rotated refresh token is stored with it). `force`: the provider just answered 401 to the stored one.
 * A refused refresh marks the connection `reauth_required`.
 */
export async function accessTokenOf(d1: D1Queryable, env: Env, connection: CalendarConnection, now: number, force = false): Promise<string> {
  if (connection.reauthRequired) throw new ReauthRequired('The calendar account must be connected again');
  const stored = (await readSecret(d1, connection.id)) ?? connection.secret;
  const tokens = await decryptSecret<OAuthTokens>(env, stored);
  if (!force && tokens.expiresAt - REFRESH_MARGIN_MS > now) return tokens.accessToken;
  const client = clientOrThrow(env, connection.kind as OAuthProvider);
  if (!tokens.refreshToken) {
    await reauthRequired(d1, env, connection, now);
    throw new ReauthRequired('The calendar account gave no refresh token: connect it again');
  }
  let fresh: ProviderTokens;
  try {
    fresh = await client.refresh(tokens.refreshToken);
  } catch (error) {
    if (error instanceof OAuth2RequestError) {
      await reauthRequired(d1, env, connection, now);
      throw new ReauthRequired(`${PROVIDER_NAMES[connection.kind as OAuthProvider]} refused to renew access (${error.code}): connect the account again`);
    }
    throw error;
  }
  const next = await encryptSecret(env, { accessToken: fresh.accessToken, refreshToken: fresh.refreshToken ?? tokens.refreshToken, expiresAt: fresh.expiresAt } satisfies OAuthTokens);
  if (await swapTokens(d1, connection.id, stored, next, now)) return fresh.accessToken;
  // Another refresh won meanwhile: its tokens are the current ones.
  return (await decryptSecret<OAuthTokens>(env, (await readSecret(d1, connection.id))!)).accessToken;
}

/**
 * Marks the connection `reauth_required` and, the first time, emails the host (the email outbox, pre-rendered words;
 * EMAIL_NOTIFICATIONS=false sends none). Until they connect the account again, nothing is read or written with it.
 */
async function reauthRequired(d1: D1Queryable, env: Env, connection: CalendarConnection, now: number): Promise<void> {
  const provider = connection.kind as OAuthProvider;
  const statements = [markReauthRequired(d1, connection.id, now)];
  if (emailsEnabled(env)) {
    const site = siteOf(env);
    const name = PROVIDER_NAMES[provider];
    const account = connection.account ? ` (${connection.account})` : '';
    // The host's Calendars page (sign-in first if needed), whose "Connect again" button starts the flow.
    const start = `${site.baseUrl}/settings/calendars`;
    const text = [
      `${name} no longer lets calflare use your calendar account${account}: it refused to renew our access (the password or the access was changed, or it expired).`,
      'Until you connect it again, its busy time no longer blocks your slots and new bookings are not written into it.',
      `Connect it again on your calendars page: ${start}`,
    ].join('\n\n');
    const html = text
      .split('\n\n')
      .map((p) => `<p>${escapeHtml(p)}</p>`)
      .join('');
    const payload = { kind: 'reminder' as const, subject: `Connect your ${name} again`, text, html, replyTo: { name: 'calflare', email: `no-reply@${site.domain}` } };
    statements.push(calendarReauthInsert(d1, { connectionId: connection.id, notificationId: `cal_reauth_${connection.id}_${now}`, payload }, now));
  }
  const results = await d1.batch(statements);
  const ids = notificationIdsOf(results.slice(1));
  if (ids.length) await enqueueNotifications(env, ids, d1);
}

const escapeHtml = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Disconnect: revoke the grant at the provider (best effort: the connection goes whatever it answers). */
export async function revokeAtProvider(env: Env, connection: CalendarConnection): Promise<void> {
  const client = oauthClient(env, connection.kind as OAuthProvider);
  if (!client?.revoke) return;
  try {
    const tokens = await decryptSecret<OAuthTokens>(env, connection.secret);
    // Revoking the refresh token ends the whole grant (Google); the access token alone otherwise.
    await client.revoke(tokens.refreshToken ?? tokens.accessToken);
  } catch (error) {
    console.warn(JSON.stringify({ level: 'warn', msg: 'oauth revocation failed', connection_id: connection.id, error: error instanceof Error ? error.name : 'unknown' }));
  }
}

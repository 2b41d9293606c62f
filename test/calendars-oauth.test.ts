// OAuth 2.0 connections for Google and Microsoft (issue #28): the authorization-code flow with PKCE against a fake of
// the providers' documented endpoints (test/calendars-oauth-helpers.ts), its guards (state mismatch, replay, expiry,
// another session), refresh with rotation, reauth_required, revocation, and tokens kept out of every answer and log.
// The host's page that drives the same flow (/settings/calendars) is tested in test/settings-pages.test.ts.
import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { accessTokenOf } from '../src/calendars/oauth';
import { findOwnedConnection } from '../src/calendars/repo';
import { createSession } from '../src/auth/sessions';
import { getDb } from '../src/db/client';
import { api, dbRow, expectError, getPage, makeAdmin, makeUser } from './helpers';
import { fakeOAuth, GOOGLE_TOKEN, MICROSOFT_TOKEN, serveOAuth } from './calendars-oauth-helpers';
import { quietSyncs } from './calendars-provider-helpers';

afterEach(() => vi.restoreAllMocks());

/** Every line the Worker logs while `run` runs. */
async function logsOf(run: () => Promise<void>): Promise<string> {
  const lines: string[] = [];
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void lines.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ')));
  }
  await run();
  return lines.join('\n');
}

async function connect(provider: 'google' | 'microsoft', token: string, fake: ReturnType<typeof fakeOAuth>) {
  quietSyncs();
  const started = await api('GET', `/v2/calendars/oauth/${provider}/start`, { token });
  expect(started.status).toBe(200);
  const { code, state } = fake.consent(started.json.authorization_url);
  return { started, code, state, callback: () => api('GET', `/v2/calendars/oauth/${provider}/callback?code=${encodeURIComponent(code)}&state=${encodeURIComponent(state)}&scope=x`, { token }) };
}

describe('connecting Google', () => {
  it('sends the host to Google with PKCE and a single-use state, and makes a google connection from the code', async () => {
    const { token, user } = await makeUser();
    const fake = fakeOAuth({ email: 'ann@gmail.com' });
    serveOAuth(fake);
    const flow = await connect('google', token, fake);
    // Google's documented parameters of the web-server flow, and only those.
    const url = new URL(flow.started.json.authorization_url);
    expect(`${url.origin}${url.pathname}`).toBe('https://accounts.google.com/o/oauth2/v2/auth');
    expect([...url.searchParams.keys()].sort()).toEqual(['access_type', 'client_id', 'code_challenge', 'code_challenge_method', 'prompt', 'redirect_uri', 'response_type', 'scope', 'state']);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: 'calflare-test.apps.googleusercontent.com',
      redirect_uri: 'https://calflare.example.com/v2/calendars/oauth/google/callback',
      code_challenge_method: 'S256',
      access_type: 'offline',
      prompt: 'consent',
      scope: 'openid email https://www.googleapis.com/auth/calendar.events https://www.googleapis.com/auth/calendar.calendarlist.readonly',
    });
    expect(url.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{32,}$/);
    expect(flow.started.headers.get('cache-control')).toBe('no-store');
    // The state is stored only as its digest.
    expect(await dbRow('SELECT count(*) AS n FROM oauth_states WHERE state_hash = ?', flow.state)).toEqual({ n: 0 });

    const logs = await logsOf(async () => {
      const done = await flow.callback();
      expect(done.status).toBe(201);
      expect(done.json).toMatchObject({ kind: 'google', owner_id: user.id, account: 'ann@gmail.com', name: 'Google Calendar', url: 'https://www.googleapis.com/…' });
      const [exchange] = fake.tokenRequests;
      expect(Object.keys(exchange!.form).sort()).toEqual(['code', 'code_verifier', 'grant_type', 'redirect_uri']);
      // No token in the answer, the stored row (sealed), or a log line.
      const row = await dbRow<{ secret: string }>('SELECT secret FROM calendar_connections WHERE id = ?', done.json.id);
      for (const t of [...fake.refreshTokens]) {
        expect(JSON.stringify(done.json)).not.toContain(t);
        expect(row!.secret).not.toContain(t);
      }
      expect(row!.secret).toMatch(/^v1\./);
    });
    for (const t of fake.refreshTokens) expect(logs).not.toContain(t);

    // The admin's Calendars tab names the account, never a token.
    const admin = await makeAdmin();
    const page = await getPage('/admin/calendars', `session=${admin.token}`);
    expect(page.html).toContain('ann@gmail.com');
    for (const t of fake.refreshTokens) expect(page.html).not.toContain(t);
  });

  it('refuses an unknown state, a replayed one, an expired one and one from another session, never sending their code', async () => {
    const { token, user } = await makeUser();
    const fake = fakeOAuth();
    serveOAuth(fake);
    const refusedOn = async (res: { status: number; json: any }) => {
      expectError(res, 400, 'validation_failed');
      return res.json.error.issues[0].message as string;
    };
    // Mismatch: a state we never issued.
    const flow = await connect('google', token, fake);
    expect(await refusedOn(await api('GET', `/v2/calendars/oauth/google/callback?code=${flow.code}&state=forged-state`, { token }))).toMatch(/Unknown or already used/);
    // Replay: once used (here: successfully), never again.
    expect((await flow.callback()).status).toBe(201);
    expect(await refusedOn(await flow.callback())).toMatch(/Unknown or already used/);
    // Expired: older than 10 minutes.
    const late = await connect('google', token, fake);
    await env.DB.prepare('UPDATE oauth_states SET expires_at = ? WHERE user_id = ?').bind(Date.now() - 1, user.id).run();
    expect(await refusedOn(await late.callback())).toMatch(/longer than 10 minutes/);
    // Another session of the same user (and another user) presenting this session's state and code.
    const mine = await connect('google', token, fake);
    const { token: otherSession } = await createSession(getDb(env.DB), user.id, 3_600_000);
    expect(await refusedOn(await api('GET', `/v2/calendars/oauth/google/callback?code=${mine.code}&state=${mine.state}`, { token: otherSession }))).toMatch(/another session/);
    const other = await connect('google', token, fake);
    const stranger = await makeUser();
    expect(await refusedOn(await api('GET', `/v2/calendars/oauth/google/callback?code=${other.code}&state=${other.state}`, { token: stranger.token }))).toMatch(/another session/);
    // A state of the other provider.
    const ms = await connect('microsoft', token, fake);
    expect(await refusedOn(await api('GET', `/v2/calendars/oauth/google/callback?code=${ms.code}&state=${ms.state}`, { token }))).toMatch(/another provider/);
    // Only the one good callback ever reached the token endpoint.
    expect(fake.tokenRequests).toHaveLength(1);
    // The host declining at Google: said in words.
    const declined = await connect('google', token, fake);
    expect(await refusedOn(await api('GET', `/v2/calendars/oauth/google/callback?error=access_denied&state=${declined.state}`, { token }))).toMatch(/did not grant access \(access_denied\)/);
    expectError(await api('GET', '/v2/calendars/oauth/yahoo/start', { token }), 404, 'not_found');
    expectError(await api('GET', '/v2/calendars/oauth/google/start'), 401, 'unauthorized');
    // Starting again and again keeps the newest 10 flows of a user waiting: a loop cannot fill the table.
    for (let i = 0; i < 15; i++) expect((await api('GET', '/v2/calendars/oauth/google/start', { token })).status).toBe(200);
    expect(await dbRow('SELECT count(*) AS n FROM oauth_states WHERE user_id = ?', user.id)).toEqual({ n: 10 });
  });

  it('refreshes before expiry and keeps the rotated refresh token; a refused refresh asks the host to connect again', async () => {
    const { token, user } = await makeUser();
    const fake = fakeOAuth();
    serveOAuth(fake);
    const done = await (await connect('google', token, fake)).callback();
    const load = async () => (await findOwnedConnection(getDb(env.DB), user, done.json.id))!;
    const first = [...fake.refreshTokens][0]!;
    // Fresh: no refresh.
    await accessTokenOf(env.DB, env, await load(), Date.now());
    expect(fake.tokenRequests).toHaveLength(1);
    // Within 5 minutes of expiry: refreshed, and the rotated refresh token is the one used next.
    const soon = Date.now() + 3_599_000 - 60_000;
    const renewed = await accessTokenOf(env.DB, env, await load(), soon);
    expect(fake.tokenRequests.at(-1)!.form).toEqual({ grant_type: 'refresh_token', refresh_token: first });
    const rotated = [...fake.refreshTokens][0]!;
    expect(rotated).not.toBe(first);
    expect(await accessTokenOf(env.DB, env, await load(), Date.now())).toBe(renewed);
    await accessTokenOf(env.DB, env, await load(), soon, true);
    expect(fake.tokenRequests.at(-1)!.form.refresh_token).toBe(rotated);
    // The host revoked access at Google: the next refresh is refused.
    fake.refuse.add([...fake.refreshTokens][0]!);
    const before = await load();
    await expect(accessTokenOf(env.DB, env, before, soon, true)).rejects.toThrow(/refused to renew access \(invalid_grant\)/);
    const shown = await api('GET', `/v2/calendars/${done.json.id}`, { token });
    expect(shown.json.status).toBe('reauth_required');
    // The host hears of it once (a second refusal, by a run that read the connection before, sends nothing more).
    await expect(accessTokenOf(env.DB, env, before, soon, true)).rejects.toThrow(/refused/);
    await expect(accessTokenOf(env.DB, env, await load(), soon)).rejects.toThrow(/must be connected again/);
    const mails = await env.DB.prepare("SELECT recipient_email, payload FROM booking_email_notifications WHERE trigger_event = 'CALENDAR_REAUTH_REQUIRED' AND booking_uid = ?")
      .bind(`calendar-${done.json.id}`)
      .all<{ recipient_email: string; payload: string }>();
    expect(mails.results.map((m) => m.recipient_email)).toEqual([user.email]);
    expect(JSON.parse(mails.results[0]!.payload).text).toContain('Connect it again on your calendars page: https://calflare.example.com/settings/calendars');
    for (const t of [...fake.refreshTokens, ...fake.accessTokens()]) expect(mails.results[0]!.payload).not.toContain(t);
    // Connecting the same account again renews it in place.
    const again = await (await connect('google', token, fake)).callback();
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ id: done.json.id, status: 'pending' });
  });

  it('disconnecting revokes the grant at Google and deletes what was stored', async () => {
    const { token } = await makeUser();
    const fake = fakeOAuth();
    serveOAuth(fake);
    const done = await (await connect('google', token, fake)).callback();
    const refresh = [...fake.refreshTokens][0]!;
    expect((await api('DELETE', `/v2/calendars/${done.json.id}`, { token })).status).toBe(204);
    expect(fake.revoked).toEqual([refresh]);
    expect(await dbRow('SELECT count(*) AS n FROM calendar_connections WHERE id = ?', done.json.id)).toEqual({ n: 0 });
  });
});

describe('connecting Microsoft', () => {
  it('uses the common tenant (personal and work accounts) with offline_access, and makes a microsoft connection', async () => {
    const { token } = await makeUser();
    const fake = fakeOAuth({ email: 'ann@outlook.com' });
    serveOAuth(fake);
    const flow = await connect('microsoft', token, fake);
    const url = new URL(flow.started.json.authorization_url);
    expect(`${url.origin}${url.pathname}`).toBe('https://login.microsoftonline.com/common/oauth2/v2.0/authorize');
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: '11111111-2222-3333-4444-555555555555',
      redirect_uri: 'https://calflare.example.com/v2/calendars/oauth/microsoft/callback',
      code_challenge_method: 'S256',
      scope: 'openid email offline_access Calendars.ReadWrite',
    });
    const done = await flow.callback();
    expect(done.status).toBe(201);
    expect(done.json).toMatchObject({ kind: 'microsoft', account: 'ann@outlook.com', name: 'Outlook Calendar' });
    expect(fake.tokenRequests[0]!.url).toBe(MICROSOFT_TOKEN);
    // Microsoft has no per-token revocation: disconnecting forgets the tokens.
    expect((await api('DELETE', `/v2/calendars/${done.json.id}`, { token })).status).toBe(204);
    expect(fake.revoked).toEqual([]);
    expect(fake.tokenRequests.every((r) => r.url !== GOOGLE_TOKEN)).toBe(true);
  });
});

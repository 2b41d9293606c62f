// The host's own pages at /settings (issue #28): sign-in, and the Calendars page that connects Google / Outlook in three
// clicks, chooses the destination, chooses an account's busy calendars, adds an ICS feed or a CalDAV calendar by
// address, and disconnects one after a confirmation page. Every change runs through the API's service; every form
// carries the session's CSRF token; another user's connection is a 404 page; a refused form comes back as the page.
import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { api, csrfIn, dbRow, esc, expectError, getPage, makeUser, page, TEST_PASSWORD } from './helpers';
import { fakeOAuth, serveOAuth } from './calendars-oauth-helpers';
import { fakeGoogleBusy, oauthDestination, quietSyncs } from './calendars-provider-helpers';
import { caldavDestination } from './calendars-writeback-helpers';

afterEach(() => vi.restoreAllMocks());

/** The page as the signed-in host sees it, and the CSRF token of its forms. */
const open = async (cookie: string, path = '/settings/calendars') => {
  const res = await page(path, { cookie });
  expect(res.status).toBe(200);
  return { ...res, csrf: csrfIn(res.html)! };
};
const returnFrom = (provider: string, code: string, state: string, cookie: string) =>
  page(`/v2/calendars/oauth/${provider}/callback?code=${encodeURIComponent(code)}&state=${encodeURIComponent(state)}&scope=x`, { cookie });
/** The page after a redirect-after-post, with the flash message the redirect set. */
const after = (res: { headers: Headers }, cookie: string) => {
  expect(res.headers.get('location')).toBe('/settings/calendars');
  const flash = /settings_flash=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1];
  return open(flash ? `${cookie}; settings_flash=${flash}` : cookie);
};

describe('the connect page (/settings/calendars)', () => {
  it('three clicks: Connect Google, consent, back on the page showing the connection; one form picks the destination calendar', async () => {
    const { token } = await makeUser();
    const fake = fakeOAuth({ email: 'ann@gmail.com' });
    const google = fakeGoogleBusy(fake, {}, [
      { id: 'ann@gmail.com', summary: 'Ann', primary: true },
      { id: 'team@group.calendar.google.com', summary: 'Team' },
    ]);
    serveOAuth(fake, google.handle);
    quietSyncs();
    const cookie = `session=${token}`;
    const before = await open(cookie);
    expect(before.html).toContain('No calendar connected yet');
    // The connect form ends at the provider's consent page: the CSP lets a form's redirect go there.
    expect(before.headers.get('content-security-policy')).toContain("form-action 'self' https://accounts.google.com https://login.microsoftonline.com");

    const start = await page('/settings/calendars/connect/google', { cookie, form: { _csrf: before.csrf } });
    expect(start.status).toBe(303);
    const consentUrl = start.headers.get('location')!;
    expect(consentUrl).toMatch(/^https:\/\/accounts\.google\.com\/o\/oauth2\/v2\/auth\?/);
    expect(start.headers.get('set-cookie')).toMatch(/oauth_return=settings; Max-Age=600; Path=\/v2\/calendars\/oauth; HttpOnly; Secure; SameSite=Lax/);
    const { code, state } = fake.consent(consentUrl);

    const back = await returnFrom('google', code, state, `${cookie}; oauth_return=settings`);
    const [connection] = (await api('GET', '/v2/calendars', { token })).json.data;
    expect(connection).toMatchObject({ kind: 'google', account: 'ann@gmail.com' });
    expect(back.status).toBe(303);
    expect(back.headers.get('location')).toBe(`/settings/calendars?connected=${connection.id}`);
    expect(back.headers.get('set-cookie')).toMatch(/oauth_return=;/);

    const shown = await open(cookie, back.headers.get('location')!);
    expect(shown.html).toContain('Connected: Google Calendar · ann@gmail.com.');
    expect(shown.html).toContain(`id="calendar-${connection.id}"`);
    expect(shown.html).toContain(`<option value="${connection.id}:team@group.calendar.google.com">`);
    const chosen = await page('/settings/calendars/destination', { cookie, form: { _csrf: shown.csrf, calendar: `${connection.id}:team@group.calendar.google.com` } });
    expect(chosen.status).toBe(303);
    expect(chosen.headers.get('location')).toBe('/settings/calendars');
    expect((await api('GET', '/v2/calendars/destination', { token })).json).toMatchObject({ connection_id: connection.id, calendar_id: 'team@group.calendar.google.com', kind: 'google' });
    expect((await open(cookie)).html).toContain(`<option value="${connection.id}:team@group.calendar.google.com" selected="">`);
    // Google refused our refresh later: the page says so and offers to connect again, in one click.
    await env.DB.prepare('UPDATE calendar_connections SET reauth_required = 1 WHERE id = ?').bind(connection.id).run();
    const refused = await open(cookie);
    expect(refused.html).toContain('Connect again');
    expect(refused.html).toContain('action="/settings/calendars/connect/google"><input type="hidden" name="_csrf"');
    expect(refused.html).toContain('Connect Google again');
  });

  it('refuses forms without the session\'s CSRF token, answers 404 for another user\'s connection, and a failed return says so on the page', async () => {
    const { token, user } = await makeUser();
    const other = await makeUser();
    const cookie = `session=${token}`;
    const fake = fakeOAuth();
    serveOAuth(fake);
    quietSyncs();
    const { csrf } = await open(cookie);
    // No token, another session's token: the form is refused and nothing starts.
    expect((await page('/settings/calendars/connect/google', { cookie, form: {} })).status).toBe(403);
    const otherCsrf = csrfIn((await open(`session=${other.token}`)).html)!;
    expect((await page('/settings/calendars/connect/google', { cookie, form: { _csrf: otherCsrf } })).status).toBe(403);
    expect(await dbRow('SELECT count(*) AS n FROM oauth_states WHERE user_id = ?', user.id)).toEqual({ n: 0 });
    // A cross-site form post is refused before the token is even read.
    expect((await page('/settings/calendars/connect/google', { cookie, form: { _csrf: csrf }, headers: { origin: 'https://evil.example' } })).status).toBe(403);

    const theirs = await caldavDestination(other.token);
    const stolen = await page('/settings/calendars/destination', { cookie, form: { _csrf: csrf, calendar: String(theirs) } });
    expect(stolen.status).toBe(404);
    expectError(await api('GET', '/v2/calendars/destination', { token }), 404, 'not_found');

    // A state used twice: the second return lands on the page with the reason, not on a JSON error.
    const start = await page('/settings/calendars/connect/google', { cookie, form: { _csrf: csrf } });
    const { code, state } = fake.consent(start.headers.get('location')!);
    expect((await returnFrom('google', code, state, `${cookie}; oauth_return=settings`)).status).toBe(303);
    const replay = await returnFrom('google', code, state, `${cookie}; oauth_return=settings`);
    expect(replay.headers.get('location')).toBe('/settings/calendars?failed=state');
    expect((await open(cookie, '/settings/calendars?failed=state')).html).toContain('This connection attempt expired or was already used');
    // A reason the page does not know (even one every object has) reads as the general one, never an empty alert.
    expect((await open(cookie, '/settings/calendars?failed=constructor')).html).toContain('The calendar could not be connected');
    // Without the page's cookie the callback is the API's, answering JSON.
    expectError(await api('GET', `/v2/calendars/oauth/google/callback?code=${encodeURIComponent(code)}&state=${encodeURIComponent(state)}`, { token }), 400, 'validation_failed');
  });

  it('any host signs in on /settings/login (the admin is for super admins only); signed out, the page sends them there', async () => {
    const { user } = await makeUser();
    // Back from the provider without a session: to sign-in, not to a JSON 401.
    const lost = await page('/v2/calendars/oauth/google/callback?code=c&state=s', { cookie: 'oauth_return=settings' });
    expect(lost.status).toBe(303);
    expect(lost.headers.get('location')).toBe('/settings/login?next=%2Fsettings%2Fcalendars');
    const away = await page('/settings/calendars');
    expect(away.status).toBe(303);
    expect(away.headers.get('location')).toBe('/settings/login?next=%2Fsettings%2Fcalendars');
    const login = await page('/settings/login?next=/settings/calendars');
    const loginCookie = /settings_login=([^;]+)/.exec(login.headers.get('set-cookie') ?? '')![1];
    const wrong = await page('/settings/login', { cookie: `settings_login=${loginCookie}`, form: { _csrf: csrfIn(login.html)!, next: '/settings/calendars', email: user.email, password: 'not-it' } });
    expect(wrong.status).toBe(401);
    const signed = await page('/settings/login', { cookie: `settings_login=${loginCookie}`, form: { _csrf: csrfIn(login.html)!, next: '/settings/calendars', email: user.email, password: TEST_PASSWORD } });
    expect(signed.status).toBe(303);
    expect(signed.headers.get('location')).toBe('/settings/calendars');
    const session = /session=([^;]+)/.exec(signed.headers.get('set-cookie') ?? '')![1];
    const mine = await open(`session=${session}`);
    expect(mine.html).toContain(user.email);
    // Where a host who finds the admin looks: its sign-in (and its 403 for a host) point here.
    expect((await getPage('/admin/login')).html).toContain('Hosts: your calendars are at <a href="/settings/login">/settings</a>');
    expect((await getPage('/admin/bookings', `session=${session}`)).html).toContain('your calendars are at /settings/calendars');
    // Sign out: a POST with the token; the session is gone.
    expect(mine.html).toContain('action="/settings/logout"');
    const out = await page('/settings/logout', { cookie: `session=${session}`, form: { _csrf: mine.csrf } });
    expect(out.status).toBe(303);
    expect(out.headers.get('location')).toBe('/settings/login');
    expectError(await api('GET', '/v2/me', { token: session }), 401, 'unauthorized');
  });
});

describe('disconnecting from the page', () => {
  it('a confirmation page (no JavaScript), then the POST revokes the Google grant and deletes the connection; another user\'s is a 404, a form without the token is refused', async () => {
    const { token } = await makeUser();
    const other = await makeUser();
    const cookie = `session=${token}`;
    const fake = fakeOAuth({ email: 'ann@gmail.com' });
    serveOAuth(fake, fakeGoogleBusy(fake, {}).handle);
    const id = await oauthDestination('google', token, fake);
    const refresh = [...fake.refreshTokens][0]!;

    const list = await open(cookie);
    expect(list.html).toContain(`href="/settings/calendars/${id}/disconnect"`);
    const confirm = await open(cookie, `/settings/calendars/${id}/disconnect`);
    expect(confirm.html).toContain('Disconnect Google Calendar · ann@gmail.com?');
    expect(confirm.html).toContain('access to your Google account is revoked');
    expect(confirm.html).toContain('Your bookings are written into this calendar');
    expect(confirm.html).toContain(`action="/settings/calendars/${id}/disconnect"`);

    // Another user: the page and the POST are 404s, as for a missing id; without the token (or cross-site): 403.
    const theirs = await open(`session=${other.token}`);
    expect((await page(`/settings/calendars/${id}/disconnect`, { cookie: `session=${other.token}` })).status).toBe(404);
    expect((await page(`/settings/calendars/${id}/disconnect`, { cookie: `session=${other.token}`, form: { _csrf: theirs.csrf } })).status).toBe(404);
    expect((await page('/settings/calendars/999999999/disconnect', { cookie })).status).toBe(404);
    expect((await page(`/settings/calendars/${id}/disconnect`, { cookie, form: {} })).status).toBe(403);
    expect((await page(`/settings/calendars/${id}/disconnect`, { cookie, form: { _csrf: theirs.csrf } })).status).toBe(403);
    expect((await page(`/settings/calendars/${id}/disconnect`, { cookie, form: { _csrf: confirm.csrf }, headers: { origin: 'https://evil.example' } })).status).toBe(403);
    expect(fake.revoked).toEqual([]);
    expect(await dbRow('SELECT count(*) AS n FROM calendar_connections WHERE id = ?', id)).toEqual({ n: 1 });

    const done = await page(`/settings/calendars/${id}/disconnect`, { cookie, form: { _csrf: confirm.csrf } });
    expect(done.status).toBe(303);
    expect(fake.revoked).toEqual([refresh]);
    expect(await dbRow('SELECT count(*) AS n FROM calendar_connections WHERE id = ?', id)).toEqual({ n: 0 });
    expectError(await api('GET', '/v2/calendars/destination', { token }), 404, 'not_found');
    const shown = await after(done, cookie);
    expect(shown.html).toContain('Disconnected ann@gmail.com.');
    expect(shown.html).toContain('No calendar connected yet');
  });
});

describe('busy calendars from the page', () => {
  it('one form of checkboxes chooses them through the sources service; none checked or a foreign calendar is said on the page', async () => {
    const { token } = await makeUser();
    const other = await makeUser();
    const cookie = `session=${token}`;
    const fake = fakeOAuth({ email: 'ann@gmail.com' });
    serveOAuth(fake, fakeGoogleBusy(fake, {}, [{ id: 'ann@gmail.com', summary: 'Ann', primary: true }, { id: 'team@group.calendar.google.com', summary: 'Team' }]).handle);
    const id = await oauthDestination('google', token, fake);

    const before = await open(cookie);
    // Until the host chooses, the main calendar alone counts.
    expect(before.html).toContain(`action="/settings/calendars/${id}/sources"`);
    expect(before.html).toContain('<input type="checkbox" name="selected" value="ann@gmail.com" checked=""/>Ann (main)');
    expect(before.html).toContain('<input type="checkbox" name="selected" value="team@group.calendar.google.com"/>Team');

    const send = vi.mocked(env.CALENDAR_SYNC.send);
    const queued = send.mock.calls.length;
    const saved = await page(`/settings/calendars/${id}/sources`, { cookie, form: { _csrf: before.csrf, selected: ['ann@gmail.com', 'team@group.calendar.google.com'] } });
    expect(saved.status).toBe(303);
    expect((await api('GET', `/v2/calendars/${id}/sources`, { token })).json.data.map((x: any) => [x.id, x.selected])).toEqual([
      ['ann@gmail.com', true],
      ['team@group.calendar.google.com', true],
    ]);
    // As the API's PATCH: the busy time is read again at once.
    expect(send.mock.calls.length).toBe(queued + 1);
    const shown = await after(saved, cookie);
    expect(shown.html).toContain('Saved: 2 calendars of ann@gmail.com count as busy.');
    expect(shown.html).toContain('value="team@group.calendar.google.com" checked=""');

    // Refused choices come back as the page (HTML, 400) with the reason at the form, and change nothing.
    for (const [selected, reason] of [
      [[], 'Check at least one calendar'],
      [['someone@else.com'], 'Not a calendar of this account'],
    ] as const) {
      const refused = await page(`/settings/calendars/${id}/sources`, { cookie, form: { _csrf: before.csrf, selected: [...selected] } });
      expect(refused.status).toBe(400);
      expect(refused.headers.get('content-type')).toMatch(/^text\/html/);
      expect(refused.html).toMatch(new RegExp(`id="sources-${id}"><input type="hidden" name="_csrf" value="[^"]+"/><div class="errors" role="alert">${reason}`));
    }
    expect((await api('GET', `/v2/calendars/${id}/sources`, { token })).json.data.every((x: any) => x.selected)).toBe(true);
    const theirs = await open(`session=${other.token}`);
    expect((await page(`/settings/calendars/${id}/sources`, { cookie: `session=${other.token}`, form: { _csrf: theirs.csrf, selected: 'ann@gmail.com' } })).status).toBe(404);
    expect((await page(`/settings/calendars/${id}/sources`, { cookie, form: { selected: 'ann@gmail.com' } })).status).toBe(403);
    // A CalDAV calendar is one calendar: no choice to make, said in words.
    const dav = await caldavDestination(token);
    const notOauth = await page(`/settings/calendars/${dav}/sources`, { cookie, form: { _csrf: before.csrf, selected: 'x' } });
    expect(notOauth.status).toBe(400);
    expect(notOauth.html).toContain('Only a Google or Outlook account has calendars to choose from.');
    // Google stopped letting us in: the provider's refusal is said at the account (and no form is offered after).
    await env.DB.prepare('UPDATE calendar_connections SET reauth_required = 1 WHERE id = ?').bind(id).run();
    const stale = await page(`/settings/calendars/${id}/sources`, { cookie, form: { _csrf: before.csrf, selected: 'ann@gmail.com' } });
    expect(stale.status).toBe(409);
    expect(stale.html).toMatch(new RegExp(`id="calendar-${id}"[^]*<div class="errors" role="alert">[^<]*connected again`));
    expect(stale.html).not.toContain(`id="sources-${id}"`);
  });
});

describe('adding a calendar by address from the page', () => {
  it('an ICS feed and a CalDAV calendar, each through the API\'s validation and address guard; refusals are shown at their field', async () => {
    quietSyncs();
    const { token, user } = await makeUser();
    const cookie = `session=${token}`;
    const { csrf, html } = await open(cookie);
    for (const id of ['ics-url', 'ics-name', 'caldav-url', 'caldav-username', 'caldav-password', 'caldav-calendar_path', 'caldav-name']) {
      expect(html).toContain(`<label for="${id}">`);
      expect(html).toContain(`id="${id}"`);
    }
    const add = (kind: string, fields: Record<string, string>) => page(`/settings/calendars/add/${kind}`, { cookie, form: { _csrf: csrf, ...fields } });
    /** The refused page: 400 HTML (never JSON), the message next to the field, linked from the summary. */
    const refusedAt = async (res: Awaited<ReturnType<typeof add>>, field: string, message: string | RegExp, status = 400) => {
      expect(res.status).toBe(status);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      const at = new RegExp(`<div class="field invalid"><label for="${field}">[^<]*</label><input[^>]*id="${field}"[^>]*/>(<span class="hint">[^<]*</span>)?<span class="error">([^<]*)</span>`).exec(res.html);
      expect(at?.[2]).toMatch(message);
      expect(res.html).toContain(`<a href="#${field}">`);
      return res.html;
    };

    await refusedAt(await add('ics', { url: ' ', name: '' }), 'ics-url', 'Enter the address of the calendar');
    // The address guard of the API (production refuses private and plain-http addresses); what was typed stays.
    const guarded = await refusedAt(await add('ics', { url: 'https://10.0.0.5/cal.ics', name: 'Office' }), 'ics-url', /private|reserved|not allowed/i);
    expect(guarded).toContain('value="https://10.0.0.5/cal.ics"');
    expect(guarded).toContain('value="Office"');
    await refusedAt(await add('ics', { url: 'https://example.com/cal.ics', name: 'x'.repeat(101) }), 'ics-name', /100/);
    // CalDAV: each missing credential at its field; the password is never sent back.
    const missing = await refusedAt(await add('caldav', { url: 'https://dav.example.com/cal/', username: 'ann', password: '' }), 'caldav-password', 'Enter the password');
    expect(missing).toContain('value="ann"');
    const path = await refusedAt(await add('caldav', { url: 'https://dav.example.com/', username: 'ann', password: 'dav-secret-1', calendar_path: 'https://127.0.0.1/x/' }), 'caldav-calendar_path', /.+/);
    expect(path).not.toContain('dav-secret-1');
    expect(await dbRow('SELECT count(*) AS n FROM calendar_connections WHERE owner_id = ?', user.id)).toEqual({ n: 0 });

    const ics = await add('ics', { url: 'webcal://calendar.example.com/private-5ecret/basic.ics', name: '' });
    expect(ics.status).toBe(303);
    expect((await after(ics, cookie)).html).toContain('Added https://calendar.example.com/…: its busy time is read in a moment.');
    const dav = await add('caldav', { url: 'https://dav.example.com/', username: 'ann', password: 'dav-secret-1', calendar_path: '/calendars/ann/work/', name: 'Work' });
    expect(dav.status).toBe(303);
    const listed = (await api('GET', '/v2/calendars', { token })).json.data;
    expect(listed.map((c: any) => [c.kind, c.name, c.url, c.status])).toEqual([
      ['ics', null, 'https://calendar.example.com/…', 'pending'],
      ['caldav', 'Work', 'https://dav.example.com/…', 'pending'],
    ]);
    const shown = await after(dav, cookie);
    expect(shown.html).toContain(`id="calendar-${listed[1].id}"`);
    expect(shown.html).toContain(`<option value="${listed[1].id}">`);
    expect(shown.html).not.toContain('5ecret');
    expect(shown.html).not.toContain('dav-secret-1');

    // The API's limit, said on the page; an unknown kind is no page; a form without the token is refused.
    for (let i = 0; i < 8; i++) await api('POST', '/v2/calendars', { token, body: { kind: 'ics', url: `https://calendar.example.com/${i}.ics` } });
    const full = await add('ics', { url: 'https://calendar.example.com/11.ics' });
    expect(full.status).toBe(409);
    expect(full.html).toContain(esc('A host can connect at most 10 calendars: disconnect one first.'));
    expect((await add('google', { url: 'https://calendar.example.com/x.ics' })).status).toBe(404);
    expect((await page('/settings/calendars/add/ics', { cookie, form: { url: 'https://calendar.example.com/x.ics' } })).status).toBe(403);
  });

  it('is one server-rendered page for a phone and for no JavaScript: viewport, no script, strict CSP, light and dark', async () => {
    const { token } = await makeUser();
    const res = await open(`session=${token}`);
    expect(res.html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1"/>');
    expect(res.html).not.toMatch(/<script|\son[a-z]+=/i);
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toMatch(/script-src 'none'|default-src 'none'/);
    expect(csp).not.toContain('unsafe-inline');
    expect(res.html).toContain('body.settings { color-scheme: light dark; }');
    expect(res.html).toContain('@media (prefers-color-scheme: dark)');
  });
});

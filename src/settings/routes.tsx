// The host's own pages at /settings, a reserved username (issue #28, "connect a calendar in three clicks"): sign in, see
// your calendar connections, Connect Google / Connect Outlook (a POST that starts the OAuth flow and sends the browser to the
// provider), come back to the page, and choose the calendar bookings are written into; then choose which of an
// account's calendars count as busy, add an ICS feed or CalDAV calendar by address, or disconnect one (a confirmation
// page, then a POST). Every change runs through the same service as the API (src/calendars/service.ts). Mounted by
// src/app.ts.
//
// Any active user signs in here (the admin is for super admins only), with the same logIn, throttle and session cookie
// as POST /v2/auth/login. Every POST carries a CSRF token bound to the session (src/web/csrf.ts) on top of hono/csrf's
// Origin check; a super admin acts for themselves only. The provider sends the browser back to the API's callback (the
// one redirect URI registered with it): `oauthReturnRoutes` answers it for a flow started here (a short-lived cookie
// says so) with a redirect to the page instead of JSON.
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { HTTPException } from 'hono/http-exception';
import { csrf } from 'hono/csrf';
import { createMiddleware } from 'hono/factory';
import type { SecureHeadersVariables } from 'hono/secure-headers';
import { loadUser, SESSION_COOKIE, sessionToken } from '../auth/middleware';
import { userForToken } from '../auth/sessions';
import { logOut, setSessionCookie } from '../auth/service';
import { finishAuthorization, startAuthorization } from '../calendars/oauth';
import { oauthClient } from '../calendars/oauth-providers';
import { enqueueSync } from '../calendars/queue';
import { connectionStatus, listConnections, MAX_CONNECTIONS_PER_HOST } from '../calendars/repo';
import { createCalendarBody, patchSourcesBody } from '../calendars/schemas';
import { addConnection, chooseBusyCalendars, disconnect } from '../calendars/service';
import { listSources } from '../calendars/sources';
import { findDestination, upsertDestination } from '../calendars/writeback-repo';
import { OAUTH_PROVIDERS, type CalendarConnection, type OAuthProvider, type User } from '../db/schema';
import type { Bindings, Variables } from '../env';
import { randomToken } from '../lib/crypto';
import { ApiError } from '../lib/errors';
import { toIssues } from '../lib/validation';
import { CSRF_FIELD, csrfToken, csrfTokenValid } from '../web/csrf';
import { signInWithForm } from '../web/sign-in';
import { field, formOf, setFlash, takeFlash, type Flash } from '../web/http';
import { allowFormsTo, noStore, pageSecurityHeaders } from '../web/security';
import { AccountError, CalendarsPage, DisconnectPage, LoginPage, type AccountPage, type AddAttempt, type AddKind, type CalendarsView, type DestinationChoice, type LoginState } from './pages';

interface AccountEnv {
  Bindings: Bindings;
  Variables: Variables & SecureHeadersVariables & { csrf: string };
}
type Ctx = Context<AccountEnv>;

export const CALENDARS_PAGE = '/settings/calendars';
const LOGIN_COOKIE = 'settings_login';
const FLASH_COOKIE = { name: 'settings_flash', path: '/settings' };
/** Set when the connect page starts a flow: the provider's return then lands on the page, not on JSON. */
export const OAUTH_RETURN_COOKIE = 'oauth_return';
const OAUTH_RETURN_PATH = '/v2/calendars/oauth';
/** Where the consent pages live: the page's forms may end there (a form's redirects are held to `form-action`). */
const PROVIDER_ORIGINS = ['https://accounts.google.com', 'https://login.microsoftonline.com'];

const pageOf = (c: Ctx): AccountPage => ({ user: c.get('user'), csrf: c.get('csrf') ?? '', nonce: c.get('secureHeadersNonce') ?? '', flash: takeFlash(c, FLASH_COOKIE) });
const tokenOf = (c: Ctx) => sessionToken(c.req.header('authorization'), getCookie(c, SESSION_COOKIE));
const back = (c: Ctx, flash?: Flash) => {
  if (flash) setFlash(c, flash, FLASH_COOKIE);
  return c.redirect(CALENDARS_PAGE, 303);
};
const errorPage = (c: Ctx, status: 400 | 403 | 404 | 409, title: string, text: string) => c.html(<AccountError page={pageOf(c)} title={title}>{text}</AccountError>, status);
const FORGED = 'This form has expired or did not come from this site. Go back, reload the page and try again.';

/** A path inside /settings to come back to after sign-in; anything else falls back to the calendars page. */
const safeNext = (v: unknown) => (typeof v === 'string' && /^\/settings\/[A-Za-z0-9/_-]*$/.test(v) ? v : CALENDARS_PAGE);

async function renderLogin(c: Ctx, state: LoginState) {
  let secret = getCookie(c, LOGIN_COOKIE);
  if (!secret) {
    secret = randomToken();
    setCookie(c, LOGIN_COOKIE, secret, { path: '/settings/login', httpOnly: true, secure: true, sameSite: 'Strict', maxAge: 3600 });
  }
  return c.html(<LoginPage page={pageOf(c)} token={await csrfToken(secret, 'login')} state={state} />, state.status ?? 200);
}

const signedIn = createMiddleware<AccountEnv>(async (c, next) => {
  if (!c.get('user')) return c.redirect(c.req.method === 'GET' ? `/settings/login?next=${encodeURIComponent(c.req.path)}` : '/settings/login', 303);
  if (c.req.method === 'POST') {
    const form = await formOf(c);
    if (!form || !(await csrfTokenValid(tokenOf(c), 'session', form.get(CSRF_FIELD)))) return errorPage(c, 403, 'Form refused', FORGED);
  }
  await next();
});

const providerOf = (raw: string | undefined): OAuthProvider | null => ((OAUTH_PROVIDERS as readonly string[]).includes(raw ?? '') ? (raw as OAuthProvider) : null);

/** The host's own connections (a super admin's too: here they act for themselves). */
async function ownConnections(c: Ctx, user: User): Promise<CalendarConnection[]> {
  return (await listConnections(c.var.db, user, { afterId: 0, limit: MAX_CONNECTIONS_PER_HOST, ownerId: user.id })).filter((x) => x.ownerId === user.id);
}

/** One of the host's own connections by its id in the path (a super admin's page shows their own only, too). */
async function ownConnection(c: Ctx, user: User, id: string): Promise<CalendarConnection | undefined> {
  return (await ownConnections(c, user)).find((x) => x.id === Number(id));
}
// Another user's connection is as absent as a missing one.
const notYours = (c: Ctx) => errorPage(c, 404, 'Not found', 'There is no such calendar among yours.');

/** The form fields of each "add by address" form (the API body's, less owner_id and the flags). */
const ADD_FIELDS: Record<AddKind, string[]> = { ics: ['url', 'name'], caldav: ['url', 'username', 'password', 'calendar_path', 'name'] };
const ADD_REQUIRED: Record<AddKind, string[]> = { ics: ['url'], caldav: ['url', 'username', 'password'] };
const REQUIRED_MESSAGES: Record<string, string> = {
  url: 'Enter the address of the calendar',
  username: 'Enter the user name of the CalDAV account',
  password: 'Enter the password (an app-specific one where the server offers it)',
};

/** The Calendars page, or the page again with a refused form's state (then with its 4xx status). */
async function renderCalendars(c: Ctx, refused: Pick<CalendarsView, 'add' | 'sourcesError'> = {}, status: 200 | 400 | 409 = 200) {
  const user = c.get('user')!;
  const now = Date.now();
  const [connections, destination] = await Promise.all([ownConnections(c, user), findDestination(c.var.db.$client, user.id)]);
  const choices: DestinationChoice[] = await Promise.all(
    connections
      .filter((x) => x.kind !== 'ics')
      .map(async (x) => {
        if (x.kind === 'caldav' || x.reauthRequired) return { connection: x, calendars: null };
        // The account's calendars, read live; if the provider cannot say now, its main calendar is still offered.
        const calendars = await listSources(c.var.db.$client, c.env, x, now).catch(() => null);
        return { connection: x, calendars };
      }),
  );
  const connectedId = Number(c.req.query('connected'));
  const failed = c.req.query('failed');
  const view: CalendarsView = {
    connections: connections.map((x) => ({ c: x, status: connectionStatus(x, now) })),
    providers: OAUTH_PROVIDERS.filter((p) => oauthClient(c.env, p) !== null),
    choices,
    destination: destination ? (destination.calendarId ? `${destination.connectionId}:${destination.calendarId}` : String(destination.connectionId)) : null,
    connected: connections.find((x) => x.id === connectedId) ?? null,
    failed: failed === undefined ? null : Object.hasOwn(FAILURES, failed) ? FAILURES[failed]! : FAILURES.other!,
    ...refused,
  };
  return c.html(<CalendarsPage page={pageOf(c)} view={view} />, status);
}

export const settingsRoutes = new Hono<AccountEnv>()
  // Outside the security headers, so it edits the CSP they set: the connect forms end on the providers' consent pages
  // (the page is also rendered by its own POSTs, a refused form shown again).
  .use(async (c, next) => {
    await next();
    if (c.req.path.startsWith(CALENDARS_PAGE)) allowFormsTo(c.res.headers, PROVIDER_ORIGINS);
  })
  .use(pageSecurityHeaders())
  .use(noStore)
  .use(bodyLimit({ maxSize: 16 * 1024, onError: (c) => c.text('The submitted form is too large.', 413) }))
  .use(csrf())
  .use(loadUser)
  .use(async (c, next) => {
    const token = tokenOf(c);
    if (token && c.get('user')) c.set('csrf', await csrfToken(token, 'session'));
    await next();
  })
  .get('/', (c) => c.redirect(CALENDARS_PAGE, 302))
  .get('/login', async (c) => {
    const next = safeNext(c.req.query('next'));
    if (c.get('user')) return c.redirect(next, 303);
    return renderLogin(c, { email: '', next });
  })
  .post('/login', async (c) => {
    const form = await formOf(c);
    if (!form || !(await csrfTokenValid(getCookie(c, LOGIN_COOKIE), 'login', form.get(CSRF_FIELD)))) return errorPage(c, 403, 'Form refused', FORGED);
    const state: LoginState = { email: field(form, 'email'), next: safeNext(field(form, 'next')) };
    const signedIn = await signInWithForm(c, form);
    if (!signedIn.ok) return renderLogin(c, { ...state, status: signedIn.status, issues: signedIn.issues, message: signedIn.message });
    const { session } = signedIn;
    setSessionCookie(c, session.token, session.expiresAt);
    deleteCookie(c, LOGIN_COOKIE, { path: '/settings/login', secure: true });
    return c.redirect(state.next, 303);
  })
  .use(signedIn)
  .post('/logout', async (c) => {
    await logOut(c, c.var.db, tokenOf(c));
    return c.redirect('/settings/login', 303);
  })
  .get('/calendars', (c) => renderCalendars(c))
  // Click one: the provider's consent page, for this user and session (the state binds both).
  .post('/calendars/connect/:provider', async (c) => {
    const provider = providerOf(c.req.param('provider'));
    if (!provider || !oauthClient(c.env, provider)) return errorPage(c, 404, 'Not available', 'This calendar provider is not set up on this server.');
    const started = await startAuthorization(c.var.db.$client, c.env, c.get('user')!, tokenOf(c)!, provider, Date.now());
    // Lax: the provider's redirect back is a top-level navigation from its site, which must carry it.
    setCookie(c, OAUTH_RETURN_COOKIE, 'settings', { path: OAUTH_RETURN_PATH, httpOnly: true, secure: true, sameSite: 'Lax', maxAge: 600 });
    return c.redirect(started.authorization_url, 303);
  })
  // Click three: the calendar bookings are written into (`<connection id>` or `<connection id>:<calendar id>`).
  .post('/calendars/destination', async (c) => {
    const user = c.get('user')!;
    const form = (await formOf(c))!;
    const m = /^([1-9]\d{0,14})(?::(.{1,500}))?$/s.exec(field(form, 'calendar'));
    if (!m) return errorPage(c, 400, 'Choose a calendar', 'Choose the calendar your bookings are written into.');
    const connection = (await ownConnections(c, user)).find((x) => x.id === Number(m[1]));
    // Another user's connection is as absent as a missing one.
    if (!connection) return errorPage(c, 404, 'Not found', 'There is no such calendar among yours.');
    if (connection.kind === 'ics') return errorPage(c, 400, 'Read-only calendar', 'An ICS subscription is read-only: choose a CalDAV, Google or Outlook calendar.');
    const calendarId = connection.kind === 'caldav' ? null : (m[2] ?? null);
    await upsertDestination(c.var.db.$client, connection, calendarId, Date.now());
    return back(c, { kind: 'ok', text: `Your bookings will be written into ${connection.account ?? connection.name ?? 'this calendar'}.` });
  })
  // Disconnect: a confirmation page (a link, so no JavaScript is needed), then the POST it holds.
  .get('/calendars/:id{[1-9][0-9]{0,14}}/disconnect', async (c) => {
    const user = c.get('user')!;
    const found = await ownConnection(c, user, c.req.param('id'));
    if (!found) return notYours(c);
    const destination = await findDestination(c.var.db.$client, user.id);
    return c.html(<DisconnectPage page={pageOf(c)} c={found} destination={destination?.connectionId === found.id} />);
  })
  .post('/calendars/:id{[1-9][0-9]{0,14}}/disconnect', async (c) => {
    const found = await ownConnection(c, c.get('user')!, c.req.param('id'));
    if (!found) return notYours(c);
    await disconnect(c.env, c.var.db, found);
    return back(c, { kind: 'ok', text: `Disconnected ${found.account ?? found.name ?? 'the calendar'}.` });
  })
  // Google / Outlook: the checked calendars count as busy (the API's PATCH /v2/calendars/{id}/sources).
  .post('/calendars/:id{[1-9][0-9]{0,14}}/sources', async (c) => {
    const found = await ownConnection(c, c.get('user')!, c.req.param('id'));
    if (!found) return notYours(c);
    if (found.kind !== 'google' && found.kind !== 'microsoft') return errorPage(c, 400, 'Not possible', 'Only a Google or Outlook account has calendars to choose from.');
    const parsed = patchSourcesBody.safeParse({ selected: (await formOf(c))!.getAll('selected').filter((v) => typeof v === 'string') });
    const refuse = (message: string, status: 400 | 409) => renderCalendars(c, { sourcesError: { connectionId: found.id, message } }, status);
    if (!parsed.success) return refuse('Check at least one calendar (at most 25).', 400);
    try {
      const sources = await chooseBusyCalendars(c.var.db.$client, c.env, found, parsed.data.selected, Date.now());
      const n = sources.filter((x) => x.selected).length;
      return back(c, { kind: 'ok', text: `Saved: ${n} calendar${n === 1 ? '' : 's'} of ${found.account ?? found.name ?? 'this account'} count as busy.` });
    } catch (error) {
      if (error instanceof ApiError && (error.status === 400 || error.status === 409)) return refuse(error.issues?.[0]?.message ?? error.message, error.status);
      throw error;
    }
  })
  // An ICS feed or a CalDAV calendar by address: the API's body, validation and address guard.
  .post('/calendars/add/:kind{ics|caldav}', async (c) => {
    const kind = c.req.param('kind') as AddKind;
    const form = (await formOf(c))!;
    const values = Object.fromEntries(ADD_FIELDS[kind].map((name) => [name, field(form, name)]));
    const refuse = (attempt: Omit<AddAttempt, 'kind' | 'values'>, status: 400 | 409) => renderCalendars(c, { add: { kind, values, ...attempt } }, status);
    const missing = ADD_REQUIRED[kind].filter((name) => values[name]!.trim() === '');
    if (missing.length) return refuse({ issues: missing.map((name) => ({ path: name, message: REQUIRED_MESSAGES[name]! })) }, 400);
    // Blank optional fields are absent, as if the API's JSON had left them out.
    const body = Object.fromEntries(Object.entries(values).filter(([, v]) => v.trim() !== ''));
    const parsed = createCalendarBody.safeParse({ kind, ...body });
    if (!parsed.success) return refuse({ issues: toIssues(parsed.error) }, 400);
    let created: CalendarConnection;
    try {
      created = await addConnection(c.var.db.$client, c.env, c.get('user')!.id, parsed.data, Date.now());
    } catch (error) {
      if (error instanceof ApiError && error.status === 400) return refuse({ issues: error.issues ?? [], message: error.issues?.length ? undefined : error.message }, 400);
      if (error instanceof ApiError && error.status === 409) return refuse({ message: `${error.message}: disconnect one first.`, issues: [] }, 409);
      throw error;
    }
    return back(c, { kind: 'ok', text: `Added ${created.name ?? created.urlDisplay}: its busy time is read in a moment.` });
  })
  .all('*', (c) => errorPage(c, 404, 'Not found', 'There is no page at this address.'))
  .onError((err, c) => {
    if (err instanceof ApiError && (err.status === 400 || err.status === 403 || err.status === 404 || err.status === 409)) return errorPage(c, err.status, 'Not possible', err.message);
    // hono/csrf refuses a cross-origin form post with a bare 403.
    if (err instanceof HTTPException && err.status === 403) return errorPage(c, 403, 'Form refused', FORGED);
    throw err;
  });

/** What the page says when the provider's return failed (the API's reasons, by the field they concern). */
const FAILURES: Record<string, string> = {
  denied: 'The provider did not grant access. Nothing was connected.',
  state: 'This connection attempt expired or was already used. Click Connect again.',
  code: 'The provider refused the authorization. Click Connect again.',
  limit: `You have connected the most calendars a host can (${MAX_CONNECTIONS_PER_HOST}).`,
  other: 'The calendar could not be connected. Try again in a moment.',
};

function failureKey(error: unknown): string {
  if (!(error instanceof ApiError)) return 'other';
  if (error.code === 'conflict') return 'limit';
  const path = error.issues?.[0]?.path;
  if (path === 'error') return 'denied';
  if (path === 'state' || path === 'code') return path;
  return 'other';
}

/**
 * Click two's end: the provider sends the browser back to `/v2/calendars/oauth/{provider}/callback`. For a flow the
 * page started (its cookie), the connection is made exactly as the API makes it, then the browser returns to the page
 * showing it (or why it failed); any other request goes on to the API's JSON callback.
 */
export const oauthReturnRoutes = new Hono<AccountEnv>().get('/:provider/callback', async (c, next) => {
  const provider = providerOf(c.req.param('provider'));
  // Not the page's flow: the API's callback, untouched (and its one session read, not two).
  if (getCookie(c, OAUTH_RETURN_COOKIE) !== 'settings' || !provider) return next();
  deleteCookie(c, OAUTH_RETURN_COOKIE, { path: OAUTH_RETURN_PATH, secure: true });
  c.header('Cache-Control', 'no-store');
  const token = tokenOf(c);
  const user = token ? await userForToken(c.var.db, token) : null;
  if (!user || !token) return c.redirect(`/settings/login?next=${encodeURIComponent(CALENDARS_PAGE)}`, 303);
  const now = Date.now();
  try {
    const { connection } = await finishAuthorization(c.var.db.$client, c.env, user, token, provider, c.req.query(), now);
    if (connection.enabled) await enqueueSync(c.env, connection.id, now);
    return c.redirect(`${CALENDARS_PAGE}?connected=${connection.id}`, 303);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return c.redirect(`${CALENDARS_PAGE}?failed=${failureKey(error)}`, 303);
  }
});

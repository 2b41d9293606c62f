// Signing in and out of the admin. Sign-in goes through the same logIn and session cookie as POST /v2/auth/login.
import { Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { FC } from 'hono/jsx';
import { randomToken } from '../lib/crypto';
import { logOut, setSessionCookie } from '../auth/service';
import { deleteSession } from '../auth/sessions';
import type { ErrorIssue } from '../lib/errors';
import { CSRF_FIELD, csrfToken, csrfTokenValid } from '../web/csrf';
import { signInWithForm } from '../web/sign-in';
import { errorPage, FORGED_FORM } from './errors';
import { currentSessionToken, field, formOf, pageOf, redirectWith, safeReturn, type AdminContext, type AdminEnv, type Page } from './http';
import { CsrfField, ErrorSummary, Field, Layout } from './layout';

export const HOME = '/admin/bookings';

// Before sign-in there is no session to bind a CSRF token to, so the login form gets its own random secret in a
// cookie scoped to this one path: a forged cross-site login (into the attacker's account) cannot know it.
const LOGIN_COOKIE = 'admin_login';

interface LoginState {
  email: string;
  next: string;
  status?: 400 | 401 | 403 | 429;
  message?: string;
  issues?: ErrorIssue[];
}

const LoginPage: FC<{ page: Page; token: string; state: LoginState }> = ({ page, token, state }) => (
  <Layout page={page} title="Sign in">
    <div class="login panel">
      <h1>Sign in</h1>
      <p class="sub">
        Super admins only. Hosts: your calendars are at <a href="/settings/login">/settings</a>.
      </p>
      <br />
      <ErrorSummary message={state.message} issues={state.issues ?? []} />
      <form method="post" action="/admin/login" class="stack" id="login-form">
        <CsrfField token={token} />
        <input type="hidden" name="next" value={state.next} />
        <Field label="Email" name="email" issues={state.issues}>
          <input type="email" id="email" name="email" value={state.email} autocomplete="username" required autofocus />
        </Field>
        <br />
        <Field label="Password" name="password" issues={state.issues}>
          <input type="password" id="password" name="password" autocomplete="current-password" required />
        </Field>
        <br />
        <button type="submit" class="btn primary">
          Sign in
        </button>
      </form>
    </div>
  </Layout>
);

async function renderLogin(c: AdminContext, state: LoginState) {
  let secret = getCookie(c, LOGIN_COOKIE);
  if (!secret) {
    secret = randomToken();
    setCookie(c, LOGIN_COOKIE, secret, { path: '/admin/login', httpOnly: true, secure: true, sameSite: 'Strict', maxAge: 3600 });
  }
  return c.html(<LoginPage page={pageOf(c)} token={await csrfToken(secret, 'login')} state={state} />, state.status ?? 200);
}

export const sessionPages = new Hono<AdminEnv>()
  .get('/login', async (c) => {
    const next = safeReturn(c.req.query('next'), HOME);
    if (c.get('user')?.role === 'super_admin') return c.redirect(next, 303);
    return renderLogin(c, { email: '', next });
  })
  .post('/login', async (c) => {
    const form = await formOf(c);
    if (!form || !(await csrfTokenValid(getCookie(c, LOGIN_COOKIE), 'login', form.get(CSRF_FIELD)))) {
      return errorPage(c, 403, FORGED_FORM);
    }
    const state: LoginState = { email: field(form, 'email'), next: safeReturn(field(form, 'next'), HOME) };
    const signedIn = await signInWithForm(c, form);
    if (!signedIn.ok) return renderLogin(c, { ...state, status: signedIn.status, issues: signedIn.issues, message: signedIn.message });
    const { session } = signedIn;
    if (session.user.role !== 'super_admin') {
      // The credentials are right but this door is not theirs: leave no session behind.
      await deleteSession(c.var.db, session.token);
      return renderLogin(c, { ...state, status: 403, message: 'This account is not a super admin. The admin is for super admins only; hosts sign in at /settings/login.' });
    }
    setSessionCookie(c, session.token, session.expiresAt);
    deleteCookie(c, LOGIN_COOKIE, { path: '/admin/login', secure: true });
    return c.redirect(state.next, 303);
  })
  // Open to any signed-in user (a non-admin on the 403 page must be able to switch accounts).
  .post('/logout', async (c) => {
    const token = currentSessionToken(c);
    if (!c.get('user') || !token) return c.redirect('/admin/login', 303);
    const form = await formOf(c);
    if (!form || !(await csrfTokenValid(token, 'session', form.get(CSRF_FIELD)))) return errorPage(c, 403, FORGED_FORM);
    await logOut(c, c.var.db, token);
    return redirectWith(c, '/admin/login', { kind: 'ok', text: 'You are signed out.' });
  });

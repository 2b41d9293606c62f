// The admin's door: who gets in (super admins only), signing in and out, CSRF on every form, secure headers.
import { describe, expect, it } from 'vitest';
import { csrfToken } from '../src/web/csrf';
import {
  api,
  csrfIn,
  dbCount,
  esc,
  eventTypeForm,
  type Fields,
  follow,
  getPage,
  makeAdmin,
  makeUser,
  postForm,
  signedInAdmin,
  TEST_PASSWORD,
} from './helpers';

describe('admin access', () => {
  it('sends an anonymous visitor to the login page, remembering where they were going', async () => {
    const res = await getPage('/admin/bookings');
    expect(res.status).toBe(302);
    expect(res.location).toBe('/admin/login?next=%2Fadmin%2Fbookings');
    expect((await getPage('/admin/webhooks?cursor=x')).location).toBe('/admin/login?next=%2Fadmin%2Fwebhooks%3Fcursor%3Dx');
    expect((await getPage('/admin')).location).toBe('/admin/login?next=%2Fadmin');
  });

  it('sends an anonymous form post to the login page and changes nothing', async () => {
    const host = await makeUser();
    const form = eventTypeForm(host.user.id);
    const res = await postForm('/admin/event-types', form);
    expect(res.status).toBe(303);
    expect(res.location).toBe('/admin/login');
    expect(await dbCount('SELECT COUNT(*) AS n FROM booking_event_types WHERE slug = ?', form.slug)).toBe(0);
  });

  it('answers a signed-in user who is not a super admin with a 403 page that offers to sign out', async () => {
    const { token } = await makeUser();
    const res = await getPage('/admin/bookings', `session=${token}`);
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.html).toContain('not a super admin');
    expect(res.html).toContain('action="/admin/logout"');
    expect(res.html).not.toContain('class="tab');
    // Their form posts are refused the same way, and change nothing.
    const form = await postForm('/admin/event-types', { _csrf: await csrfToken(token, 'session'), ...eventTypeForm(1) }, { cookie: `session=${token}` });
    expect(form.status).toBe(403);
  });

  it('shows a super admin every tab', async () => {
    const { cookie } = await signedInAdmin();
    for (const [path, heading] of [
      ['/admin/event-types', 'Event Types'],
      ['/admin/bookings', 'Bookings'],
      ['/admin/webhooks', 'Webhooks'],
    ] as const) {
      const res = await getPage(path, cookie);
      expect(res.status, path).toBe(200);
      expect(res.html).toMatch(/^<!doctype html>/);
      expect(res.html).toContain(`<h1>${heading}</h1>`);
      expect(res.html).toMatch(new RegExp(`<a href="${path}" class="tab active" aria-current="page">`));
    }
    expect((await getPage('/admin', cookie)).location).toBe('/admin/bookings');
  });

  it('answers unknown admin paths and ids with an HTML 404 page', async () => {
    const { cookie } = await signedInAdmin();
    for (const path of ['/admin/nope', '/admin/event-types/99999999/edit', '/admin/event-types/abc/edit', '/admin/webhooks/99999999/deliveries']) {
      const res = await getPage(path, cookie);
      expect(res.status, path).toBe(404);
      expect(res.html, path).toContain('<h1>Not found</h1>');
    }
  });

  it('renders a bad request as a page, not JSON or a stack trace', async () => {
    const { cookie } = await signedInAdmin();
    const res = await getPage('/admin/event-types?cursor=!!!', cookie);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.html).toContain('Invalid cursor');
    expect(res.html).not.toMatch(/at .*\.ts:\d+/);
  });
});

describe('admin login and logout', () => {
  async function loginForm() {
    const page = await getPage('/admin/login');
    expect(page.status).toBe(200);
    const secret = page.cookies.admin_login!;
    expect(secret).toBeTruthy();
    return { secret, csrf: csrfIn(page.html)! };
  }

  const login = async (fields: Fields, form?: { secret: string; csrf: string }) => {
    const f = form ?? (await loginForm());
    return postForm('/admin/login', { _csrf: f.csrf, ...fields }, { cookie: `admin_login=${f.secret}` });
  };

  it('signs a super admin in with the session cookie and sends them to the bookings tab', async () => {
    const { user } = await makeAdmin();
    const res = await login({ email: user.email, password: TEST_PASSWORD, next: '/admin/bookings' });
    expect(res.status).toBe(303);
    expect(res.location).toBe('/admin/bookings');
    const setCookie = res.headers.getAll('set-cookie').find((c) => c.startsWith('session='))!;
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    expect(setCookie).toMatch(/Secure/i);
    expect(setCookie).toMatch(/Path=\//);
    const home = await getPage('/admin/bookings', `session=${res.cookies.session}`);
    expect(home.status).toBe(200);
    expect(home.html).toContain(user.email);
  });

  it('goes back to the page asked for, but never off the admin', async () => {
    const { user } = await makeAdmin();
    expect((await login({ email: user.email, password: TEST_PASSWORD, next: '/admin/webhooks' })).location).toBe('/admin/webhooks');
    for (const next of ['https://evil.example/', '//evil.example/admin/', '/v2/me', 'javascript:alert(1)']) {
      expect((await login({ email: user.email, password: TEST_PASSWORD, next })).location, next).toBe('/admin/bookings');
    }
  });

  it('shows a wrong password in the page and opens no session', async () => {
    const { user } = await makeAdmin();
    const before = await dbCount('SELECT COUNT(*) AS n FROM sessions WHERE user_id = ?', user.id);
    const res = await login({ email: user.email, password: 'not the password' });
    expect(res.status).toBe(401);
    expect(res.html).toContain('Invalid email or password');
    expect(res.html).toContain(`value="${user.email}"`);
    expect(res.cookies.session).toBeUndefined();
    expect(await dbCount('SELECT COUNT(*) AS n FROM sessions WHERE user_id = ?', user.id)).toBe(before);
  });

  it("shows the API's validation message for a malformed email", async () => {
    const res = await login({ email: 'not-an-email', password: 'x' });
    expect(res.status).toBe(400);
    const apiRes = await api('POST', '/v2/auth/login', { body: { email: 'not-an-email', password: 'x' } });
    expect(res.html).toContain(esc(apiRes.json.error.issues[0].message));
  });

  it('refuses a user who is not a super admin and leaves no session behind', async () => {
    const { user } = await makeUser();
    const before = await dbCount('SELECT COUNT(*) AS n FROM sessions WHERE user_id = ?', user.id);
    const res = await login({ email: user.email, password: TEST_PASSWORD });
    expect(res.status).toBe(403);
    expect(res.html).toContain('not a super admin');
    expect(res.cookies.session).toBeUndefined();
    expect(await dbCount('SELECT COUNT(*) AS n FROM sessions WHERE user_id = ?', user.id)).toBe(before);
  });

  it('refuses a login post without the login form token', async () => {
    const { user } = await makeAdmin();
    const { secret } = await loginForm();
    const res = await postForm('/admin/login', { email: user.email, password: TEST_PASSWORD }, { cookie: `admin_login=${secret}` });
    expect(res.status).toBe(403);
    expect(res.cookies.session).toBeUndefined();
    // A token from another browser's login page does not fit this browser's cookie either.
    const other = await loginForm();
    const forged = await postForm('/admin/login', { _csrf: other.csrf, email: user.email, password: TEST_PASSWORD }, { cookie: `admin_login=${secret}` });
    expect(forged.status).toBe(403);
  });

  it('sends a signed-in super admin straight past the login page', async () => {
    const { cookie } = await signedInAdmin();
    const res = await getPage('/admin/login?next=%2Fadmin%2Fwebhooks', cookie);
    expect(res.status).toBe(303);
    expect(res.location).toBe('/admin/webhooks');
  });

  it('signs out: the session is deleted and the cookie cleared', async () => {
    const admin = await signedInAdmin();
    const res = await admin.post('/admin/logout', {});
    expect(res.status).toBe(303);
    expect(res.location).toBe('/admin/login');
    expect(res.cookies.session).toBe('');
    expect((await getPage('/admin/bookings', admin.cookie)).status).toBe(302);
    expect((await api('GET', '/v2/me', { token: admin.token })).status).toBe(401);
    const page = await follow(res, '');
    expect(page.html).toContain('You are signed out.');
  });

  it('does not sign out on a post without the CSRF token', async () => {
    const admin = await signedInAdmin();
    const res = await postForm('/admin/logout', {}, { cookie: admin.cookie });
    expect(res.status).toBe(403);
    expect((await api('GET', '/v2/me', { token: admin.token })).status).toBe(200);
  });
});

describe('admin CSRF protection', () => {
  const eventTypes = (slug: string) => dbCount('SELECT COUNT(*) AS n FROM booking_event_types WHERE slug = ?', slug);

  it('rejects a form post with no token, a wrong token or another session’s token, and changes nothing', async () => {
    const admin = await signedInAdmin();
    const other = await signedInAdmin();
    const form = eventTypeForm(admin.user.id);
    for (const token of [undefined, '', 'forged', other.csrf]) {
      const res = await postForm('/admin/event-types', { ...form, _csrf: token }, { cookie: admin.cookie });
      expect(res.status, String(token)).toBe(403);
      expect(res.html).toContain('could not be verified');
    }
    expect(await eventTypes(form.slug as string)).toBe(0);
    // The same form with the right token goes through.
    expect((await admin.post('/admin/event-types', form)).status).toBe(303);
    expect(await eventTypes(form.slug as string)).toBe(1);
  });

  it('rejects a form post from another origin, or without any origin, even with the right token', async () => {
    const admin = await signedInAdmin();
    const form: Fields = { ...eventTypeForm(admin.user.id), _csrf: admin.csrf };
    for (const origin of ['https://evil.example', null]) {
      const res = await postForm('/admin/event-types', form, { cookie: admin.cookie, origin });
      expect(res.status, String(origin)).toBe(403);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    }
    expect(await eventTypes(form.slug as string)).toBe(0);
  });

  it('rejects a JSON body (no form token can be in it)', async () => {
    const admin = await signedInAdmin();
    const form = eventTypeForm(admin.user.id);
    const res = await postForm('/admin/event-types', {}, { cookie: admin.cookie, contentType: 'application/json', body: JSON.stringify({ ...form, _csrf: admin.csrf }) });
    expect(res.status).toBe(403);
    expect(await eventTypes(form.slug as string)).toBe(0);
  });
});

describe('admin secure headers', () => {
  it('sends a strict CSP whose nonce is the stylesheet’s, and no caching', async () => {
    const { cookie } = await signedInAdmin();
    for (const res of [await getPage('/admin/bookings', cookie), await getPage('/admin/login'), await getPage('/admin/nope', cookie)]) {
      const csp = res.headers.get('content-security-policy')!;
      const directives = Object.fromEntries(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v.join(' ')]));
      expect(directives['default-src']).toBe("'none'");
      expect(directives['form-action']).toBe("'self'");
      expect(directives['frame-ancestors']).toBe("'none'");
      expect(directives['base-uri']).toBe("'none'");
      const nonce = /^'nonce-([A-Za-z0-9+/=_-]+)'$/.exec(directives['style-src']!)?.[1];
      expect(nonce).toBeTruthy();
      expect(res.html).toContain(`<style nonce="${nonce}">`);
      expect(res.html).not.toMatch(/<script|style="/);
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('same-origin');
      expect(res.headers.get('cache-control')).toBe('no-store');
    }
    const a = await getPage('/admin/bookings', cookie);
    const b = await getPage('/admin/bookings', cookie);
    expect(a.headers.get('content-security-policy')).not.toBe(b.headers.get('content-security-policy'));
  });
});


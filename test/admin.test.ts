import { SELF } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { csrfToken } from '../src/web/csrf';
import { api, ATTENDEE, BASE, book, createEventType, hostWithEventType, makeAdmin, makeUser, TEST_PASSWORD, upcomingDate } from './helpers';

// ---- A tiny browser: cookies in, form posts out, redirects not followed so each step can be checked. ----

interface Res {
  status: number;
  headers: Headers;
  html: string;
  location: string | null;
  /** Cookies the response sets, by name ("" when it clears one). */
  cookies: Record<string, string>;
}

async function send(path: string, init: RequestInit): Promise<Res> {
  const res = await SELF.fetch(`${BASE}${path}`, { ...init, redirect: 'manual' });
  const cookies: Record<string, string> = {};
  for (const line of res.headers.getAll('set-cookie')) {
    const [pair] = line.split(';');
    const eq = pair!.indexOf('=');
    cookies[pair!.slice(0, eq)] = decodeURIComponent(pair!.slice(eq + 1));
  }
  return { status: res.status, headers: res.headers, html: await res.text(), location: res.headers.get('location'), cookies };
}

function get(path: string, cookie?: string) {
  return send(path, { headers: cookie ? { cookie } : {} });
}

type Fields = Record<string, string | string[] | undefined>;

function post(path: string, fields: Fields, opts: { cookie?: string; origin?: string | null; contentType?: string; body?: string } = {}) {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) {
    for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) body.append(name, v);
  }
  const headers: Record<string, string> = { 'content-type': opts.contentType ?? 'application/x-www-form-urlencoded' };
  if (opts.cookie) headers.cookie = opts.cookie;
  if (opts.origin !== null) headers.origin = opts.origin ?? BASE;
  return send(path, { method: 'POST', headers, body: opts.body ?? body.toString() });
}

/** A signed-in super admin, with what its forms need. */
async function signedInAdmin() {
  const admin = await makeAdmin();
  const cookie = `session=${admin.token}`;
  const csrf = await csrfToken(admin.token, 'session');
  return { ...admin, cookie, csrf, post: (path: string, fields: Fields) => post(path, { _csrf: csrf, ...fields }, { cookie }) };
}

/** Text as Hono JSX escapes it into a page. */
const esc = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

const csrfIn = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1];

/** Reads a follow-up page the way a browser would after a redirect: with the flash cookie it was given. */
async function follow(res: Res, cookie: string) {
  expect(res.status).toBe(303);
  const flash = res.cookies.admin_flash;
  return get(res.location!, flash ? `${cookie}; admin_flash=${encodeURIComponent(flash)}` : cookie);
}

const row = <T>(sql: string, ...params: unknown[]) => env.DB.prepare(sql).bind(...params).first<T>();
const count = async (sql: string, ...params: unknown[]) => (await row<{ n: number }>(sql, ...params))!.n;

function eventTypeForm(ownerId: number, extra: Fields = {}): Fields {
  return {
    owner_id: String(ownerId),
    title: 'Coffee Chat',
    slug: `coffee-${crypto.randomUUID().slice(0, 8)}`,
    description: 'A short chat.',
    duration_minutes: '30',
    buffer_before_minutes: '5',
    buffer_after_minutes: '10',
    minimum_notice_hours: '2',
    slot_interval_minutes: '',
    booking_window_days: '30',
    location_type: 'zoom',
    location_value: 'https://zoom.us/j/1',
    is_active: 'on',
    ...extra,
  };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('admin access', () => {
  it('sends an anonymous visitor to the login page, remembering where they were going', async () => {
    const res = await get('/admin/bookings');
    expect(res.status).toBe(302);
    expect(res.location).toBe('/admin/login?next=%2Fadmin%2Fbookings');
    expect((await get('/admin/webhooks?cursor=x')).location).toBe('/admin/login?next=%2Fadmin%2Fwebhooks%3Fcursor%3Dx');
    expect((await get('/admin')).location).toBe('/admin/login?next=%2Fadmin');
  });

  it('sends an anonymous form post to the login page and changes nothing', async () => {
    const host = await makeUser();
    const form = eventTypeForm(host.user.id);
    const res = await post('/admin/event-types', form);
    expect(res.status).toBe(303);
    expect(res.location).toBe('/admin/login');
    expect(await count('SELECT COUNT(*) AS n FROM booking_event_types WHERE slug = ?', form.slug)).toBe(0);
  });

  it('answers a signed-in user who is not a super admin with a 403 page that offers to sign out', async () => {
    const { token } = await makeUser();
    const res = await get('/admin/bookings', `session=${token}`);
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.html).toContain('not a super admin');
    expect(res.html).toContain('action="/admin/logout"');
    expect(res.html).not.toContain('class="tab');
    // Their form posts are refused the same way, and change nothing.
    const form = await post('/admin/event-types', { _csrf: await csrfToken(token, 'session'), ...eventTypeForm(1) }, { cookie: `session=${token}` });
    expect(form.status).toBe(403);
  });

  it('shows a super admin every tab', async () => {
    const { cookie } = await signedInAdmin();
    for (const [path, heading] of [
      ['/admin/event-types', 'Event Types'],
      ['/admin/bookings', 'Bookings'],
      ['/admin/webhooks', 'Webhooks'],
    ] as const) {
      const res = await get(path, cookie);
      expect(res.status, path).toBe(200);
      expect(res.html).toMatch(/^<!doctype html>/);
      expect(res.html).toContain(`<h1>${heading}</h1>`);
      expect(res.html).toMatch(new RegExp(`<a href="${path}" class="tab active" aria-current="page">`));
    }
    expect((await get('/admin', cookie)).location).toBe('/admin/bookings');
  });

  it('answers unknown admin paths and ids with an HTML 404 page', async () => {
    const { cookie } = await signedInAdmin();
    for (const path of ['/admin/nope', '/admin/event-types/99999999/edit', '/admin/event-types/abc/edit', '/admin/webhooks/99999999/deliveries']) {
      const res = await get(path, cookie);
      expect(res.status, path).toBe(404);
      expect(res.html, path).toContain('<h1>Not found</h1>');
    }
  });

  it('renders a bad request as a page, not JSON or a stack trace', async () => {
    const { cookie } = await signedInAdmin();
    const res = await get('/admin/event-types?cursor=!!!', cookie);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.html).toContain('Invalid cursor');
    expect(res.html).not.toMatch(/at .*\.ts:\d+/);
  });
});

describe('admin login and logout', () => {
  async function loginForm() {
    const page = await get('/admin/login');
    expect(page.status).toBe(200);
    const secret = page.cookies.admin_login!;
    expect(secret).toBeTruthy();
    return { secret, csrf: csrfIn(page.html)! };
  }

  const login = async (fields: Fields, form?: { secret: string; csrf: string }) => {
    const f = form ?? (await loginForm());
    return post('/admin/login', { _csrf: f.csrf, ...fields }, { cookie: `admin_login=${f.secret}` });
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
    const home = await get('/admin/bookings', `session=${res.cookies.session}`);
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
    const before = await count('SELECT COUNT(*) AS n FROM sessions WHERE user_id = ?', user.id);
    const res = await login({ email: user.email, password: 'not the password' });
    expect(res.status).toBe(401);
    expect(res.html).toContain('Invalid email or password');
    expect(res.html).toContain(`value="${user.email}"`);
    expect(res.cookies.session).toBeUndefined();
    expect(await count('SELECT COUNT(*) AS n FROM sessions WHERE user_id = ?', user.id)).toBe(before);
  });

  it("shows the API's validation message for a malformed email", async () => {
    const res = await login({ email: 'not-an-email', password: 'x' });
    expect(res.status).toBe(400);
    const apiRes = await api('POST', '/v2/auth/login', { body: { email: 'not-an-email', password: 'x' } });
    expect(res.html).toContain(esc(apiRes.json.error.issues[0].message));
  });

  it('refuses a user who is not a super admin and leaves no session behind', async () => {
    const { user } = await makeUser();
    const before = await count('SELECT COUNT(*) AS n FROM sessions WHERE user_id = ?', user.id);
    const res = await login({ email: user.email, password: TEST_PASSWORD });
    expect(res.status).toBe(403);
    expect(res.html).toContain('not a super admin');
    expect(res.cookies.session).toBeUndefined();
    expect(await count('SELECT COUNT(*) AS n FROM sessions WHERE user_id = ?', user.id)).toBe(before);
  });

  it('refuses a login post without the login form token', async () => {
    const { user } = await makeAdmin();
    const { secret } = await loginForm();
    const res = await post('/admin/login', { email: user.email, password: TEST_PASSWORD }, { cookie: `admin_login=${secret}` });
    expect(res.status).toBe(403);
    expect(res.cookies.session).toBeUndefined();
    // A token from another browser's login page does not fit this browser's cookie either.
    const other = await loginForm();
    const forged = await post('/admin/login', { _csrf: other.csrf, email: user.email, password: TEST_PASSWORD }, { cookie: `admin_login=${secret}` });
    expect(forged.status).toBe(403);
  });

  it('sends a signed-in super admin straight past the login page', async () => {
    const { cookie } = await signedInAdmin();
    const res = await get('/admin/login?next=%2Fadmin%2Fwebhooks', cookie);
    expect(res.status).toBe(303);
    expect(res.location).toBe('/admin/webhooks');
  });

  it('signs out: the session is deleted and the cookie cleared', async () => {
    const admin = await signedInAdmin();
    const res = await admin.post('/admin/logout', {});
    expect(res.status).toBe(303);
    expect(res.location).toBe('/admin/login');
    expect(res.cookies.session).toBe('');
    expect((await get('/admin/bookings', admin.cookie)).status).toBe(302);
    expect((await api('GET', '/v2/me', { token: admin.token })).status).toBe(401);
    const page = await follow(res, '');
    expect(page.html).toContain('You are signed out.');
  });

  it('does not sign out on a post without the CSRF token', async () => {
    const admin = await signedInAdmin();
    const res = await post('/admin/logout', {}, { cookie: admin.cookie });
    expect(res.status).toBe(403);
    expect((await api('GET', '/v2/me', { token: admin.token })).status).toBe(200);
  });
});

describe('admin CSRF protection', () => {
  const eventTypes = (slug: string) => count('SELECT COUNT(*) AS n FROM booking_event_types WHERE slug = ?', slug);

  it('rejects a form post with no token, a wrong token or another session’s token, and changes nothing', async () => {
    const admin = await signedInAdmin();
    const other = await signedInAdmin();
    const form = eventTypeForm(admin.user.id);
    for (const token of [undefined, '', 'forged', other.csrf]) {
      const res = await post('/admin/event-types', { ...form, _csrf: token }, { cookie: admin.cookie });
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
      const res = await post('/admin/event-types', form, { cookie: admin.cookie, origin });
      expect(res.status, String(origin)).toBe(403);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    }
    expect(await eventTypes(form.slug as string)).toBe(0);
  });

  it('rejects a JSON body (no form token can be in it)', async () => {
    const admin = await signedInAdmin();
    const form = eventTypeForm(admin.user.id);
    const res = await post('/admin/event-types', {}, { cookie: admin.cookie, contentType: 'application/json', body: JSON.stringify({ ...form, _csrf: admin.csrf }) });
    expect(res.status).toBe(403);
    expect(await eventTypes(form.slug as string)).toBe(0);
  });
});

describe('admin secure headers', () => {
  it('sends a strict CSP whose nonce is the stylesheet’s, and no caching', async () => {
    const { cookie } = await signedInAdmin();
    for (const res of [await get('/admin/bookings', cookie), await get('/admin/login'), await get('/admin/nope', cookie)]) {
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
    const a = await get('/admin/bookings', cookie);
    const b = await get('/admin/bookings', cookie);
    expect(a.headers.get('content-security-policy')).not.toBe(b.headers.get('content-security-policy'));
  });
});

describe('admin Event Types tab', () => {
  it('lists every host’s event types with owner, duration, buffers, notice, location, confirmation and status', async () => {
    const host = await hostWithEventType({ title: 'Deep Dive', duration_minutes: 45, buffer_before_minutes: 5, buffer_after_minutes: 15, minimum_notice_hours: 12, location_type: 'phone', location_value: '+1 555 0100', requires_confirmation: true });
    const { cookie } = await signedInAdmin();
    const res = await get('/admin/event-types?limit=200', cookie);
    const tr = new RegExp(`<tr id="event-type-${host.eventType.id}"[\\s\\S]*?</tr>`).exec(res.html)![0];
    expect(tr).toContain('Deep Dive');
    expect(tr).toContain(host.user.email);
    expect(tr).toContain('45 min');
    expect(tr).toContain('5 / 15 min');
    expect(tr).toContain('12 h');
    expect(tr).toContain('Phone');
    expect(tr).toContain('+1 555 0100');
    expect(tr).toContain('Required');
    expect(tr).toContain('Active');
  });

  it('offers every active user as the owner of a new event type', async () => {
    const host = await makeUser();
    const { cookie } = await signedInAdmin();
    const res = await get('/admin/event-types/new', cookie);
    expect(res.status).toBe(200);
    expect(res.html).toContain(`<option value="${host.user.id}">`);
  });

  it('creates an event type for the chosen owner on their default schedule', async () => {
    const host = await makeUser();
    const admin = await signedInAdmin();
    const form = eventTypeForm(host.user.id, { requires_confirmation: 'on' });
    const res = await admin.post('/admin/event-types', form);
    expect(res.status).toBe(303);
    expect(res.location).toBe('/admin/event-types');
    const created = await row<Record<string, unknown>>('SELECT * FROM booking_event_types WHERE slug = ?', form.slug);
    const schedule = await row<{ id: number }>('SELECT id FROM booking_schedules WHERE user_id = ? AND is_default = 1', host.user.id);
    expect(created).toMatchObject({
      owner_id: host.user.id,
      schedule_id: schedule!.id,
      title: 'Coffee Chat',
      description: 'A short chat.',
      duration_minutes: 30,
      buffer_before_minutes: 5,
      buffer_after_minutes: 10,
      minimum_notice_hours: 2,
      slot_interval_minutes: null,
      booking_window_days: 30,
      location_type: 'zoom',
      location_value: 'https://zoom.us/j/1',
      requires_confirmation: 1,
      is_active: 1,
    });
    const list = await follow(res, admin.cookie);
    expect(list.html).toContain('Event type “Coffee Chat” created for');
    expect(list.html).toContain(`id="event-type-${created!.id}"`);
    // The message is shown once.
    expect((await get('/admin/event-types', admin.cookie)).html).not.toContain('created for');
  });

  it("shows the API's validation messages in the form and keeps what was typed", async () => {
    const admin = await signedInAdmin();
    const form = eventTypeForm(admin.user.id, { title: 'Keep me', slug: 'Not A Slug', duration_minutes: '3', buffer_after_minutes: '999' });
    const res = await admin.post('/admin/event-types', form);
    expect(res.status).toBe(400);
    const apiRes = await api('POST', '/v2/event-types', {
      token: admin.token,
      body: { title: 'Keep me', slug: 'Not A Slug', duration_minutes: 3, buffer_after_minutes: 999 },
    });
    expect(apiRes.json.error.issues).toHaveLength(3);
    for (const issue of apiRes.json.error.issues) expect(res.html).toContain(esc(`${issue.path}: ${issue.message}`));
    expect(res.html).toContain('value="Keep me"');
    expect(await count('SELECT COUNT(*) AS n FROM booking_event_types WHERE title = ?', 'Keep me')).toBe(0);
  });

  it('refuses a slug the owner already uses, in the page', async () => {
    const host = await hostWithEventType();
    const admin = await signedInAdmin();
    const res = await admin.post('/admin/event-types', eventTypeForm(host.user.id, { slug: host.eventType.slug }));
    expect(res.status).toBe(409);
    expect(res.html).toContain('already has an event type with this slug');
    expect(await count('SELECT COUNT(*) AS n FROM booking_event_types WHERE owner_id = ?', host.user.id)).toBe(1);
  });

  it('refuses a slug the owner already uses when editing, and says why in the page', async () => {
    const host = await hostWithEventType();
    const other = await createEventType(host.token);
    const admin = await signedInAdmin();
    const res = await admin.post(`/admin/event-types/${other.id}`, {
      ...eventTypeForm(host.user.id, { slug: host.eventType.slug }),
      schedule_id: String(other.schedule_id),
    });
    expect(res.status).toBe(409);
    expect(res.html).toContain('already has an event type with this slug');
    expect(await row('SELECT slug FROM booking_event_types WHERE id = ?', other.id)).toEqual({ slug: other.slug });
  });

  it('edits an event type', async () => {
    const host = await hostWithEventType();
    const admin = await signedInAdmin();
    const edit = await get(`/admin/event-types/${host.eventType.id}/edit`, admin.cookie);
    expect(edit.status).toBe(200);
    expect(edit.html).toContain(`value="${host.eventType.slug}"`);
    const res = await admin.post(`/admin/event-types/${host.eventType.id}`, {
      ...eventTypeForm(host.user.id, { title: 'Renamed', slug: 'renamed', duration_minutes: '60', slot_interval_minutes: '15', location_type: '', location_value: '' }),
      is_active: undefined,
      schedule_id: String(host.eventType.schedule_id),
    });
    expect(res.status).toBe(303);
    expect(await row('SELECT title, slug, duration_minutes, slot_interval_minutes, location_type, is_active FROM booking_event_types WHERE id = ?', host.eventType.id)).toEqual({
      title: 'Renamed',
      slug: 'renamed',
      duration_minutes: 60,
      slot_interval_minutes: 15,
      location_type: null,
      is_active: 0,
    });
  });

  it("refuses another owner's schedule when editing", async () => {
    const host = await hostWithEventType();
    const other = await makeUser();
    const otherSchedule = await row<{ id: number }>('SELECT id FROM booking_schedules WHERE user_id = ?', other.user.id);
    const admin = await signedInAdmin();
    const res = await admin.post(`/admin/event-types/${host.eventType.id}`, { ...eventTypeForm(host.user.id), schedule_id: String(otherSchedule!.id) });
    expect(res.status).toBe(400);
    expect(res.html).toContain(esc("Schedule not found among the owner's schedules"));
  });

  it('switches an event type off and on in one click each, and a repeated click changes nothing more', async () => {
    const host = await hostWithEventType();
    const admin = await signedInAdmin();
    const isActive = async () => (await row<{ is_active: number }>('SELECT is_active FROM booking_event_types WHERE id = ?', host.eventType.id))!.is_active;
    const list = await get('/admin/event-types?limit=200', admin.cookie);
    expect(list.html).toContain(`action="/admin/event-types/${host.eventType.id}/active"`);
    const off = await admin.post(`/admin/event-types/${host.eventType.id}/active`, { active: 'false', back: '/admin/event-types' });
    expect(off.status).toBe(303);
    expect(await isActive()).toBe(0);
    expect((await follow(off, admin.cookie)).html).toContain('is now inactive');
    await admin.post(`/admin/event-types/${host.eventType.id}/active`, { active: 'false' });
    expect(await isActive()).toBe(0);
    await admin.post(`/admin/event-types/${host.eventType.id}/active`, { active: 'true' });
    expect(await isActive()).toBe(1);
  });

  it('deletes an event type after a confirmation page', async () => {
    const host = await hostWithEventType();
    const admin = await signedInAdmin();
    const confirm = await get(`/admin/event-types/${host.eventType.id}/delete`, admin.cookie);
    expect(confirm.status).toBe(200);
    expect(confirm.html).toContain(`<form method="post" action="/admin/event-types/${host.eventType.id}/delete">`);
    // Opening the confirmation page deletes nothing.
    expect(await count('SELECT COUNT(*) AS n FROM booking_event_types WHERE id = ?', host.eventType.id)).toBe(1);
    const res = await admin.post(`/admin/event-types/${host.eventType.id}/delete`, {});
    expect(res.status).toBe(303);
    expect(await count('SELECT COUNT(*) AS n FROM booking_event_types WHERE id = ?', host.eventType.id)).toBe(0);
  });
});

describe('admin Bookings tab', () => {
  const MONDAY = upcomingDate(1);

  async function bookedHost(eventType: Record<string, unknown> = {}, start = `${MONDAY}T14:00:00Z`) {
    const host = await hostWithEventType(eventType);
    const res = await book(host.eventType.id, start);
    expect(res.status).toBe(201);
    return { host, booking: res.json as { uid: string; status: string } };
  }

  const bookingRow = (html: string, uid: string) => new RegExp(`<tr id="booking-${uid}"[\\s\\S]*?</tr>`).exec(html)?.[0];
  const statusOf = async (uid: string) => (await row<{ status: string }>('SELECT status FROM bookings WHERE uid = ?', uid))!.status;

  it('lists a booking with attendee, host, event type, status, and times in UTC by default', async () => {
    const { host, booking } = await bookedHost({ title: 'Strategy Session' });
    const admin = await signedInAdmin();
    const res = await get(`/admin/bookings?from=${MONDAY}&to=${MONDAY}&limit=200`, admin.cookie);
    const tr = bookingRow(res.html, booking.uid)!;
    expect(tr).toBeTruthy();
    expect(tr).toContain(ATTENDEE.name);
    expect(tr).toContain(ATTENDEE.email);
    expect(tr).toContain(ATTENDEE.timezone);
    expect(tr).toContain(ATTENDEE.notes);
    expect(tr).toContain(host.user.email);
    expect(tr).toContain('Strategy Session');
    expect(tr).toContain('Accepted');
    expect(tr).toMatch(/<time class="start" datetime="[^"]+">[^<]*14:00<\/time>/);
    expect(tr).toMatch(/<time class="end" datetime="[^"]+">14:30<\/time>/);
    expect(res.html).not.toContain('Some filters were ignored');
  });

  it('shows start and end in the chosen timezone, and keeps it in every link', async () => {
    const { booking } = await bookedHost();
    const admin = await signedInAdmin();
    const res = await get(`/admin/bookings?tz=Asia%2FKolkata&from=${MONDAY}&to=${MONDAY}&limit=200`, admin.cookie);
    const tr = bookingRow(res.html, booking.uid)!;
    // 14:00Z is 19:30 in India (UTC+05:30 all year).
    expect(tr).toMatch(/<time class="start"[^>]*>[^<]*19:30<\/time>/);
    expect(tr).toMatch(/<time class="end"[^>]*>20:00<\/time>/);
    expect(res.html).toContain('value="Asia/Kolkata"');
    expect(tr).toContain(`name="back" value="/admin/bookings?from=${MONDAY}&amp;to=${MONDAY}&amp;tz=Asia%2FKolkata&amp;limit=200"`);
  });

  it('reports an unknown timezone in the page and falls back to UTC', async () => {
    const admin = await signedInAdmin();
    const res = await get('/admin/bookings?tz=Mars%2FOlympus', admin.cookie);
    expect(res.status).toBe(200);
    expect(res.html).toContain('tz: Unknown IANA timezone');
    expect(res.html).toContain('Times in UTC.');
  });

  it('filters by status and by date range (whole days of the chosen zone)', async () => {
    const { booking: first } = await bookedHost({}, `${MONDAY}T09:00:00Z`);
    const { booking: second } = await bookedHost({ requires_confirmation: true }, `${MONDAY}T16:00:00Z`);
    expect(second.status).toBe('pending');
    const admin = await signedInAdmin();
    const html = async (query: string) => (await get(`/admin/bookings?${query}&limit=200`, admin.cookie)).html;

    const pending = await html(`status=pending&from=${MONDAY}&to=${MONDAY}`);
    expect(bookingRow(pending, second.uid)).toBeTruthy();
    expect(bookingRow(pending, first.uid)).toBeUndefined();

    // Monday 16:00Z is already Tuesday in Tokyo (UTC+9): a Monday-only range there holds only the 09:00Z booking.
    const tokyoMonday = await html(`tz=Asia%2FTokyo&from=${MONDAY}&to=${MONDAY}`);
    expect(bookingRow(tokyoMonday, first.uid)).toBeTruthy();
    expect(bookingRow(tokyoMonday, second.uid)).toBeUndefined();

    const backwards = await html(`from=${MONDAY}&to=2000-01-01`);
    expect(backwards).toContain('to: to must be after from');
  });

  it('pages with a cursor: “Next page” continues where the last page ended, filters kept', async () => {
    const host = await hostWithEventType();
    const uids: string[] = [];
    for (const hour of ['09', '10', '11']) uids.push((await book(host.eventType.id, `${MONDAY}T${hour}:00:00Z`)).json.uid);
    const admin = await signedInAdmin();
    const seen: string[] = [];
    let url: string | undefined = `/admin/bookings?from=${MONDAY}&to=${MONDAY}&status=accepted&limit=2`;
    for (let pages = 0; url && pages < 100; pages++) {
      const res = await get(url, admin.cookie);
      for (const m of res.html.matchAll(/<tr id="booking-([^"]+)"/g)) seen.push(m[1]!);
      url = /<a class="btn small" href="([^"]+)" rel="next">/.exec(res.html)?.[1]?.replace(/&amp;/g, '&');
      if (url) expect(url).toContain('status=accepted');
    }
    expect(seen.filter((uid) => uids.includes(uid))).toEqual(uids);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('cancels a booking with a reason and returns to the same view', async () => {
    const { booking } = await bookedHost();
    const admin = await signedInAdmin();
    const back = `/admin/bookings?tz=Asia%2FKolkata`;
    const res = await admin.post(`/admin/bookings/${booking.uid}/cancel`, { reason: 'Host is ill', back });
    expect(res.status).toBe(303);
    expect(res.location).toBe(back);
    expect(await row('SELECT status, cancellation_reason FROM bookings WHERE uid = ?', booking.uid)).toEqual({ status: 'cancelled', cancellation_reason: 'Host is ill' });
    expect((await follow(res, admin.cookie)).html).toContain('cancelled.');
  });

  it('confirms a pending booking', async () => {
    const { booking } = await bookedHost({ requires_confirmation: true });
    const admin = await signedInAdmin();
    const list = await get(`/admin/bookings?status=pending&limit=200`, admin.cookie);
    expect(bookingRow(list.html, booking.uid)).toContain(`action="/admin/bookings/${booking.uid}/confirm"`);
    const res = await admin.post(`/admin/bookings/${booking.uid}/confirm`, { back: '/admin/bookings' });
    expect(res.status).toBe(303);
    expect(await statusOf(booking.uid)).toBe('accepted');
  });

  it('declines a pending booking with a reason', async () => {
    const { booking } = await bookedHost({ requires_confirmation: true });
    const admin = await signedInAdmin();
    const res = await admin.post(`/admin/bookings/${booking.uid}/decline`, { reason: 'Fully booked', back: '/admin/bookings' });
    expect(res.status).toBe(303);
    expect(await row('SELECT status, rejection_reason FROM bookings WHERE uid = ?', booking.uid)).toEqual({ status: 'rejected', rejection_reason: 'Fully booked' });
  });

  it('shows a refused decision as a message and changes nothing', async () => {
    const { booking } = await bookedHost();
    const admin = await signedInAdmin();
    const res = await admin.post(`/admin/bookings/${booking.uid}/confirm`, { back: '/admin/bookings' });
    expect(res.status).toBe(303);
    expect(await statusOf(booking.uid)).toBe('accepted');
    const page = await follow(res, admin.cookie);
    expect(page.html).toContain('class="flash error"');
    expect(page.html).toContain('Nothing changed');
  });

  it('refuses a reason longer than the API allows', async () => {
    const { booking } = await bookedHost();
    const admin = await signedInAdmin();
    const res = await admin.post(`/admin/bookings/${booking.uid}/cancel`, { reason: 'x'.repeat(1001) });
    expect((await follow(res, admin.cookie)).html).toContain('Nothing changed: reason:');
    expect(await statusOf(booking.uid)).toBe('accepted');
  });
});

describe('admin Webhooks tab', () => {
  const form = (ownerId: number, extra: Fields = {}): Fields => ({
    owner_id: String(ownerId),
    subscriber_url: 'https://hooks.example.com/calflare',
    event_triggers: ['BOOKING_CREATED', 'BOOKING_CANCELLED'],
    active: 'on',
    secret: '',
    ...extra,
  });
  const webhook = (url: string) =>
    row<{ id: number; owner_id: number; event_triggers: string; active: number; secret: string }>('SELECT * FROM booking_webhooks WHERE subscriber_url = ?', url);
  const uniqueUrl = () => `https://hooks.example.com/${crypto.randomUUID()}`;

  it('creates a webhook for the chosen owner and shows its generated secret exactly once', async () => {
    const owner = await makeUser();
    const admin = await signedInAdmin();
    const url = uniqueUrl();
    const res = await admin.post('/admin/webhooks', form(owner.user.id, { subscriber_url: url }));
    expect(res.status).toBe(303);
    const stored = (await webhook(url))!;
    expect(stored).toMatchObject({ owner_id: owner.user.id, event_triggers: '["BOOKING_CREATED","BOOKING_CANCELLED"]', active: 1 });
    expect(stored.secret).toMatch(/^whsec_/);
    const shown = await follow(res, admin.cookie);
    expect(shown.html).toContain(`<code class="secret" id="generated-secret">${stored.secret}</code>`);
    for (const path of ['/admin/webhooks', `/admin/webhooks/${stored.id}/edit`, `/admin/webhooks/${stored.id}/deliveries`]) {
      expect((await get(path, admin.cookie)).html, path).not.toContain(stored.secret);
    }
  });

  it('never displays a secret that was given', async () => {
    const admin = await signedInAdmin();
    const url = uniqueUrl();
    const res = await admin.post('/admin/webhooks', form(admin.user.id, { subscriber_url: url, secret: 'a-given-secret-of-some-length' }));
    expect((await webhook(url))!.secret).toBe('a-given-secret-of-some-length');
    expect((await follow(res, admin.cookie)).html).not.toContain('a-given-secret-of-some-length');
  });

  it("shows the API's validation messages, including the URL guard's", async () => {
    const admin = await signedInAdmin();
    const res = await admin.post('/admin/webhooks', form(admin.user.id, { event_triggers: [], secret: 'short' }));
    expect(res.status).toBe(400);
    expect(res.html).toContain('At least one trigger is required');
    expect(res.html).toContain('secret: Too small');
    const privateUrl = await admin.post('/admin/webhooks', form(admin.user.id, { subscriber_url: 'https://10.0.0.1/hook' }));
    expect(privateUrl.status).toBe(400);
    const apiRes = await api('POST', '/v2/webhooks', { token: admin.token, body: { subscriber_url: 'https://10.0.0.1/hook', event_triggers: ['BOOKING_CREATED'] } });
    expect(privateUrl.html).toContain(esc(apiRes.json.error.issues[0].message));
    expect(await count("SELECT COUNT(*) AS n FROM booking_webhooks WHERE subscriber_url = 'https://10.0.0.1/hook'")).toBe(0);
  });

  it('edits a webhook, keeping the secret when the field is left blank and replacing it when filled', async () => {
    const admin = await signedInAdmin();
    const url = uniqueUrl();
    await admin.post('/admin/webhooks', form(admin.user.id, { subscriber_url: url, secret: 'first-secret-0123456789' }));
    const { id } = (await webhook(url))!;
    const newUrl = uniqueUrl();
    const res = await admin.post(`/admin/webhooks/${id}`, form(admin.user.id, { subscriber_url: newUrl, event_triggers: ['BOOKING_RESCHEDULED'], active: undefined }));
    expect(res.status).toBe(303);
    expect(await webhook(newUrl)).toMatchObject({ id, event_triggers: '["BOOKING_RESCHEDULED"]', active: 0, secret: 'first-secret-0123456789' });
    await admin.post(`/admin/webhooks/${id}`, form(admin.user.id, { subscriber_url: newUrl, secret: 'second-secret-0123456789' }));
    expect((await webhook(newUrl))!.secret).toBe('second-secret-0123456789');
  });

  it('switches a webhook off and on, and deletes it (with its delivery log) after a confirmation page', async () => {
    const admin = await signedInAdmin();
    const url = uniqueUrl();
    await admin.post('/admin/webhooks', form(admin.user.id, { subscriber_url: url }));
    const { id } = (await webhook(url))!;
    await admin.post(`/admin/webhooks/${id}/active`, { active: 'false' });
    expect((await webhook(url))!.active).toBe(0);
    await admin.post(`/admin/webhooks/${id}/active`, { active: 'true' });
    expect((await webhook(url))!.active).toBe(1);
    await env.DB.prepare(
      `INSERT INTO booking_webhook_deliveries (event_id, webhook_id, trigger_event, payload, status, attempt_log, created_at, updated_at)
       VALUES (?, ?, 'BOOKING_CREATED', '{}', 'pending', '[]', 1, 1)`,
    )
      .bind(`msg_${crypto.randomUUID()}`, id)
      .run();
    expect((await get(`/admin/webhooks/${id}/delete`, admin.cookie)).html).toContain(`action="/admin/webhooks/${id}/delete"`);
    expect(await webhook(url)).not.toBeNull();
    expect((await admin.post(`/admin/webhooks/${id}/delete`, {})).status).toBe(303);
    expect(await webhook(url)).toBeNull();
    expect(await count('SELECT COUNT(*) AS n FROM booking_webhook_deliveries WHERE webhook_id = ?', id)).toBe(0);
  });

  it('shows the delivery log with every attempt and its status code', async () => {
    const admin = await signedInAdmin();
    const url = uniqueUrl();
    await admin.post('/admin/webhooks', form(admin.user.id, { subscriber_url: url }));
    const { id } = (await webhook(url))!;
    const empty = await get(`/admin/webhooks/${id}/deliveries`, admin.cookie);
    expect(empty.html).toContain('Nothing delivered yet');
    const at = Date.parse('2025-11-15T14:00:00Z');
    const log = [
      { attempt: 1, at, status_code: 503, duration_ms: 12, error: 'HTTP 503', next_attempt_at: at + 60_000 },
      { attempt: 2, at: at + 60_000, status_code: 200, duration_ms: 8, error: null, next_attempt_at: null },
    ];
    await env.DB.prepare(
      `INSERT INTO booking_webhook_deliveries (event_id, webhook_id, trigger_event, payload, status, attempts, last_status_code, attempt_log, created_at, updated_at)
       VALUES ('msg_log_test', ?, 'BOOKING_CREATED', '{}', 'delivered', 2, 200, ?, ?, ?)`,
    )
      .bind(id, JSON.stringify(log), at, at)
      .run();
    const res = await get(`/admin/webhooks/${id}/deliveries`, admin.cookie);
    expect(res.html).toContain('msg_log_test');
    expect(res.html).toContain('2 attempts');
    expect(res.html).toContain('#1 · 2025-11-15 14:00:00 UTC · HTTP 503 · 12 ms · HTTP 503');
    expect(res.html).toContain('#2 · 2025-11-15 14:01:00 UTC · HTTP 200 · 8 ms');
    expect(res.html).toContain('delivered');
  });

  it('sends a test ping and shows its outcome and log entry', async () => {
    const admin = await signedInAdmin();
    const url = uniqueUrl();
    await admin.post('/admin/webhooks', form(admin.user.id, { subscriber_url: url }));
    const { id } = (await webhook(url))!;
    const sent: string[] = [];
    vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
      sent.push(new Request(input, init).url);
      return new Response('ok', { status: 202 });
    });
    const res = await admin.post(`/admin/webhooks/${id}/ping`, {});
    expect(res.status).toBe(303);
    expect(res.location).toBe(`/admin/webhooks/${id}/deliveries`);
    expect(sent).toEqual([url]);
    expect(await row('SELECT trigger_event, status, last_status_code FROM booking_webhook_deliveries WHERE webhook_id = ?', id)).toEqual({
      trigger_event: 'PING',
      status: 'delivered',
      last_status_code: 202,
    });
    const page = await follow(res, admin.cookie);
    expect(page.html).toContain('Test ping delivered: HTTP 202');
    expect(page.html).toContain('PING');
  });
});

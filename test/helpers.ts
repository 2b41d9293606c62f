import { SELF } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { expect } from 'vitest';
import { createSession } from '../src/auth/sessions';
import { hashPassword } from '../src/auth/crypto';
import { getDb } from '../src/db/client';
import { createUser } from '../src/users/repo';
import type { NewBooking } from '../src/bookings/repo';
import { csrfToken } from '../src/web/csrf';

export const BASE = 'http://calflare.test';

export interface RequestOptions {
  token?: string;
  cookie?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

/** A request to the Worker; `json` is the parsed body (the text when it is not JSON), typed `T` when the caller knows it. */
export async function api<T = any>(method: string, path: string, opts: RequestOptions = {}): Promise<{ status: number; headers: Headers; json: T }> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.cookie) headers.cookie = opts.cookie;
  let body: string | undefined;
  if (opts.body !== undefined) {
    body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
    headers['content-type'] ??= 'application/json';
  }
  const res = await SELF.fetch(`${BASE}${path}`, { method, headers, body });
  const text = await res.text();
  let json: any = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = text;
  }
  return { status: res.status, headers: res.headers, json };
}

/** POST `body` to `path` as `token`'s user; anything but 201 fails the test with the answer. */
export async function create<T = any>(path: string, token: string, body: unknown): Promise<T> {
  const res = await api<T>('POST', path, { token, body });
  if (res.status !== 201) throw new Error(`POST ${path} did not create: ${res.status} ${JSON.stringify(res.json)}`);
  return res.json;
}

/** The `path` of every issue of a validation error, in the order answered. */
export function issuePaths(res: { json: any }): string[] {
  return (res.json?.error?.issues ?? []).map((i: { path: string }) => i.path);
}

let counter = 0;
// Hashing once keeps tests fast: PBKDF2 at 100k iterations costs tens of milliseconds.
let sharedHash: Promise<string> | undefined;
export const TEST_PASSWORD = 'correct horse battery';

/** A fresh user with a session, created directly in D1 (the API path is tested separately). */
export async function makeUser(opts: { role?: 'user' | 'super_admin'; timezone?: string; email?: string } = {}) {
  sharedHash ??= hashPassword(TEST_PASSWORD);
  const db = getDb(env.DB);
  const email = opts.email ?? `user${Date.now()}-${++counter}-${Math.random().toString(36).slice(2, 8)}@example.com`;
  const user = await createUser(db, {
    email,
    name: `Test ${counter}`,
    passwordHash: await sharedHash,
    role: opts.role ?? 'user',
    timezone: opts.timezone ?? 'UTC',
  });
  if (!user) throw new Error('user not created');
  const { token } = await createSession(db, user.id, 3_600_000);
  return { user, token };
}

export const makeAdmin = () => makeUser({ role: 'super_admin' });

export function expectError(res: { status: number; json: any }, status: number, code: string) {
  if (res.status !== status || res.json?.error?.code !== code) {
    throw new Error(`expected ${status} ${code}, got ${res.status} ${JSON.stringify(res.json)}`);
  }
}

/** YYYY-MM-DD of the first date at least `daysAhead` days from now that falls on `weekday` (0 = Sunday), in UTC. */
export function upcomingDate(weekday: number, daysAhead = 7): string {
  const d = new Date(Date.now() + daysAhead * 86_400_000);
  while (d.getUTCDay() !== weekday) d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

export function createEventType(token: string, body: Record<string, unknown> = {}) {
  return create<{ id: number; owner_id: number; slug: string; [k: string]: unknown }>('/v2/event-types', token, {
    title: 'Intro Call',
    slug: `intro-${Math.random().toString(36).slice(2, 10)}`,
    duration_minutes: 30,
    ...body,
  });
}

export const ATTENDEE = { name: 'Jane Doe', email: 'jane@example.com', timezone: 'America/New_York', notes: 'Looking forward to the meeting' };

export function book(eventTypeId: number, start: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  return api('POST', '/v2/bookings', { body: { event_type_id: eventTypeId, start, attendee: ATTENDEE, ...extra }, headers });
}

/** A host (UTC, Mon-Fri 09:00-17:00) with a 30-minute event type and no notice. */
export async function hostWithEventType(eventType: Record<string, unknown> = {}) {
  const host = await makeUser();
  const et = await createEventType(host.token, eventType);
  return { ...host, eventType: et };
}

/** A server-rendered page: status, headers and the HTML (redirects are not followed). */
export async function page(path: string, opts: { cookie?: string; headers?: Record<string, string>; form?: Record<string, string | string[]> } = {}) {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.cookie) headers.cookie = opts.cookie;
  let body: string | undefined;
  if (opts.form) {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(opts.form)) for (const one of Array.isArray(v) ? v : [v]) params.append(k, one);
    body = params.toString();
    headers['content-type'] ??= 'application/x-www-form-urlencoded';
    headers.origin ??= BASE;
  }
  const res = await SELF.fetch(`${BASE}${path}`, { method: opts.form ? 'POST' : 'GET', headers, body, redirect: 'manual' });
  return { status: res.status, headers: res.headers, html: await res.text() };
}

/** A host with a username (Mon-Fri 09:00-17:00 in `timezone`) and one event type. */
export async function publicHost(opts: { timezone?: string; eventType?: Record<string, unknown> } = {}) {
  const host = await makeUser({ timezone: opts.timezone ?? 'UTC' });
  const et = await createEventType(host.token, opts.eventType);
  return { ...host, username: host.user.username!, eventType: et, booker: `/${host.user.username}/${et.slug}` };
}

let ipCounter = 0;
/**
 * A client IP no other test uses: the emulated rate limiter is shared by every test file (and persists between runs),
 * so each test that counts requests needs its own key.
 */
export function freshIp(): string {
  ipCounter++;
  const r = () => Math.floor(Math.random() * 250) + 1;
  return `10.${r()}.${r()}.${(ipCounter % 250) + 1}`;
}

/** A /64 no other test uses, and the n-th address inside it (every per-client limit counts the /64 as one client). */
export function freshIpv6Network(): (n: number) => string {
  const r = () => Math.floor(Math.random() * 0xffff).toString(16);
  const prefix = `2001:db8:${r()}:${r()}`;
  return (n) => `${prefix}:${r()}:${r()}:${r()}:${(n % 0xffff).toString(16)}`;
}

/** POST /v2/slots/reservations from a client IP (and a session, if given). */
export function reserve(eventTypeId: number, slotStart: string, opts: { ip?: string; token?: string; minutes?: number } = {}) {
  return api('POST', '/v2/slots/reservations', {
    token: opts.token,
    headers: opts.ip ? { 'cf-connecting-ip': opts.ip } : {},
    body: { event_type_id: eventTypeId, slot_start: slotStart, ...(opts.minutes === undefined ? {} : { reservation_duration_minutes: opts.minutes }) },
  });
}

// ---- Admin pages: a tiny browser. Cookies in, form posts out, redirects not followed so each step can be checked. ----

export interface PageRes {
  status: number;
  headers: Headers;
  html: string;
  location: string | null;
  /** Cookies the response sets, by name ("" when it clears one). */
  cookies: Record<string, string>;
}

async function send(path: string, init: RequestInit): Promise<PageRes> {
  const res = await SELF.fetch(`${BASE}${path}`, { ...init, redirect: 'manual' });
  const cookies: Record<string, string> = {};
  for (const line of res.headers.getAll('set-cookie')) {
    const [pair] = line.split(';');
    const eq = pair!.indexOf('=');
    cookies[pair!.slice(0, eq)] = decodeURIComponent(pair!.slice(eq + 1));
  }
  return { status: res.status, headers: res.headers, html: await res.text(), location: res.headers.get('location'), cookies };
}

export function getPage(path: string, cookie?: string) {
  return send(path, { headers: cookie ? { cookie } : {} });
}

export type Fields = Record<string, string | string[] | undefined>;

/** A form post from this origin (`origin: null` sends none). */
export function postForm(path: string, fields: Fields, opts: { cookie?: string; origin?: string | null; contentType?: string; body?: string } = {}) {
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
export async function signedInAdmin() {
  const admin = await makeAdmin();
  const cookie = `session=${admin.token}`;
  const csrf = await csrfToken(admin.token, 'session');
  return { ...admin, cookie, csrf, post: (path: string, fields: Fields) => postForm(path, { _csrf: csrf, ...fields }, { cookie }) };
}

/** Text as Hono JSX escapes it into a page. */
export const esc = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

export const csrfIn = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1];

/** Reads a follow-up page the way a browser would after a redirect: with the flash cookie it was given. */
export async function follow(res: PageRes, cookie: string) {
  expect(res.status).toBe(303);
  const flash = res.cookies.admin_flash;
  return getPage(res.location!, flash ? `${cookie}; admin_flash=${encodeURIComponent(flash)}` : cookie);
}

export const dbRow = <T>(sql: string, ...params: unknown[]) => env.DB.prepare(sql).bind(...params).first<T>();
export const dbCount = async (sql: string, ...params: unknown[]) => (await dbRow<{ n: number }>(sql, ...params))!.n;

/** The admin's new-event-type form, filled in for `ownerId`. */
export function eventTypeForm(ownerId: number, extra: Fields = {}): Fields {
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

/** The admin's edit form of an existing event type (from its API answer), with the defaults of the other boxes. */
export function eventTypeEditForm(et: Record<string, unknown>): Fields {
  return {
    title: String(et.title), slug: String(et.slug), duration_minutes: '30', buffer_before_minutes: '0', buffer_after_minutes: '0',
    minimum_notice_hours: '0', slot_interval_minutes: '', booking_window_days: '60', location_type: '', location_value: '',
    schedule_id: String(et.schedule_id), description: '', is_active: 'on',
  };
}

/** Polls `probe` until it answers something truthy (queues and `waitUntil` work finish after the response). */
export async function waitFor<T>(probe: () => Promise<T | null | undefined | false>, what: string, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * A booking row as the write paths build it (30 minutes, accepted, no buffers), for tests that call the SQL guards
 * directly, bypassing the HostCalendar object.
 */
export function bookingRow(hostId: number, eventTypeId: number, start: number, over: Partial<NewBooking> = {}): NewBooking {
  return {
    uid: `row${crypto.randomUUID().replace(/-/g, '').slice(0, 20)}`,
    eventTypeId,
    hostId,
    title: 'guard test',
    startAt: start,
    endAt: start + 1_800_000,
    occupiedStart: start,
    occupiedEnd: start + 1_800_000,
    status: 'accepted',
    locationType: null,
    locationValue: null,
    metadata: null,
    bookingFieldsResponses: null,
    idempotencyKey: null,
    idempotencyHash: null,
    now: Date.now(),
    ...over,
  };
}

import { SELF } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { createSession } from '../src/auth/sessions';
import { hashPassword } from '../src/auth/crypto';
import { getDb } from '../src/db/client';
import { createUser } from '../src/users/repo';

export const BASE = 'http://calflare.test';

export interface RequestOptions {
  token?: string;
  cookie?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

export async function api(method: string, path: string, opts: RequestOptions = {}) {
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

export async function createEventType(token: string, body: Record<string, unknown> = {}) {
  const res = await api('POST', '/v2/event-types', {
    token,
    body: { title: 'Intro Call', slug: `intro-${Math.random().toString(36).slice(2, 10)}`, duration_minutes: 30, ...body },
  });
  if (res.status !== 201) throw new Error(`event type not created: ${res.status} ${JSON.stringify(res.json)}`);
  return res.json as { id: number; owner_id: number; slug: string; [k: string]: unknown };
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

/** POST /v2/slots/reservations from a client IP (and a session, if given). */
export function reserve(eventTypeId: number, slotStart: string, opts: { ip?: string; token?: string; minutes?: number } = {}) {
  return api('POST', '/v2/slots/reservations', {
    token: opts.token,
    headers: opts.ip ? { 'cf-connecting-ip': opts.ip } : {},
    body: { event_type_id: eventTypeId, slot_start: slotStart, ...(opts.minutes === undefined ? {} : { reservation_duration_minutes: opts.minutes }) },
  });
}

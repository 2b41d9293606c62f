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
  const user = await createUser(env.DB, db, {
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

import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../src/lib/crypto';
import { api, expectError, issuePaths, makeAdmin, makeUser, TEST_PASSWORD } from './helpers';

describe('POST /v2/auth/login', () => {
  it('returns a token, its expiry and the user, and sets an HttpOnly session cookie', async () => {
    const { user } = await makeUser();
    const res = await api('POST', '/v2/auth/login', { body: { email: user.email.toUpperCase(), password: TEST_PASSWORD } });
    expect(res.status).toBe(200);
    expect(res.json.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Date.parse(res.json.expires_at)).toBeGreaterThan(Date.now());
    expect(res.json.user).toMatchObject({ id: user.id, email: user.email, role: 'user', timezone: 'UTC' });
    expect(res.json.user).not.toHaveProperty('password_hash');
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toContain(`session=${res.json.token}`);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Secure/i);
  });

  it('stores only the hash of the token', async () => {
    const { user } = await makeUser();
    const res = await api('POST', '/v2/auth/login', { body: { email: user.email, password: TEST_PASSWORD } });
    const row = await env.DB.prepare('SELECT token_hash FROM sessions WHERE token_hash = ?')
      .bind(await sha256Hex(res.json.token))
      .first();
    expect(row).not.toBeNull();
    const plain = await env.DB.prepare('SELECT 1 FROM sessions WHERE token_hash = ?').bind(res.json.token).first();
    expect(plain).toBeNull();
  });

  it('rejects a wrong password and an unknown email with the same 401', async () => {
    const { user } = await makeUser();
    const wrong = await api('POST', '/v2/auth/login', { body: { email: user.email, password: 'not the password' } });
    expectError(wrong, 401, 'unauthorized');
    const unknown = await api('POST', '/v2/auth/login', { body: { email: 'nobody@example.com', password: 'whatever12' } });
    expectError(unknown, 401, 'unauthorized');
    expect(unknown.json.error.message).toBe(wrong.json.error.message);
  });

  it('rejects a deactivated user', async () => {
    const { user } = await makeUser();
    await env.DB.prepare('UPDATE users SET is_active = 0 WHERE id = ?').bind(user.id).run();
    const res = await api('POST', '/v2/auth/login', { body: { email: user.email, password: TEST_PASSWORD } });
    expectError(res, 401, 'unauthorized');
  });

  it('validates the body: missing fields, bad email, unknown fields', async () => {
    const res = await api('POST', '/v2/auth/login', { body: { email: 'not-an-email', extra: 1 } });
    expectError(res, 400, 'validation_failed');
    const paths = issuePaths(res).sort();
    expect(paths).toEqual(['email', 'extra', 'password']);
  });

  it('answers malformed JSON with 400 validation_failed', async () => {
    const res = await api('POST', '/v2/auth/login', { body: '{"email": ' });
    expectError(res, 400, 'validation_failed');
  });

  it('answers a non-JSON body with 415', async () => {
    const res = await api('POST', '/v2/auth/login', { body: 'email=a', headers: { 'content-type': 'text/plain' } });
    expectError(res, 415, 'unsupported_media_type');
  });
});

describe('GET /v2/me', () => {
  it('accepts the token as a bearer header', async () => {
    const { user, token } = await makeUser();
    const res = await api('GET', '/v2/me', { token });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ id: user.id, email: user.email });
  });

  it('accepts the token as the session cookie', async () => {
    const { user, token } = await makeUser();
    const res = await api('GET', '/v2/me', { cookie: `session=${token}` });
    expect(res.status).toBe(200);
    expect(res.json.id).toBe(user.id);
  });

  it('answers 401 without a token, with an unknown token and with an expired one', async () => {
    expectError(await api('GET', '/v2/me'), 401, 'unauthorized');
    expectError(await api('GET', '/v2/me', { token: 'nope' }), 401, 'unauthorized');
    const { token } = await makeUser();
    await env.DB.prepare('UPDATE sessions SET expires_at = ? WHERE token_hash = ?')
      .bind(Date.now() - 1000, await sha256Hex(token))
      .run();
    expectError(await api('GET', '/v2/me', { token }), 401, 'unauthorized');
  });
});

describe('POST /v2/auth/logout', () => {
  it('ends the session: the token no longer works and the cookie is cleared', async () => {
    const { token } = await makeUser();
    const res = await api('POST', '/v2/auth/logout', { token });
    expect(res.status).toBe(204);
    expect(res.headers.get('set-cookie')).toMatch(/session=;/);
    expectError(await api('GET', '/v2/me', { token }), 401, 'unauthorized');
  });

  it('requires a session', async () => {
    expectError(await api('POST', '/v2/auth/logout'), 401, 'unauthorized');
  });
});

describe('/v2/users (super admins)', () => {
  it('creates a user with defaults, a default Mon-Fri 09-17 schedule, and the user can log in', async () => {
    const { token } = await makeAdmin();
    const email = `new-${Date.now()}@Example.com`;
    const res = await api('POST', '/v2/users', { token, body: { email, name: 'New Person', password: 'a-strong-passphrase' } });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ email: email.toLowerCase(), name: 'New Person', role: 'user', timezone: 'UTC', is_active: true });
    const schedule = await env.DB.prepare('SELECT id, timezone, is_default FROM booking_schedules WHERE user_id = ?')
      .bind(res.json.id)
      .all();
    expect(schedule.results).toEqual([expect.objectContaining({ timezone: 'UTC', is_default: 1 })]);
    const hours = await env.DB.prepare(
      'SELECT day_of_week, start_time, end_time FROM booking_availability WHERE schedule_id = ? ORDER BY day_of_week',
    )
      .bind(schedule.results[0]!.id)
      .all();
    expect(hours.results).toEqual(
      [1, 2, 3, 4, 5].map((d) => ({ day_of_week: d, start_time: '09:00', end_time: '17:00' })),
    );
    const login = await api('POST', '/v2/auth/login', { body: { email, password: 'a-strong-passphrase' } });
    expect(login.status).toBe(200);
  });

  it('gives the default schedule the user timezone', async () => {
    const { token } = await makeAdmin();
    const res = await api('POST', '/v2/users', {
      token,
      body: { email: `tz-${Date.now()}@example.com`, name: 'Tokyo', password: 'a-strong-passphrase', timezone: 'Asia/Tokyo', role: 'super_admin' },
    });
    expect(res.status).toBe(201);
    expect(res.json.role).toBe('super_admin');
    const row = await env.DB.prepare('SELECT timezone FROM booking_schedules WHERE user_id = ?').bind(res.json.id).first();
    expect(row).toEqual({ timezone: 'Asia/Tokyo' });
  });

  it('rejects a duplicate email with 409', async () => {
    const { token } = await makeAdmin();
    const { user } = await makeUser();
    const res = await api('POST', '/v2/users', { token, body: { email: user.email, name: 'Dup', password: 'a-strong-passphrase' } });
    expectError(res, 409, 'conflict');
  });

  it('validates weak passwords, unknown timezones, roles and unknown fields', async () => {
    const { token } = await makeAdmin();
    const res = await api('POST', '/v2/users', {
      token,
      body: { email: 'x@example.com', name: '', password: 'short', timezone: 'Mars/Base', role: 'god', admin: true },
    });
    expectError(res, 400, 'validation_failed');
    const paths = issuePaths(res).sort();
    expect(paths).toEqual(['admin', 'name', 'password', 'role', 'timezone']);
  });

  it('is forbidden to regular users and unauthorized to anonymous callers', async () => {
    const { token } = await makeUser();
    expectError(await api('GET', '/v2/users', { token }), 403, 'forbidden');
    expectError(await api('POST', '/v2/users', { token, body: {} }), 403, 'forbidden');
    expectError(await api('GET', '/v2/users'), 401, 'unauthorized');
  });

  it('lists users with cursor pagination', async () => {
    const { token } = await makeAdmin();
    await makeUser();
    await makeUser();
    const first = await api('GET', '/v2/users?limit=2', { token });
    expect(first.status).toBe(200);
    expect(first.json.data).toHaveLength(2);
    expect(first.json.next_cursor).toEqual(expect.any(String));
    const second = await api('GET', `/v2/users?limit=2&cursor=${first.json.next_cursor}`, { token });
    expect(second.json.data[0].id).toBeGreaterThan(first.json.data[1].id);
    expectError(await api('GET', '/v2/users?cursor=garbage', { token }), 400, 'validation_failed');
    expectError(await api('GET', '/v2/users?limit=500', { token }), 400, 'validation_failed');
  });

  it('updates name, role and timezone', async () => {
    const { token } = await makeAdmin();
    const { user } = await makeUser();
    const res = await api('PATCH', `/v2/users/${user.id}`, {
      token,
      body: { name: 'Renamed', role: 'super_admin', timezone: 'Europe/Berlin' },
    });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ name: 'Renamed', role: 'super_admin', timezone: 'Europe/Berlin' });
    expectError(await api('PATCH', `/v2/users/${user.id}`, { token, body: {} }), 400, 'validation_failed');
    expectError(await api('PATCH', '/v2/users/999999', { token, body: { name: 'x' } }), 404, 'not_found');
    expectError(await api('PATCH', '/v2/users/abc', { token, body: { name: 'x' } }), 404, 'not_found');
  });

  it('deactivates a user: their sessions stop working, they cannot log in', async () => {
    const { token } = await makeAdmin();
    const victim = await makeUser();
    const res = await api('DELETE', `/v2/users/${victim.user.id}`, { token });
    expect(res.status).toBe(200);
    expect(res.json.is_active).toBe(false);
    expectError(await api('GET', '/v2/me', { token: victim.token }), 401, 'unauthorized');
    const login = await api('POST', '/v2/auth/login', { body: { email: victim.user.email, password: TEST_PASSWORD } });
    expectError(login, 401, 'unauthorized');
  });

  it('does not let a super admin deactivate or demote themselves', async () => {
    const { user, token } = await makeAdmin();
    expectError(await api('DELETE', `/v2/users/${user.id}`, { token }), 409, 'conflict');
    expectError(await api('PATCH', `/v2/users/${user.id}`, { token, body: { role: 'user' } }), 409, 'conflict');
  });
});

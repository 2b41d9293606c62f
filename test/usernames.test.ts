import { env } from 'cloudflare:workers';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RESERVED_USERNAMES, usernameFromEmail, usernameProblem } from '../src/users/username';
import { api, expectError, makeAdmin, makeUser, TEST_PASSWORD } from './helpers';

describe('username rules (pure)', () => {
  it('accepts lowercase slugs of 3-40 characters and refuses everything else with a reason', () => {
    for (const ok of ['ada', 'ada-lovelace', 'a1b', 'x'.repeat(40)]) expect(usernameProblem(ok)).toBeNull();
    for (const bad of ['ab', 'x'.repeat(41), 'Ada', 'ada_l', '-ada', 'ada-', 'a--b', 'ada lovelace', 'ädä']) expect(usernameProblem(bad)).not.toBeNull();
    for (const word of ['admin', 'v2', 'docs', 'health', 'booking', 'reschedule', 'team', 'api', 'static']) {
      expect(usernameProblem(word)).toBe('This word is reserved; choose another username');
    }
  });

  it('derives a valid username from any email, falling back to user-<suffix>', () => {
    expect(usernameFromEmail('Ada.Lovelace+cal@example.com', 'x1')).toBe('ada-lovelace-cal');
    expect(usernameFromEmail("o'brien__jr@example.com", 'x1')).toBe('o-brien-jr');
    expect(usernameFromEmail('ab@example.com', 'x1')).toBe('user-x1');
    expect(usernameFromEmail('admin@example.com', 'x1')).toBe('user-x1');
    fc.assert(
      fc.property(fc.emailAddress(), (email) => {
        expect(usernameProblem(usernameFromEmail(email, 'abc123'))).toBeNull();
      }),
    );
  });
});

describe('the migration that gave existing users a username', () => {
  it('derives usernames from emails, deduplicated, with reserved and unusable ones replaced', async () => {
    const backfill = env.TEST_MIGRATIONS.find((m) => m.name.startsWith('0006_'))!.queries.filter((q) => /^\s*(--[^\n]*\n\s*)*UPDATE/.test(q));
    expect(backfill.length).toBeGreaterThan(3);
    // Rows as they were before the migration: no username.
    const now = Date.now();
    const emails = ['Jane.Doe@one.example', 'jane_doe@two.example', 'jane-doe@three.example', 'admin@four.example', 'x@five.example', 'a.b.c@six.example'];
    for (const email of emails) {
      await env.DB.prepare(`INSERT INTO users (email, name, password_hash, role, timezone, is_active, created_at, updated_at) VALUES (?, 'N', 'h', 'user', 'UTC', 1, ?, ?)`)
        .bind(email.toLowerCase(), now, now)
        .run();
    }
    const before = await env.DB.prepare('SELECT id, email FROM users WHERE username IS NULL ORDER BY id').all<{ id: number; email: string }>();
    expect(before.results).toHaveLength(emails.length);
    // As in the migration, the unique index comes after the backfill (duplicates exist half-way through).
    await env.DB.prepare('DROP INDEX users_username_unique').run();
    for (const sql of backfill) await env.DB.prepare(sql).run();
    await env.DB.prepare('CREATE UNIQUE INDEX users_username_unique ON users (username)').run();
    const ids = before.results.map((r) => r.id);
    const rows = await env.DB.prepare(`SELECT id, username FROM users WHERE id IN (${ids.join(',')}) ORDER BY id`).all<{ id: number; username: string }>();
    const names = rows.results.map((r) => r.username);
    expect(names).toEqual(['jane-doe', `jane-doe-${ids[1]}`, `jane-doe-${ids[2]}`, `user-${ids[3]}`, `user-${ids[4]}`, 'a-b-c']);
    for (const name of names) expect(usernameProblem(name)).toBeNull();
  });

  it('refuses the same reserved words as the app', () => {
    const sql = env.TEST_MIGRATIONS.find((m) => m.name.startsWith('0006_'))!.queries.join('\n');
    const listed = /IN \(([^)]*)\)/.exec(sql)![1]!.match(/'([a-z0-9-]+)'/g)!.map((w) => w.slice(1, -1));
    expect(new Set(listed)).toEqual(new Set(RESERVED_USERNAMES));
  });
});

describe('usernames in the API', () => {
  it('a super admin creates a user with a username; a taken or reserved one is refused', async () => {
    const admin = await makeAdmin();
    const username = `host-${Math.random().toString(36).slice(2, 8)}`;
    const created = await api('POST', '/v2/users', { token: admin.token, body: { email: `${username}@example.com`, name: 'Host', password: TEST_PASSWORD, username } });
    expect(created.status).toBe(201);
    expect(created.json.username).toBe(username);
    const again = await api('POST', '/v2/users', { token: admin.token, body: { email: `other-${username}@example.com`, name: 'H', password: TEST_PASSWORD, username } });
    expectError(again, 409, 'conflict');
    expect(again.json.error.message).toBe('This username is taken');
    const reserved = await api('POST', '/v2/users', { token: admin.token, body: { email: `r-${username}@example.com`, name: 'H', password: TEST_PASSWORD, username: 'admin' } });
    expectError(reserved, 400, 'validation_failed');
    expect(reserved.json.error.issues).toEqual([{ path: 'username', message: 'This word is reserved; choose another username' }]);
  });

  it('derives a unique username from the email when none is given', async () => {
    const admin = await makeAdmin();
    const local = `sam.${Math.random().toString(36).slice(2, 8)}`;
    const first = await api('POST', '/v2/users', { token: admin.token, body: { email: `${local}@a.example`, name: 'Sam', password: TEST_PASSWORD } });
    const second = await api('POST', '/v2/users', { token: admin.token, body: { email: `${local}@b.example`, name: 'Sam', password: TEST_PASSWORD } });
    expect(first.json.username).toBe(local.replace('.', '-'));
    expect(second.json.username).toMatch(new RegExp(`^${local.replace('.', '-')}-[0-9a-f]{6}$`));
  });

  it('PATCH /v2/me changes the own username, name and timezone; a taken one is 409, unknown fields 400', async () => {
    const { user, token } = await makeUser();
    const other = await makeUser();
    const wanted = `me-${Math.random().toString(36).slice(2, 8)}`;
    const res = await api('PATCH', '/v2/me', { token, body: { username: wanted, name: 'New Name', timezone: 'europe/berlin' } });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ id: user.id, username: wanted, name: 'New Name', timezone: 'Europe/Berlin' });
    expectError(await api('PATCH', '/v2/me', { token: other.token, body: { username: wanted } }), 409, 'conflict');
    expectError(await api('PATCH', '/v2/me', { token, body: { role: 'super_admin' } }), 400, 'validation_failed');
    expectError(await api('PATCH', '/v2/me', { token, body: {} }), 400, 'validation_failed');
    expectError(await api('PATCH', '/v2/me', { body: { name: 'x' } }), 401, 'unauthorized');
  });

  it('a super admin changes anyone’s username with PATCH /v2/users/{id}', async () => {
    const admin = await makeAdmin();
    const { user } = await makeUser();
    const wanted = `renamed-${Math.random().toString(36).slice(2, 8)}`;
    const res = await api('PATCH', `/v2/users/${user.id}`, { token: admin.token, body: { username: wanted } });
    expect(res.status).toBe(200);
    expect(res.json.username).toBe(wanted);
    expectError(await api('PATCH', `/v2/users/${user.id}`, { token: admin.token, body: { username: 'Bad Name' } }), 400, 'validation_failed');
  });
});

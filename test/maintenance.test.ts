// The cron's housekeeping: rows that can no longer matter are deleted.
import { createScheduledController } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import worker from '../src/index';
import { makeUser } from './helpers';

const count = async (sql: string, ...binds: unknown[]) => (await env.DB.prepare(sql).bind(...binds).first<{ n: number }>())!.n;

describe('cron purge', () => {
  it('deletes expired sessions and keeps live ones', async () => {
    const { user } = await makeUser();
    const now = Date.now();
    await env.DB.prepare('INSERT INTO sessions (token_hash, user_id, expires_at, created_at) VALUES (?, ?, ?, ?), (?, ?, ?, ?)')
      .bind(`expired-${crypto.randomUUID()}`, user.id, now - 1000, now - 100_000, `live-${crypto.randomUUID()}`, user.id, now + 3_600_000, now)
      .run();
    await worker.scheduled(createScheduledController(), env);
    expect(await count('SELECT count(*) AS n FROM sessions WHERE expires_at <= ?', now)).toBe(0);
    // The live one above and the helper's own session.
    expect(await count('SELECT count(*) AS n FROM sessions WHERE user_id = ?', user.id)).toBe(2);
  });

  it('deletes sign-in attempt rows whose window has ended and keeps current ones', async () => {
    const now = Date.now();
    const old = `client:198.51.100.9:old-${crypto.randomUUID()}@example.com`;
    const current = `client:198.51.100.9:new-${crypto.randomUUID()}@example.com`;
    await env.DB.prepare('INSERT INTO sign_in_attempts (key, attempts, window_start) VALUES (?, 3, ?), (?, 3, ?)')
      .bind(old, now - 16 * 60_000, current, now - 60_000)
      .run();
    await worker.scheduled(createScheduledController(), env);
    expect(await count('SELECT count(*) AS n FROM sign_in_attempts WHERE key = ?', old)).toBe(0);
    expect(await count('SELECT count(*) AS n FROM sign_in_attempts WHERE key = ?', current)).toBe(1);
  });
});

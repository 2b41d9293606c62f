// The demo data of `npm run dev` (scripts/lib/seed.ts) on the migrated D1: it runs twice over the same database (the
// README's first command runs again after a restart), and what it prints works: the admin token, the booking page.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { DEMO_HOST, seedStatements } from '../scripts/lib/seed';
import { api, page } from './helpers';

async function seed(token: string) {
  const statements = await seedStatements(token);
  await env.DB.batch(statements.map((s) => env.DB.prepare(s.sql).bind(...s.params)));
}

describe('the dev seed', () => {
  it('runs twice without error or duplicates; the printed token is a super admin; /demo/30min books', async () => {
    const first = `seed-${crypto.randomUUID()}`;
    const second = `seed-${crypto.randomUUID()}`;
    await seed(first);
    await seed(second);
    const counts = await env.DB.prepare(
      `SELECT (SELECT count(*) FROM users WHERE email IN ('admin@calflare.dev', 'host@calflare.dev')) AS users,
              (SELECT count(*) FROM booking_event_types e JOIN users u ON u.id = e.owner_id WHERE u.email = 'host@calflare.dev' AND e.slug = '30min') AS event_types`,
    ).first<{ users: number; event_types: number }>();
    expect(counts).toEqual({ users: 2, event_types: 1 });
    for (const token of [first, second]) {
      const me = await api('GET', '/v2/me', { token });
      expect(me.status).toBe(200);
      expect(me.json.role).toBe('super_admin');
    }
    expect((await page(`/${DEMO_HOST.username}`)).html).toContain('30 Minute Meeting');
    const booker = await page(`/${DEMO_HOST.username}/30min`);
    expect(booker.status).toBe(200);
    expect(booker.html).toContain('id="calendar"');
  });
});

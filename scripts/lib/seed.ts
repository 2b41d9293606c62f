// The demo data of `npm run dev` (scripts/dev.ts): a super admin with a fresh session token, a host with the spec's
// example event type. Idempotent, so `npm run dev` runs again over the same local database; test/dev-seed.test.ts
// runs it twice inside workerd against the migrated D1.
import { hashPassword } from '../../src/auth/crypto';
import { sha256Hex } from '../../src/lib/crypto';
import { provisionUserStatements, type SqlStatement } from '../../src/users/provision';

export const DEMO_ADMIN = { email: 'admin@calflare.dev', password: 'calflare-admin-demo' };
export const DEMO_HOST = { email: 'host@calflare.dev', password: 'calflare-host-demo', username: 'demo' };

/** The demo data, as statements that can run any number of times over the same database. */
export async function seedStatements(adminToken: string): Promise<SqlStatement[]> {
  const now = Date.now();
  const admin = provisionUserStatements(
    { email: DEMO_ADMIN.email, username: 'demo-admin', name: 'Demo Admin', role: 'super_admin', timezone: 'UTC', passwordHash: await hashPassword(DEMO_ADMIN.password) },
    now,
    true,
  );
  const host = provisionUserStatements(
    { email: DEMO_HOST.email, username: DEMO_HOST.username, name: 'Demo Host', role: 'user', timezone: 'America/New_York', passwordHash: await hashPassword(DEMO_HOST.password) },
    now,
    true,
  );
  const hostId = '(SELECT id FROM users WHERE email = ?)';
  const thirtyMinuteMeeting: SqlStatement = {
    // The spec's example event type, bookable at once through the host's default schedule.
    sql: `INSERT INTO booking_event_types (owner_id, schedule_id, title, slug, description, duration_minutes,
            buffer_before_minutes, buffer_after_minutes, minimum_notice_hours, booking_window_days, location_type,
            location_value, requires_confirmation, is_active, created_at, updated_at)
          SELECT ${hostId}, s.id, '30 Minute Meeting', '30min', 'A quick call.', 30, 5, 5, 24, 60, 'google_meet',
            'https://meet.google.com/demo', 0, 1, ?, ?
          FROM booking_schedules s WHERE s.user_id = ${hostId} AND s.is_default = 1
          ON CONFLICT(owner_id, slug) WHERE team_id IS NULL DO NOTHING`,
    params: [DEMO_HOST.email, now, now, DEMO_HOST.email],
  };
  const adminSession: SqlStatement = {
    sql: `INSERT INTO sessions (token_hash, user_id, expires_at, created_at) SELECT ?, ${hostId}, ?, ?`,
    params: [await sha256Hex(adminToken), DEMO_ADMIN.email, now + 30 * 86_400_000, now],
  };
  // Seeded before usernames existed: the migration gave the demo host a derived one; the printed link needs `demo`.
  const demoUsername: SqlStatement = {
    sql: `UPDATE users SET username = ? WHERE email = ? AND NOT EXISTS (SELECT 1 FROM users WHERE username = ?)`,
    params: [DEMO_HOST.username, DEMO_HOST.email, DEMO_HOST.username],
  };
  return [...admin, ...host, demoUsername, thirtyMinuteMeeting, adminSession];
}

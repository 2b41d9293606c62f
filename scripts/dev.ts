// `npm run dev`: local D1 with migrations applied, demo data seeded (idempotent), then `wrangler dev` on :8787.
import { spawn } from 'node:child_process';
import { hashPassword } from '../src/auth/crypto';
import { randomToken, sha256Hex } from '../src/lib/crypto';
import { provisionUserStatements, type SqlStatement } from '../src/users/provision';
import { applyMigrations, execute } from './lib/d1';
import { startMailCatcher } from './lib/mail-catcher';

export const DEMO_ADMIN = { email: 'admin@calflare.dev', password: 'calflare-admin-demo' };
export const DEMO_HOST = { email: 'host@calflare.dev', password: 'calflare-host-demo', username: 'demo' };
const PORT = process.env.PORT ?? '8787';

async function seedStatements(adminToken: string): Promise<SqlStatement[]> {
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

applyMigrations();
const adminToken = randomToken();
execute(await seedStatements(adminToken));

// Every email the dev Worker sends lands here (SMTP on a free 127.0.0.1 port), is saved under .wrangler/mail/ and
// printed, so booking a meeting shows its invitation at once.
const MAIL_DIR = '.wrangler/mail';
const catcher = await startMailCatcher({
  dir: MAIL_DIR,
  port: process.env.MAIL_PORT ? Number(process.env.MAIL_PORT) : 0,
  onMail: (m) => console.log(`\n[mail] to ${m.to.join(', ')}: ${m.subject}\n       saved as ${m.file} (open it in any mail client)`),
});

console.log(`
calflare local dev: http://127.0.0.1:${PORT}
  super admin   ${DEMO_ADMIN.email} / ${DEMO_ADMIN.password}
  admin token   ${adminToken}
  demo host     ${DEMO_HOST.email} / ${DEMO_HOST.password}  (event type "30 Minute Meeting", slug 30min)
  booking page  http://127.0.0.1:${PORT}/${DEMO_HOST.username}  (book: http://127.0.0.1:${PORT}/${DEMO_HOST.username}/30min)
  admin pages   http://127.0.0.1:${PORT}/admin/bookings  (sign in as the super admin)
  API reference http://127.0.0.1:${PORT}/docs
  emails        caught by a local SMTP server on 127.0.0.1:${catcher.port}, saved in ${MAIL_DIR}/ and listed here
  try           curl -H "Authorization: Bearer ${adminToken}" http://127.0.0.1:${PORT}/v2/me
`);

// Local dev only: a fixed key for calendar connection secrets (production sets the CALENDAR_ENCRYPTION_KEY secret).
const DEV_CALENDAR_KEY = 'Y2FsZmxhcmUtbG9jYWwtZGV2LWNhbGVuZGFyLWtleSE=';

const dev = spawn(
  'npx',
  [
    'wrangler', 'dev', '--port', PORT, '--ip', '127.0.0.1',
    '--var', 'WEBHOOK_ALLOW_PRIVATE_URLS:true', '--var', 'WEBHOOK_RETRY_BASE_SECONDS:2', '--var', `APP_URL:http://127.0.0.1:${PORT}`,
    '--var', 'EMAIL_TRANSPORT:smtp', '--var', 'SMTP_HOST:127.0.0.1', '--var', `SMTP_PORT:${catcher.port}`, '--var', 'SMTP_SECURITY:off',
    '--var', 'EMAIL_RETRY_BASE_SECONDS:2', '--var', `CALENDAR_ENCRYPTION_KEY:${DEV_CALENDAR_KEY}`,
  ],
  { stdio: 'inherit', env: { ...process.env, WRANGLER_SEND_METRICS: 'false' } },
);
dev.on('exit', (code) => void catcher.close().finally(() => process.exit(code ?? 0)));
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => dev.kill(signal));

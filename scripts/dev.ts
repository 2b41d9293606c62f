// `npm run dev`: local D1 with migrations applied, demo data seeded (idempotent), then `wrangler dev` on :8787.
import { spawn } from 'node:child_process';
import { randomToken } from '../src/lib/crypto';
import { DEMO_ADMIN, DEMO_HOST, seedStatements } from './lib/seed';
import { applyMigrations, execute } from './lib/d1';
import { startMailCatcher } from './lib/mail-catcher';

const PORT = process.env.PORT ?? '8787';

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

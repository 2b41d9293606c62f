// `npm run dev`: local D1 with migrations applied, demo data seeded (idempotent), then `wrangler dev` on :8787.
// Prints one line per migration it applies and the banner once the server answers (not before: a curl pasted at
// the banner must work).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { randomToken } from '../src/lib/crypto';
import { DEMO_ADMIN, DEMO_HOST, seedStatements } from './lib/seed';
import { applyMigrations, execute, type Target } from './lib/d1';
import { startMailCatcher } from './lib/mail-catcher';
import { catcherVars, startSmsCatcher } from './lib/sms-catcher';

const PORT = process.env.PORT ?? '8787';
// Where the local database lives: wrangler's default (.wrangler/state), or DEV_STATE_DIR for a throwaway one (the
// README test runs the README against its own).
const STATE_DIR = process.env.DEV_STATE_DIR;
const target: Target = STATE_DIR ? { persistTo: STATE_DIR } : {};

for (const name of applyMigrations(target)) console.log(`applied migration ${name}`);
const adminToken = randomToken();
execute(await seedStatements(adminToken), target);

// Every email the dev Worker sends lands here (SMTP on a free 127.0.0.1 port), is saved under .wrangler/mail/ and
// printed, so booking a meeting shows its invitation at once.
const MAIL_DIR = STATE_DIR ? join(STATE_DIR, 'mail') : '.wrangler/mail';
const catcher = await startMailCatcher({
  dir: MAIL_DIR,
  port: process.env.MAIL_PORT ? Number(process.env.MAIL_PORT) : 0,
  onMail: (m) => console.log(`\n[mail] to ${m.to.join(', ')}: ${m.subject}\n       saved as ${m.file} (open it in any mail client)`),
});

// Every SMS likewise: a local stand-in for Twilio's Messages API, saved under .wrangler/sms/ and printed.
const SMS_DIR = STATE_DIR ? join(STATE_DIR, 'sms') : '.wrangler/sms';
const smsCatcher = await startSmsCatcher({
  dir: SMS_DIR,
  onSms: (m) => console.log(`\n[sms] to ${m.to}: ${m.body}\n      saved as ${m.file}`),
});

// Local dev only: a fixed key for calendar connection secrets (production sets the CALENDAR_ENCRYPTION_KEY secret).
const DEV_CALENDAR_KEY = 'Y2FsZmxhcmUtbG9jYWwtZGV2LWNhbGVuZGFyLWtleSE=';

const dev = spawn(
  'npx',
  [
    'wrangler', 'dev', '--port', PORT, '--ip', '127.0.0.1', ...(STATE_DIR ? ['--persist-to', STATE_DIR] : []),
    '--var', 'WEBHOOK_ALLOW_PRIVATE_URLS:true', '--var', 'WEBHOOK_RETRY_BASE_SECONDS:2', '--var', `APP_URL:http://127.0.0.1:${PORT}`,
    '--var', 'EMAIL_TRANSPORT:smtp', '--var', 'SMTP_HOST:127.0.0.1', '--var', `SMTP_PORT:${catcher.port}`, '--var', 'SMTP_SECURITY:off',
    '--var', 'EMAIL_RETRY_BASE_SECONDS:2', '--var', `CALENDAR_ENCRYPTION_KEY:${DEV_CALENDAR_KEY}`,
    ...Object.entries(catcherVars(smsCatcher)).flatMap(([name, value]) => ['--var', `${name}:${value}`]),
  ],
  {
    stdio: 'inherit',
    // No Request.cf download: the Worker never reads request.cf, and offline the failed lookup printed two stack traces.
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false' },
  },
);
dev.on('exit', (code) => void Promise.all([catcher.close(), smsCatcher.close()]).finally(() => process.exit(code ?? 0)));
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => dev.kill(signal));

const base = `http://127.0.0.1:${PORT}`;
while (dev.exitCode === null && !(await fetch(`${base}/health`).then((r) => r.ok, () => false))) {
  await new Promise((r) => setTimeout(r, 250));
}
if (dev.exitCode === null) {
  console.log(`
calflare local dev: ${base}
  super admin   ${DEMO_ADMIN.email} / ${DEMO_ADMIN.password}
  admin token   ${adminToken}
  demo host     ${DEMO_HOST.email} / ${DEMO_HOST.password}  (event type "30 Minute Meeting", slug 30min)
  booking page  ${base}/${DEMO_HOST.username}  (book: ${base}/${DEMO_HOST.username}/30min)
  admin pages   ${base}/admin/bookings  (sign in as the super admin)
  host pages    ${base}/settings/calendars  (sign in as the demo host: connect calendars)
  API reference ${base}/docs
  emails        caught by a local SMTP server on 127.0.0.1:${catcher.port}, saved in ${MAIL_DIR}/ and listed here
  SMS           caught by a local Twilio stand-in on 127.0.0.1:${smsCatcher.port}, saved in ${SMS_DIR}/ and listed here
  try           curl -H "Authorization: Bearer ${adminToken}" ${base}/v2/me
`);
}

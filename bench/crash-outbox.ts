/**
 * kill -9 mid-burst with emails and webhooks on (issue #25 item 5), against a real `wrangler dev` on 127.0.0.1 only:
 * a burst of bookings, SIGKILL to wrangler dev and its workerd while they are still coming in (the local queues die
 * with it, so every message not yet consumed is lost), a restart on the same state, the cron run every minute the
 * way wrangler.toml schedules it (`--test-scheduled` + GET /__scheduled), and a count of what arrives: every
 * acknowledged booking's two emails (attendee and host, SMTP to the local mail catcher) and its webhook (a local
 * receiver), within 5 minutes of the restart, none twice.
 * Run: npx tsx bench/crash-outbox.ts [--bookings 40] [--kill-after 20]   (about 3-4 minutes; stops by itself)
 * Not part of the test suite. Results: a summary, and bench/out/crash-outbox.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { randomToken } from '../src/lib/crypto';
import { startMailCatcher } from '../scripts/lib/mail-catcher';
import { freePort, startWranglerDev, type DevWorker } from '../scripts/lib/processes';
import { benchAdminSeed, hardStopAfter, nextIp } from './lib/worker';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const BOOKINGS = arg('bookings', 40);
const KILL_AFTER = arg('kill-after', Math.floor(BOOKINGS / 2));
const CONCURRENCY = 6;
const DRAIN_LIMIT_MS = 5 * 60_000;
const CRON_EVERY_MS = 60_000;
const hardStop = hardStopAfter(10 * 60_000);

// Where the mail and the webhooks land, counted by Message-ID and webhook-id.
const mails = new Map<string, { count: number; attendee: string; at: number }>();
const catcher = await startMailCatcher({
  onMail: (mail) => {
    const id = /^Message-ID:\s*<([^>]+)>/im.exec(mail.raw)?.[1] ?? `unknown-${mails.size}`;
    // The attendee's copy goes to the attendee; the host's copy has the attendee as Reply-To.
    const replyTo = /^Reply-To:.*?<?([^<>\s]+@[^<>\s]+)>?\s*$/im.exec(mail.raw)?.[1] ?? '';
    const attendee = mail.to.find((t) => t.startsWith('probe-')) ?? replyTo;
    const seen = mails.get(id);
    if (seen) seen.count++;
    else mails.set(id, { count: 1, attendee, at: Date.now() });
  },
});
const hooks = new Map<string, { count: number; uid: string; at: number }>();
const receiverPort = await freePort();
const receiver = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const id = String(req.headers['webhook-id'] ?? `unknown-${hooks.size}`);
    let uid = '';
    try {
      uid = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { payload?: { uid?: string } }).payload?.uid ?? '';
    } catch {
      // counted anyway
    }
    const seen = hooks.get(id);
    if (seen) seen.count++;
    else hooks.set(id, { count: 1, uid, at: Date.now() });
    res.writeHead(200).end('{}');
  });
});
await new Promise<void>((r) => receiver.listen(receiverPort, '127.0.0.1', () => r()));

const adminToken = randomToken();
const port = await freePort();
const options = {
  port,
  logLevel: 'error' as const,
  args: ['--test-scheduled'],
  vars: {
    EMAIL_TRANSPORT: 'smtp', SMTP_HOST: '127.0.0.1', SMTP_PORT: String(catcher.port), SMTP_SECURITY: 'off',
    WEBHOOK_ALLOW_PRIVATE_URLS: 'true',
  },
};
let worker: DevWorker = await startWranglerDev({ ...options, seed: benchAdminSeed(adminToken) });
const state = worker.state;
const base = worker.base;

async function call(method: string, path: string, body?: unknown, token: string | null = adminToken) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'application/json', 'cf-connecting-ip': nextIp() },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json().catch(() => null)) as any };
}

const result: Record<string, unknown> = { bookings_attempted: BOOKINGS, kill_after: KILL_AFTER };
try {
  const eventType = await call('POST', '/v2/event-types', { title: 'Probe', slug: 'probe', duration_minutes: 30, booking_window_days: 365 });
  if (eventType.status !== 201) throw new Error(`event type: ${eventType.status} ${JSON.stringify(eventType.json)}`);
  const hook = await call('POST', '/v2/webhooks', { subscriber_url: `http://127.0.0.1:${receiverPort}/hook`, event_triggers: ['BOOKING_CREATED'] });
  if (hook.status !== 201) throw new Error(`webhook: ${hook.status} ${JSON.stringify(hook.json)}`);

  // Weekday starts at 09:00-16:30 UTC from a week ahead (the admin's default schedule), one booking each.
  const starts: string[] = [];
  for (let day = 7; starts.length < BOOKINGS; day++) {
    const date = new Date(Date.now() + day * 86_400_000);
    if (date.getUTCDay() === 0 || date.getUTCDay() === 6) continue;
    for (let slot = 0; slot < 16 && starts.length < BOOKINGS; slot++) {
      starts.push(`${date.toISOString().slice(0, 10)}T${String(9 + Math.floor(slot / 2)).padStart(2, '0')}:${slot % 2 ? '30' : '00'}:00Z`);
    }
  }

  // The burst: CONCURRENCY at a time; once KILL_AFTER are acknowledged, SIGKILL while the rest are in flight.
  const acknowledged = new Map<string, string>(); // booking uid -> attendee email
  let next = 0;
  let killed: Promise<void> | null = null;
  let killedAt = 0;
  let failed = 0;
  const runner = async () => {
    while (next < starts.length && !killed) {
      const i = next++;
      const email = `probe-${i}-${randomToken(4).toLowerCase()}@example.com`;
      try {
        const res = await call('POST', '/v2/bookings', { event_type_id: eventType.json.id, start: starts[i], attendee: { name: `Probe ${i}`, email, timezone: 'UTC' } }, null);
        if (res.status === 201) acknowledged.set(res.json.uid as string, email);
        else failed++;
      } catch {
        failed++; // the connection died with the Worker: not acknowledged
      }
      if (acknowledged.size >= KILL_AFTER && !killed) {
        killedAt = Date.now();
        killed = worker.kill();
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, runner));
  await killed;
  const deliveredBeforeKill = { emails: mails.size, webhooks: hooks.size };
  console.log(`killed -9 after ${acknowledged.size} acknowledged bookings (${failed} failed or cut off); before the kill: ${deliveredBeforeKill.emails} emails, ${deliveredBeforeKill.webhooks} webhooks`);

  // Restart on the same state and port; the cron runs every minute from then on, as in production.
  worker = await startWranglerDev({ ...options, state });
  const restartedAt = Date.now();
  console.log(`restarted in ${((restartedAt - killedAt) / 1000).toFixed(1)} s`);
  const expectedMails = acknowledged.size * 2;
  const complete = () => {
    const mailed = new Map<string, number>();
    for (const m of mails.values()) mailed.set(m.attendee, (mailed.get(m.attendee) ?? 0) + 1);
    const hooked = new Set([...hooks.values()].map((h) => h.uid));
    return [...acknowledged].every(([uid, email]) => (mailed.get(email) ?? 0) >= 2 && hooked.has(uid));
  };
  let cronRuns = 0;
  let drainedAt: number | null = null;
  let nextCron = restartedAt + CRON_EVERY_MS;
  while (Date.now() - restartedAt < DRAIN_LIMIT_MS) {
    if (complete()) {
      drainedAt = Date.now();
      break;
    }
    if (Date.now() >= nextCron) {
      cronRuns++;
      nextCron += CRON_EVERY_MS;
      await fetch(`${base}/__scheduled?cron=*+*+*+*+*`).catch(() => undefined);
    }
    await new Promise((r) => setTimeout(r, 1_000));
  }
  // One more cron run after draining: a second copy of anything would show up now.
  await fetch(`${base}/__scheduled?cron=*+*+*+*+*`).catch(() => undefined);
  await new Promise((r) => setTimeout(r, 15_000));

  const ackEmails = new Set(acknowledged.values());
  const ackUids = new Set(acknowledged.keys());
  const ackMails = [...mails.values()].filter((m) => ackEmails.has(m.attendee));
  const ackHooks = [...hooks.values()].filter((h) => ackUids.has(h.uid));
  Object.assign(result, {
    acknowledged: acknowledged.size,
    failed_or_cut_off: failed,
    delivered_before_kill: deliveredBeforeKill,
    restart_seconds: Math.round((restartedAt - killedAt) / 100) / 10,
    cron_runs_after_restart: cronRuns,
    emails_expected: expectedMails,
    emails_delivered: ackMails.length,
    email_duplicates: ackMails.filter((m) => m.count > 1).length,
    webhooks_expected: acknowledged.size,
    webhooks_delivered: ackHooks.length,
    webhook_duplicates: ackHooks.filter((h) => h.count > 1).length,
    // Bookings committed but never acknowledged (cut off by the kill) still get theirs: counted apart.
    other_emails: mails.size - ackMails.length,
    other_webhooks: hooks.size - ackHooks.length,
    drained_seconds_after_restart: drainedAt === null ? null : Math.round((drainedAt - restartedAt) / 100) / 10,
    within_5_minutes: drainedAt !== null,
  });
  console.log(JSON.stringify(result, null, 2));
  mkdirSync('bench/out', { recursive: true });
  writeFileSync('bench/out/crash-outbox.json', JSON.stringify(result, null, 2));
} finally {
  await worker.stop();
  const { rmSync } = await import('node:fs');
  rmSync(state, { recursive: true, force: true });
  await catcher.close();
  receiver.close();
  clearTimeout(hardStop);
}

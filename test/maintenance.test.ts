// The cron's housekeeping: rows that can no longer matter are deleted.
import { createScheduledController } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import worker from '../src/index';
import { getDb } from '../src/db/client';
import { inBatches } from '../src/db/purge';
import { deleteExpiredHolds } from '../src/reservations/repo';
import { createEventType, create, makeUser } from './helpers';

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

const DAY = 86_400_000;
const LOG = JSON.stringify([{ attempt: 1, at: 0, status_code: 500, duration_ms: 10, error: 'HTTP 500', next_attempt_at: null }]);

/** A delivery row `ageDays` old in `status`, with a one-attempt log; enqueued, so the sweep leaves it alone. */
async function deliveryRow(webhookId: number, status: string, ageDays: number) {
  const at = Date.now() - ageDays * DAY;
  const row = await env.DB.prepare(
    `INSERT INTO booking_webhook_deliveries (event_id, webhook_id, trigger_event, payload, status, attempts, attempt_log, enqueued_at, created_at, updated_at)
     VALUES (?, ?, 'BOOKING_CREATED', '{}', ?, 1, ?, ?, ?, ?) RETURNING id`,
  )
    .bind(`msg_${crypto.randomUUID()}`, webhookId, status, LOG, Date.now(), at, at)
    .first<{ id: number }>();
  return row!.id;
}

async function emailRow(status: string, ageDays: number) {
  const at = Date.now() - ageDays * DAY;
  const row = await env.DB.prepare(
    `INSERT INTO booking_email_notifications (notification_id, booking_uid, trigger_event, recipient_role, recipient_email, recipient_name, payload, status, attempt_log, enqueued_at, created_at, updated_at)
     VALUES (?, 'b', 'BOOKING_CREATED', 'attendee', 'old@example.com', 'Old', '{}', ?, ?, ?, ?, ?) RETURNING id`,
  )
    .bind(crypto.randomUUID(), status, LOG, Date.now(), at, at)
    .first<{ id: number }>();
  return row!.id;
}

const deliveryState = async (id: number) =>
  (await env.DB.prepare('SELECT attempt_log FROM booking_webhook_deliveries WHERE id = ?').bind(id).first<{ attempt_log: string }>())?.attempt_log ?? 'deleted';
const emailKept = async (id: number) => (await count('SELECT count(*) AS n FROM booking_email_notifications WHERE id = ?', id)) === 1;

describe('retention (defaults: 30 days of attempt logs, 90 days of delivered payloads)', () => {
  it('empties settled webhook attempt logs after 30 days and deletes settled deliveries after 90; pending ones stay', async () => {
    const { token } = await makeUser();
    const hook = await create<{ id: number }>('/v2/webhooks', token, { subscriber_url: 'https://hooks.example.com/retention', event_triggers: ['BOOKING_CREATED'] });
    const fresh = await deliveryRow(hook.id, 'delivered', 29);
    const logAged = await deliveryRow(hook.id, 'failed', 31);
    const payloadAged = await deliveryRow(hook.id, 'delivered', 91);
    const stillOwed = await deliveryRow(hook.id, 'pending', 91);
    await worker.scheduled(createScheduledController(), env);
    expect(await deliveryState(fresh)).toBe(LOG);
    expect(await deliveryState(logAged)).toBe('[]');
    expect(await deliveryState(payloadAged)).toBe('deleted');
    expect(await deliveryState(stillOwed)).toBe(LOG);
  });

  it('deletes settled emails (sent, failed, suppressed) after 30 days and keeps pending and recent ones', async () => {
    const recent = await emailRow('sent', 29);
    const aged = await Promise.all(['sent', 'failed', 'suppressed'].map((s) => emailRow(s, 31)));
    const pending = await emailRow('pending', 31);
    await worker.scheduled(createScheduledController(), env);
    expect(await emailKept(recent)).toBe(true);
    for (const id of aged) expect(await emailKept(id)).toBe(false);
    expect(await emailKept(pending)).toBe(true);
  });

  it('deletes settled SMS after 30 days and keeps sending, pending and recent ones', async () => {
    const now = Date.now();
    const sms = async (status: string, days: number) =>
      (await env.DB.prepare(
        `INSERT INTO sms_messages (message_key, host_id, kind, recipient_role, to_number, body, status, created_at, updated_at) VALUES (?, 1, 'reminder', 'attendee', '+14155550100', 'x', ?, ?, ?) RETURNING id`,
      )
        .bind(`ret_${status}_${days}_${Math.random()}`, status, now - days * 86_400_000, now)
        .first<{ id: number }>())!.id;
    const kept = [await sms('sent', 29), await sms('pending', 31), await sms('sending', 31)];
    const aged = [await sms('sent', 31), await sms('failed', 31), await sms('suppressed', 31)];
    await worker.scheduled(createScheduledController(), env);
    const left = async (id: number) => (await count('SELECT count(*) AS n FROM sms_messages WHERE id = ?', id)) === 1;
    for (const id of kept) expect(await left(id)).toBe(true);
    for (const id of aged) expect(await left(id)).toBe(false);
  });

  it('reads the retention from the vars', async () => {
    const { token } = await makeUser();
    const hook = await create<{ id: number }>('/v2/webhooks', token, { subscriber_url: 'https://hooks.example.com/retention-vars', event_triggers: ['BOOKING_CREATED'] });
    const delivered = await deliveryRow(hook.id, 'delivered', 3);
    const email = await emailRow('sent', 3);
    await worker.scheduled(createScheduledController(), { ...env, RETENTION_ATTEMPT_LOG_DAYS: '5', RETENTION_PAYLOAD_DAYS: '5' });
    expect(await deliveryState(delivered)).toBe(LOG);
    expect(await emailKept(email)).toBe(true);
    await worker.scheduled(createScheduledController(), { ...env, RETENTION_ATTEMPT_LOG_DAYS: '2', RETENTION_PAYLOAD_DAYS: '2' });
    expect(await deliveryState(delivered)).toBe('deleted');
    expect(await emailKept(email)).toBe(false);
  });

  it('purges in bounded batches: a backlog larger than one run drains over the next runs', async () => {
    const { user, token } = await makeUser();
    const et = await createEventType(token);
    const now = Date.now();
    const insert = env.DB.prepare(
      `INSERT INTO slot_reservations (uid, host_id, event_type_id, slot_start, slot_end, occupied_start, occupied_end, expires_at, client_hash, created_at, updated_at)
       VALUES (?, ?, ?, 0, 1, 0, 1, ?, 'c', ?, ?)`,
    );
    await env.DB.batch(Array.from({ length: 5 }, () => insert.bind(crypto.randomUUID(), user.id, et.id, now - 1000, now - DAY, now - DAY)));
    const expired = () => count('SELECT count(*) AS n FROM slot_reservations WHERE host_id = ?', user.id);
    const db = getDb(env.DB);
    // Batches of 2 rows, at most 2 batches a run.
    expect(await inBatches((limit) => deleteExpiredHolds(db, now, limit), 2, 2)).toBe(4);
    expect(await expired()).toBe(1);
    expect(await inBatches((limit) => deleteExpiredHolds(db, now, limit), 2, 2)).toBe(1);
    expect(await expired()).toBe(0);
  });
});

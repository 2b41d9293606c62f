// The email consumer on rows written here (never enqueued, so only these calls send them): retries, permanent
// failures, duplicates, the dead-letter queue and the sweep.
import { createExecutionContext, createMessageBatch, getQueueResult } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it, vi } from 'vitest';
import type { EmailAttempt } from '../src/db/schema';
import type { EmailQueueMessage } from '../src/env';
import { composeEmail, consumeEmailBatch, EMAIL_DEAD_LETTER_QUEUE, LEASE_MS, notificationFromRow, processNotification } from '../src/notifications/consumer';
import { newNotificationId, notificationPayload } from '../src/notifications/outbox';
import { sweepEmailOutbox, EMAIL_SWEEP_GRACE_MS } from '../src/notifications/sweep';
import { MemoryTransport, memoryMailbox } from '../src/notifications/transports/memory';
import worker from '../src/index';

const snapshot = {
  trigger: 'BOOKING_CREATED' as const,
  hostId: 1,
  booking: {
    uid: 'bk_delivery_test_000001',
    title: 'Intro Call between Hannah Host and Jane Doe',
    description: null,
    startAt: Date.UTC(2030, 0, 7, 14),
    endAt: Date.UTC(2030, 0, 7, 14, 30),
    status: 'accepted' as const,
    locationType: null,
    locationValue: null,
    metadata: null,
    cancellationReason: null,
    rejectionReason: null,
  },
  eventType: null,
  organizer: { id: 1, name: 'Hannah Host', email: 'host@example.com', timezone: 'UTC' },
  attendee: { name: 'Jane Doe', email: 'jane@example.com', timezone: 'UTC', notes: null },
};

async function insertNotification(opts: { createdAt?: number; enqueuedAt?: number | null; status?: string; leaseUntil?: number | null; nextAttemptAt?: number | null } = {}) {
  const now = opts.createdAt ?? Date.now();
  const payload = JSON.stringify(notificationPayload(snapshot, { sequence: 0, createdAt: now, updatedAt: now }));
  const row = await env.DB.prepare(
    `INSERT INTO booking_email_notifications (notification_id, booking_uid, trigger_event, recipient_role, recipient_email, recipient_name,
       payload, status, attempts, attempt_log, enqueued_at, lease_until, next_attempt_at, created_at, updated_at)
     VALUES (?, ?, 'BOOKING_CREATED', 'attendee', 'jane@example.com', 'Jane Doe', ?, ?, 0, '[]', ?, ?, ?, ?, ?) RETURNING id`,
  )
    .bind(newNotificationId(), snapshot.booking.uid, payload, opts.status ?? 'pending', opts.enqueuedAt ?? null, opts.leaseUntil ?? null, opts.nextAttemptAt ?? null, now, now)
    .first<{ id: number }>();
  return row!.id;
}

const rowOf = async (id: number) => notificationFromRow((await env.DB.prepare('SELECT * FROM booking_email_notifications WHERE id = ?').bind(id).first())!);
const transient = { ok: false as const, permanent: false, error: '451 try later' };
const permanent = { ok: false as const, permanent: true, error: 'E_RECIPIENT_SUPPRESSED: suppressed' };

describe('processNotification', () => {
  it('retries a transient failure with backoff, logging the attempt, then sends the same bytes', async () => {
    const id = await insertNotification();
    const transport = new MemoryTransport();
    transport.script.push(transient);
    const first = await processNotification(env, id, { transport, random: () => 0.5 });
    expect(first).toEqual({ action: 'retry', delaySeconds: 1 });
    let row = await rowOf(id);
    expect(row).toMatchObject({ status: 'pending', attempts: 1, lastError: '451 try later', leaseUntil: null });
    expect(row.attemptLog).toEqual([{ attempt: 1, at: expect.any(Number), duration_ms: expect.any(Number), error: '451 try later', permanent: false, next_attempt_at: expect.any(Number) }]);

    expect(await processNotification(env, id, { transport })).toEqual({ action: 'ack' });
    row = await rowOf(id);
    expect(row).toMatchObject({ status: 'sent', attempts: 2, lastError: null, sentAt: expect.any(Number) });
    expect(row.attemptLog.map((a: EmailAttempt) => a.error)).toEqual(['451 try later', null]);
    expect(transport.sent).toHaveLength(1);
    expect(transport.sent[0]!.raw).toBe((await composeEmail(env, row)).raw);
    expect(transport.sent[0]!.raw).toContain(`Message-ID: <${row.notificationId}@calflare.example.com>`);
  });

  it('does not retry a permanent failure', async () => {
    const id = await insertNotification();
    const transport = new MemoryTransport();
    transport.script.push(permanent);
    expect(await processNotification(env, id, { transport })).toEqual({ action: 'ack' });
    expect(await rowOf(id)).toMatchObject({ status: 'failed', attempts: 1, lastError: permanent.error });
    expect((await rowOf(id)).attemptLog[0]).toMatchObject({ permanent: true, next_attempt_at: null });
    // A later copy of its message sends nothing.
    expect(await processNotification(env, id, { transport })).toEqual({ action: 'ack' });
    expect(transport.sent).toHaveLength(0);
  });

  it('gives up after EMAIL_MAX_ATTEMPTS transient failures', async () => {
    const id = await insertNotification();
    const transport = new MemoryTransport();
    const limited = { ...env, EMAIL_MAX_ATTEMPTS: '3' };
    transport.script.push(transient, transient, transient);
    expect((await processNotification(limited, id, { transport })).action).toBe('retry');
    expect((await processNotification(limited, id, { transport })).action).toBe('retry');
    expect(await processNotification(limited, id, { transport })).toEqual({ action: 'ack' });
    expect(await rowOf(id)).toMatchObject({ status: 'failed', attempts: 3 });
  });

  it('never sends twice: a second copy of the message while one is sending, or after it was sent, sends nothing', async () => {
    const id = await insertNotification();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const sent: string[] = [];
    const slow = { name: 'slow', send: async (e: { raw: string }) => (await gate, sent.push(e.raw), { ok: true as const }) };
    const first = processNotification(env, id, { transport: slow });
    await new Promise((r) => setTimeout(r, 100));
    expect(await processNotification(env, id, { transport: slow })).toEqual({ action: 'ack' });
    release();
    expect(await first).toEqual({ action: 'ack' });
    expect(await processNotification(env, id, { transport: slow })).toEqual({ action: 'ack' });
    expect(sent).toHaveLength(1);
    expect((await rowOf(id)).attempts).toBe(1);
  });

  it('takes over a row whose claim lapsed (its consumer died mid-send)', async () => {
    const id = await insertNotification({ leaseUntil: Date.now() - 1 });
    const transport = new MemoryTransport();
    expect(await processNotification(env, id, { transport })).toEqual({ action: 'ack' });
    expect(transport.sent).toHaveLength(1);
    const fresh = await insertNotification({ leaseUntil: Date.now() + LEASE_MS });
    expect(await processNotification(env, fresh, { transport })).toEqual({ action: 'ack' });
    expect(transport.sent).toHaveLength(1);
  });
});

describe('the email queue', () => {
  it('settles each message: ack when sent, retry with a delay when transient, and drops malformed bodies', async () => {
    const ok = await insertNotification();
    const later = await insertNotification();
    const transport = new MemoryTransport();
    transport.script.push({ ok: true }, transient);
    const batch = createMessageBatch<EmailQueueMessage>('calflare-emails', [
      { id: 'm1', timestamp: new Date(), attempts: 1, body: { notification_id: ok } },
      { id: 'm2', timestamp: new Date(), attempts: 1, body: { notification_id: later } },
      { id: 'm3', timestamp: new Date(), attempts: 1, body: { nope: true } as never },
    ]);
    const ctx = createExecutionContext();
    // One at a time, so the scripted answers meet the messages in order.
    await consumeEmailBatch({ ...batch, messages: [batch.messages[0]!] } as MessageBatch<EmailQueueMessage>, env, { transport });
    await consumeEmailBatch({ ...batch, messages: [batch.messages[1]!, batch.messages[2]!] } as MessageBatch<EmailQueueMessage>, env, { transport });
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks.sort()).toEqual(['m1', 'm3']);
    expect((result.retryMessages as { msgId: string }[]).map((m) => m.msgId)).toEqual(['m2']);
    expect((await rowOf(ok)).status).toBe('sent');
    expect((await rowOf(later)).status).toBe('pending');
  });

  it('marks notifications whose message was dead-lettered failed', async () => {
    const id = await insertNotification();
    const batch = createMessageBatch<EmailQueueMessage>(EMAIL_DEAD_LETTER_QUEUE, [{ id: 'd1', timestamp: new Date(), attempts: 1, body: { notification_id: id } }]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env);
    expect((await getQueueResult(batch, ctx)).explicitAcks).toEqual(['d1']);
    expect(await rowOf(id)).toMatchObject({ status: 'failed', lastError: expect.stringContaining('dead-lettered') });
  });
});

describe('sweepEmailOutbox', () => {
  it('re-enqueues rows never enqueued and retries whose message was lost, not young, settled or claimed ones', async () => {
    const now = Date.now();
    const lost = await insertNotification({ createdAt: now - EMAIL_SWEEP_GRACE_MS - 1000 });
    const young = await insertNotification({ createdAt: now });
    const sent = await insertNotification({ createdAt: now - 3_600_000, status: 'sent' });
    const overdueRetry = await insertNotification({ createdAt: now - 3_600_000, enqueuedAt: now - 3_600_000, nextAttemptAt: now - 3 * 60_000 });
    const waiting = await insertNotification({ createdAt: now - 3_600_000, enqueuedAt: now - 3_600_000, nextAttemptAt: now + 60_000 });
    const claimed = await insertNotification({ createdAt: now - 3_600_000, enqueuedAt: now - 3_600_000, leaseUntil: now + LEASE_MS });
    await sweepEmailOutbox(env, now);
    expect((await rowOf(lost)).enqueuedAt).not.toBeNull();
    expect((await rowOf(young)).enqueuedAt).toBeNull();
    expect((await rowOf(sent)).enqueuedAt).toBeNull();
    expect((await rowOf(waiting)).enqueuedAt).toBe(now - 3_600_000);
    expect((await rowOf(claimed)).enqueuedAt).toBe(now - 3_600_000);
    // The overdue retry was sent to the queue again (its enqueued_at stays the first one; the consumer delivers it).
    const delivered = async () => (await rowOf(overdueRetry)).status === 'sent' && (await rowOf(lost)).status === 'sent';
    const deadline = Date.now() + 8000;
    while (!(await delivered())) {
      if (Date.now() > deadline) throw new Error('swept notifications were not delivered');
      await new Promise((r) => setTimeout(r, 50));
    }
  });

  it('re-sends a first attempt whose queue message was lost three minutes ago (the lease rule), and it is sent once', async () => {
    const now = Date.now();
    const lost = await insertNotification({ createdAt: now - 3 * 60_000, enqueuedAt: now - 3 * 60_000 });
    const messageId = (await rowOf(lost)).notificationId;
    const before = memoryMailbox.sent.length;
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    await sweepEmailOutbox(env, now);
    const deadline = Date.now() + 8000;
    while ((await rowOf(lost)).status !== 'sent') {
      if (Date.now() > deadline) throw new Error('the lost first attempt was never sent');
      await new Promise((r) => setTimeout(r, 50));
    }
    await sweepEmailOutbox(env, Date.now() + 10 * 60_000);
    await new Promise((r) => setTimeout(r, 300));
    const copies = memoryMailbox.sent.slice(before).filter((m) => m.raw.includes(`Message-ID: <${messageId}@`));
    expect(copies).toHaveLength(1);
    vi.restoreAllMocks();
  });

  it('leaves rows inside their lease (just enqueued, being sent) alone, and renews the lease of a row it re-sends', async () => {
    const now = Date.now();
    const fresh = await insertNotification({ createdAt: now - 60_000, enqueuedAt: now - 60_000 });
    const claimed = await insertNotification({ createdAt: now - 3_600_000, enqueuedAt: now - 3_600_000, leaseUntil: now + LEASE_MS });
    const lost = await insertNotification({ createdAt: now - 3 * 60_000, enqueuedAt: now - 3 * 60_000 });
    // The queue swallows what the sweep sends: only the rows show what happened.
    const send = vi.spyOn(env.EMAILS, 'sendBatch').mockResolvedValue(undefined as never);
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const swept = async (at: number) => {
      send.mockClear();
      await sweepEmailOutbox(env, at);
      return send.mock.calls.flatMap(([m]) => [...m].map((x) => (x.body as EmailQueueMessage).notification_id));
    };
    const first = await swept(now);
    expect(first).toContain(lost);
    expect(first).not.toContain(fresh);
    expect(first).not.toContain(claimed);
    expect((await rowOf(lost)).nextAttemptAt).toBe(now);
    expect(await swept(now + 60_000)).not.toContain(lost);
    expect(await swept(now + 3 * 60_000)).toContain(lost);
    vi.restoreAllMocks();
  });
});

// The webhook outbox: delivery rows written with the booking, enqueue after the commit, and the cron sweep (the
// queue consumer: webhooks-consumer.test.ts).
import { createScheduledController } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BookingStatus, WebhookTrigger } from '../src/db/schema';
import type { Bindings, WebhookMessage } from '../src/env';
import worker from '../src/index';
import { deliveryIdsOf, enqueueDeliveries, outboxInsert, type BookingEventSnapshot } from '../src/webhooks/outbox';
import { signBody } from '../src/webhooks/signing';
import { createEventType, makeAdmin, makeUser, waitFor } from './helpers';
import { cleanUpWebhooks, createWebhook, delivery, type DeliveryRow, insertDelivery, SECRET, stubSubscribers } from './webhooks-helpers';

afterEach(cleanUpWebhooks);

describe('outbox sweep (cron)', () => {
  it('re-enqueues a delivery whose queue send was lost, and the queue then delivers it', async () => {
    const { token } = await makeUser();
    const hook = await createWebhook(token);
    const lost = await insertDelivery(hook.id, { enqueuedAt: null, createdAt: Date.now() - 5 * 60_000 });
    const fresh = await insertDelivery(hook.id, { enqueuedAt: null });
    const { received } = stubSubscribers();
    const warnings = vi.spyOn(console, 'warn').mockImplementation(() => undefined);

    await worker.scheduled(createScheduledController({ cron: '* * * * *' }), env);

    expect((await delivery(lost.id))!.enqueued_at).toEqual(expect.any(Number));
    expect(warnings).toHaveBeenCalledWith('webhook outbox sweep re-enqueues deliveries', { count: expect.any(Number) });
    // Younger than the grace period: probably still being enqueued by the request that wrote it.
    expect((await delivery(fresh.id))!.enqueued_at).toBeNull();
    // The real queue consumer picks the message up (the test config batches for 50 ms).
    const delivered = await waitFor(async () => {
      const row = await delivery(lost.id);
      return row?.status === 'delivered' ? row : null;
    }, 'the swept delivery to be delivered');
    expect(received.find((r) => r.headers.get('webhook-id') === lost.event_id)?.body).toBe(delivered.payload);
  });

  it('leaves settled rows alone', async () => {
    const { token } = await makeUser();
    const hook = await createWebhook(token);
    const old = Date.now() - 5 * 60_000;
    const failed = await insertDelivery(hook.id, { enqueuedAt: null, createdAt: old, status: 'failed' });
    const sent = await insertDelivery(hook.id, { enqueuedAt: old, createdAt: old });
    const { spy } = stubSubscribers();
    await worker.scheduled(createScheduledController(), env);
    expect((await delivery(failed.id))!.enqueued_at).toBeNull();
    expect((await delivery(sent.id))!.enqueued_at).toBe(old);
    expect(spy.mock.calls.some(([input]) => String(input instanceof Request ? input.url : input).includes(String(hook.id)))).toBe(false);
  });
});

describe('enqueueDeliveries', () => {
  it('sends one message per delivery in chunks of at most 100 and marks them enqueued', async () => {
    const { token } = await makeUser();
    const hook = await createWebhook(token);
    const rows = [await insertDelivery(hook.id, { enqueuedAt: null }), await insertDelivery(hook.id, { enqueuedAt: null })];
    const sent: number[][] = [];
    const fakeQueue = { sendBatch: async (messages: { body: WebhookMessage }[]) => void sent.push(messages.map((m) => m.body.delivery_id)) };
    const ids = [...rows.map((r) => r.id), ...Array.from({ length: 148 }, (_, i) => 1_000_000_000 + i)];
    await enqueueDeliveries({ ...env, WEBHOOKS: fakeQueue } as unknown as Bindings, ids);
    expect(sent.map((chunk) => chunk.length)).toEqual([100, 50]);
    expect(sent.flat()).toEqual(ids);
    for (const row of rows) expect((await delivery(row.id))!.enqueued_at).toEqual(expect.any(Number));
  });

  it('swallows a failed send and leaves the rows for the sweep', async () => {
    const { token } = await makeUser();
    const hook = await createWebhook(token);
    const row = await insertDelivery(hook.id, { enqueuedAt: null });
    const failing = { sendBatch: async () => { throw new Error('Queues unavailable'); } };
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    await expect(enqueueDeliveries({ ...env, WEBHOOKS: failing } as unknown as Bindings, [row.id])).resolves.toBeUndefined();
    expect((await delivery(row.id))!.enqueued_at).toBeNull();
    expect(errors).toHaveBeenCalled();
  });
});

describe('outboxInsert', () => {
  const START = Date.parse('2030-01-07T15:00:00Z');

  async function setup() {
    const host = await makeUser({ timezone: 'America/New_York' });
    const eventType = await createEventType(host.token, { title: 'Coffee Chat', slug: 'coffee-chat', location_type: 'zoom' });
    return { host, eventType };
  }

  function snapshotFor(
    host: Awaited<ReturnType<typeof makeUser>>,
    eventType: { id: number; slug: string },
    uid: string,
    trigger: WebhookTrigger = 'BOOKING_CREATED',
    status: BookingStatus = 'accepted',
  ): BookingEventSnapshot {
    return {
      trigger,
      hostId: host.user.id,
      booking: {
        uid,
        title: 'Coffee Chat between Host and Jane Doe',
        description: null,
        startAt: START,
        endAt: START + 30 * 60_000,
        status,
        locationType: 'zoom',
        locationValue: 'https://zoom.us/j/1',
        metadata: { utm: 'x' },
        cancellationReason: null,
        rejectionReason: null,
      },
      eventType: { id: eventType.id, slug: eventType.slug, durationMinutes: 30 },
      organizer: { id: host.user.id, name: host.user.name, email: host.user.email, timezone: host.user.timezone },
      attendee: { name: 'Jane Doe', email: 'jane@example.com', timezone: 'Europe/Paris', notes: 'Looking forward' },
    };
  }

  /** A bookings row and its attendee, written with plain SQL as the bookings code would. */
  function bookingInsert(hostId: number, eventTypeId: number, uid: string, status: BookingStatus = 'accepted', guardHolds = true) {
    const now = Date.now();
    return env.DB.prepare(
      `INSERT INTO bookings (uid, event_type_id, host_id, title, start_at, end_at, occupied_start, occupied_end, status,
         location_type, location_value, metadata, created_at, updated_at)
       SELECT ?, ?, ?, 'Coffee Chat between Host and Jane Doe', ?, ?, ?, ?, ?, 'zoom', 'https://zoom.us/j/1', '{"utm":"x"}', ?, ?
       WHERE ?`,
    ).bind(uid, eventTypeId, hostId, START, START + 1_800_000, START, START + 1_800_000, status, now, now, guardHolds ? 1 : 0);
  }

  function attendeeInsert(uid: string) {
    return env.DB.prepare(
      `INSERT INTO booking_attendees (booking_id, name, email, timezone, notes)
       SELECT id, 'Jane Doe', 'jane@example.com', 'Europe/Paris', 'Looking forward' FROM bookings WHERE uid = ?`,
    ).bind(uid);
  }

  const rowsOfBooking = async (uid: string) =>
    (
      await env.DB.prepare(
        'SELECT d.* FROM booking_webhook_deliveries d JOIN bookings b ON b.id = d.booking_id WHERE b.uid = ? ORDER BY d.id',
      )
        .bind(uid)
        .all<DeliveryRow>()
    ).results;

  it('writes one delivery per matching active webhook of the host and of super admins, in the booking’s batch', async () => {
    const { host, eventType } = await setup();
    const other = await makeUser();
    const admin = await makeAdmin();
    const hostHook = await createWebhook(host.token, { event_triggers: ['BOOKING_CREATED', 'BOOKING_CANCELLED'] });
    const hostSecond = await createWebhook(host.token);
    const hostInactive = await createWebhook(host.token, { active: false });
    const hostCancelOnly = await createWebhook(host.token, { event_triggers: ['BOOKING_CANCELLED'] });
    const otherHook = await createWebhook(other.token);
    const adminHook = await createWebhook(admin.token);
    const adminRescheduleOnly = await createWebhook(admin.token, { event_triggers: ['BOOKING_RESCHEDULED'] });

    const uid = `bk_${crypto.randomUUID()}`;
    const now = Date.now();
    const results = await env.DB.batch([
      bookingInsert(host.user.id, eventType.id, uid),
      outboxInsert(env.DB, snapshotFor(host, eventType, uid), now),
      attendeeInsert(uid),
    ]);
    const ids = deliveryIdsOf(results[1]!);
    const rows = await rowsOfBooking(uid);
    expect(rows.map((r) => r.id)).toEqual(ids);
    const hooks = rows.map((r) => r.webhook_id);
    expect(hooks).toEqual(expect.arrayContaining([hostHook.id, hostSecond.id, adminHook.id]));
    for (const excluded of [hostInactive.id, hostCancelOnly.id, otherHook.id, adminRescheduleOnly.id]) expect(hooks).not.toContain(excluded);
    // Anything else matched must be some other super admin's webhook (tests share the database).
    const owners = await env.DB.prepare(
      `SELECT DISTINCT u.id, u.role FROM booking_webhooks w JOIN users u ON u.id = w.owner_id WHERE w.id IN (SELECT value FROM json_each(?))`,
    )
      .bind(JSON.stringify(hooks))
      .all<{ id: number; role: string }>();
    for (const owner of owners.results) expect(owner.id === host.user.id || owner.role === 'super_admin').toBe(true);

    const bookingId = (await env.DB.prepare('SELECT id FROM bookings WHERE uid = ?').bind(uid).first<{ id: number }>())!.id;
    expect(new Set(rows.map((r) => r.event_id)).size).toBe(rows.length);
    for (const row of rows) {
      expect(row).toMatchObject({ booking_id: bookingId, trigger_event: 'BOOKING_CREATED', status: 'pending', attempts: 0, enqueued_at: null, created_at: now });
      expect(row.event_id).toMatch(new RegExp(`^msg_[0-9a-f]{24}_${row.webhook_id}$`));
    }
  });

  it('fills the payload with Cal.com’s field names and the booking’s values, bookingId included', async () => {
    const { host, eventType } = await setup();
    await createWebhook(host.token);
    const uid = `bk_${crypto.randomUUID()}`;
    const now = Date.parse('2029-12-01T10:00:00Z');
    await env.DB.batch([bookingInsert(host.user.id, eventType.id, uid), outboxInsert(env.DB, snapshotFor(host, eventType, uid), now), attendeeInsert(uid)]);
    const [row] = await rowsOfBooking(uid);
    const bookingId = (await env.DB.prepare('SELECT id FROM bookings WHERE uid = ?').bind(uid).first<{ id: number }>())!.id;
    expect(JSON.parse(row!.payload)).toEqual({
      triggerEvent: 'BOOKING_CREATED',
      createdAt: '2029-12-01T10:00:00.000Z',
      payload: {
        type: 'coffee-chat',
        title: 'Coffee Chat between Host and Jane Doe',
        description: null,
        additionalNotes: 'Looking forward',
        startTime: '2030-01-07T15:00:00.000Z',
        endTime: '2030-01-07T15:30:00.000Z',
        organizer: { id: host.user.id, name: host.user.name, email: host.user.email, timeZone: 'America/New_York' },
        attendees: [{ name: 'Jane Doe', email: 'jane@example.com', timeZone: 'Europe/Paris' }],
        responses: {
          name: { label: 'your_name', value: 'Jane Doe' },
          email: { label: 'email_address', value: 'jane@example.com' },
          notes: { label: 'additional_notes', value: 'Looking forward' },
        },
        location: 'https://zoom.us/j/1',
        uid,
        bookingId,
        eventTypeId: eventType.id,
        length: 30,
        status: 'ACCEPTED',
        metadata: { utm: 'x' },
      },
    });
  });

  it('writes nothing when the booking insert of the same batch was refused by its guard', async () => {
    const { host, eventType } = await setup();
    await createWebhook(host.token);
    const uid = `bk_${crypto.randomUUID()}`;
    const results = await env.DB.batch([
      bookingInsert(host.user.id, eventType.id, uid, 'accepted', false),
      outboxInsert(env.DB, snapshotFor(host, eventType, uid), Date.now()),
    ]);
    expect(deliveryIdsOf(results[1]!)).toEqual([]);
    const count = await env.DB.prepare("SELECT COUNT(*) AS n FROM booking_webhook_deliveries WHERE payload LIKE '%' || ? || '%'").bind(uid).first<{ n: number }>();
    expect(count!.n).toBe(0);
  });

  it('writes nothing for an unknown uid, or when the booking is not in the state the event describes', async () => {
    const { host, eventType } = await setup();
    await createWebhook(host.token, { event_triggers: ['BOOKING_CREATED', 'BOOKING_CANCELLED'] });
    const unknown = await env.DB.batch([outboxInsert(env.DB, snapshotFor(host, eventType, `bk_${crypto.randomUUID()}`), Date.now())]);
    expect(deliveryIdsOf(unknown[0]!)).toEqual([]);

    // A cancellation whose guarded update changed nothing: the row is still accepted.
    const uid = `bk_${crypto.randomUUID()}`;
    await env.DB.batch([bookingInsert(host.user.id, eventType.id, uid), attendeeInsert(uid)]);
    const stale = await env.DB.batch([
      env.DB.prepare("UPDATE bookings SET status = 'cancelled' WHERE uid = ? AND status = 'pending'").bind(uid),
      outboxInsert(env.DB, snapshotFor(host, eventType, uid, 'BOOKING_CANCELLED', 'cancelled'), Date.now()),
    ]);
    expect(deliveryIdsOf(stale[1]!)).toEqual([]);

    const applied = await env.DB.batch([
      env.DB.prepare("UPDATE bookings SET status = 'cancelled' WHERE uid = ? AND status = 'accepted'").bind(uid),
      outboxInsert(env.DB, snapshotFor(host, eventType, uid, 'BOOKING_CANCELLED', 'cancelled'), Date.now()),
    ]);
    expect(deliveryIdsOf(applied[1]!)).toHaveLength(1);
  });

  it("does not fire a deactivated super admin's webhook", async () => {
    const { host, eventType } = await setup();
    const admin = await makeAdmin();
    const adminHook = await createWebhook(admin.token);
    await env.DB.prepare('UPDATE users SET is_active = 0 WHERE id = ?').bind(admin.user.id).run();
    const uid = `bk_${crypto.randomUUID()}`;
    await env.DB.batch([bookingInsert(host.user.id, eventType.id, uid), outboxInsert(env.DB, snapshotFor(host, eventType, uid), Date.now())]);
    expect((await rowsOfBooking(uid)).map((r) => r.webhook_id)).not.toContain(adminHook.id);
  });

  it('end to end: batch, enqueue, queue consumer, signed POST to the subscriber', async () => {
    const { host, eventType } = await setup();
    const hook = await createWebhook(host.token);
    const uid = `bk_${crypto.randomUUID()}`;
    const { received } = stubSubscribers();
    const results = await env.DB.batch([
      bookingInsert(host.user.id, eventType.id, uid),
      outboxInsert(env.DB, snapshotFor(host, eventType, uid), Date.now()),
      attendeeInsert(uid),
    ]);
    await enqueueDeliveries(env, deliveryIdsOf(results[1]!));
    const [row] = (await rowsOfBooking(uid)).filter((r) => r.webhook_id === hook.id);
    const delivered = await waitFor(async () => {
      const current = await delivery(row!.id);
      return current?.status === 'delivered' ? current : null;
    }, 'the booking webhook to be delivered');
    const req = received.find((r) => r.headers.get('webhook-id') === row!.event_id)!;
    expect(req.body).toBe(delivered.payload);
    expect(req.headers.get('x-cal-signature-256')).toBe(await signBody(SECRET, req.body));
    expect(JSON.parse(req.body).payload.uid).toBe(uid);
  });
});

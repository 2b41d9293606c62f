// The email outbox through the real Worker: one row per recipient per change, written with the change, sent by the
// queue consumer (EMAIL_TRANSPORT=memory in the test config).
import { env } from 'cloudflare:workers';
import PostalMime from 'postal-mime';
import { describe, expect, it } from 'vitest';
import { notificationInserts } from '../src/notifications/outbox';
import { memoryMailbox } from '../src/notifications/transports/memory';
import { api, book, expectError, hostWithEventType, upcomingDate, waitFor } from './helpers';

const MONDAY = upcomingDate(1, 7);
const at = (hhmm: string) => `${MONDAY}T${hhmm}:00Z`;

interface Row {
  id: number;
  notification_id: string;
  trigger_event: string;
  recipient_role: string;
  recipient_email: string;
  status: string;
  created_at: number;
  payload: string;
}

const rowsOf = async (uid: string) =>
  (await env.DB.prepare('SELECT * FROM booking_email_notifications WHERE booking_uid = ? ORDER BY id').bind(uid).all<Row>()).results;

const summary = (rows: Row[]) => rows.map((r) => `${r.trigger_event} ${r.recipient_role}`);

describe('email outbox rows', () => {
  it('a booking writes one notification for the attendee and one for the host, with the booking', async () => {
    const { user, eventType } = await hostWithEventType();
    const { json: b } = await book(eventType.id, at('10:00'));
    const rows = await rowsOf(b.uid);
    expect(summary(rows)).toEqual(['BOOKING_CREATED attendee', 'BOOKING_CREATED host']);
    expect(rows.map((r) => r.recipient_email)).toEqual(['jane@example.com', user.email]);
    // Written in the same batch as the booking: the row exists the moment the booking answer does.
    const booking = await env.DB.prepare('SELECT created_at FROM bookings WHERE uid = ?').bind(b.uid).first<{ created_at: number }>();
    expect(rows.every((r) => r.created_at === booking!.created_at)).toBe(true);
    expect(new Set(rows.map((r) => r.notification_id)).size).toBe(2);
  });

  it('reschedule and cancel add rows for both; confirm and decline only for the attendee', async () => {
    const { token, eventType } = await hostWithEventType({ requires_confirmation: true });
    const { json: a } = await book(eventType.id, at('10:00'));
    expect((await api('POST', `/v2/bookings/${a.uid}/confirm`, { token })).status).toBe(200);
    expect((await api('PATCH', `/v2/bookings/${a.uid}`, { body: { start: at('11:00') } })).status).toBe(200);
    expect((await api('DELETE', `/v2/bookings/${a.uid}`, { body: { reason: 'No longer needed' } })).status).toBe(200);
    expect(summary(await rowsOf(a.uid))).toEqual([
      'BOOKING_REQUESTED attendee',
      'BOOKING_REQUESTED host',
      'BOOKING_CONFIRMED attendee',
      'BOOKING_RESCHEDULED attendee',
      'BOOKING_RESCHEDULED host',
      'BOOKING_CANCELLED attendee',
      'BOOKING_CANCELLED host',
    ]);
    const cancel = JSON.parse((await rowsOf(a.uid)).at(-1)!.payload);
    expect(cancel).toMatchObject({ trigger: 'BOOKING_CANCELLED', reason: 'No longer needed', booking: { sequence: 3, status: 'cancelled' } });

    const { json: d } = await book(eventType.id, at('14:00'));
    expect((await api('POST', `/v2/bookings/${d.uid}/decline`, { token })).status).toBe(200);
    expect(summary(await rowsOf(d.uid))).toEqual(['BOOKING_REQUESTED attendee', 'BOOKING_REQUESTED host', 'BOOKING_REJECTED attendee']);
  });

  it('a refused change writes none: a taken slot, a refused reschedule, a repeated cancel', async () => {
    const { eventType } = await hostWithEventType();
    const { json: first } = await book(eventType.id, at('10:00'));
    const before = (await env.DB.prepare('SELECT COUNT(*) AS n FROM booking_email_notifications').first<{ n: number }>())!.n;
    expectError(await book(eventType.id, at('10:00')), 409, 'slot_unavailable');
    await book(eventType.id, at('12:00'));
    expectError(await api('PATCH', `/v2/bookings/${first.uid}`, { body: { start: at('12:00') } }), 409, 'slot_unavailable');
    // Only the 12:00 booking added rows.
    expect((await env.DB.prepare('SELECT COUNT(*) AS n FROM booking_email_notifications').first<{ n: number }>())!.n).toBe(before + 2);
    expect((await api('DELETE', `/v2/bookings/${first.uid}`)).status).toBe(200);
    expect((await api('DELETE', `/v2/bookings/${first.uid}`)).status).toBe(200);
    expect(summary(await rowsOf(first.uid))).toEqual(['BOOKING_CREATED attendee', 'BOOKING_CREATED host', 'BOOKING_CANCELLED attendee', 'BOOKING_CANCELLED host']);
  });

  it('an event type with email_notifications off writes none (and the switch is part of the API)', async () => {
    const { token, eventType } = await hostWithEventType({ email_notifications: false });
    expect(eventType.email_notifications).toBe(false);
    const { json: b } = await book(eventType.id, at('10:00'));
    expect(await rowsOf(b.uid)).toEqual([]);
    const on = await api('PATCH', `/v2/event-types/${eventType.id}`, { token, body: { email_notifications: true } });
    expect(on.json.email_notifications).toBe(true);
    expect((await api('DELETE', `/v2/bookings/${b.uid}`)).status).toBe(200);
    expect(summary(await rowsOf(b.uid))).toEqual(['BOOKING_CANCELLED attendee', 'BOOKING_CANCELLED host']);
    expectError(await api('PATCH', `/v2/event-types/${eventType.id}`, { token, body: { email_notifications: 'yes' } }), 400, 'validation_failed');
  });

  it('the global switch EMAIL_NOTIFICATIONS=false writes no statements at all', () => {
    const snapshot = {
      trigger: 'BOOKING_CREATED' as const,
      hostId: 1,
      booking: { uid: 'x', title: 't', description: null, startAt: 0, endAt: 1, status: 'accepted' as const, locationType: null, locationValue: null, metadata: null, cancellationReason: null, rejectionReason: null },
      eventType: null,
      organizer: { id: 1, name: 'H', email: 'h@example.com', timezone: 'UTC' },
      attendee: { name: 'A', email: 'a@example.com', timezone: 'UTC', notes: null },
    };
    const state = { sequence: 0, createdAt: 0, updatedAt: 0 };
    expect(notificationInserts(env.DB, { EMAIL_NOTIFICATIONS: 'false' }, snapshot, state, 0)).toHaveLength(0);
    expect(notificationInserts(env.DB, { EMAIL_NOTIFICATIONS: 'FALSE ' }, snapshot, state, 0)).toHaveLength(0);
    expect(notificationInserts(env.DB, { EMAIL_NOTIFICATIONS: 'true' }, snapshot, state, 0)).toHaveLength(3); // attendee, host, co-hosts
  });
});

describe('what the rows carry', () => {
  it('a reschedule’s reason is in both rescheduled emails, as a cancellation’s is', async () => {
    const { eventType } = await hostWithEventType();
    const { json: b } = await book(eventType.id, at('09:00'));
    expect((await api('PATCH', `/v2/bookings/${b.uid}`, { body: { start: at('09:30'), reason: 'Clash with a flight' } })).status).toBe(200);
    const rescheduled = (await rowsOf(b.uid)).filter((r) => r.trigger_event === 'BOOKING_RESCHEDULED');
    expect(rescheduled).toHaveLength(2);
    for (const row of rescheduled) expect(JSON.parse(row.payload), row.recipient_role).toMatchObject({ reason: 'Clash with a flight' });
    // Without a reason, none (not the previous change's).
    expect((await api('PATCH', `/v2/bookings/${b.uid}`, { body: { start: at('10:00') } })).status).toBe(200);
    const again = (await rowsOf(b.uid)).filter((r) => r.trigger_event === 'BOOKING_RESCHEDULED').slice(2);
    expect(again.map((r) => JSON.parse(r.payload).reason)).toEqual([null, null]);
  });
});

describe('email delivery through the queue', () => {
  it('the consumer sends each row once, with the Message-ID of its notification id, and marks it sent', async () => {
    const { user, eventType } = await hostWithEventType();
    // Its own attendee address: this file's other bookings have used up jane@example.com's hourly email budget.
    const attendee = { name: 'Jo Doe', email: `jo-${crypto.randomUUID().slice(0, 8)}@example.com`, timezone: 'UTC' };
    const { json: b } = await book(eventType.id, at('15:00'), { attendee });
    const rows = await waitFor(async () => {
      const r = await rowsOf(b.uid);
      return r.length === 2 && r.every((x) => x.status === 'sent') && r;
    }, 'both notifications sent', 8000);
    for (const row of rows) {
      const messageId = `<${row.notification_id}@calflare.example.com>`;
      const copies = memoryMailbox.sent.filter((m) => m.raw.includes(`Message-ID: ${messageId}`));
      expect(copies).toHaveLength(1);
      const parsed = await PostalMime.parse(copies[0]!.raw);
      expect(parsed.messageId).toBe(messageId);
      expect(copies[0]!.to).toBe(row.recipient_email);
      expect(copies[0]!.from).toBe('bookings@calflare.example.com');
      expect(parsed.replyTo?.[0]).toMatchObject({ address: row.recipient_role === 'attendee' ? user.email : attendee.email });
    }
    const log = await env.DB.prepare('SELECT attempts, attempt_log, sent_at, last_error FROM booking_email_notifications WHERE id = ?').bind(rows[0]!.id).first<Record<string, any>>();
    expect(log).toMatchObject({ attempts: 1, last_error: null, sent_at: expect.any(Number) });
    expect(JSON.parse(log!.attempt_log)).toEqual([{ attempt: 1, at: expect.any(Number), duration_ms: expect.any(Number), error: null, permanent: false, next_attempt_at: null }]);
  });
});

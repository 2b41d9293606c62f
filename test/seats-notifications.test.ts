// Seats' webhooks, emails and invites: one per seat, each naming its seatUid (as Cal.com's payload does) and listing
// only the host and that seat's attendee.
import { env } from 'cloudflare:workers';
import ICAL from 'ical.js';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { bookingEnvelopeSchemas } from '../src/webhooks/envelopes';
import { SELF } from 'cloudflare:test';
import { api, ATTENDEE, BASE, book, dbRow, hostWithEventType, upcomingDate } from './helpers';

const MONDAY = upcomingDate(1, 7);
const at = (time: string) => `${MONDAY}T${time}:00.000Z`;
const person = () => {
  const tag = crypto.randomUUID().slice(0, 8);
  return { ...ATTENDEE, name: `Seat ${tag}`, email: `seat-${tag}@example.com` };
};

beforeEach(() => {
  vi.spyOn(globalThis, 'fetch').mockImplementation(async () => new Response('ok', { status: 200 }));
});
afterEach(() => vi.restoreAllMocks());

async function seatedWithWebhook(seats = 3) {
  const host = await hostWithEventType({ seats_per_time_slot: seats });
  const hook = await api('POST', '/v2/webhooks', {
    token: host.token,
    body: { subscriber_url: 'https://hooks.example.com/seats', event_triggers: ['BOOKING_CREATED', 'BOOKING_CANCELLED', 'BOOKING_RESCHEDULED'] },
  });
  expect(hook.status).toBe(201);
  return { ...host, webhookId: hook.json.id as number };
}

async function payloads(webhookId: number, trigger: string) {
  const rows = await env.DB.prepare('SELECT payload FROM booking_webhook_deliveries WHERE webhook_id = ? AND trigger_event = ? ORDER BY id')
    .bind(webhookId, trigger)
    .all<{ payload: string }>();
  return rows.results.map((r) => JSON.parse(r.payload) as { triggerEvent: string; payload: Record<string, any> });
}

async function emails(bookingUid: string, trigger: string) {
  const rows = await env.DB.prepare(
    'SELECT recipient_role, recipient_email, payload FROM booking_email_notifications WHERE booking_uid = ? AND trigger_event = ? ORDER BY id',
  )
    .bind(bookingUid, trigger)
    .all<{ recipient_role: string; recipient_email: string; payload: string }>();
  return rows.results.map((r) => ({ role: r.recipient_role, to: r.recipient_email, payload: JSON.parse(r.payload) as { booking: { uid: string; attendee: { email: string }; sequence: number } } }));
}

describe('seat webhooks', () => {
  it('BOOKING_CREATED per seat with its seatUid and only its attendee; a refused seat sends nothing', async () => {
    const { eventType, webhookId } = await seatedWithWebhook(2);
    const a = person();
    const b = person();
    const seatA = (await book(eventType.id, at('10:00'), { attendee: a })).json;
    const seatB = (await book(eventType.id, at('10:00'), { attendee: b })).json;
    expect((await book(eventType.id, at('10:00'), { attendee: person() })).status).toBe(409);
    const created = await payloads(webhookId, 'BOOKING_CREATED');
    expect(created.map((e) => e.payload.seatUid)).toEqual([seatA.seat_uid, seatB.seat_uid]);
    expect(created.map((e) => e.payload.attendees)).toEqual([[{ name: a.name, email: a.email, timeZone: a.timezone }], [{ name: b.name, email: b.email, timeZone: b.timezone }]]);
    // Both name the slot's one booking.
    expect(new Set(created.map((e) => e.payload.uid)).size).toBe(1);
    for (const envelope of created) expect(bookingEnvelopeSchemas.BOOKING_CREATED.safeParse(envelope).success).toBe(true);
  });

  it('BOOKING_CANCELLED for the seat that leaves, and one per seat when the host cancels the booking', async () => {
    const { eventType, webhookId, token } = await seatedWithWebhook(3);
    const seats = [];
    for (let i = 0; i < 3; i++) seats.push((await book(eventType.id, at('11:00'), { attendee: person() })).json);
    await api('DELETE', `/v2/bookings/${seats[0].seat_uid}`, { body: { reason: 'busy' } });
    await api('DELETE', `/v2/bookings/${seats[0].seat_uid}`);
    let cancelled = await payloads(webhookId, 'BOOKING_CANCELLED');
    expect(cancelled).toHaveLength(1);
    expect(cancelled[0]!.payload).toMatchObject({ seatUid: seats[0].seat_uid, status: 'ACCEPTED', cancellationReason: 'busy', attendees: [{ email: seats[0].attendee.email }] });
    expect(bookingEnvelopeSchemas.BOOKING_CANCELLED.safeParse(cancelled[0]).success).toBe(true);

    const bookingUid = (await dbRow<{ uid: string }>('SELECT uid FROM bookings WHERE event_type_id = ?', eventType.id))!.uid;
    expect((await api('DELETE', `/v2/bookings/${bookingUid}`, { token })).status).toBe(200);
    cancelled = await payloads(webhookId, 'BOOKING_CANCELLED');
    expect(cancelled.slice(1).map((e) => [e.payload.seatUid, e.payload.status])).toEqual([
      [seats[1].seat_uid, 'CANCELLED'],
      [seats[2].seat_uid, 'CANCELLED'],
    ]);
  });

  it('a moved seat sends BOOKING_RESCHEDULED with its seatUid and the old times', async () => {
    const { eventType, webhookId } = await seatedWithWebhook(3);
    const seat = (await book(eventType.id, at('12:00'), { attendee: person() })).json;
    expect((await api('PATCH', `/v2/bookings/${seat.seat_uid}`, { body: { start: at('14:00') } })).status).toBe(200);
    const [moved] = await payloads(webhookId, 'BOOKING_RESCHEDULED');
    expect(moved!.payload).toMatchObject({ seatUid: seat.seat_uid, startTime: at('14:00'), rescheduleStartTime: at('12:00') });
    expect(bookingEnvelopeSchemas.BOOKING_RESCHEDULED.safeParse(moved).success).toBe(true);
  });

  it('a moved seat’s emails carry the reschedule reason', async () => {
    const { eventType } = await seatedWithWebhook(3);
    const seat = (await book(eventType.id, at('12:00'), { attendee: person() })).json;
    expect((await api('PATCH', `/v2/bookings/${seat.seat_uid}`, { body: { start: at('16:00'), reason: 'Train delayed' } })).status).toBe(200);
    const rows = await env.DB.prepare("SELECT payload FROM booking_email_notifications WHERE json_extract(payload, '$.booking.uid') = ? AND trigger_event = 'BOOKING_RESCHEDULED'")
      .bind(seat.seat_uid)
      .all<{ payload: string }>();
    expect(rows.results.map((r) => JSON.parse(r.payload).reason)).toEqual(['Train delayed', 'Train delayed']);
  });
});

describe('seat emails and invites', () => {
  it('each seat gets its own emails and invite, naming only the host and that attendee, with the seat uid as the UID', async () => {
    const { eventType, user } = await seatedWithWebhook(3);
    const a = person();
    const b = person();
    const seatA = (await book(eventType.id, at('15:00'), { attendee: a })).json;
    const seatB = (await book(eventType.id, at('15:00'), { attendee: b })).json;
    const bookingUid = (await dbRow<{ uid: string }>('SELECT uid FROM bookings WHERE event_type_id = ?', eventType.id))!.uid;
    const created = await emails(bookingUid, 'BOOKING_CREATED');
    expect(created.map((m) => [m.role, m.to])).toEqual([
      ['attendee', a.email],
      ['host', user.email],
      ['attendee', b.email],
      ['host', user.email],
    ]);
    expect(created.map((m) => m.payload.booking.uid)).toEqual([seatA.seat_uid, seatA.seat_uid, seatB.seat_uid, seatB.seat_uid]);
    expect(created.map((m) => m.payload.booking.attendee.email)).toEqual([a.email, a.email, b.email, b.email]);

    const res = await SELF.fetch(`${BASE}/v2/bookings/${seatB.seat_uid}/ics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    const event = new ICAL.Component(ICAL.parse(text)).getFirstSubcomponent('vevent')!;
    expect(String(event.getFirstPropertyValue('uid'))).toMatch(new RegExp(`^${seatB.seat_uid}@`));
    const attendees = event.getAllProperties('attendee').map((p) => String(p.getFirstValue()).toLowerCase());
    expect(attendees).toEqual([`mailto:${b.email}`]);
    expect(text).not.toContain(a.email);

    // Cancelling a seat raises that seat's SEQUENCE in its cancel email.
    await api('DELETE', `/v2/bookings/${seatA.seat_uid}`);
    const cancel = await emails(bookingUid, 'BOOKING_CANCELLED');
    expect(cancel.map((m) => [m.to, m.payload.booking.uid, m.payload.booking.sequence])).toEqual([
      [a.email, seatA.seat_uid, 1],
      [user.email, seatA.seat_uid, 1],
    ]);
  });
});

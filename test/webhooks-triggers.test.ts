import { env } from 'cloudflare:workers';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { verifyBody } from '../src/webhooks/signing';
import { api, ATTENDEE, book, hostWithEventType, makeAdmin, makeUser, upcomingDate } from './helpers';

const MONDAY = upcomingDate(1, 7);
const at = (hhmm: string) => `${MONDAY}T${hhmm}:00Z`;
const ALL_TRIGGERS = ['BOOKING_CREATED', 'BOOKING_RESCHEDULED', 'BOOKING_CANCELLED', 'BOOKING_REQUESTED', 'BOOKING_CONFIRMED', 'BOOKING_REJECTED'];
const SECRET = 'whsec_trigger_test_secret';

async function subscribe(token: string, url: string, triggers = ALL_TRIGGERS) {
  const res = await api('POST', '/v2/webhooks', { token, body: { subscriber_url: url, event_triggers: triggers, secret: SECRET } });
  expect(res.status).toBe(201);
  return res.json as { id: number };
}

interface Row {
  webhook_id: number;
  trigger_event: string;
  payload: string;
  status: string;
}

async function deliveriesFor(uid: string): Promise<Row[]> {
  const { results } = await env.DB.prepare(
    `SELECT d.webhook_id, d.trigger_event, d.payload, d.status FROM booking_webhook_deliveries d
     JOIN bookings b ON b.id = d.booking_id WHERE b.uid = ? ORDER BY d.id`,
  )
    .bind(uid)
    .all<Row>();
  return results;
}

const payloadOf = (row: Row) => JSON.parse(row.payload) as { triggerEvent: string; createdAt: string; payload: Record<string, any> };

// Subscribers are fake hosts: answer every delivery the queue consumer makes instead of reaching the network.
beforeEach(() => {
  vi.spyOn(globalThis, 'fetch').mockImplementation(async () => new Response('ok', { status: 200 }));
});
afterEach(() => vi.restoreAllMocks());

describe('booking changes fire webhooks with Cal.com payloads', () => {
  it('BOOKING_CREATED, BOOKING_RESCHEDULED and BOOKING_CANCELLED carry the booking in Cal.com field names', async () => {
    const { user, token, eventType } = await hostWithEventType({ location_type: 'zoom', location_value: 'https://zoom.us/j/42', description: 'Say hi' });
    const hook = await subscribe(token, 'https://hooks.example.com/calflare');
    const created = await book(eventType.id, at('10:00'), { metadata: { crm: 'lead-7' } });
    const uid = created.json.uid as string;
    await api('PATCH', `/v2/bookings/${uid}`, { body: { start: at('11:00') } });
    await api('DELETE', `/v2/bookings/${uid}`, { body: { reason: 'No longer needed' } });

    const rows = (await deliveriesFor(uid)).filter((r) => r.webhook_id === hook.id);
    expect(rows.map((r) => r.trigger_event)).toEqual(['BOOKING_CREATED', 'BOOKING_RESCHEDULED', 'BOOKING_CANCELLED']);
    const [createdEvt, rescheduledEvt, cancelledEvt] = rows.map(payloadOf);

    expect(createdEvt!.triggerEvent).toBe('BOOKING_CREATED');
    expect(Date.parse(createdEvt!.createdAt)).not.toBeNaN();
    expect(createdEvt!.payload).toMatchObject({
      type: eventType.slug,
      title: created.json.title,
      description: 'Say hi',
      startTime: `${MONDAY}T10:00:00.000Z`,
      endTime: `${MONDAY}T10:30:00.000Z`,
      organizer: { id: user.id, name: user.name, email: user.email, timeZone: 'UTC' },
      attendees: [{ name: ATTENDEE.name, email: ATTENDEE.email, timeZone: ATTENDEE.timezone }],
      location: 'https://zoom.us/j/42',
      uid,
      bookingId: created.json.id,
      eventTypeId: eventType.id,
      length: 30,
      status: 'ACCEPTED',
      metadata: { crm: 'lead-7' },
    });
    expect(JSON.stringify(createdEvt!.payload.responses)).toContain(ATTENDEE.notes);

    expect(rescheduledEvt!.payload).toMatchObject({
      startTime: `${MONDAY}T11:00:00.000Z`,
      rescheduleUid: uid,
      rescheduleStartTime: `${MONDAY}T10:00:00.000Z`,
      rescheduleEndTime: `${MONDAY}T10:30:00.000Z`,
    });
    expect(cancelledEvt!.payload).toMatchObject({ status: 'CANCELLED', cancellationReason: 'No longer needed' });
  });

  it('BOOKING_REQUESTED then BOOKING_CONFIRMED, and BOOKING_REJECTED with the reason', async () => {
    const { token, eventType } = await hostWithEventType({ requires_confirmation: true });
    const hook = await subscribe(token, 'https://hooks.example.com/confirm');
    const a = await book(eventType.id, at('10:00'));
    await api('POST', `/v2/bookings/${a.json.uid}/confirm`, { token });
    const b = await book(eventType.id, at('12:00'));
    await api('POST', `/v2/bookings/${b.json.uid}/decline`, { token, body: { reason: 'Out of office' } });

    const aRows = (await deliveriesFor(a.json.uid)).filter((r) => r.webhook_id === hook.id);
    expect(aRows.map((r) => [r.trigger_event, payloadOf(r).payload.status])).toEqual([
      ['BOOKING_REQUESTED', 'PENDING'],
      ['BOOKING_CONFIRMED', 'ACCEPTED'],
    ]);
    const bRows = (await deliveriesFor(b.json.uid)).filter((r) => r.webhook_id === hook.id);
    expect(bRows.map((r) => r.trigger_event)).toEqual(['BOOKING_REQUESTED', 'BOOKING_REJECTED']);
    expect(payloadOf(bRows[1]!).payload).toMatchObject({ status: 'REJECTED', rejectionReason: 'Out of office' });
  });

  it("fires for the host's and super admins' webhooks only, and only for subscribed triggers", async () => {
    const { token, eventType } = await hostWithEventType();
    const own = await subscribe(token, 'https://hooks.example.com/own', ['BOOKING_CANCELLED']);
    const stranger = await makeUser();
    const strangers = await subscribe(stranger.token, 'https://hooks.example.com/stranger');
    const admin = await makeAdmin();
    const admins = await subscribe(admin.token, 'https://hooks.example.com/admin', ['BOOKING_CREATED']);
    const created = await book(eventType.id, at('10:00'));
    const rows = await deliveriesFor(created.json.uid);
    const ids = rows.map((r) => r.webhook_id);
    expect(ids).toContain(admins.id);
    expect(ids).not.toContain(own.id);
    expect(ids).not.toContain(strangers.id);
  });

  it('a refused booking or reschedule records no delivery', async () => {
    const { token, eventType } = await hostWithEventType();
    const hook = await subscribe(token, 'https://hooks.example.com/none');
    const a = await book(eventType.id, at('10:00'));
    const b = await book(eventType.id, at('11:00'));
    expect((await book(eventType.id, at('10:00'))).status).toBe(409);
    expect((await api('PATCH', `/v2/bookings/${b.json.uid}`, { body: { start: at('10:00') } })).status).toBe(409);
    const count = await env.DB.prepare('SELECT COUNT(*) AS n FROM booking_webhook_deliveries WHERE webhook_id = ?').bind(hook.id).first<{ n: number }>();
    expect(count!.n).toBe(2);
    expect((await deliveriesFor(a.json.uid)).filter((r) => r.webhook_id === hook.id).map((r) => r.trigger_event)).toEqual(['BOOKING_CREATED']);
  });

  it('delivers through the queue: a signed POST the spec verification accepts, then the row is delivered', async () => {
    const received: { url: string; headers: Headers; body: string }[] = [];
    vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
      const request = new Request(input as RequestInfo, init);
      received.push({ url: request.url, headers: request.headers, body: await request.text() });
      return new Response('ok', { status: 200 });
    });
    const { token, eventType } = await hostWithEventType();
    await subscribe(token, 'https://hooks.example.com/live', ['BOOKING_CREATED']);
    const created = await book(eventType.id, at('10:00'));
    for (let i = 0; i < 100 && !received.some((r) => r.url === 'https://hooks.example.com/live'); i++) await new Promise((r) => setTimeout(r, 50));
    const delivery = received.find((r) => r.url === 'https://hooks.example.com/live');
    expect(delivery).toBeDefined();
    expect(JSON.parse(delivery!.body).payload.uid).toBe(created.json.uid);
    expect(await verifyBody(SECRET, delivery!.body, delivery!.headers.get('x-cal-signature-256')!)).toBe(true);
    expect(delivery!.headers.get('content-type')).toMatch(/application\/json/);
    expect(delivery!.headers.get('webhook-id')).toMatch(/^msg_/);
    let status = '';
    for (let i = 0; i < 50 && status !== 'delivered'; i++) {
      status = (await deliveriesFor(created.json.uid))[0]!.status;
      if (status !== 'delivered') await new Promise((r) => setTimeout(r, 50));
    }
    expect(status).toBe('delivered');
  });
});

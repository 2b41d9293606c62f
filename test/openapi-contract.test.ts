// Contract tests: real answers of the Worker, for every operation, validated against the served OpenAPI document and
// the zod response schemas it was generated from (expectDocumented). A serializer that gains, loses or retypes a field,
// or a route that answers a status it does not document, fails here.
import { env } from 'cloudflare:workers';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WEBHOOK_TRIGGERS } from '../src/db/schema';
import { bookingEnvelopeSchemas, pingEnvelopeSchema } from '../src/webhooks/envelopes';
import { envelopeName } from '../src/openapi/document';
import { bookingEnvelope, pingEnvelope, type BookingEventSnapshot } from '../src/webhooks/payload';
import { deliveryHeaders } from '../src/webhooks/signing';
import { api, ATTENDEE, book, createEventType, makeAdmin, makeUser, TEST_PASSWORD, upcomingDate } from './helpers';
import { expectDocumented, expectValidAt, pointer, servedDocument } from './openapi-helpers';
import { SPEC_EXAMPLES } from './spec-examples';
import { fakeStripe, HOST_KEY, sendWebhook, stripeEvent, WEBHOOK_SECRET } from './payments-helpers';

const MONDAY = upcomingDate(1, 7);
const at = (hhmm: string) => `${MONDAY}T${hhmm}:00Z`;
const SECRET = 'whsec_contract_test_secret';

// Subscribers are fake hosts: answer every delivery the queue consumer or a ping makes instead of reaching the network.
let sent: { url: string; headers: Headers; body: string }[] = [];
beforeEach(() => {
  sent = [];
  vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const request = new Request(input, init);
    sent.push({ url: request.url, headers: request.headers, body: await request.text() });
    return new Response('ok');
  });
});
afterEach(() => vi.restoreAllMocks());

describe('auth and users answer as documented', () => {
  it('login, me, logout', async () => {
    const { user } = await makeUser();
    const login = await api('POST', '/v2/auth/login', { body: { email: user.email, password: TEST_PASSWORD } });
    await expectDocumented('POST', '/v2/auth/login', login);
    expect(login.headers.get('set-cookie')).toMatch(/^session=/);
    const token = login.json.token as string;
    await expectDocumented('GET', '/v2/me', await api('GET', '/v2/me', { token }));
    await expectDocumented('POST', '/v2/auth/logout', await api('POST', '/v2/auth/logout', { token }));
    await expectDocumented('GET', '/v2/me', await api('GET', '/v2/me', { token }));
    await expectDocumented('POST', '/v2/auth/login', await api('POST', '/v2/auth/login', { body: { email: user.email, password: 'wrong password' } }));
    await expectDocumented('POST', '/v2/auth/login', await api('POST', '/v2/auth/login', { body: { email: 'not-an-email' } }));
    for (let i = 0; i < 10; i++) await api('POST', '/v2/auth/login', { body: { email: user.email, password: 'wrong password' } });
    const throttled = await api('POST', '/v2/auth/login', { body: { email: user.email, password: TEST_PASSWORD } });
    expect(throttled.status).toBe(429);
    await expectDocumented('POST', '/v2/auth/login', throttled);
  });

  it('user management by a super admin, and 403 for others', async () => {
    const admin = await makeAdmin();
    const email = `contract-${crypto.randomUUID()}@example.com`;
    const created = await api('POST', '/v2/users', { token: admin.token, body: { email, name: 'Contract', password: TEST_PASSWORD } });
    expect(created.status).toBe(201);
    await expectDocumented('POST', '/v2/users', created);
    await expectDocumented('POST', '/v2/users', await api('POST', '/v2/users', { token: admin.token, body: { email, name: 'Again', password: TEST_PASSWORD } }));
    await expectDocumented('GET', '/v2/users', await api('GET', '/v2/users?limit=2', { token: admin.token }));
    await expectDocumented('GET', '/v2/users/{id}', await api('GET', `/v2/users/${created.json.id}`, { token: admin.token }));
    await expectDocumented('GET', '/v2/users/{id}', await api('GET', '/v2/users/99999999', { token: admin.token }));
    await expectDocumented('PATCH', '/v2/users/{id}', await api('PATCH', `/v2/users/${created.json.id}`, { token: admin.token, body: { timezone: 'Europe/Paris' } }));
    await expectDocumented('PATCH', '/v2/users/{id}', await api('PATCH', `/v2/users/${admin.user.id}`, { token: admin.token, body: { role: 'user' } }));
    await expectDocumented('DELETE', '/v2/users/{id}', await api('DELETE', `/v2/users/${created.json.id}`, { token: admin.token }));
    const plain = await makeUser();
    await expectDocumented('GET', '/v2/users', await api('GET', '/v2/users', { token: plain.token }));
  });
});

describe('event types, schedules and slots answer as documented', () => {
  it("event types, from the spec's examples", async () => {
    const { token } = await makeUser();
    const created = await api('POST', '/v2/event-types', {
      token,
      body: SPEC_EXAMPLES.createEventType,
    });
    expect(created.status).toBe(201);
    await expectDocumented('POST', '/v2/event-types', created);
    const coffee = await api('POST', '/v2/event-types', {
      cookie: `session=${token}`,
      body: SPEC_EXAMPLES.coffeeChat,
    });
    expect(coffee.status).toBe(201);
    await expectDocumented('POST', '/v2/event-types', coffee);
    await expectDocumented('POST', '/v2/event-types', await api('POST', '/v2/event-types', { token, body: { title: 'Dup', slug: '30min', duration_minutes: 30 } }));
    await expectDocumented('POST', '/v2/event-types', await api('POST', '/v2/event-types', { token, body: { title: 'Bad', slug: 'bad', duration_minutes: 30, location_type: 'skype' } }));
    await expectDocumented('POST', '/v2/event-types', await api('POST', '/v2/event-types', { token, body: { title: 'x'.repeat(70_000) } }));
    await expectDocumented('POST', '/v2/event-types', await api('POST', '/v2/event-types', { token, body: 'title=x', headers: { 'content-type': 'text/plain' } }));
    await expectDocumented('GET', '/v2/event-types', await api('GET', '/v2/event-types'));
    await expectDocumented('GET', '/v2/event-types', await api('GET', '/v2/event-types?limit=1', { token }));
    await expectDocumented('GET', '/v2/event-types', await api('GET', '/v2/event-types?limit=500'));
    await expectDocumented('GET', '/v2/event-types/{id}', await api('GET', `/v2/event-types/${created.json.id}`, { token }));
    await expectDocumented('GET', '/v2/event-types/{id}', await api('GET', '/v2/event-types/abc', { token }));
    await expectDocumented('PATCH', '/v2/event-types/{id}', await api('PATCH', `/v2/event-types/${created.json.id}`, { token, body: { is_active: false } }));
    await expectDocumented('DELETE', '/v2/event-types/{id}', await api('DELETE', `/v2/event-types/${coffee.json.id}`, { token }));
  });

  it('schedules and date overrides', async () => {
    const { token } = await makeUser();
    const list = await expectDocumented('GET', '/v2/schedules', await api('GET', '/v2/schedules', { token }));
    const defaultId = list.data[0].id as number;
    const created = await api('POST', '/v2/schedules', {
      token,
      body: {
        name: 'Weekend only',
        timezone: 'Europe/Berlin',
        availability: [{ day_of_week: 6, start_time: '10:00', end_time: '14:00' }],
        date_overrides: [{ date: '2030-12-24' }, { date: '2030-12-27', start_time: '09:00', end_time: '12:00' }],
      },
    });
    expect(created.status).toBe(201);
    await expectDocumented('POST', '/v2/schedules', created);
    const id = created.json.id as number;
    await expectDocumented('GET', '/v2/schedules/{id}', await api('GET', `/v2/schedules/${id}`, { token }));
    await expectDocumented('PATCH', '/v2/schedules/{id}', await api('PATCH', `/v2/schedules/${id}`, { token, body: { name: 'Saturdays' } }));
    await expectDocumented('PATCH', '/v2/schedules/{id}', await api('PATCH', `/v2/schedules/${defaultId}`, { token, body: { is_default: false } }));
    const override = await api('POST', `/v2/schedules/${id}/overrides`, { token, body: { date: '2030-12-31' } });
    await expectDocumented('POST', '/v2/schedules/{id}/overrides', override);
    await expectDocumented('POST', '/v2/schedules/{id}/overrides', await api('POST', `/v2/schedules/${id}/overrides`, { token, body: { date: '2030-12-31' } }));
    await expectDocumented('DELETE', '/v2/schedules/{id}/overrides/{override_id}', await api('DELETE', `/v2/schedules/${id}/overrides/${override.json.id}`, { token }));
    await expectDocumented('DELETE', '/v2/schedules/{id}/overrides/{override_id}', await api('DELETE', `/v2/schedules/${id}/overrides/${override.json.id}`, { token }));
    await expectDocumented('DELETE', '/v2/schedules/{id}', await api('DELETE', `/v2/schedules/${defaultId}`, { token }));
    await expectDocumented('DELETE', '/v2/schedules/{id}', await api('DELETE', `/v2/schedules/${id}`, { token }));
    await expectDocumented('POST', '/v2/schedules', await api('POST', '/v2/schedules', { token, body: { name: 'Bad', timezone: 'Mars/Olympus' } }));
    await expectDocumented('POST', '/v2/schedules', await api('POST', '/v2/schedules', { token, body: { name: 'Theirs', timezone: 'UTC', user_id: 1 } }));
  });

  it("slots, including the spec's query", async () => {
    const { token } = await makeUser({ timezone: 'America/New_York' });
    const et = await createEventType(token);
    const spec = await api(
      'GET',
      `/v2/slots/available?event_type_id=${et.id}&start_time=2025-11-15T00:00:00Z&end_time=2025-11-22T23:59:59Z&timezone=America/New_York`,
    );
    await expectDocumented('GET', '/v2/slots/available', spec);
    const upcoming = await api('GET', `/v2/slots/available?event_type_id=${et.id}&start_time=${MONDAY}T00:00:00Z&end_time=${MONDAY}T23:59:59Z&timezone=Asia/Tokyo`);
    await expectDocumented('GET', '/v2/slots/available', upcoming);
    expect(Object.values(upcoming.json.slots).flat().length).toBeGreaterThan(0);
    await expectDocumented('GET', '/v2/slots/available', await api('GET', '/v2/slots/available?event_type_id=99999999&start_time=2030-01-01T00:00:00Z&end_time=2030-01-02T00:00:00Z'));
    await expectDocumented('GET', '/v2/slots/available', await api('GET', `/v2/slots/available?event_type_id=${et.id}`));
  });
});

describe('bookings answer as documented', () => {
  it('book, replay, conflict, read, list, reschedule, cancel', async () => {
    const { token, user } = await makeUser();
    const et = await createEventType(token);
    const key = { 'idempotency-key': crypto.randomUUID() };
    const created = await book(et.id, at('10:00'), { metadata: { source: 'contract' } }, key);
    expect(created.status).toBe(201);
    await expectDocumented('POST', '/v2/bookings', created);
    await expectDocumented('POST', '/v2/bookings', await book(et.id, at('10:00'), { metadata: { source: 'contract' } }, key));
    await expectDocumented('POST', '/v2/bookings', await book(et.id, at('11:00'), {}, key));
    await expectDocumented('POST', '/v2/bookings', await book(et.id, at('10:00')));
    await expectDocumented('POST', '/v2/bookings', await book(99999999, at('10:00')));
    await expectDocumented('POST', '/v2/bookings', await api('POST', '/v2/bookings', { body: { event_type_id: et.id } }));
    const uid = created.json.uid as string;
    await expectDocumented('GET', '/v2/bookings/{uid}', await api('GET', `/v2/bookings/${uid}`));
    await expectDocumented('GET', '/v2/bookings/{uid}', await api('GET', '/v2/bookings/doesNotExistAtAll123'));
    await expectDocumented('GET', '/v2/bookings', await api('GET', `/v2/bookings?status=accepted&event_type_id=${et.id}`, { token }));
    await expectDocumented('GET', '/v2/bookings', await api('GET', '/v2/bookings?from=2030-01-02T00:00:00Z&to=2030-01-01T00:00:00Z', { token }));
    const moved = await api('PATCH', `/v2/bookings/${uid}`, { body: { start: at('14:00'), reason: 'Clash' } });
    await expectDocumented('PATCH', '/v2/bookings/{uid}', moved);
    expect(moved.json.previous_start).toBe(`${MONDAY}T10:00:00.000Z`);
    await expectDocumented('PATCH', '/v2/bookings/{uid}', await api('PATCH', `/v2/bookings/${uid}`, { body: { start: at('03:00') } }));
    await expectDocumented('DELETE', '/v2/bookings/{uid}', await api('DELETE', `/v2/bookings/${uid}`, { body: { reason: 'Sorry' } }));
    await expectDocumented('DELETE', '/v2/bookings/{uid}', await api('DELETE', `/v2/bookings/${uid}`));
    await expectDocumented('PATCH', '/v2/bookings/{uid}', await api('PATCH', `/v2/bookings/${uid}`, { body: { start: at('15:00') } }));
    expect(user.id).toBe(created.json.host_id);
  });

  it('confirm and decline pending bookings', async () => {
    const { token } = await makeUser();
    const et = await createEventType(token, { requires_confirmation: true });
    const a = await book(et.id, at('10:00'));
    const b = await book(et.id, at('11:00'));
    expect([a.json.status, b.json.status]).toEqual(['pending', 'pending']);
    await expectDocumented('POST', '/v2/bookings/{uid}/confirm', await api('POST', `/v2/bookings/${a.json.uid}/confirm`, { token }));
    await expectDocumented('POST', '/v2/bookings/{uid}/confirm', await api('POST', `/v2/bookings/${a.json.uid}/confirm`, { token }));
    await expectDocumented('POST', '/v2/bookings/{uid}/decline', await api('POST', `/v2/bookings/${b.json.uid}/decline`, { token, body: { reason: 'Busy' } }));
    const stranger = await makeUser();
    await expectDocumented('POST', '/v2/bookings/{uid}/decline', await api('POST', `/v2/bookings/${b.json.uid}/decline`, { token: stranger.token }));
  });
});

describe('webhooks answer as documented, and their deliveries match the documented envelopes', () => {
  it('CRUD, delivery log and ping', async () => {
    const { token } = await makeUser();
    const spec = await api('POST', '/v2/webhooks', {
      token,
      body: {
        subscriber_url: 'https://yourapp.com/webhooks/bookings',
        event_triggers: ['BOOKING_CREATED', 'BOOKING_CANCELLED'],
        active: true,
        secret: 'whsec_your_secret_here',
      },
    });
    expect(spec.status).toBe(201);
    await expectDocumented('POST', '/v2/webhooks', spec);
    const generated = await api('POST', '/v2/webhooks', { token, body: { subscriber_url: 'https://hooks.example.com/in', event_triggers: ['BOOKING_CREATED'] } });
    await expectDocumented('POST', '/v2/webhooks', generated);
    expect(generated.json.secret).toMatch(/^whsec_/);
    await expectDocumented('POST', '/v2/webhooks', await api('POST', '/v2/webhooks', { token, body: { subscriber_url: 'http://127.0.0.1/x', event_triggers: ['BOOKING_CREATED'] } }));
    await expectDocumented('GET', '/v2/webhooks', await api('GET', '/v2/webhooks', { token }));
    await expectDocumented('GET', '/v2/webhooks/{id}', await api('GET', `/v2/webhooks/${spec.json.id}`, { token }));
    await expectDocumented('PATCH', '/v2/webhooks/{id}', await api('PATCH', `/v2/webhooks/${spec.json.id}`, { token, body: { active: false } }));
    await expectDocumented('PATCH', '/v2/webhooks/{id}', await api('PATCH', `/v2/webhooks/${spec.json.id}`, { token, body: {} }));

    const ping = await api('POST', `/v2/webhooks/${generated.json.id}/ping`, { token });
    await expectDocumented('POST', '/v2/webhooks/{id}/ping', ping);
    const pinged = sent.find((s) => s.url === 'https://hooks.example.com/in')!;
    await expectValidAt(pointer('components', 'schemas', 'PingEnvelope'), JSON.parse(pinged.body));
    await expectHeadersDocumented('PING', pinged.headers);

    const log = await api('GET', `/v2/webhooks/${generated.json.id}/deliveries?status=delivered`, { token });
    await expectDocumented('GET', '/v2/webhooks/{id}/deliveries', log);
    expect(log.json.data).toHaveLength(1);
    await expectDocumented('DELETE', '/v2/webhooks/{id}', await api('DELETE', `/v2/webhooks/${spec.json.id}`, { token }));
    await expectDocumented('GET', '/v2/webhooks/{id}', await api('GET', `/v2/webhooks/${spec.json.id}`, { token }));
  });

  it('the payloads stored for delivery, for every trigger, validate against their documented envelope', async () => {
    const { token } = await makeUser();
    const hook = await api('POST', '/v2/webhooks', {
      token,
      body: { subscriber_url: 'https://hooks.example.com/all', event_triggers: [...WEBHOOK_TRIGGERS], secret: SECRET },
    });
    const plain = await createEventType(token, { location_type: 'zoom' });
    const confirm = await createEventType(token, { requires_confirmation: true, description: 'Needs a yes' });
    const a = await book(plain.id, at('09:00'));
    await api('PATCH', `/v2/bookings/${a.json.uid}`, { body: { start: at('09:30') } });
    await api('DELETE', `/v2/bookings/${a.json.uid}`, { body: { reason: 'Changed my mind' } });
    const b = await book(confirm.id, at('13:00'));
    await api('POST', `/v2/bookings/${b.json.uid}/confirm`, { token });
    const c = await book(confirm.id, at('15:00'));
    await api('POST', `/v2/bookings/${c.json.uid}/decline`, { token });
    // A paid event type: BOOKING_PAYMENT_INITIATED at booking, BOOKING_PAID when Stripe says it is paid, BOOKING_PAYMENT_REFUNDED on a refund.
    const stripe = fakeStripe();
    await expectDocumented('GET', '/v2/payments/stripe/account', await api('GET', '/v2/payments/stripe/account', { token }));
    await expectDocumented('POST', '/v2/payments/stripe/account', await api('POST', '/v2/payments/stripe/account', { token, body: { secret_key: HOST_KEY, webhook_secret: WEBHOOK_SECRET } }));
    const paid = await createEventType(token, { price: 1500, currency: 'eur' });
    const d = await book(paid.id, at('16:00'));
    await expectDocumented('POST', '/v2/bookings', d);
    const session = stripe.pay(/cs_test_\w+/.exec(d.json.payment.checkout_url)![0]);
    await expectDocumented('POST', '/v2/payments/stripe/webhook', await sendWebhook(await stripeEvent('checkout.session.completed', session)));
    await expectDocumented('POST', '/v2/payments/stripe/webhook', await sendWebhook({ payload: '{"type":"checkout.session.expired"}', signature: 't=1,v1=00' }));
    await expectDocumented('POST', '/v2/payments/refunds', await api('POST', '/v2/payments/refunds', { token, body: { booking_uid: d.json.uid, amount: 500 } }));
    await expectDocumented('DELETE', '/v2/payments/stripe/account', await api('DELETE', '/v2/payments/stripe/account', { token }));

    const { results } = await env.DB.prepare('SELECT trigger_event, payload FROM booking_webhook_deliveries WHERE webhook_id = ? ORDER BY id')
      .bind(hook.json.id)
      .all<{ trigger_event: string; payload: string }>();
    expect([...new Set(results.map((r) => r.trigger_event))].sort()).toEqual([...WEBHOOK_TRIGGERS].sort());
    for (const row of results) {
      const envelope = JSON.parse(row.payload);
      await expectValidAt(pointer('components', 'schemas', envelopeName(row.trigger_event)), envelope);
      bookingEnvelopeSchemas[row.trigger_event as (typeof WEBHOOK_TRIGGERS)[number]].parse(envelope);
    }
  });
});

/** The documented delivery headers are exactly what signing.ts sends, besides Content-Type and User-Agent. */
async function expectHeadersDocumented(trigger: string, headers: Headers) {
  const doc = await servedDocument();
  const parameters = doc.webhooks[trigger]!.post.parameters!;
  for (const [index, p] of parameters.entries()) {
    const value = headers.get(p.name);
    expect(value, p.name).not.toBeNull();
    await expectValidAt(pointer('webhooks', trigger, 'post', 'parameters', String(index), 'schema'), value);
  }
}

describe('webhook envelopes (src/webhooks/payload.ts) match the documented schemas', () => {
  const snapshot = (trigger: BookingEventSnapshot['trigger'], overrides: Partial<BookingEventSnapshot['booking']> = {}): BookingEventSnapshot => ({
    trigger,
    hostId: 7,
    booking: {
      uid: 'b9Xf3kQmT2vLp8RzN4wYaC',
      title: '30 Minute Meeting between Ada Host and Jane Doe',
      description: 'Let us talk',
      startAt: Date.parse('2030-11-15T14:00:00Z'),
      endAt: Date.parse('2030-11-15T14:30:00Z'),
      status: trigger === 'BOOKING_REQUESTED' ? 'pending' : trigger === 'BOOKING_CANCELLED' ? 'cancelled' : trigger === 'BOOKING_REJECTED' ? 'rejected' : 'accepted',
      locationType: 'google_meet',
      locationValue: null,
      metadata: { crm: 'lead-7', score: 3, vip: true, note: null },
      cancellationReason: trigger === 'BOOKING_CANCELLED' ? 'Sick' : null,
      rejectionReason: null,
      ...overrides,
    },
    eventType: { id: 3, slug: '30min', durationMinutes: 30 },
    organizer: { id: 7, name: 'Ada Host', email: 'ada@example.com', timezone: 'Europe/London' },
    attendee: { name: ATTENDEE.name, email: ATTENDEE.email, timezone: ATTENDEE.timezone, notes: ATTENDEE.notes },
    reschedule: trigger === 'BOOKING_RESCHEDULED' ? { previousStartAt: Date.parse('2030-11-14T14:00:00Z'), previousEndAt: Date.parse('2030-11-14T14:30:00Z'), reason: null } : undefined,
    ...(trigger === 'BOOKING_PAYMENT_REFUNDED' ? { refundAmount: 500 } : {}),
  });

  for (const trigger of WEBHOOK_TRIGGERS) {
    it(`${trigger}: bookingEnvelope(...) validates against ${envelopeName(trigger)}`, async () => {
      const envelope = bookingEnvelope(snapshot(trigger), Date.now());
      await expectValidAt(pointer('components', 'schemas', envelopeName(trigger)), envelope);
      expect(bookingEnvelopeSchemas[trigger].safeParse(envelope).success).toBe(true);
    });
  }

  it('the nullable fields are documented as nullable (no event type, no location, no notes, no reason)', async () => {
    const bare = { ...snapshot('BOOKING_CANCELLED', { description: null, locationType: null, metadata: null, cancellationReason: null }), eventType: null };
    bare.attendee = { ...bare.attendee, notes: null };
    await expectValidAt(pointer('components', 'schemas', 'BookingCancelledEnvelope'), bookingEnvelope(bare, Date.now()));
  });

  it('a payload field the documentation does not know fails the check, so drift is caught', async () => {
    const envelope = bookingEnvelope(snapshot('BOOKING_CREATED'), Date.now());
    (envelope.payload as Record<string, unknown>).surprise = 1;
    await expect(expectValidAt(pointer('components', 'schemas', 'BookingCreatedEnvelope'), envelope)).rejects.toThrow(/not valid/);
    expect(bookingEnvelopeSchemas.BOOKING_CREATED.safeParse(envelope).success).toBe(false);
  });

  it('PING: pingEnvelope(...) validates against PingEnvelope', async () => {
    const envelope = pingEnvelope({ id: 7, name: 'Ada Host', email: 'ada@example.com', timezone: 'UTC' }, Date.now());
    await expectValidAt(pointer('components', 'schemas', 'PingEnvelope'), envelope);
    expect(pingEnvelopeSchema.safeParse(envelope).success).toBe(true);
  });

  it('the documented headers are the ones every delivery carries', async () => {
    const headers = await deliveryHeaders(SECRET, '{"triggerEvent":"PING"}', 'msg_abc_1', Date.now());
    const sentNames = Object.keys(headers).filter((h) => !['Content-Type', 'User-Agent'].includes(h));
    const doc = await servedDocument();
    for (const trigger of Object.keys(doc.webhooks)) {
      expect(doc.webhooks[trigger]!.post.parameters!.map((p) => p.name)).toEqual(sentNames);
    }
    await expectHeadersDocumented('BOOKING_CREATED', new Headers(headers));
  });
});

describe('the contract check itself', () => {
  it('fails on a field the documentation does not know, an undocumented status, or an undocumented error code', async () => {
    const { token } = await makeUser();
    const et = await api('GET', `/v2/event-types/${(await createEventType(token)).id}`, { token });
    await expectDocumented('GET', '/v2/event-types/{id}', et);
    await expect(expectDocumented('GET', '/v2/event-types/{id}', { status: 200, json: { ...et.json, surprise: 1 } })).rejects.toThrow(/not valid/);
    await expect(expectDocumented('GET', '/v2/event-types/{id}', { status: 200, json: { ...et.json, created_at: 1700000000 } })).rejects.toThrow(/not valid/);
    await expect(expectDocumented('GET', '/v2/event-types/{id}', { status: 409, json: { error: { code: 'conflict', message: 'x' } } })).rejects.toThrow(/does not document/);
    await expect(
      expectDocumented('POST', '/v2/bookings', { status: 409, json: { error: { code: 'too_many_holds', message: 'x' } } }),
    ).rejects.toThrow(/answered 409 too_many_holds/);
  });
});

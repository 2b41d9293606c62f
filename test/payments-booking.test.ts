// Paid event types (issue #30): the price fields, a host's Stripe keys, booking into `awaiting_payment` with a
// Checkout Session (the request checked against Stripe's shapes), the abandoned-checkout rebook, the unpaid cap and
// 20 parallel bookings of one paid slot.
import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it } from 'vitest';
import { vi } from 'vitest';
import { api, ATTENDEE, book, createEventType, dbRow, expectError, issuePaths, makeUser, upcomingDate } from './helpers';
import { fakeStripe, HOST_KEY, paidHost, WEBHOOK_SECRET } from './payments-helpers';

const MONDAY = upcomingDate(1, 7);
const at = (hhmm: string) => `${MONDAY}T${hhmm}:00Z`;

afterEach(() => vi.restoreAllMocks());

describe('price fields on an event type', () => {
  it('take a price in minor units, an ISO 4217 currency in any case, a deadline and a refund policy', async () => {
    const { token } = await makeUser();
    const et = await createEventType(token, { price: 500, currency: 'JPY', payment_deadline_minutes: 15, refund_policy: { type: 'none' } });
    expect(et).toMatchObject({ price: 500, currency: 'jpy', payment_deadline_minutes: 15, refund_policy: { type: 'none' } });
    const free = await createEventType(token);
    expect(free).toMatchObject({ price: null, currency: null, payment_deadline_minutes: 30, refund_policy: { type: 'full_until_hours_before', hours: 24 } });
  });

  it('refuse a bad currency, a price without currency, a deadline out of 10-1440, three-decimal rounding and paid seats', async () => {
    const { token } = await makeUser();
    const bad = (body: Record<string, unknown>) => api('POST', '/v2/event-types', { token, body: { title: 'X', slug: `x-${crypto.randomUUID().slice(0, 8)}`, duration_minutes: 30, ...body } });
    expect(issuePaths(await bad({ price: 100, currency: 'usx' }))).toEqual(['currency']);
    expect(issuePaths(await bad({ price: 100 }))).toEqual(['currency']);
    expect(issuePaths(await bad({ price: 0, currency: 'usd' }))).toEqual(['price']);
    expect(issuePaths(await bad({ price: 1.5, currency: 'usd' }))).toEqual(['price']);
    expect(issuePaths(await bad({ price: 100, currency: 'usd', payment_deadline_minutes: 9 }))).toEqual(['payment_deadline_minutes']);
    expect(issuePaths(await bad({ price: 100, currency: 'usd', payment_deadline_minutes: 1441 }))).toEqual(['payment_deadline_minutes']);
    expect(issuePaths(await bad({ price: 1005, currency: 'kwd' }))).toEqual(['price']);
    expect(issuePaths(await bad({ price: 100, currency: 'usd', seats_per_time_slot: 5 }))).toEqual(['price']);
    expect(issuePaths(await bad({ price: 100, currency: 'usd', refund_policy: { type: 'sometimes' } }))).toEqual(['refund_policy.type']);
  });
});

describe("a host's Stripe keys", () => {
  it('are stored sealed, shown only as a hint, and never answered again', async () => {
    const { user, token } = await makeUser();
    expect((await api('GET', '/v2/payments/stripe/account', { token })).json).toMatchObject({ connected: false, source: null });
    const put = await api('POST', '/v2/payments/stripe/account', { token, body: { secret_key: HOST_KEY, webhook_secret: WEBHOOK_SECRET } });
    expect(put.status).toBe(200);
    expect(put.json).toMatchObject({ connected: true, source: 'account', key_hint: 'sk_test_…0000', livemode: false, webhook_url: '/v2/payments/stripe/webhook' });
    expect(JSON.stringify(put.json)).not.toContain(HOST_KEY.slice(8, 20));
    const row = await dbRow<Record<string, string>>('SELECT * FROM payment_accounts WHERE user_id = ?', user.id);
    expect(row!.secret_key_sealed).toMatch(/^v1\./);
    expect(JSON.stringify(row)).not.toContain(HOST_KEY.slice(8));
    expect(JSON.stringify(row)).not.toContain(WEBHOOK_SECRET.slice(6));
    expect(issuePaths(await api('POST', '/v2/payments/stripe/account', { token, body: { secret_key: 'pk_test_123456789012345678901', webhook_secret: WEBHOOK_SECRET } }))).toEqual(['secret_key']);
    expect((await api('DELETE', '/v2/payments/stripe/account', { token })).status).toBe(204);
    expect((await api('GET', '/v2/payments/stripe/account', { token })).json.connected).toBe(false);
  });
});

describe('booking a paid event type', () => {
  it('is awaiting_payment with a Checkout Session made by a request Stripe documents, and nothing announced but BOOKING_PAYMENT_INITIATED', async () => {
    const stripe = fakeStripe();
    const { user, token, eventType } = await paidHost({ location_type: 'zoom', location_value: 'https://zoom.us/j/123?pwd=secret' });
    const hook = await api('POST', '/v2/webhooks', { token, body: { subscriber_url: 'https://hooks.example.com/paid', event_triggers: ['BOOKING_PAYMENT_INITIATED', 'BOOKING_CREATED', 'BOOKING_PAID'] } });
    expect(hook.status).toBe(201);
    const res = await book(eventType.id, at('10:00'));
    expect(res.status).toBe(201);
    expect(res.json.status).toBe('awaiting_payment');
    expect(res.json.location).toBeNull();
    expect(res.json.payment).toMatchObject({ status: 'unpaid', amount: 2500, currency: 'usd', refunded_amount: 0, checkout_url: expect.stringMatching(/^https:\/\/checkout\.stripe\.com\/c\/pay\/cs_test_/) });
    const deadline = Date.parse(res.json.payment.expires_at) - Date.parse(res.json.created_at);
    expect(deadline).toBe(30 * 60_000);

    expect(stripe.violations).toEqual([]);
    expect(stripe.requests).toHaveLength(1);
    const sent = stripe.requests[0]!;
    expect(sent.method).toBe('POST');
    expect(sent.path).toBe('/v1/checkout/sessions');
    expect(sent.headers.get('authorization')).toBe(`Bearer ${HOST_KEY}`);
    expect(sent.headers.get('idempotency-key')).toBe(`calflare-checkout-${res.json.uid}`);
    expect(Object.fromEntries(sent.form)).toMatchObject({
      mode: 'payment',
      'line_items[0][quantity]': '1',
      'line_items[0][price_data][currency]': 'usd',
      'line_items[0][price_data][unit_amount]': '2500',
      customer_email: ATTENDEE.email,
      client_reference_id: res.json.uid,
      'metadata[booking_uid]': res.json.uid,
      'payment_intent_data[metadata][booking_uid]': res.json.uid,
      success_url: `${env.APP_URL}/booking/${res.json.uid}?paid=1`,
      cancel_url: `${env.APP_URL}/booking/${res.json.uid}`,
    });
    // Stripe's floor is 30 minutes: a session never expires before our deadline.
    expect(Number(sent.form.get('expires_at')) * 1000).toBeGreaterThanOrEqual(Date.parse(res.json.payment.expires_at));

    const triggers = await env.DB.prepare('SELECT trigger_event FROM booking_webhook_deliveries WHERE booking_id = ? ORDER BY id').bind(res.json.id).all<{ trigger_event: string }>();
    expect(triggers.results.map((r) => r.trigger_event)).toEqual(['BOOKING_PAYMENT_INITIATED']);
    expect(await dbRow('SELECT COUNT(*) AS n FROM booking_email_notifications WHERE booking_uid = ?', res.json.uid)).toEqual({ n: 0 });
    // It holds the time like a booking: the slot is gone and a second booker is refused.
    const slots = await api('GET', `/v2/slots/available?event_type_id=${eventType.id}&start_time=${at('09:00')}&end_time=${at('12:00')}&timezone=UTC`);
    expect(JSON.stringify(slots.json)).not.toContain(`"start":"${MONDAY}T10:00:00`);
    expectError(await book(eventType.id, at('10:00'), { attendee: { ...ATTENDEE, email: 'other@example.com' } }), 409, 'slot_unavailable');
    void user;
  });

  it("booking the same slot again with the same email returns the open checkout (zero-decimal currency, 10-minute deadline)", async () => {
    const stripe = fakeStripe();
    const { eventType } = await paidHost({ price: 500, currency: 'jpy', payment_deadline_minutes: 10 });
    const first = await book(eventType.id, at('11:00'));
    const again = await book(eventType.id, at('11:00'), { attendee: { ...ATTENDEE, email: ATTENDEE.email.toUpperCase() } });
    expect(again.status).toBe(201);
    expect(again.json.uid).toBe(first.json.uid);
    expect(again.json.payment.checkout_url).toBe(first.json.payment.checkout_url);
    expect(first.json.payment).toMatchObject({ amount: 500, currency: 'jpy' });
    expect(stripe.requests.filter((r) => r.path === '/v1/checkout/sessions')).toHaveLength(1);
    expect(stripe.requests[0]!.form.get('line_items[0][price_data][unit_amount]')).toBe('500');
  });

  it('Stripe unreachable: the booking holds its time without a link, and booking again opens the same session', async () => {
    const stripe = fakeStripe();
    const { eventType } = await paidHost();
    stripe.setDown(true);
    const first = await book(eventType.id, at('12:00'));
    expect(first.status).toBe(201);
    expect(first.json.payment.checkout_url).toBeUndefined();
    stripe.setDown(false);
    const again = await book(eventType.id, at('12:00'));
    expect(again.json.uid).toBe(first.json.uid);
    expect(again.json.payment.checkout_url).toMatch(/cs_test_/);
  });

  it('a host without Stripe keys cannot take a paid booking: 409, and the time stays free', async () => {
    fakeStripe();
    const { token } = await makeUser();
    const et = await createEventType(token, { price: 1000, currency: 'eur' });
    const res = await book(et.id, at('13:00'));
    expectError(res, 409, 'conflict');
    expect(res.json.error.message).toMatch(/Stripe account is not connected/);
    const held = await dbRow<{ status: string }>("SELECT status FROM bookings WHERE event_type_id = ?", et.id);
    expect(held!.status).toBe('expired');
  });

  it('caps open unpaid bookings per attendee email with a host (2 by default)', async () => {
    fakeStripe();
    const { eventType } = await paidHost();
    expect((await book(eventType.id, at('09:00'))).status).toBe(201);
    expect((await book(eventType.id, at('09:30'))).status).toBe(201);
    const third = await book(eventType.id, at('14:00'));
    expectError(third, 409, 'too_many_bookings');
    expect(third.json.error.message).toMatch(/2 unpaid bookings/);
  });

  it('20 parallel bookings of one paid slot: one awaiting_payment, one checkout, the rest 409', async () => {
    const stripe = fakeStripe();
    const { user, eventType } = await paidHost();
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => book(eventType.id, at('15:00'), { attendee: { ...ATTENDEE, email: `racer${i}@example.com` } })));
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409 && r.json.error.code === 'slot_unavailable')).toHaveLength(19);
    const rows = await env.DB.prepare("SELECT COUNT(*) AS n FROM bookings WHERE host_id = ? AND status = 'awaiting_payment'").bind(user.id).first<{ n: number }>();
    expect(rows!.n).toBe(1);
    expect(stripe.requests.filter((r) => r.path === '/v1/checkout/sessions')).toHaveLength(1);
  });
});

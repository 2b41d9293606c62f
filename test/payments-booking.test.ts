// Paid event types (issue #30): the price fields, a host's Stripe keys, booking into `awaiting_payment` with a
// Checkout Session (the request checked against Stripe's shapes), the abandoned-checkout rebook, the unpaid cap and
// 20 parallel bookings of one paid slot; the booking pages (on to Checkout, "Pay to confirm" with the time left, the
// refund a cancel gives) and the admin bookings tab (payment, unpaid/expired filter, refund behind the CSRF check);
// paid team event types (the team owner's account). Paid seats: test/seats-booking.test.ts.
// The state machine itself is pure: test/payments-machine.unit.ts (run by test/rules.test.ts).
import { createScheduledController } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import worker from '../src/index';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { api, ATTENDEE, book, createEventType, dbCount, dbRow, expectError, freshIp, issuePaths, makeUser, page, postForm, publicHost, signedInAdmin, upcomingDate } from './helpers';
import { expectRacingRefundsSendTheirOwnAmounts, fakeStripe, HOST_KEY, OWNER_KEY, OWNER_WHSEC, paidHost, paidTeam, sendWebhook, stripeEvent, WEBHOOK_SECRET } from './payments-helpers';
import { hostsOfBooking, makeTeam, type TestUser } from './teams-helpers';

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

  it('refuse a bad currency, a price without currency, a deadline out of 10-1440 and three-decimal rounding', async () => {
    const { token } = await makeUser();
    const bad = (body: Record<string, unknown>) => api('POST', '/v2/event-types', { token, body: { title: 'X', slug: `x-${crypto.randomUUID().slice(0, 8)}`, duration_minutes: 30, ...body } });
    expect(issuePaths(await bad({ price: 100, currency: 'usx' }))).toEqual(['currency']);
    expect(issuePaths(await bad({ price: 100 }))).toEqual(['currency']);
    expect(issuePaths(await bad({ price: 0, currency: 'usd' }))).toEqual(['price']);
    expect(issuePaths(await bad({ price: 1.5, currency: 'usd' }))).toEqual(['price']);
    expect(issuePaths(await bad({ price: 100, currency: 'usd', payment_deadline_minutes: 9 }))).toEqual(['payment_deadline_minutes']);
    expect(issuePaths(await bad({ price: 100, currency: 'usd', payment_deadline_minutes: 1441 }))).toEqual(['payment_deadline_minutes']);
    expect(issuePaths(await bad({ price: 1005, currency: 'kwd' }))).toEqual(['price']);
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

  it('cannot be swapped or removed while a payment is in flight through them (its webhook needs them); the same keys again can', async () => {
    const stripe = fakeStripe();
    const { token, eventType } = await paidHost();
    const booked = await book(eventType.id, at('16:00'));
    const other = { secret_key: 'sk_test_51AnotherAccountsKey000000', webhook_secret: 'whsec_anotherSigningSecret00000' };
    expectError(await api('POST', '/v2/payments/stripe/account', { token, body: other }), 409, 'conflict');
    expectError(await api('DELETE', '/v2/payments/stripe/account', { token }), 409, 'conflict');
    expect((await api('POST', '/v2/payments/stripe/account', { token, body: { secret_key: HOST_KEY, webhook_secret: WEBHOOK_SECRET } })).status).toBe(200);
    // Paid with the keys it was made with: nothing in flight any more.
    const sessionId = /cs_test_\w+/.exec(booked.json.payment.checkout_url)![0];
    expect((await sendWebhook(await stripeEvent('checkout.session.completed', stripe.pay(sessionId)))).status).toBe(200);
    expect((await api('POST', '/v2/payments/stripe/account', { token, body: other })).status).toBe(200);
  });

  it('a refund of a payment taken with keys since changed is the host\'s to give by hand: nothing sent to Stripe, not by the cron either; the same keys again refund as before', async () => {
    const stripe = fakeStripe();
    const { token, eventType } = await paidHost();
    const day = upcomingDate(5, 14);
    const paid = [];
    for (const start of [`${day}T10:00:00Z`, `${day}T11:00:00Z`]) {
      const booked = await book(eventType.id, start);
      await sendWebhook(await stripeEvent('checkout.session.completed', stripe.pay(/cs_test_\w+/.exec(booked.json.payment.checkout_url)![0])));
      paid.push(booked.json.uid as string);
    }
    const fingerprint = await dbRow<{ f: string }>("SELECT json_extract(payment, '$.key_fingerprint') AS f FROM bookings WHERE uid = ?", paid[0]);
    expect(fingerprint!.f).toMatch(/^[0-9a-f]{16}$/);
    expect(HOST_KEY).not.toContain(fingerprint!.f);
    // The same keys saved again: the refund goes to Stripe as before.
    expect((await api('POST', '/v2/payments/stripe/account', { token, body: { secret_key: HOST_KEY, webhook_secret: WEBHOOK_SECRET } })).status).toBe(200);
    const same = await api('DELETE', `/v2/bookings/${paid[0]}`, { body: {} });
    expect(same.json.payment).toMatchObject({ status: 'refunded', refunded_amount: 2500, refund_pending: false });
    expect(same.json.payment.refund_manual).toBeUndefined();
    expect(stripe.refunds.map((r) => r.amount)).toEqual([2500]);

    const other = { secret_key: 'sk_test_51AnotherAccountsKey000000', webhook_secret: 'whsec_anotherSigningSecret00000' };
    expect((await api('POST', '/v2/payments/stripe/account', { token, body: other })).status).toBe(200);
    const sentBefore = stripe.requests.length;
    const changed = await api('DELETE', `/v2/bookings/${paid[1]}`, { body: {} });
    const manual = { status: 'refunded', refunded_amount: 2500, refund_pending: false, refund_manual: true, refund_manual_amount: 2500 };
    expect(changed.json.payment).toMatchObject(manual);
    expect((await api('GET', `/v2/bookings/${paid[1]}`)).json.payment).toMatchObject(manual);
    await worker.scheduled(createScheduledController(), env);
    expect(stripe.requests.slice(sentBefore).filter((r) => r.path === '/v1/refunds')).toEqual([]);
    expect(stripe.refunds).toHaveLength(1);
    // Decided, not settled: the amounts stay honest; nothing is in flight, so the keys can change again.
    expect(await dbRow("SELECT json_extract(payment, '$.refunded_amount') AS decided, json_extract(payment, '$.refund_settled_amount') AS settled FROM bookings WHERE uid = ?", paid[1])).toEqual({ decided: 2500, settled: 0 });
    expect((await api('DELETE', '/v2/payments/stripe/account', { token })).status).toBe(204);
    const { cookie } = await signedInAdmin();
    const tab = await page(`/admin/bookings?from=${day}&to=${day}`, { cookie });
    expect(tab.html).toContain('Refund $25.00 in the Stripe account that took the payment');
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

  it("booking the same slot again with the same form returns the open checkout; someone knowing only the email meets a taken slot (zero-decimal currency, 10-minute deadline)", async () => {
    const stripe = fakeStripe();
    const { eventType } = await paidHost({ price: 500, currency: 'jpy', payment_deadline_minutes: 10 });
    const first = await book(eventType.id, at('11:00'));
    const again = await book(eventType.id, at('11:00'), { attendee: { ...ATTENDEE, email: ATTENDEE.email.toUpperCase() } });
    expect(again.status).toBe(201);
    expect(again.json.uid).toBe(first.json.uid);
    // Another name, zone or note with the invitee's email gets neither the uid (it cancels) nor what they wrote.
    for (const attendee of [{ ...ATTENDEE, name: 'Mallory' }, { ...ATTENDEE, timezone: 'Asia/Tokyo' }, { ...ATTENDEE, notes: 'let me in' }]) {
      const other = await book(eventType.id, at('11:00'), { attendee });
      expectError(other, 409, 'slot_unavailable');
      expect(JSON.stringify(other.json)).not.toContain(first.json.uid);
    }
    expect(again.json.payment.checkout_url).toBe(first.json.payment.checkout_url);
    expect(first.json.payment).toMatchObject({ amount: 500, currency: 'jpy' });
    expect(stripe.requests.filter((r) => r.path === '/v1/checkout/sessions')).toHaveLength(1);
    expect(stripe.requests[0]!.form.get('line_items[0][price_data][unit_amount]')).toBe('500');
  });

  it('one client network holds at most 5 open checkouts with a host, whatever the emails; another network still books', async () => {
    fakeStripe();
    const { eventType } = await paidHost();
    const ip = freshIp();
    const from = (client: string, i: number) =>
      book(eventType.id, at(`${String(9 + i).padStart(2, '0')}:00`), { attendee: { ...ATTENDEE, email: `squat${i}@example.com` } }, { 'cf-connecting-ip': client });
    for (let i = 0; i < 5; i++) {
      const held = await from(ip, i);
      expect(held.json.status).toBe('awaiting_payment');
      expect(Object.keys(held.json.payment)).not.toContain('client');
    }
    expectError(await from(ip, 5), 409, 'too_many_bookings');
    expect((await from(freshIp(), 6)).json.status).toBe('awaiting_payment');
  });

  it('Stripe unreachable: the booking holds its time without a link, and booking again opens the same session', async () => {
    const stripe = fakeStripe();
    const { eventType } = await paidHost();
    stripe.setDown(true);
    const first = await book(eventType.id, at('12:00'));
    expect(first.status).toBe(201);
    expect(first.json.payment.checkout_url).toBeUndefined();
    stripe.setDown(false);
    // Its booking page opens the checkout now; booking the slot again answers the same one.
    expect((await page(`/booking/${first.json.uid}`)).html).toMatch(/href="https:\/\/checkout\.stripe\.com\/c\/pay\/cs_test_\w+" id="pay-link"/);
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
    expect(await dbCount("SELECT COUNT(*) AS n FROM bookings WHERE host_id = ? AND status = 'awaiting_payment'", user.id)).toBe(1);
    expect(stripe.requests.filter((r) => r.path === '/v1/checkout/sessions')).toHaveLength(1);
  });
});

// ---- Team event types: the money goes to the team owner's account ----

describe('a paid team event type', () => {
  it('checks its price like a personal one; a price set later with PATCH is accepted', async () => {
    const team = await makeTeam([{}]);
    const post = (body: Record<string, unknown>) => api('POST', `/v2/teams/${team.id}/event-types`, { token: team.owner.token, body: { title: 'T', slug: `t-${crypto.randomUUID().slice(0, 8)}`, duration_minutes: 30, scheduling_type: 'collective', hosts: [{ user_id: team.members[0]!.user.id }], ...body } });
    expect(issuePaths(await post({ price: 100 }))).toEqual(['currency']);
    expect(issuePaths(await post({ price: 1005, currency: 'kwd' }))).toEqual(['price']);
    const free = await post({});
    expect(free.json).toMatchObject({ price: null, payment_deadline_minutes: 30 });
    const patched = await api('PATCH', `/v2/teams/${team.id}/event-types/${free.json.id}`, { token: team.owner.token, body: { price: 900, currency: 'usd', refund_policy: { type: 'none' } } });
    expect(patched.json).toMatchObject({ price: 900, currency: 'usd', refund_policy: { type: 'none' } });
  });

  it("collective: the unpaid booking holds every host's time, its checkout is the team owner's, and paying books every host", async () => {
    const stripe = fakeStripe();
    const { team, et } = await paidTeam({ scheduling_type: 'collective' });
    const [a, b] = team.members as [TestUser, TestUser];
    const booked = await book(et.id, at('10:00'));
    expect(booked.status).toBe(201);
    expect(booked.json).toMatchObject({ status: 'awaiting_payment', payment: { status: 'unpaid', amount: 3000, currency: 'eur' } });
    expect(stripe.requests.map((r) => r.headers.get('authorization'))).toEqual([`Bearer ${OWNER_KEY}`]);
    expect(await hostsOfBooking(booked.json.uid)).toEqual([a.user.id, b.user.id].sort((x, y) => x - y));
    expectError(await book((await createEventType(b.token)).id, at('10:00')), 409, 'slot_unavailable');
    expect(await dbRow('SELECT COUNT(*) AS n FROM booking_email_notifications WHERE booking_uid = ?', booked.json.uid)).toEqual({ n: 0 });
    // The same email again: the same booking and checkout (never a second one); with another name, nothing of it.
    expect((await book(et.id, at('10:00'))).json.uid).toBe(booked.json.uid);
    const mallory = await book(et.id, at('10:00'), { attendee: { ...ATTENDEE, name: 'Mallory' } });
    expect(mallory.status).toBe(409);
    expect(JSON.stringify(mallory.json)).not.toContain(booked.json.uid);
    expectError(await api('PATCH', `/v2/bookings/${booked.json.uid}`, { body: { start: at('11:00') } }), 409, 'conflict');

    // Stripe signs the owner's account's events with the owner's secret: a host's secret is refused.
    const session = stripe.pay(/cs_test_\w+/.exec(booked.json.payment.checkout_url)![0]);
    expect((await sendWebhook(await stripeEvent('checkout.session.completed', session))).status).toBe(400);
    expect((await sendWebhook(await stripeEvent('checkout.session.completed', session, { secret: OWNER_WHSEC }))).status).toBe(200);
    const paid = await api('GET', `/v2/bookings/${booked.json.uid}`);
    expect(paid.json).toMatchObject({ status: 'accepted', payment: { status: 'paid' } });
    expect(await dbRow('SELECT COUNT(*) AS n FROM booking_email_notifications WHERE booking_uid = ?', booked.json.uid)).toEqual({ n: 3 });
    // A host's cancel refunds everything, from the owner's account.
    const cancelled = await api('DELETE', `/v2/bookings/${booked.json.uid}`, { token: team.members.find((m) => m.user.id === booked.json.host_id)!.token, body: {} });
    expect(cancelled.json.payment).toMatchObject({ status: 'refunded', refunded_amount: 3000 });
    expect(stripe.requests.filter((r) => r.path === '/v1/refunds').map((r) => r.headers.get('authorization'))).toEqual([`Bearer ${OWNER_KEY}`]);
    expect(stripe.violations).toEqual([]);
  });

  it("round robin: the assigned host's time is held until the checkout expires; a late payment then revives it, and the team owner refunds by hand", async () => {
    const stripe = fakeStripe();
    const { team, et } = await paidTeam({ scheduling_type: 'roundRobin' });
    const booked = await book(et.id, at('13:00'));
    expect(booked.json.status).toBe('awaiting_payment');
    expect(team.members.map((m) => m.user.id)).toContain(booked.json.host_id);
    const sessionId = /cs_test_\w+/.exec(booked.json.payment.checkout_url)![0];
    await sendWebhook(await stripeEvent('checkout.session.expired', stripe.expire(sessionId), { secret: OWNER_WHSEC }));
    expect((await api('GET', `/v2/bookings/${booked.json.uid}`)).json.status).toBe('expired');
    // Paid at the last moment: its host's time is still free, so it is revived (guarded over booking_hosts).
    stripe.sessions.get(sessionId)!.status = 'open';
    await sendWebhook(await stripeEvent('checkout.session.completed', stripe.pay(sessionId), { secret: OWNER_WHSEC }));
    expect((await api('GET', `/v2/bookings/${booked.json.uid}`)).json.status).toBe('accepted');
    const other = await makeUser();
    expectError(await api('POST', '/v2/payments/refunds', { token: other.token, body: { booking_uid: booked.json.uid } }), 404, 'not_found');
    const refund = await api('POST', '/v2/payments/refunds', { token: team.owner.token, body: { booking_uid: booked.json.uid, amount: 1000 } });
    expect(refund.json.payment).toMatchObject({ status: 'partially_refunded', refunded_amount: 1000 });
    expect(stripe.refunds.map((r) => r.amount)).toEqual([1000]);
  });

  it("collective: a late payment is refunded when any host's time was taken meanwhile, not only the organizer's", async () => {
    const stripe = fakeStripe();
    const { team, et } = await paidTeam({ scheduling_type: 'collective' });
    const booked = await book(et.id, at('14:00'));
    const other = team.members.find((m) => m.user.id !== booked.json.host_id)!;
    await env.DB.prepare('UPDATE bookings SET payment_expires_at = ? WHERE uid = ?').bind(Date.now() - 1000, booked.json.uid).run();
    expect((await book((await createEventType(other.token)).id, at('14:00'), { attendee: { ...ATTENDEE, email: 'taker@example.com' } })).status).toBe(201);
    await sendWebhook(await stripeEvent('checkout.session.completed', stripe.pay(/cs_test_\w+/.exec(booked.json.payment.checkout_url)![0]), { secret: OWNER_WHSEC }));
    expect((await api('GET', `/v2/bookings/${booked.json.uid}`)).json).toMatchObject({ status: 'expired', payment: { status: 'refunded', refunded_amount: 3000 } });
    expect(stripe.refunds.map((r) => r.amount)).toEqual([3000]);
  });

  it('20 parallel bookings of one paid collective slot: one awaiting_payment, the rest 409', async () => {
    fakeStripe();
    const { et } = await paidTeam({ scheduling_type: 'collective' });
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => book(et.id, at('15:00'), { attendee: { ...ATTENDEE, email: `team-racer${i}@example.com` } })));
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409 && r.json.error.code === 'slot_unavailable')).toHaveLength(19);
    expect(await dbRow("SELECT COUNT(*) AS n FROM bookings WHERE event_type_id = ? AND status = 'awaiting_payment'", et.id)).toEqual({ n: 1 });
  });
});

// ---- Pages and admin ----

const THURSDAY = upcomingDate(4, 7);
const START = `${THURSDAY}T10:00:00Z`;

async function paidPublicHost(eventType: Record<string, unknown> = {}) {
  const host = await publicHost();
  await api('POST', '/v2/payments/stripe/account', { token: host.token, body: { secret_key: HOST_KEY, webhook_secret: WEBHOOK_SECRET } });
  const et = await createEventType(host.token, { price: 4200, currency: 'eur', ...eventType });
  return { ...host, paid: et, paidBooker: `/${host.username}/${et.slug}` };
}

describe('the booking pages of a paid event type', () => {
  it('the form goes on to Stripe Checkout; the booking page says "Pay to confirm" with the time left, then what was paid', async () => {
    const stripe = fakeStripe();
    const host = await paidPublicHost();
    // Browsers hold a form's redirect to its CSP form-action: Checkout's origin is allowed next to ours.
    const form = await page(`${host.paidBooker}/book?start=${THURSDAY}T15:00:00Z`);
    expect(form.headers.get('content-security-policy')).toContain("form-action 'self' https://checkout.stripe.com http://stripe.test");
    const res = await page(`${host.paidBooker}/book?start=${START}`, { form: { key: crypto.randomUUID(), name: 'Pia Payer', email: 'pia@example.com', tz: 'UTC', fmt: '24h' } });
    expect(res.status).toBe(303);
    const checkout = res.headers.get('location')!;
    expect(checkout).toMatch(/^https:\/\/checkout\.stripe\.com\/c\/pay\/cs_test_/);
    const session = stripe.sessions.get(/cs_test_\w+/.exec(checkout)![0])!;
    const uid = session.client_reference_id as string;
    // Back from Checkout before the webhook arrived: the page still offers the payment and counts down.
    const back = await page(`/booking/${uid}?paid=1`);
    expect(back.status).toBe(200);
    expect(back.html).toContain('Waiting for payment');
    expect(back.html).toMatch(/id="pay-held">The time is held for you until [^<]+: pay €42\.00 to book it\. \((29|30) min\)/);
    expect(back.html).toContain(`href="${checkout}"`);
    expect(back.html).not.toContain('id="calendar-links"');
    await sendWebhook(await stripeEvent('checkout.session.completed', stripe.pay(session.id)));
    const paid = await page(`/booking/${uid}?paid=1`);
    expect(paid.html).toContain('Confirmed');
    expect(paid.html).toContain('Paid €42.00');
    expect(paid.html).not.toContain('id="pay-link"');
    // The cancel form says what a cancel gives back before it is confirmed.
    const cancelForm = await page(`/booking/${uid}?cancel=1`);
    expect(cancelForm.html).toMatch(/id="cancel-refund">Cancelling now refunds €42\.00\./);
  });

  it('shows a booking not paid by its deadline as expired, with no payment link', async () => {
    fakeStripe();
    const host = await paidPublicHost({ payment_deadline_minutes: 10 });
    const res = await book(host.paid.id, START);
    await env.DB.prepare('UPDATE bookings SET payment_expires_at = ? WHERE uid = ?').bind(Date.now() - 1, res.json.uid).run();
    const view = await page(`/booking/${res.json.uid}`);
    expect(view.html).toContain('Not paid in time');
    expect(view.html).not.toContain('id="pay-link"');
  });
});

describe('the admin bookings tab', () => {
  it('shows payment status and amount, filters unpaid and expired bookings, and refunds by hand behind the CSRF check', async () => {
    const stripe = fakeStripe();
    const host = await paidPublicHost();
    const unpaid = await book(host.paid.id, START);
    const paid = await book(host.paid.id, `${THURSDAY}T11:00:00Z`, { attendee: { name: 'Pat', email: 'pat@example.com', timezone: 'UTC' } });
    await sendWebhook(await stripeEvent('checkout.session.completed', stripe.pay(/cs_test_\w+/.exec(paid.json.payment.checkout_url)![0])));
    const { cookie, csrf } = await signedInAdmin();
    const tab = await page(`/admin/bookings?from=${THURSDAY}&to=${THURSDAY}`, { cookie });
    expect(tab.html).toContain('Awaiting payment');
    expect(tab.html).toContain('€42.00 unpaid');
    expect(tab.html).toContain('€42.00 paid');
    const unpaidOnly = await page(`/admin/bookings?status=awaiting_payment&from=${THURSDAY}&to=${THURSDAY}`, { cookie });
    expect(unpaidOnly.html).toContain(unpaid.json.uid);
    expect(unpaidOnly.html).not.toContain(paid.json.uid);

    expect(tab.html).toContain(`action="/admin/bookings/${paid.json.uid}/refund"`);
    const forged = await postForm(`/admin/bookings/${paid.json.uid}/refund`, { _csrf: 'wrong', amount: '10.00' }, { cookie });
    expect(forged.status).toBe(403);
    const refunded = await postForm(`/admin/bookings/${paid.json.uid}/refund`, { _csrf: csrf, amount: '10.00' }, { cookie });
    expect(refunded.status).toBe(303);
    expect(stripe.refunds.map((r) => r.amount)).toEqual([1000]);
    expect((await api('GET', `/v2/bookings/${paid.json.uid}`)).json.payment).toMatchObject({ status: 'partially_refunded', refunded_amount: 1000 });
  });
});

describe('refunds racing', () => {
  it('a second refund decided while the first is on its way to Stripe sends only its own amount', async () => {
    const stripe = fakeStripe();
    const host = await paidHost();
    const booked = await book(host.eventType.id, at('11:00'));
    await sendWebhook(await stripeEvent('checkout.session.completed', stripe.pay(/cs_test_\w+/.exec(booked.json.payment.checkout_url)![0])));
    await expectRacingRefundsSendTheirOwnAmounts(stripe, host.token, booked.json.uid);
  });
});

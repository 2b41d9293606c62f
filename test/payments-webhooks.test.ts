// Stripe's webhooks, the expiry sweep and refunds (issue #30): a signed checkout.session.completed books (BOOKING_PAID,
// then BOOKING_CREATED, and only then emails), a bad signature, a replay and an unknown event type are handled, an
// expired checkout (webhook or cron) frees the time, a late payment revives the booking or is refunded, a payment
// racing the sweep gives exactly one outcome; an attendee's cancel follows the policy the booking was made under, a
// host's cancel and a decline refund in full, the host refunds by hand, a reschedule never charges again, and a refund
// Stripe did not confirm is sent again by the cron with the same idempotency key. One file: each file starts a workerd.
import { createScheduledController } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import worker from '../src/index';
import { api, ATTENDEE, book, dbCount, dbRow, expectError, getPage, makeUser, upcomingDate } from './helpers';
import { fakeStripe, HOST_KEY, paidHost, sendWebhook, stripeEvent } from './payments-helpers';
import { paymentKeys } from '../src/payments/keys';
import { getDb } from '../src/db/client';
import { caldavDestination, settleWrites } from './calendars-writeback-helpers';

const TUESDAY = upcomingDate(2, 7);
const at = (hhmm: string) => `${TUESDAY}T${hhmm}:00Z`;

// Subscriber deliveries are asserted as outbox rows; the webhooks go before the fetch stub does, so none is sent.
afterEach(async () => {
  await env.DB.prepare('DELETE FROM booking_webhooks').run();
  vi.restoreAllMocks();
});

async function paidBooking(eventType: Record<string, unknown> = {}, start = at('10:00')) {
  const stripe = fakeStripe();
  const host = await paidHost({ location_type: 'zoom', location_value: 'https://zoom.us/j/42', ...eventType });
  const hook = await api('POST', '/v2/webhooks', {
    token: host.token,
    body: { subscriber_url: 'https://hooks.example.com/p', event_triggers: ['BOOKING_PAYMENT_INITIATED', 'BOOKING_PAID', 'BOOKING_CREATED', 'BOOKING_REQUESTED', 'BOOKING_PAYMENT_REFUNDED'] },
  });
  expect(hook.status).toBe(201);
  const booked = await book(host.eventType.id, start);
  expect(booked.status).toBe(201);
  const sessionId = /cs_test_\w+/.exec(booked.json.payment.checkout_url)![0];
  return { stripe, host, booking: booked.json, sessionId };
}

const triggersOf = async (bookingId: number) =>
  (await env.DB.prepare('SELECT trigger_event FROM booking_webhook_deliveries WHERE booking_id = ? ORDER BY id').bind(bookingId).all<{ trigger_event: string }>()).results.map((r) => r.trigger_event);
/** The refunds a booking's BOOKING_PAYMENT_REFUNDED webhooks announced (refundAmount of each, in order). */
const refundHooksOf = async (bookingId: number) =>
  (await env.DB.prepare("SELECT payload FROM booking_webhook_deliveries WHERE booking_id = ? AND trigger_event = 'BOOKING_PAYMENT_REFUNDED' ORDER BY id").bind(bookingId).all<{ payload: string }>()).results.map(
    (r) => JSON.parse(r.payload).payload.refundAmount,
  );
const emailsOf = (uid: string) => dbCount('SELECT COUNT(*) AS n FROM booking_email_notifications WHERE booking_uid = ?', uid);
const getBooking = async (uid: string) => (await api('GET', `/v2/bookings/${uid}`)).json;
const sweep = () => worker.scheduled(createScheduledController(), env);
/** Moves the payment deadline into the past, as the clock would. */
const overdue = (uid: string) => env.DB.prepare('UPDATE bookings SET payment_expires_at = ? WHERE uid = ?').bind(Date.now() - 1000, uid).run();

describe('checkout.session.completed', () => {
  it('accepts the booking, fires BOOKING_PAID then BOOKING_CREATED, sends the emails and gives the location', async () => {
    const { stripe, booking, sessionId } = await paidBooking();
    expect(await emailsOf(booking.uid)).toBe(0);
    const res = await sendWebhook(await stripeEvent('checkout.session.completed', stripe.pay(sessionId)));
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ received: true });
    const after = await getBooking(booking.uid);
    expect(after.status).toBe('accepted');
    expect(after.location).toBe('https://zoom.us/j/42');
    expect(after.payment).toMatchObject({ status: 'paid', amount: 2500, refunded_amount: 0, expires_at: null });
    expect(after.payment.checkout_url).toBeUndefined();
    expect(await triggersOf(booking.id)).toEqual(['BOOKING_PAYMENT_INITIATED', 'BOOKING_PAID', 'BOOKING_CREATED']);
    expect(await emailsOf(booking.uid)).toBe(2);
    const paid = await dbRow<{ payload: string }>("SELECT payload FROM booking_webhook_deliveries WHERE booking_id = ? AND trigger_event = 'BOOKING_PAID'", booking.id);
    expect(JSON.parse(paid!.payload).payload.payment).toEqual({ status: 'paid', amount: 2500, currency: 'usd', refundedAmount: 0 });
    expect(stripe.violations).toEqual([]);
  });

  it("writes the booking into the host's calendar only once it is paid", async () => {
    const stripe = fakeStripe();
    const host = await paidHost();
    await caldavDestination(host.token);
    const booked = await book(host.eventType.id, at('16:00'));
    const writes = () => dbCount('SELECT COUNT(*) AS n FROM calendar_writes WHERE booking_id = ?', booked.json.id);
    expect(await writes()).toBe(0);
    await sendWebhook(await stripeEvent('checkout.session.completed', stripe.pay(/cs_test_\w+/.exec(booked.json.payment.checkout_url)![0])));
    expect(await writes()).toBe(1);
    await settleWrites();
  });

  it('makes a request pending when the event type needs confirmation (BOOKING_REQUESTED)', async () => {
    const { stripe, booking, sessionId } = await paidBooking({ requires_confirmation: true });
    await sendWebhook(await stripeEvent('checkout.session.completed', stripe.pay(sessionId)));
    expect((await getBooking(booking.uid)).status).toBe('pending');
    expect(await triggersOf(booking.id)).toEqual(['BOOKING_PAYMENT_INITIATED', 'BOOKING_PAID', 'BOOKING_REQUESTED']);
  });

  it('refuses a bad or missing signature and changes nothing', async () => {
    const { stripe, booking, sessionId } = await paidBooking();
    const session = stripe.pay(sessionId);
    const forged = await stripeEvent('checkout.session.completed', session, { secret: 'whsec_someoneElsesSecret000000000' });
    expect((await sendWebhook(forged)).status).toBe(400);
    const good = await stripeEvent('checkout.session.completed', session);
    const tampered = await sendWebhook({ payload: good.payload.replace('"paid"', '"paid" '), signature: good.signature });
    expect(tampered.status).toBe(400);
    const missing = await api('POST', '/v2/payments/stripe/webhook', { body: good.payload });
    expect(missing.status).toBe(400);
    // JSON that is no object is no event we use (not a 500).
    expect((await sendWebhook({ payload: 'null', signature: good.signature })).status).toBe(200);
    expect((await getBooking(booking.uid)).status).toBe('awaiting_payment');
  });

  it("ignores another session of the host's Stripe account that names the booking (a Payment Link's client_reference_id)", async () => {
    const { stripe, booking, sessionId } = await paidBooking();
    // Signed by the host's secret (every session of the account is), paid, for 1 cent, naming our booking.
    const link = { ...stripe.sessions.get(sessionId)!, id: 'cs_test_paymentLink1', amount_total: 1, metadata: {}, client_reference_id: booking.uid, status: 'complete', payment_status: 'paid', payment_intent: 'pi_link' };
    expect((await sendWebhook(await stripeEvent('checkout.session.completed', link))).json).toMatchObject({ received: true, ignored: expect.any(String) });
    expect((await sendWebhook(await stripeEvent('checkout.session.expired', { ...link, metadata: { booking_uid: booking.uid }, status: 'expired' }))).status).toBe(200);
    expect(await getBooking(booking.uid)).toMatchObject({ status: 'awaiting_payment', payment: { status: 'unpaid' } });
  });

  it('handles a replayed event once, and acknowledges event types it does not use', async () => {
    const { stripe, booking, sessionId } = await paidBooking();
    const event = await stripeEvent('checkout.session.completed', stripe.pay(sessionId));
    expect((await sendWebhook(event)).json).toEqual({ received: true });
    expect((await sendWebhook(event)).json).toEqual({ received: true, duplicate: true });
    // A new event id for the same payment (Stripe may send one) changes nothing either: the machine has no transition.
    expect((await sendWebhook(await stripeEvent('checkout.session.completed', stripe.sessions.get(sessionId)!))).status).toBe(200);
    expect(await triggersOf(booking.id)).toEqual(['BOOKING_PAYMENT_INITIATED', 'BOOKING_PAID', 'BOOKING_CREATED']);
    const other = await sendWebhook(await stripeEvent('customer.created', { id: 'cus_1', object: 'customer' }));
    expect(other.status).toBe(200);
    expect(other.json.ignored).toMatch(/customer\.created/);
  });
});

describe('expiry', () => {
  it('checkout.session.expired expires the booking and frees the time', async () => {
    const { stripe, host, booking, sessionId } = await paidBooking();
    await sendWebhook(await stripeEvent('checkout.session.expired', stripe.expire(sessionId)));
    const after = await getBooking(booking.uid);
    expect(after.status).toBe('expired');
    expect(after.payment.status).toBe('void');
    const other = await book(host.eventType.id, at('10:00'), { attendee: { ...ATTENDEE, email: 'next@example.com' } });
    expect(other.status).toBe(201);
    // The host's list filters them: `expired` holds the unpaid one, `awaiting_payment` the new one.
    const list = async (status: string) => (await api('GET', `/v2/bookings?status=${status}`, { token: host.token })).json.data.map((b: { uid: string }) => b.uid);
    expect(await list('expired')).toEqual([booking.uid]);
    expect(await list('awaiting_payment')).toEqual([other.json.uid]);
  });

  it('a completed session still unpaid (a delayed payment method) changes nothing until its payment succeeds', async () => {
    const { stripe, booking, sessionId } = await paidBooking();
    const pending = { ...stripe.sessions.get(sessionId)!, status: 'complete', payment_status: 'unpaid' };
    expect((await sendWebhook(await stripeEvent('checkout.session.completed', pending))).status).toBe(200);
    expect((await getBooking(booking.uid)).status).toBe('awaiting_payment');
    await sendWebhook(await stripeEvent('checkout.session.async_payment_succeeded', stripe.pay(sessionId)));
    expect((await getBooking(booking.uid)).status).toBe('accepted');
  });

  it('the cron expires an overdue booking and closes its checkout at Stripe; the time was already free', async () => {
    const { stripe, host, booking, sessionId } = await paidBooking();
    await overdue(booking.uid);
    expect((await getBooking(booking.uid)).status).toBe('expired');
    expect((await book(host.eventType.id, at('10:00'), { attendee: { ...ATTENDEE, email: 'early@example.com' } })).status).toBe(201);
    await sweep();
    expect(await dbRow('SELECT status FROM bookings WHERE uid = ?', booking.uid)).toEqual({ status: 'expired' });
    const expire = stripe.requests.find((r) => r.path === `/v1/checkout/sessions/${sessionId}/expire`);
    expect(expire?.headers.get('idempotency-key')).toBe(`calflare-expire-${booking.uid}`);
    expect(stripe.sessions.get(sessionId)!.status).toBe('expired');
    expect(stripe.violations).toEqual([]);
  });
});

describe('single-tenant keys', () => {
  it("serve a host without keys of their own; a host's own keys win", async () => {
    const { user } = await makeUser();
    const deployment = { ...env, STRIPE_SECRET_KEY: 'sk_test_deploymentKey00000000000', STRIPE_WEBHOOK_SECRET: 'whsec_deploymentSecret000000' };
    expect(await paymentKeys(getDb(env.DB), deployment, user.id)).toEqual({ secretKey: deployment.STRIPE_SECRET_KEY, webhookSecret: deployment.STRIPE_WEBHOOK_SECRET });
    expect(await paymentKeys(getDb(env.DB), env, user.id)).toBeNull();
    const own = await paidHost();
    expect((await paymentKeys(getDb(env.DB), deployment, own.user.id))?.secretKey).toBe(HOST_KEY);
  });
});

describe('a payment after the deadline', () => {
  it('revives the booking when its time is still free', async () => {
    const { stripe, booking, sessionId } = await paidBooking();
    const session = stripe.pay(sessionId);
    await overdue(booking.uid);
    await sweep();
    expect((await getBooking(booking.uid)).status).toBe('expired');
    await sendWebhook(await stripeEvent('checkout.session.completed', session));
    const after = await getBooking(booking.uid);
    expect(after.status).toBe('accepted');
    expect(after.payment.status).toBe('paid');
    expect(stripe.refunds).toEqual([]);
  });

  it('is refunded in full, and the payer told, when someone else took the time', async () => {
    const { stripe, host, booking, sessionId } = await paidBooking();
    const session = stripe.pay(sessionId);
    await overdue(booking.uid);
    const taken = await book(host.eventType.id, at('10:00'), { attendee: { ...ATTENDEE, email: 'taker@example.com' } });
    expect(taken.status).toBe(201);
    await sendWebhook(await stripeEvent('checkout.session.completed', session));
    const after = await getBooking(booking.uid);
    expect(after.status).toBe('expired');
    expect(after.payment).toMatchObject({ status: 'refunded', refunded_amount: 2500, refund_pending: false });
    expect(stripe.refunds).toHaveLength(1);
    expect(stripe.refunds[0]).toMatchObject({ amount: 2500, payment_intent: session.payment_intent });
    const refundReq = stripe.requests.find((r) => r.path === '/v1/refunds')!;
    expect(refundReq.headers.get('idempotency-key')).toBe(`calflare-refund-${booking.uid}-2500`);
    // Its own trigger: the payer's email and the webhook say "refunded" (never BOOKING_PAID: nothing was booked).
    const told = await dbRow<{ recipient_email: string; trigger_event: string }>('SELECT recipient_email, trigger_event FROM booking_email_notifications WHERE booking_uid = ?', booking.uid);
    expect(told).toEqual({ recipient_email: ATTENDEE.email, trigger_event: 'BOOKING_PAYMENT_REFUNDED' });
    expect(await triggersOf(booking.id)).toEqual(['BOOKING_PAYMENT_INITIATED', 'BOOKING_PAYMENT_REFUNDED']);
    expect(await refundHooksOf(booking.id)).toEqual([2500]);
    expect(stripe.violations).toEqual([]);
  });

  it('racing the expiry sweep gives exactly one outcome: booked once, never refunded, never double-announced', async () => {
    for (let round = 0; round < 3; round++) {
      const { stripe, booking, sessionId } = await paidBooking({}, at(`1${round + 1}:00`));
      const event = await stripeEvent('checkout.session.completed', stripe.pay(sessionId));
      await overdue(booking.uid);
      await Promise.all([sendWebhook(event), sweep()]);
      const after = await getBooking(booking.uid);
      expect(after.status).toBe('accepted');
      expect(stripe.refunds).toEqual([]);
      expect((await triggersOf(booking.id)).filter((t) => t === 'BOOKING_CREATED')).toHaveLength(1);
      await env.DB.prepare('DELETE FROM booking_webhooks').run();
      vi.restoreAllMocks();
    }
  });
});

// ---- Refunds ----

const WEDNESDAY = upcomingDate(3, 7);
const atWed = (hhmm: string) => `${WEDNESDAY}T${hhmm}:00Z`;

/** A paid (and so accepted, or pending with confirmation) booking of a fresh host. */
async function settledBooking(eventType: Record<string, unknown> = {}, start = atWed('10:00')) {
  const stripe = fakeStripe();
  const host = await paidHost(eventType);
  await api('POST', '/v2/webhooks', { token: host.token, body: { subscriber_url: 'https://hooks.example.com/r', event_triggers: ['BOOKING_CANCELLED', 'BOOKING_REJECTED', 'BOOKING_PAYMENT_REFUNDED'] } });
  const booked = await book(host.eventType.id, start);
  expect(booked.status).toBe(201);
  const session = stripe.pay(/cs_test_\w+/.exec(booked.json.payment.checkout_url)![0]);
  expect((await sendWebhook(await stripeEvent('checkout.session.completed', session))).status).toBe(200);
  return { stripe, host, uid: booked.json.uid as string, id: booked.json.id as number, intent: session.payment_intent as string };
}


describe('cancelling a paid booking', () => {
  it('by the attendee before the cutoff refunds in full (BOOKING_PAYMENT_REFUNDED after BOOKING_CANCELLED, no email of its own), and the booking said so first', async () => {
    const { stripe, uid, id, intent } = await settledBooking();
    const before = await getBooking(uid);
    expect(before.payment).toMatchObject({ status: 'paid', refund_policy: { type: 'full_until_hours_before', hours: 24 }, cancel_refund_amount: 2500 });
    const res = await api('DELETE', `/v2/bookings/${uid}`, { body: { reason: 'Cannot make it' } });
    expect(res.status).toBe(200);
    expect(res.json.status).toBe('cancelled');
    expect(res.json.payment).toMatchObject({ status: 'refunded', refunded_amount: 2500, refund_pending: false, cancel_refund_amount: 0 });
    expect(stripe.refunds).toEqual([expect.objectContaining({ amount: 2500, payment_intent: intent })]);
    const sent = stripe.requests.find((r) => r.path === '/v1/refunds')!;
    expect(sent.headers.get('idempotency-key')).toBe(`calflare-refund-${uid}-2500`);
    expect(Object.fromEntries(sent.form)).toEqual({ payment_intent: intent, amount: '2500', reason: 'requested_by_customer', 'metadata[booking_uid]': uid });
    expect(stripe.violations).toEqual([]);
    expect(await triggersOf(id)).toEqual(['BOOKING_CANCELLED', 'BOOKING_PAYMENT_REFUNDED']);
    expect(await refundHooksOf(id)).toEqual([2500]);
    expect(await dbCount("SELECT COUNT(*) AS n FROM booking_email_notifications WHERE booking_uid = ? AND trigger_event = 'BOOKING_PAYMENT_REFUNDED'", uid)).toBe(0);
  });

  it('by the attendee after the cutoff (or under "none") refunds nothing; by the host it refunds everything', async () => {
    const late = await settledBooking({ refund_policy: { type: 'full_until_hours_before', hours: 24 * 30 } });
    expect((await getBooking(late.uid)).payment.cancel_refund_amount).toBe(0);
    const cancelled = await api('DELETE', `/v2/bookings/${late.uid}`, { body: {} });
    expect(cancelled.json.payment).toMatchObject({ status: 'paid', refunded_amount: 0 });
    expect(late.stripe.refunds).toEqual([]);
    expect(await triggersOf(late.id)).toEqual(['BOOKING_CANCELLED']);

    const none = await settledBooking({ refund_policy: { type: 'none' } });
    const byHost = await api('DELETE', `/v2/bookings/${none.uid}`, { token: none.host.token, body: { reason: 'Host is ill' } });
    expect(byHost.json.payment).toMatchObject({ status: 'refunded', refunded_amount: 2500 });
    expect(none.stripe.refunds).toHaveLength(1);
  });

  it('while unpaid closes the checkout and refunds nothing; a payment arriving after that is refunded', async () => {
    const stripe = fakeStripe();
    const { eventType } = await paidHost();
    const booked = await book(eventType.id, atWed('11:00'));
    const sessionId = /cs_test_\w+/.exec(booked.json.payment.checkout_url)![0];
    const res = await api('DELETE', `/v2/bookings/${booked.json.uid}`, { body: {} });
    expect(res.json).toMatchObject({ status: 'cancelled', payment: { status: 'void' } });
    expect(stripe.sessions.get(sessionId)!.status).toBe('expired');
    // The payer had already paid at Stripe a moment before the session closed: the webhook refunds it.
    stripe.sessions.get(sessionId)!.status = 'open';
    await sendWebhook(await stripeEvent('checkout.session.completed', stripe.pay(sessionId)));
    expect((await getBooking(booked.json.uid)).payment).toMatchObject({ status: 'refunded', refunded_amount: 2500 });
  });
});

describe('declining and confirming a paid request', () => {
  it('a decline refunds in full; a confirmation charges nothing more', async () => {
    const declined = await settledBooking({ requires_confirmation: true });
    expect((await getBooking(declined.uid)).status).toBe('pending');
    const res = await api('POST', `/v2/bookings/${declined.uid}/decline`, { token: declined.host.token, body: { reason: 'Fully booked' } });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ status: 'rejected', payment: { status: 'refunded', refunded_amount: 2500 } });
    expect(declined.stripe.refunds).toHaveLength(1);
    expect(await triggersOf(declined.id)).toEqual(['BOOKING_REJECTED', 'BOOKING_PAYMENT_REFUNDED']);

    const confirmed = await settledBooking({ requires_confirmation: true });
    const ok = await api('POST', `/v2/bookings/${confirmed.uid}/confirm`, { token: confirmed.host.token });
    expect(ok.json).toMatchObject({ status: 'accepted', payment: { status: 'paid', refunded_amount: 0 } });
    expect(confirmed.stripe.requests.filter((r) => r.path !== '/v1/checkout/sessions')).toEqual([]);
  });
});

describe('rescheduling', () => {
  it('a paid booking moves without a new charge; an unpaid one must be paid first', async () => {
    const { stripe, host, uid } = await settledBooking();
    const moved = await api('PATCH', `/v2/bookings/${uid}`, { body: { start: atWed('14:00') } });
    expect(moved.status).toBe(200);
    expect(moved.json).toMatchObject({ status: 'accepted', start: `${WEDNESDAY}T14:00:00.000Z`, payment: { status: 'paid', amount: 2500 } });
    expect(moved.json.payment.checkout_url).toBeUndefined();
    expect(stripe.requests.filter((r) => r.path === '/v1/checkout/sessions')).toHaveLength(1);
    const unpaid = await book(host.eventType.id, atWed('15:00'), { attendee: { name: 'Ann', email: 'ann@example.com', timezone: 'UTC' } });
    expectError(await api('PATCH', `/v2/bookings/${unpaid.json.uid}`, { body: { start: atWed('16:00') } }), 409, 'conflict');
  });
});

describe("the host's refund by hand", () => {
  it('refunds part, then the rest (each a BOOKING_PAYMENT_REFUNDED); more than is left is a 409; another user gets 404', async () => {
    const { stripe, host, uid, id } = await settledBooking();
    const part = await api('POST', '/v2/payments/refunds', { token: host.token, body: { booking_uid: uid, amount: 1000 } });
    expect(part.status).toBe(200);
    expect(part.json.payment).toMatchObject({ status: 'partially_refunded', refunded_amount: 1000 });
    expectError(await api('POST', '/v2/payments/refunds', { token: host.token, body: { booking_uid: uid, amount: 2000 } }), 409, 'conflict');
    const other = await makeUser();
    expectError(await api('POST', '/v2/payments/refunds', { token: other.token, body: { booking_uid: uid } }), 404, 'not_found');
    const rest = await api('POST', '/v2/payments/refunds', { token: host.token, body: { booking_uid: uid } });
    expect(rest.json.payment).toMatchObject({ status: 'refunded', refunded_amount: 2500 });
    expect(stripe.refunds.map((r) => r.amount)).toEqual([1000, 1500]);
    expect(await refundHooksOf(id)).toEqual([1000, 1500]);
    expect(stripe.requests.filter((r) => r.path === '/v1/refunds').map((r) => r.headers.get('idempotency-key'))).toEqual([`calflare-refund-${uid}-1000`, `calflare-refund-${uid}-2500`]);
    // The booking stays accepted: a refund by hand is money, not a cancellation.
    expect((await getBooking(uid)).status).toBe('accepted');
  });

  it('in a three-decimal currency, only an amount Stripe can refund (a multiple of 10) is taken; anything else is a 400 and nothing is sent', async () => {
    const { stripe, host, uid } = await settledBooking({ price: 5000, currency: 'kwd' });
    const odd = await api('POST', '/v2/payments/refunds', { token: host.token, body: { booking_uid: uid, amount: 1005 } });
    expectError(odd, 400, 'validation_failed');
    expect(odd.json.error.issues[0].path).toBe('amount');
    expect((await getBooking(uid)).payment).toMatchObject({ status: 'paid', refunded_amount: 0 });
    expect((await api('POST', '/v2/payments/refunds', { token: host.token, body: { booking_uid: uid, amount: 1010 } })).json.payment).toMatchObject({ refunded_amount: 1010, refund_pending: false });
    expect(stripe.refunds.map((r) => r.amount)).toEqual([1010]);
  });

  it('a refund Stripe did not confirm stays pending and the cron sends it again, once', async () => {
    const { stripe, host, uid } = await settledBooking();
    stripe.setDown(true);
    const res = await api('POST', '/v2/payments/refunds', { token: host.token, body: { booking_uid: uid, amount: 700 } });
    expect(res.json.payment).toMatchObject({ refunded_amount: 700, refund_pending: true });
    stripe.setDown(false);
    await sweep();
    expect((await getBooking(uid)).payment).toMatchObject({ refunded_amount: 700, refund_pending: false });
    expect(stripe.refunds.map((r) => r.amount)).toEqual([700]);
    await sweep();
    expect(stripe.refunds).toHaveLength(1);
  });

});

// ---- A paid recurring series: price per series, one checkout ----

const THURSDAY = upcomingDate(4, 7);
const SERIES = { price: 1000, currency: 'usd', recurring_event: { freq: 'weekly', interval: 1, count: 3 } };

async function paidSeries(eventType: Record<string, unknown> = {}) {
  const stripe = fakeStripe();
  const host = await paidHost({ ...SERIES, ...eventType });
  const res = await book(host.eventType.id, `${THURSDAY}T10:00:00Z`);
  expect(res.status).toBe(201);
  const uids = (res.json.occurrences as { uid: string }[]).map((o) => o.uid);
  return { stripe, host, res, uids, sessionId: /cs_test_\w+/.exec(res.json.payment.checkout_url)![0] };
}

describe('a paid recurring series', () => {
  it('is one checkout for the series price; paying books every occurrence with one invitation; an occurrence cancelled refunds its share, the series the rest', async () => {
    const { stripe, res, uids, sessionId } = await paidSeries();
    expect(res.json.occurrences.map((o: any) => [o.status, o.payment.amount, o.payment.series_amount])).toEqual([
      ['awaiting_payment', 334, 1000],
      ['awaiting_payment', 333, 1000],
      ['awaiting_payment', 333, 1000],
    ]);
    expect(new Set(res.json.occurrences.map((o: any) => o.payment.expires_at)).size).toBe(1);
    const checkouts = stripe.requests.filter((r) => r.path === '/v1/checkout/sessions');
    expect(checkouts.map((r) => r.form.get('line_items[0][price_data][unit_amount]'))).toEqual(['1000']);
    expect(checkouts[0]!.form.get('metadata[booking_uid]')).toBe(uids[0]);

    await sendWebhook(await stripeEvent('checkout.session.completed', stripe.pay(sessionId)));
    const after = await Promise.all(uids.map(getBooking));
    expect(after.map((b) => [b.status, b.payment.status])).toEqual([['accepted', 'paid'], ['accepted', 'paid'], ['accepted', 'paid']]);
    // One invitation for the series (the first occurrence's, with its RRULE), as a free series sends.
    expect(await Promise.all(uids.map(emailsOf))).toEqual([2, 0, 0]);
    const invite = await dbRow<{ payload: string }>("SELECT payload FROM booking_email_notifications WHERE booking_uid = ? AND recipient_role = 'attendee'", uids[0]);
    expect(JSON.parse(invite!.payload).booking.series.master).toMatchObject({ rule: { freq: 'weekly', interval: 1 }, count: 3 });

    const one = await api('DELETE', `/v2/bookings/${uids[1]}`, { body: { scope: 'this' } });
    expect(one.json).toMatchObject({ status: 'cancelled', payment: { status: 'refunded', refunded_amount: 333 } });
    expect((await getBooking(uids[0]!)).status).toBe('accepted');
    const rest = await api('DELETE', `/v2/bookings/${uids[0]}`, { body: { scope: 'all' } });
    expect(rest.status).toBe(200);
    expect((await Promise.all(uids.map(getBooking))).map((b) => [b.status, b.payment.refunded_amount])).toEqual([['cancelled', 334], ['cancelled', 333], ['cancelled', 333]]);
    expect(stripe.refunds.map((r) => r.amount).sort()).toEqual([333, 333, 334]);
    expect(new Set(stripe.requests.filter((r) => r.path === '/v1/refunds').map((r) => r.headers.get('idempotency-key'))).size).toBe(3);
    expect(stripe.violations).toEqual([]);
  });

  it('unpaid, it expires as a whole; a late payment after one occurrence was taken is refunded in full, the payer told once', async () => {
    const { stripe, host, uids, sessionId } = await paidSeries();
    const session = stripe.pay(sessionId);
    await env.DB.prepare('UPDATE bookings SET payment_expires_at = ? WHERE recurring_booking_uid = (SELECT recurring_booking_uid FROM bookings WHERE uid = ?)').bind(Date.now() - 1000, uids[0]).run();
    await sweep();
    expect((await Promise.all(uids.map(getBooking))).map((b) => b.status)).toEqual(['expired', 'expired', 'expired']);
    expect(stripe.requests.filter((r) => r.path.endsWith('/expire'))).toHaveLength(1);
    // Someone else's series takes the second and third weeks.
    const second = (await getBooking(uids[1]!)).start;
    expect((await book(host.eventType.id, second, { attendee: { ...ATTENDEE, email: 'other@example.com' } })).status).toBe(201);
    await sendWebhook(await stripeEvent('checkout.session.completed', session));
    const after = await Promise.all(uids.map(getBooking));
    expect(after.map((b) => [b.status, b.payment.status])).toEqual([['expired', 'refunded'], ['expired', 'refunded'], ['expired', 'refunded']]);
    expect(stripe.refunds.reduce((sum, r) => sum + r.amount, 0)).toBe(1000);
    expect(await dbCount("SELECT COUNT(*) AS n FROM booking_email_notifications WHERE trigger_event = 'BOOKING_PAYMENT_REFUNDED' AND booking_uid IN (?, ?, ?)", ...uids)).toBe(1);
  });

  it('cancelling an occurrence of an unpaid series cancels all of it and closes its one checkout; every occurrence page offers that checkout', async () => {
    const { stripe, uids, sessionId, res } = await paidSeries();
    const page = await api('GET', `/v2/bookings/${uids[2]}`);
    expect(page.json.payment.checkout_url).toBeUndefined();
    expect((await getPage(`/booking/${uids[2]}`)).html).toContain(`href="${res.json.payment.checkout_url}"`);
    const cancelled = await api('DELETE', `/v2/bookings/${uids[2]}`, { body: {} });
    expect(cancelled.json).toMatchObject({ status: 'cancelled', payment: { status: 'void' } });
    expect((await Promise.all(uids.map(getBooking))).map((b) => b.status)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    expect(stripe.sessions.get(sessionId)!.status).toBe('expired');
    expect(stripe.requests.filter((r) => r.path === '/v1/checkout/sessions')).toHaveLength(1);
  });
});

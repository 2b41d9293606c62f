// Refunds of paid bookings (issue #30): an attendee's cancel follows the policy the booking was made under (and the
// booking says beforehand what a cancel gives back), a host's cancel and a decline refund in full, the host refunds
// by hand, a reschedule never charges again, and a refund Stripe did not confirm is sent again by the cron with the
// same idempotency key.
import { createScheduledController } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import worker from '../src/index';
import { api, book, expectError, makeUser, upcomingDate } from './helpers';
import { fakeStripe, paidHost, sendWebhook, stripeEvent } from './payments-helpers';

const WEDNESDAY = upcomingDate(3, 7);
const at = (hhmm: string) => `${WEDNESDAY}T${hhmm}:00Z`;

afterEach(() => vi.restoreAllMocks());

/** A paid (and so accepted, or pending with confirmation) booking of a fresh host. */
async function paidBooking(eventType: Record<string, unknown> = {}, start = at('10:00')) {
  const stripe = fakeStripe();
  const host = await paidHost(eventType);
  const booked = await book(host.eventType.id, start);
  expect(booked.status).toBe(201);
  const session = stripe.pay(/cs_test_\w+/.exec(booked.json.payment.checkout_url)![0]);
  expect((await sendWebhook(await stripeEvent('checkout.session.completed', session))).status).toBe(200);
  return { stripe, host, uid: booked.json.uid as string, intent: session.payment_intent as string };
}

const getBooking = async (uid: string) => (await api('GET', `/v2/bookings/${uid}`)).json;

describe('cancelling a paid booking', () => {
  it('by the attendee before the cutoff refunds in full, and the booking said so first', async () => {
    const { stripe, uid, intent } = await paidBooking();
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
  });

  it('by the attendee after the cutoff (or under "none") refunds nothing; by the host it refunds everything', async () => {
    const late = await paidBooking({ refund_policy: { type: 'full_until_hours_before', hours: 24 * 30 } });
    expect((await getBooking(late.uid)).payment.cancel_refund_amount).toBe(0);
    const cancelled = await api('DELETE', `/v2/bookings/${late.uid}`, { body: {} });
    expect(cancelled.json.payment).toMatchObject({ status: 'paid', refunded_amount: 0 });
    expect(late.stripe.refunds).toEqual([]);

    const none = await paidBooking({ refund_policy: { type: 'none' } });
    const byHost = await api('DELETE', `/v2/bookings/${none.uid}`, { token: none.host.token, body: { reason: 'Host is ill' } });
    expect(byHost.json.payment).toMatchObject({ status: 'refunded', refunded_amount: 2500 });
    expect(none.stripe.refunds).toHaveLength(1);
  });

  it('while unpaid closes the checkout and refunds nothing; a payment arriving after that is refunded', async () => {
    const stripe = fakeStripe();
    const { eventType } = await paidHost();
    const booked = await book(eventType.id, at('11:00'));
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
    const declined = await paidBooking({ requires_confirmation: true });
    expect((await getBooking(declined.uid)).status).toBe('pending');
    const res = await api('POST', `/v2/bookings/${declined.uid}/decline`, { token: declined.host.token, body: { reason: 'Fully booked' } });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ status: 'rejected', payment: { status: 'refunded', refunded_amount: 2500 } });
    expect(declined.stripe.refunds).toHaveLength(1);

    const confirmed = await paidBooking({ requires_confirmation: true });
    const ok = await api('POST', `/v2/bookings/${confirmed.uid}/confirm`, { token: confirmed.host.token });
    expect(ok.json).toMatchObject({ status: 'accepted', payment: { status: 'paid', refunded_amount: 0 } });
    expect(confirmed.stripe.requests.filter((r) => r.path !== '/v1/checkout/sessions')).toEqual([]);
  });
});

describe('rescheduling', () => {
  it('a paid booking moves without a new charge; an unpaid one must be paid first', async () => {
    const { stripe, host, uid } = await paidBooking();
    const moved = await api('PATCH', `/v2/bookings/${uid}`, { body: { start: at('14:00') } });
    expect(moved.status).toBe(200);
    expect(moved.json).toMatchObject({ status: 'accepted', start: `${WEDNESDAY}T14:00:00.000Z`, payment: { status: 'paid', amount: 2500 } });
    expect(moved.json.payment.checkout_url).toBeUndefined();
    expect(stripe.requests.filter((r) => r.path === '/v1/checkout/sessions')).toHaveLength(1);
    const unpaid = await book(host.eventType.id, at('15:00'), { attendee: { name: 'Ann', email: 'ann@example.com', timezone: 'UTC' } });
    expectError(await api('PATCH', `/v2/bookings/${unpaid.json.uid}`, { body: { start: at('16:00') } }), 409, 'conflict');
  });
});

describe("the host's refund by hand", () => {
  it('refunds part, then the rest; more than is left is a 409; another user gets 404', async () => {
    const { stripe, host, uid } = await paidBooking();
    const part = await api('POST', '/v2/payments/refunds', { token: host.token, body: { booking_uid: uid, amount: 1000 } });
    expect(part.status).toBe(200);
    expect(part.json.payment).toMatchObject({ status: 'partially_refunded', refunded_amount: 1000 });
    expectError(await api('POST', '/v2/payments/refunds', { token: host.token, body: { booking_uid: uid, amount: 2000 } }), 409, 'conflict');
    const other = await makeUser();
    expectError(await api('POST', '/v2/payments/refunds', { token: other.token, body: { booking_uid: uid } }), 404, 'not_found');
    const rest = await api('POST', '/v2/payments/refunds', { token: host.token, body: { booking_uid: uid } });
    expect(rest.json.payment).toMatchObject({ status: 'refunded', refunded_amount: 2500 });
    expect(stripe.refunds.map((r) => r.amount)).toEqual([1000, 1500]);
    expect(stripe.requests.filter((r) => r.path === '/v1/refunds').map((r) => r.headers.get('idempotency-key'))).toEqual([`calflare-refund-${uid}-1000`, `calflare-refund-${uid}-2500`]);
    // The booking stays accepted: a refund by hand is money, not a cancellation.
    expect((await getBooking(uid)).status).toBe('accepted');
  });

  it('a refund Stripe did not confirm stays pending and the cron sends it again, once', async () => {
    const { stripe, host, uid } = await paidBooking();
    stripe.setDown(true);
    const res = await api('POST', '/v2/payments/refunds', { token: host.token, body: { booking_uid: uid, amount: 700 } });
    expect(res.json.payment).toMatchObject({ refunded_amount: 700, refund_pending: true });
    stripe.setDown(false);
    await worker.scheduled(createScheduledController(), env);
    expect((await getBooking(uid)).payment).toMatchObject({ refunded_amount: 700, refund_pending: false });
    expect(stripe.refunds.map((r) => r.amount)).toEqual([700]);
    await worker.scheduled(createScheduledController(), env);
    expect(stripe.refunds).toHaveLength(1);
  });
});

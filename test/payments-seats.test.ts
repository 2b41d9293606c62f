// Paid seats (issue #30): a seated event type's price is per seat. Each seat waits for its own payment with its own
// checkout (named by its seat_uid), holds its place until its deadline, is paid, expires, is cancelled and refunded on
// its own; the slot's other seats are never touched. The last paid seat raced by parallel bookings gives one seat.
import { createScheduledController } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import worker from '../src/index';
import { api, ATTENDEE, book, dbCount, expectError, page, upcomingDate } from './helpers';
import { fakeStripe, paidHost, sendWebhook, stripeEvent } from './payments-helpers';

const FRIDAY = upcomingDate(5, 7);
const START = `${FRIDAY}T10:00:00Z`;
const person = (name: string) => ({ attendee: { ...ATTENDEE, name, email: `${name.toLowerCase()}@example.com` } });
const getSeat = async (uid: string) => (await api('GET', `/v2/bookings/${uid}`)).json;
const sessionOf = (seat: { payment: { checkout_url: string } }) => /cs_test_\w+/.exec(seat.payment.checkout_url)![0];
const sweep = () => worker.scheduled(createScheduledController(), env);

afterEach(() => vi.restoreAllMocks());

async function paidSeats(seats = 2, eventType: Record<string, unknown> = {}) {
  const stripe = fakeStripe();
  const host = await paidHost({ seats_per_time_slot: seats, price: 1500, currency: 'usd', ...eventType });
  return { stripe, host, et: host.eventType };
}

describe('a paid seat', () => {
  it('awaits its own payment with its own checkout and holds its place until its deadline; paid, it is booked alone', async () => {
    const { stripe, et } = await paidSeats(2);
    const ann = await book(et.id, START, person('Ann'));
    expect(ann.status).toBe(201);
    expect(ann.json).toMatchObject({ status: 'awaiting_payment', uid: ann.json.seat_uid, payment: { status: 'unpaid', amount: 1500, currency: 'usd' } });
    const bob = await book(et.id, START, person('Bob'));
    expect(bob.json.status).toBe('awaiting_payment');
    expect(sessionOf(bob.json)).not.toBe(sessionOf(ann.json));
    expect(stripe.requests.map((r) => r.form.get('metadata[booking_uid]'))).toEqual([ann.json.seat_uid, bob.json.seat_uid]);
    // Both places are held by unpaid seats: a third booker is refused, and the slot is not offered.
    expectError(await book(et.id, START, person('Cid')), 409, 'slot_unavailable');
    const slots = await api('GET', `/v2/slots/available?event_type_id=${et.id}&start_time=${FRIDAY}T09:00:00Z&end_time=${FRIDAY}T12:00:00Z&timezone=UTC`);
    expect(JSON.stringify(slots.json)).not.toContain(`"start":"${START.replace('Z', '')}`);
    // The same email again gets its open seat back.
    expect((await book(et.id, START, person('Ann'))).json.seat_uid).toBe(ann.json.seat_uid);
    // Its own page says "Pay to confirm" with its own checkout.
    const seatPage = await page(`/booking/${bob.json.seat_uid}`);
    expect(seatPage.html).toMatch(/id="pay-held">[^<]*pay \$15\.00 to book it/);
    expect(seatPage.html).toContain(`href="${bob.json.payment.checkout_url}"`);
    const emailsOfSlot = () => dbCount('SELECT COUNT(*) AS n FROM booking_email_notifications WHERE booking_id = ?', ann.json.id);
    expect(await emailsOfSlot()).toBe(0);

    await sendWebhook(await stripeEvent('checkout.session.completed', stripe.pay(sessionOf(ann.json))));
    expect(await getSeat(ann.json.seat_uid)).toMatchObject({ status: 'accepted', payment: { status: 'paid', amount: 1500 } });
    expect((await page(`/booking/${ann.json.seat_uid}`)).html).toContain('Paid $15.00');
    expect(await getSeat(bob.json.seat_uid)).toMatchObject({ status: 'awaiting_payment', payment: { status: 'unpaid' } });
    // Ann (and the host) hear of her seat now; Bob of nothing yet.
    expect(await emailsOfSlot()).toBe(2);
    expect(await dbCount("SELECT COUNT(*) AS n FROM booking_email_notifications WHERE booking_id = ? AND recipient_email = 'ann@example.com'", ann.json.id)).toBe(1);
    expect(await dbCount("SELECT COUNT(*) AS n FROM bookings WHERE event_type_id = ? AND status = 'accepted'", et.id)).toBe(1);

    // Bob's deadline passes: his place is free at once; the cron then expires his seat and closes his checkout.
    await env.DB.prepare('UPDATE booking_attendees SET payment_expires_at = ? WHERE seat_uid = ?').bind(Date.now() - 1000, bob.json.seat_uid).run();
    expect((await getSeat(bob.json.seat_uid)).status).toBe('expired');
    expect((await book(et.id, START, person('Cid'))).status).toBe(201);
    await sweep();
    expect(await getSeat(bob.json.seat_uid)).toMatchObject({ status: 'expired', payment: { status: 'void' } });
    expect(stripe.sessions.get(sessionOf(bob.json))!.status).toBe('expired');
    expect(await getSeat(ann.json.seat_uid)).toMatchObject({ status: 'accepted', payment: { status: 'paid' } });
    // Bob pays at the last moment anyway: the slot is full again, so it is refunded in full.
    stripe.sessions.get(sessionOf(bob.json))!.status = 'open';
    await sendWebhook(await stripeEvent('checkout.session.completed', stripe.pay(sessionOf(bob.json))));
    expect(await getSeat(bob.json.seat_uid)).toMatchObject({ status: 'expired', payment: { status: 'refunded', refunded_amount: 1500 } });
    expect(stripe.refunds.map((r) => r.amount)).toEqual([1500]);
    expect(stripe.violations).toEqual([]);
  });

  it("its cancel refunds by the policy and leaves the slot's other seats as they are; the host's cancel refunds every seat", async () => {
    const { stripe, host, et } = await paidSeats(3);
    const seats = [];
    for (const name of ['Dee', 'Eve']) {
      const seat = (await book(et.id, START, person(name))).json;
      await sendWebhook(await stripeEvent('checkout.session.completed', stripe.pay(sessionOf(seat))));
      seats.push(seat);
    }
    const [dee, eve] = seats as [any, any];
    const unpaid = (await book(et.id, START, person('Fay'))).json;
    expect((await getSeat(dee.seat_uid)).payment.cancel_refund_amount).toBe(1500);
    const cancelled = await api('DELETE', `/v2/bookings/${dee.seat_uid}`, { body: {} });
    expect(cancelled.json).toMatchObject({ status: 'cancelled', payment: { status: 'refunded', refunded_amount: 1500 } });
    expect(await getSeat(eve.seat_uid)).toMatchObject({ status: 'accepted', payment: { status: 'paid', refunded_amount: 0 } });
    expect(await getSeat(unpaid.seat_uid)).toMatchObject({ status: 'awaiting_payment' });
    // The host cancels the slot: every paid seat refunded in full, the unpaid seat's checkout closed.
    const slotUid = (await env.DB.prepare('SELECT uid FROM bookings WHERE id = ?').bind(dee.id).first<{ uid: string }>())!.uid;
    const slot = await api('DELETE', `/v2/bookings/${slotUid}`, { token: host.token, body: { reason: 'Ill' } });
    expect(slot.status).toBe(200);
    expect(await getSeat(eve.seat_uid)).toMatchObject({ status: 'cancelled', payment: { status: 'refunded', refunded_amount: 1500 } });
    expect(await getSeat(unpaid.seat_uid)).toMatchObject({ status: 'cancelled', payment: { status: 'void' } });
    expect(stripe.sessions.get(sessionOf(unpaid))!.status).toBe('expired');
    expect(stripe.refunds.map((r) => r.amount)).toEqual([1500, 1500]);
    expect(stripe.violations).toEqual([]);
  });

  it('12 parallel bookings of the last paid seat: one awaiting seat, the rest 409', async () => {
    const { et } = await paidSeats(3);
    expect((await book(et.id, START, person('Gus'))).status).toBe(201);
    expect((await book(et.id, START, person('Hal'))).status).toBe(201);
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => book(et.id, START, person(`Racer${i}`))));
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409 && r.json.error.code === 'slot_unavailable')).toHaveLength(11);
    expect(await dbCount("SELECT COUNT(*) AS n FROM booking_attendees a JOIN bookings b ON b.id = a.booking_id WHERE b.event_type_id = ? AND a.cancelled_at IS NULL AND a.payment_expires_at IS NOT NULL", et.id)).toBe(3);
  });
});

describe('a paid seat moved', () => {
  it('after its refund window closed does not open it again: a cancel then refunds nothing', async () => {
    const { stripe, et } = await paidSeats(2, { refund_policy: { type: 'full_until_hours_before', hours: 24 * 20 } });
    const ann = await book(et.id, START, person('Ann'));
    await sendWebhook(await stripeEvent('checkout.session.completed', stripe.pay(sessionOf(ann.json))));
    expect((await getSeat(ann.json.seat_uid)).payment.cancel_refund_amount).toBe(0);
    const moved = await api('PATCH', `/v2/bookings/${ann.json.seat_uid}`, { body: { start: `${upcomingDate(5, 28)}T10:00:00Z` } });
    expect(moved.status).toBe(200);
    expect(moved.json.payment).toMatchObject({ cancel_refund_amount: 0, refund_policy: { type: 'none' } });
    expect((await api('DELETE', `/v2/bookings/${moved.json.uid}`, { body: {} })).json.payment).toMatchObject({ refunded_amount: 0 });
    expect(stripe.refunds).toEqual([]);
  });
});

describe("a paid seat's refunds by hand", () => {
  it('a second refund decided while the first is on its way to Stripe sends only its own amount', async () => {
    const { stripe, host, et } = await paidSeats(2);
    const ann = await book(et.id, START, person('Ann'));
    await sendWebhook(await stripeEvent('checkout.session.completed', stripe.pay(sessionOf(ann.json))));
    const refund = (amount: number) => api('POST', '/v2/payments/refunds', { token: host.token, body: { booking_uid: ann.json.seat_uid, amount } });
    // The second refund is made (decided and sent) while the first one's request to Stripe is on its way.
    const fake = vi.mocked(globalThis.fetch).getMockImplementation()!;
    let second: Promise<{ status: number }> | null = null;
    vi.mocked(globalThis.fetch).mockImplementation(async (input, init) => {
      if (!second && new Request(input, init).url.endsWith('/v1/refunds')) await (second = refund(500));
      return fake(input, init);
    });
    expect((await refund(500)).status).toBe(200);
    expect((await second!).status).toBe(200);
    expect(stripe.refunds.reduce((sum, r) => sum + r.amount, 0)).toBe(1000);
    expect((await getSeat(ann.json.seat_uid)).payment).toMatchObject({ refunded_amount: 1000, refund_pending: false });
  });
});

// Paid event types on the booking pages and the admin (issue #30): the booking form goes on to Stripe Checkout, the
// booking page says "Pay to confirm" with the time left, then what was paid; the cancel form says what a cancel
// refunds before it is confirmed; the admin's bookings tab shows payment and amount, filters unpaid and expired
// bookings, and refunds by hand behind the CSRF check.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { env } from 'cloudflare:workers';
import { api, book, createEventType, page, postForm, publicHost, signedInAdmin, upcomingDate } from './helpers';
import { fakeStripe, HOST_KEY, sendWebhook, stripeEvent, WEBHOOK_SECRET } from './payments-helpers';

const THURSDAY = upcomingDate(4, 7);
const START = `${THURSDAY}T10:00:00Z`;

afterEach(() => vi.restoreAllMocks());

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

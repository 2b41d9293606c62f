// The admin edits an event type's seats (checked by the API's rules) and the Bookings tab shows a seated slot as one
// row with its seats (paid ones with their payment and refund by hand; cancelled paid seats that kept money too).
import { describe, expect, it } from 'vitest';
import { api, ATTENDEE, book, eventTypeEditForm, hostWithEventType, page, postForm, signedInAdmin, upcomingDate } from './helpers';
import { fakeStripe, paidHost, sendWebhook, stripeEvent } from './payments-helpers';

describe('seats in the admin', () => {
  it('saves seats, refuses them with confirmation at the seats box, and lists them', async () => {
    const { cookie, csrf } = await signedInAdmin();
    const host = await hostWithEventType();
    const et = host.eventType;
    const bad = await page(`/admin/event-types/${et.id}`, { cookie, form: { _csrf: csrf, ...eventTypeEditForm(et), seats_per_time_slot: '5', requires_confirmation: 'on' } });
    expect(bad.status).toBe(400);
    expect(bad.html).toMatch(/<div class="field invalid"><label for="seats_per_time_slot">/);
    expect(bad.html).toContain('Seats cannot be combined with requires_confirmation');

    const saved = await page(`/admin/event-types/${et.id}`, { cookie, form: { _csrf: csrf, ...eventTypeEditForm(et), seats_per_time_slot: '5', seats_show_attendees: 'on' } });
    expect(saved.status).toBe(303);
    const read = await api('GET', `/v2/event-types/${et.id}`, { token: host.token });
    expect(read.json).toMatchObject({ seats_per_time_slot: 5, seats_show_attendees: true, seats_show_availability_count: false });
    const edit = await page(`/admin/event-types/${et.id}/edit`, { cookie });
    expect(edit.html).toMatch(/name="seats_per_time_slot" value="5"/);
    const list = await page('/admin/event-types', { cookie });
    const row = list.html.slice(list.html.indexOf(`id="event-type-${et.id}"`));
    expect(row.slice(0, row.indexOf('</tr>'))).toContain('5 seats per slot');
  });

  it('the Bookings tab shows a seated slot once, with its seats taken and who holds them', async () => {
    const { cookie } = await signedInAdmin();
    const { eventType } = await hostWithEventType({ seats_per_time_slot: 4 });
    const start = `${upcomingDate(1, 7)}T10:00:00.000Z`;
    const emails = ['first', 'second'].map((n) => `${n}-${crypto.randomUUID().slice(0, 8)}@example.com`);
    for (const email of emails) expect((await book(eventType.id, start, { attendee: { ...ATTENDEE, email } })).status).toBe(201);
    const list = await page('/admin/bookings?limit=200', { cookie });
    expect(list.status).toBe(200);
    const first = list.html.indexOf(emails[0]!);
    expect(first).toBeGreaterThan(-1);
    const row = list.html.slice(list.html.lastIndexOf('<tr', first), list.html.indexOf('</tr>', first));
    expect(row).toContain('2 seats taken');
    expect(row).toContain(emails[1]);
    // One row for the slot.
    expect(list.html.split(emails[1]!).length - 1).toBe(2); // the mailto link and its text
  });

  it('a paid seat shows its payment and is refunded by hand from the Bookings tab, the other seat untouched', async () => {
    const stripe = fakeStripe();
    const host = await paidHost({ seats_per_time_slot: 3, price: 1500, currency: 'usd' });
    const start = `${upcomingDate(2, 7)}T10:00:00.000Z`;
    const seats = [];
    for (const name of ['ann', 'bob']) {
      const seat = (await book(host.eventType.id, start, { attendee: { ...ATTENDEE, name, email: `${name}-${crypto.randomUUID().slice(0, 8)}@example.com` } })).json;
      await sendWebhook(await stripeEvent('checkout.session.completed', stripe.pay(/cs_test_\w+/.exec(seat.payment.checkout_url)![0])));
      seats.push(seat);
    }
    const [ann, bob] = seats as [any, any];
    const { cookie, post } = await signedInAdmin();
    const list = await page('/admin/bookings?limit=200', { cookie });
    const row = list.html.slice(list.html.lastIndexOf('<tr', list.html.indexOf(ann.attendee.email)), list.html.indexOf('</tr>', list.html.indexOf(ann.attendee.email)));
    expect(row).toContain('$15.00 paid');
    expect(row).toContain(`action="/admin/bookings/${ann.seat_uid}/refund"`);
    expect((await post(`/admin/bookings/${ann.seat_uid}/refund`, { amount: '5.00' })).status).toBe(303);
    expect(stripe.refunds.map((r) => r.amount)).toEqual([500]);
    expect((await api('GET', `/v2/bookings/${ann.seat_uid}`)).json.payment).toMatchObject({ status: 'partially_refunded', refunded_amount: 500 });
    expect((await api('GET', `/v2/bookings/${bob.seat_uid}`)).json.payment).toMatchObject({ status: 'paid', refunded_amount: 0 });
  });

  it('a cancelled paid seat that kept its money (policy none) is listed under its slot with its payment and refund by hand (CSRF-checked); refunded, it goes', async () => {
    const stripe = fakeStripe();
    const host = await paidHost({ seats_per_time_slot: 3, price: 1500, currency: 'usd', refund_policy: { type: 'none' } });
    const start = `${upcomingDate(3, 7)}T10:00:00.000Z`;
    const seats = [];
    for (const name of ['cat', 'dan']) {
      const seat = (await book(host.eventType.id, start, { attendee: { ...ATTENDEE, name, email: `${name}-${crypto.randomUUID().slice(0, 8)}@example.com` } })).json;
      await sendWebhook(await stripeEvent('checkout.session.completed', stripe.pay(/cs_test_\w+/.exec(seat.payment.checkout_url)![0])));
      seats.push(seat);
    }
    const [cat, dan] = seats as [any, any];
    const left = await api('DELETE', `/v2/bookings/${cat.seat_uid}`, { body: { reason: 'Cannot come' } });
    expect(left.json.payment).toMatchObject({ status: 'paid', refunded_amount: 0 });
    const { cookie, csrf } = await signedInAdmin();
    const rowOf = (html: string) => html.slice(html.lastIndexOf('<tr', html.indexOf(dan.attendee.email)), html.indexOf('</tr>', html.indexOf(dan.attendee.email)));
    const row = rowOf((await page('/admin/bookings?limit=200', { cookie })).html);
    expect(row).toContain('1 seat taken');
    const catLine = row.slice(row.indexOf(cat.attendee.email));
    expect(catLine).toContain('cancelled');
    expect(catLine).toContain('$15.00 paid');
    expect(catLine).toContain(`action="/admin/bookings/${cat.seat_uid}/refund"`);
    expect((await postForm(`/admin/bookings/${cat.seat_uid}/refund`, { _csrf: 'wrong', amount: '15.00' }, { cookie })).status).toBe(403);
    expect(stripe.refunds).toEqual([]);
    expect((await postForm(`/admin/bookings/${cat.seat_uid}/refund`, { _csrf: csrf, amount: '15.00' }, { cookie })).status).toBe(303);
    expect(stripe.refunds.map((r) => r.amount)).toEqual([1500]);
    expect((await api('GET', `/v2/bookings/${cat.seat_uid}`)).json.payment).toMatchObject({ status: 'refunded', refunded_amount: 1500, refund_pending: false });
    expect(rowOf((await page('/admin/bookings?limit=200', { cookie })).html)).not.toContain(cat.attendee.email);
  });

  it("a paid seat cancelled after its host changed Stripe keys: the refund is the host's by hand (nothing sent), and the slot's row says so", async () => {
    const stripe = fakeStripe();
    const host = await paidHost({ seats_per_time_slot: 3, price: 1500, currency: 'usd' });
    const start = `${upcomingDate(4, 7)}T10:00:00.000Z`;
    const seat = (await book(host.eventType.id, start, { attendee: { ...ATTENDEE, email: `eve-${crypto.randomUUID().slice(0, 8)}@example.com` } })).json;
    await sendWebhook(await stripeEvent('checkout.session.completed', stripe.pay(/cs_test_\w+/.exec(seat.payment.checkout_url)![0])));
    const other = { secret_key: 'sk_test_51AnotherAccountsKey000000', webhook_secret: 'whsec_anotherSigningSecret00000' };
    expect((await api('POST', '/v2/payments/stripe/account', { token: host.token, body: other })).status).toBe(200);
    const left = await api('DELETE', `/v2/bookings/${seat.seat_uid}`, { body: {} });
    expect(left.json.payment).toMatchObject({ status: 'refunded', refunded_amount: 1500, refund_pending: false, refund_manual: true, refund_manual_amount: 1500 });
    expect(stripe.requests.filter((r) => r.path === '/v1/refunds')).toEqual([]);
    const { cookie } = await signedInAdmin();
    const html = (await page('/admin/bookings?limit=200', { cookie })).html;
    const line = html.slice(html.indexOf(seat.attendee.email), html.indexOf('</tr>', html.indexOf(seat.attendee.email)));
    expect(line).toContain('cancelled');
    expect(line).toContain('Refund $15.00 in the Stripe account that took the payment');
  });
});

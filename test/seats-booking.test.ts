// Seated event types over the API (issue #16 item 1): the event type fields, taking seats (races included), the
// seat_uid's reach, cancelling seats, and what the slot's booking holds against the host's other event types. Paid
// seats (issue #30): each seat its own checkout, place, expiry and refund; refunds by hand racing, the cron's refund
// retries, and a paid booking or seat moved after its refund window.
import { createScheduledController } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import worker from '../src/index';
import { api, ATTENDEE, book, createEventType, dbCount, dbRow, expectError, hostWithEventType, makeUser, page, upcomingDate } from './helpers';
import { expectRacingRefundsSendTheirOwnAmounts, fakeStripe, paidHost, sendWebhook, stripeEvent } from './payments-helpers';

const MONDAY = upcomingDate(1, 7);
const at = (time: string) => `${MONDAY}T${time}:00.000Z`;
const person = (tag = crypto.randomUUID().slice(0, 8)) => ({ ...ATTENDEE, name: `Seat ${tag}`, email: `seat-${tag}@example.com` });

async function seated(seats = 10, extra: Record<string, unknown> = {}) {
  return hostWithEventType({ seats_per_time_slot: seats, ...extra });
}

describe('event type fields', () => {
  it('default to off, are answered, and can be set and cleared', async () => {
    const { eventType, token } = await hostWithEventType();
    expect(eventType).toMatchObject({ seats_per_time_slot: null, seats_show_attendees: false, seats_show_availability_count: true });
    const res = await api('PATCH', `/v2/event-types/${eventType.id}`, { token, body: { seats_per_time_slot: 5, seats_show_attendees: true, seats_show_availability_count: false } });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ seats_per_time_slot: 5, seats_show_attendees: true, seats_show_availability_count: false });
    const off = await api('PATCH', `/v2/event-types/${eventType.id}`, { token, body: { seats_per_time_slot: null } });
    expect(off.json.seats_per_time_slot).toBeNull();
  });

  it('refuse fewer than 2 or more than 1000 seats, fractions, and seats with requires_confirmation or recurring_event (400)', async () => {
    const { token } = await makeUser();
    const cases: [Record<string, unknown>, string][] = [
      [{ seats_per_time_slot: 1 }, 'seats_per_time_slot'],
      [{ seats_per_time_slot: 1001 }, 'seats_per_time_slot'],
      [{ seats_per_time_slot: 2.5 }, 'seats_per_time_slot'],
      [{ seats_show_attendees: 'yes' }, 'seats_show_attendees'],
      [{ seats_per_time_slot: 4, requires_confirmation: true }, 'seats_per_time_slot'],
      [{ seats_per_time_slot: 4, recurring_event: { freq: 'weekly', interval: 1, count: 4 } }, 'seats_per_time_slot'],
    ];
    for (const [body, path] of cases) {
      const res = await api('POST', '/v2/event-types', { token, body: { title: 'Seated', slug: `s-${crypto.randomUUID().slice(0, 8)}`, duration_minutes: 30, ...body } });
      expectError(res, 400, 'validation_failed');
      expect(res.json.error.issues.map((i: { path: string }) => i.path)).toContain(path);
    }
  });

  it('a PATCH cannot bring seats and requires_confirmation or recurring_event together, from either side', async () => {
    const { eventType, token } = await seated(4);
    const confirm = await api('PATCH', `/v2/event-types/${eventType.id}`, { token, body: { requires_confirmation: true } });
    expectError(confirm, 400, 'validation_failed');
    expect(confirm.json.error.issues[0]).toMatchObject({ path: 'seats_per_time_slot', message: expect.stringContaining('requires_confirmation') });
    const recurring = await api('PATCH', `/v2/event-types/${eventType.id}`, { token, body: { recurring_event: { freq: 'weekly', interval: 1, count: 3 } } });
    expectError(recurring, 400, 'validation_failed');
    const other = await createEventType(token, { requires_confirmation: true });
    expectError(await api('PATCH', `/v2/event-types/${other.id}`, { token, body: { seats_per_time_slot: 3 } }), 400, 'validation_failed');
    // Turning seats off and confirmation on in one PATCH is fine.
    expect((await api('PATCH', `/v2/event-types/${eventType.id}`, { token, body: { seats_per_time_slot: null, requires_confirmation: true } })).status).toBe(200);
  });

  it('team event types refuse seats with a 400 that says so', async () => {
    const { token } = await makeUser();
    const team = await api('POST', '/v2/teams', { token, body: { name: 'Seats Team', slug: `seats-${crypto.randomUUID().slice(0, 8)}` } });
    expect(team.status).toBe(201);
    const res = await api('POST', `/v2/teams/${team.json.id}/event-types`, {
      token,
      body: { title: 'Team seats', slug: 'team-seats', duration_minutes: 30, scheduling_type: 'collective', assign_all_team_members: true, seats_per_time_slot: 5 },
    });
    expectError(res, 400, 'validation_failed');
    expect(res.json.error.issues[0]).toMatchObject({ path: 'seats_per_time_slot', message: expect.stringContaining('not supported on team event types') });
  });
});

describe('taking seats', () => {
  it('30 parallel bookings into a 10-seat slot: exactly 10 × 201, the rest 409, one booking row with 10 seats', async () => {
    const { eventType } = await seated(10);
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => book(eventType.id, at('10:00'), { attendee: person(`race${i}-${crypto.randomUUID().slice(0, 4)}`) })));
    const created = results.filter((r) => r.status === 201);
    expect(created).toHaveLength(10);
    for (const refused of results.filter((r) => r.status !== 201)) expectError(refused, 409, 'slot_unavailable');
    expect(await dbCount('SELECT count(*) AS n FROM bookings WHERE event_type_id = ?', eventType.id)).toBe(1);
    const bookingId = (await dbRow<{ id: number }>('SELECT id FROM bookings WHERE event_type_id = ?', eventType.id))!.id;
    expect(await dbCount('SELECT count(*) AS n FROM booking_attendees WHERE booking_id = ? AND cancelled_at IS NULL', bookingId)).toBe(10);
    expect(await dbCount('SELECT count(*) AS n FROM booking_hosts WHERE booking_id = ?', bookingId)).toBe(1);
    expect(new Set(created.map((r) => r.json.seat_uid)).size).toBe(10);
  });

  it('answers the booking with the caller\'s seat_uid and only the caller as attendee', async () => {
    const { eventType } = await seated(3);
    const a = person();
    const b = person();
    const first = await book(eventType.id, at('11:00'), { attendee: a });
    expect(first.status).toBe(201);
    const second = await book(eventType.id, at('11:00'), { attendee: b });
    expect(second.status).toBe(201);
    expect(second.json).toMatchObject({ status: 'accepted', start: at('11:00'), attendee: { email: b.email }, attendees: [{ email: b.email, seat_uid: second.json.seat_uid }] });
    expect(second.json.uid).toBe(second.json.seat_uid);
    expect(JSON.stringify(second.json)).not.toContain(a.email);
    expect(second.json.title).not.toContain(a.name);
  });

  it('with seats_show_attendees, a seat holder sees the other seats by name only, never their seat_uid or email', async () => {
    const { token, eventType } = await seated(3, { seats_show_attendees: true });
    const a = person();
    const b = person();
    const first = await book(eventType.id, at('11:00'), { attendee: { ...a, notes: 'private note' } });
    const second = await book(eventType.id, at('11:00'), { attendee: b });
    const own = { name: b.name, email: b.email, timezone: b.timezone, notes: b.notes, seat_uid: second.json.seat_uid };
    expect(second.json.attendees).toEqual([{ name: a.name }, own]);
    for (const view of [second.json, (await api('GET', `/v2/bookings/${second.json.seat_uid}`)).json]) {
      expect(view.attendees).toEqual([{ name: a.name }, own]);
      const text = JSON.stringify(view);
      for (const secret of [first.json.seat_uid, a.email, 'private note']) expect(text).not.toContain(secret);
    }
    const moved = await api('PATCH', `/v2/bookings/${second.json.seat_uid}`, { body: { start: at('12:00') } });
    expect(moved.status).toBe(200);
    const back = await api('PATCH', `/v2/bookings/${moved.json.seat_uid}`, { body: { start: at('11:00') } });
    expect(back.json.attendees).toEqual([{ name: a.name }, { ...own, seat_uid: back.json.seat_uid }]);
    // The host still sees every seat in full.
    const host = await api('GET', `/v2/bookings?event_type_id=${eventType.id}`, { token });
    const hostView = await api('GET', `/v2/bookings/${host.json.data[0].uid}`, { token });
    expect(hostView.json.attendees.map((p: { seat_uid: string }) => p.seat_uid)).toContain(first.json.seat_uid);
  });

  it('the same email twice in a slot (another case) is 409 conflict; in another slot it is fine', async () => {
    const { eventType } = await seated(5);
    const a = person();
    expect((await book(eventType.id, at('12:00'), { attendee: a })).status).toBe(201);
    const again = await book(eventType.id, at('12:00'), { attendee: { ...a, email: a.email.toUpperCase() } });
    expectError(again, 409, 'conflict');
    expect(again.json.error.message).toMatch(/already has a seat/);
    expect((await book(eventType.id, at('13:00'), { attendee: a })).status).toBe(201);
  });

  it('a full slot is 409 slot_unavailable saying the seats are taken', async () => {
    const { eventType } = await seated(2);
    await book(eventType.id, at('14:00'), { attendee: person() });
    await book(eventType.id, at('14:00'), { attendee: person() });
    const full = await book(eventType.id, at('14:00'), { attendee: person() });
    expectError(full, 409, 'slot_unavailable');
    expect(full.json.error.message).toMatch(/seats/);
  });

  it('another event type of the host cannot take the slot\'s time (buffers included), even with seats free', async () => {
    const { eventType, token } = await seated(10, { buffer_after_minutes: 15 });
    expect((await book(eventType.id, at('10:00'), { attendee: person() })).status).toBe(201);
    const other = await createEventType(token);
    expectError(await book(other.id, at('10:00'), { attendee: person() }), 409, 'slot_unavailable');
    // 10:30 touches the seated booking's buffer (10:00-10:45 occupied).
    expectError(await book(other.id, at('10:30'), { attendee: person() }), 409, 'slot_unavailable');
    expect((await book(other.id, at('11:00'), { attendee: person() })).status).toBe(201);
    // The seated event type's own other starts overlapping the slot are busy too: 10:30 is not a seat of 10:00.
    expectError(await book(eventType.id, at('10:30'), { attendee: person() }), 409, 'slot_unavailable');
  });

  it('a slot whose time another event type of the host took cannot be opened for seats', async () => {
    const { eventType, token } = await seated(10);
    const other = await createEventType(token);
    expect((await book(other.id, at('15:00'), { attendee: person() })).status).toBe(201);
    expectError(await book(eventType.id, at('15:00'), { attendee: person() }), 409, 'slot_unavailable');
  });

  it('refuses an attendee location and slot reservations on a seated event type', async () => {
    const { eventType } = await seated(3, { location_type: 'phone' });
    expectError(await book(eventType.id, at('09:00'), { attendee: person(), location: '+1 555 0100' }), 400, 'validation_failed');
    const hold = await api('POST', '/v2/slots/reservations', { body: { event_type_id: eventType.id, slot_start: at('09:00') } });
    expectError(hold, 409, 'conflict');
  });
});

describe('a seat_uid reaches its own seat only', () => {
  it('reads and cancels that seat; the others keep theirs and never see it', async () => {
    const { eventType, token } = await seated(4);
    const a = person();
    const b = person();
    const seatA = (await book(eventType.id, at('10:00'), { attendee: a })).json;
    const seatB = (await book(eventType.id, at('10:00'), { attendee: b })).json;
    const readA = await api('GET', `/v2/bookings/${seatA.seat_uid}`);
    expect(readA.json).toMatchObject({ seat_uid: seatA.seat_uid, attendee: { email: a.email }, attendees: [{ email: a.email }] });
    expect(JSON.stringify(readA.json)).not.toContain(b.email);

    const cancelled = await api('DELETE', `/v2/bookings/${seatA.seat_uid}`, { body: { reason: 'cannot come' } });
    expect(cancelled.status).toBe(200);
    expect(cancelled.json).toMatchObject({ status: 'cancelled', seat_uid: seatA.seat_uid });
    // Twice is harmless.
    expect((await api('DELETE', `/v2/bookings/${seatA.seat_uid}`)).json.status).toBe('cancelled');
    const readB = await api('GET', `/v2/bookings/${seatB.seat_uid}`);
    expect(readB.json).toMatchObject({ status: 'accepted', attendee: { email: b.email } });

    // The booking's own uid is the host's: anonymous callers get 404 for every verb, the host sees every live seat.
    const bookingUid = (await dbRow<{ uid: string }>('SELECT uid FROM bookings WHERE event_type_id = ?', eventType.id))!.uid;
    expectError(await api('GET', `/v2/bookings/${bookingUid}`), 404, 'not_found');
    expectError(await api('DELETE', `/v2/bookings/${bookingUid}`), 404, 'not_found');
    expectError(await api('GET', `/v2/bookings/${bookingUid}`, { token: (await makeUser()).token }), 404, 'not_found');
    const hostView = await api('GET', `/v2/bookings/${bookingUid}`, { token });
    expect(hostView.status).toBe(200);
    expect(hostView.json.attendees.map((p: { email: string }) => p.email)).toEqual([b.email]);
    expect((await api('GET', `/v2/bookings/${seatB.seat_uid}`)).json.status).toBe('accepted');
  });

  it('a seat cancel frees one seat for someone else; the last seat leaving cancels the booking', async () => {
    const { eventType } = await seated(2);
    const one = (await book(eventType.id, at('16:00'), { attendee: person() })).json;
    const two = (await book(eventType.id, at('16:00'), { attendee: person() })).json;
    expectError(await book(eventType.id, at('16:00'), { attendee: person() }), 409, 'slot_unavailable');
    await api('DELETE', `/v2/bookings/${one.seat_uid}`);
    const three = await book(eventType.id, at('16:00'), { attendee: person() });
    expect(three.status).toBe(201);
    expect(await dbCount('SELECT count(*) AS n FROM bookings WHERE event_type_id = ?', eventType.id)).toBe(1);

    await api('DELETE', `/v2/bookings/${two.seat_uid}`);
    expect((await dbRow<{ status: string }>('SELECT status FROM bookings WHERE event_type_id = ?', eventType.id))!.status).toBe('accepted');
    const last = await api('DELETE', `/v2/bookings/${three.json.seat_uid}`);
    expect(last.json.status).toBe('cancelled');
    expect((await dbRow<{ status: string }>('SELECT status FROM bookings WHERE event_type_id = ?', eventType.id))!.status).toBe('cancelled');
    // The slot opens again, as a new booking.
    expect((await book(eventType.id, at('16:00'), { attendee: person() })).status).toBe(201);
  });

  it('the host cancels the whole seated booking by its uid: every seat goes', async () => {
    const { eventType, token } = await seated(3);
    const one = (await book(eventType.id, at('13:30'), { attendee: person() })).json;
    const two = (await book(eventType.id, at('13:30'), { attendee: person() })).json;
    const bookingUid = (await dbRow<{ uid: string }>('SELECT uid FROM bookings WHERE event_type_id = ?', eventType.id))!.uid;
    const res = await api('DELETE', `/v2/bookings/${bookingUid}`, { token, body: { reason: 'host is ill' } });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ status: 'cancelled', cancellation_reason: 'host is ill' });
    expect(res.json.attendees).toHaveLength(2);
    for (const seat of [one, two]) expect((await api('GET', `/v2/bookings/${seat.seat_uid}`)).json.status).toBe('cancelled');
    // Even cancelled, the slot's uid shows nothing to anyone but the host.
    expectError(await api('DELETE', `/v2/bookings/${bookingUid}`), 404, 'not_found');
    expect((await api('DELETE', `/v2/bookings/${bookingUid}`, { token })).json.status).toBe('cancelled');
    // The host's list shows the seated slot as one booking.
    const list = await api('GET', `/v2/bookings?event_type_id=${eventType.id}`, { token });
    expect(list.json.data).toHaveLength(1);
  });

  it('counts seats per attendee email against max_active_bookings_per_booker', async () => {
    const { eventType } = await seated(5, { max_active_bookings_per_booker: 1 });
    const a = person();
    expect((await book(eventType.id, at('09:00'), { attendee: a })).status).toBe(201);
    expectError(await book(eventType.id, at('10:00'), { attendee: a }), 409, 'booker_limit_reached');
    await book(eventType.id, at('10:00'), { attendee: person() });
    expectError(await book(eventType.id, at('10:00'), { attendee: a }), 409, 'booker_limit_reached');
  });
});

// ---- Paid seats and moves (issue #30) ----

describe('paid', () => {
  afterEach(() => vi.restoreAllMocks());
  const paidSeat = async (eventType: Record<string, unknown>) => {
    const stripe = fakeStripe();
    const host = await paidHost({ price: 1500, currency: 'usd', ...eventType });
    const seat = (await book(host.eventType.id, at('10:00'), { attendee: person() })).json;
    await sendWebhook(await stripeEvent('checkout.session.completed', stripe.pay(/cs_test_\w+/.exec(seat.payment.checkout_url)![0])));
    return { stripe, host, uid: (seat.seat_uid ?? seat.uid) as string };
  };

  it("a seat's second refund by hand decided while the first is on its way to Stripe sends only its own amount", async () => {
    const { stripe, host, uid } = await paidSeat({ seats_per_time_slot: 2 });
    await expectRacingRefundsSendTheirOwnAmounts(stripe, host.token, uid);
  });

  it('a booking or seat moved after its refund window closed does not open it again: a cancel then refunds nothing', async () => {
    for (const seats of [null, 2]) {
      const { stripe, uid } = await paidSeat({ seats_per_time_slot: seats, refund_policy: { type: 'full_until_hours_before', hours: 24 * 20 } });
      expect((await api('GET', `/v2/bookings/${uid}`)).json.payment.cancel_refund_amount).toBe(0);
      const moved = await api('PATCH', `/v2/bookings/${uid}`, { body: { start: `${upcomingDate(1, 28)}T10:00:00Z` } });
      expect(moved.json.payment).toMatchObject({ cancel_refund_amount: 0, refund_policy: { type: 'none' } });
      expect((await api('DELETE', `/v2/bookings/${moved.json.uid}`, { body: {} })).json.payment).toMatchObject({ refunded_amount: 0 });
      expect(stripe.refunds).toEqual([]);
    }
  });
  it('a paid seat in a zero-decimal currency: an unpaid one cannot move (409), cancelled twice refunds its price once; one past its deadline cancels to nothing', async () => {
    const stripe = fakeStripe();
    const host = await paidHost({ seats_per_time_slot: 3, price: 1500, currency: 'jpy' });
    const unpaid = (await book(host.eventType.id, at('11:00'), { attendee: person() })).json;
    expectError(await api('PATCH', `/v2/bookings/${unpaid.seat_uid}`, { body: { start: at('12:00') } }), 409, 'conflict');
    const paid = (await book(host.eventType.id, at('11:00'), { attendee: person() })).json;
    await sendWebhook(await stripeEvent('checkout.session.completed', stripe.pay(/cs_test_\w+/.exec(paid.payment.checkout_url)![0])));
    for (let i = 0; i < 2; i++) expect((await api('DELETE', `/v2/bookings/${paid.seat_uid}`, { body: {} })).json.payment).toMatchObject({ status: 'refunded', refunded_amount: 1500 });
    expect(stripe.refunds.map((r) => r.amount)).toEqual([1500]);
    await dbRow('UPDATE booking_attendees SET payment_expires_at = ? WHERE seat_uid = ? RETURNING id', Date.now() - 1000, unpaid.seat_uid);
    const late = await api('DELETE', `/v2/bookings/${unpaid.seat_uid}`, { body: {} });
    expect(late.status).toBe(200);
    expect(late.json.payment).toMatchObject({ refunded_amount: 0 });
    expect(stripe.refunds).toHaveLength(1);
    expect(stripe.violations).toEqual([]);
  });
  it("the cron's refund retries are not starved by 20 older refunds that keep failing: each try goes to the back of the line", async () => {
    const { stripe, host, uid } = await paidSeat({});
    const cols = (await env.DB.prepare('SELECT name FROM pragma_table_info(?)').bind('bookings').all<{ name: string }>()).results.map((c) => c.name).filter((c) => c !== 'id');
    const stuck: Record<string, string> = {
      uid: "uid || '-stuck-' || i",
      idempotency_key: 'NULL',
      status: "'cancelled'",
      updated_at: '1',
      payment: "json_set(payment, '$.payment_intent_id', NULL, '$.checkout_session_id', NULL, '$.refunded_amount', 100, '$.refund_totals', json('[100]'))",
    };
    await env.DB.prepare(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20)
       INSERT INTO bookings (${cols.join(', ')}) SELECT ${cols.map((c) => stuck[c] ?? c).join(', ')} FROM bookings, n WHERE uid = ?`,
    ).bind(uid).run();
    const seatCols = (await env.DB.prepare('SELECT name FROM pragma_table_info(?)').bind('booking_attendees').all<{ name: string }>()).results.map((c) => c.name).filter((c) => c !== 'id');
    await env.DB.prepare(
      `INSERT INTO booking_attendees (${seatCols.join(', ')}) SELECT ${seatCols.map((c) => (c === 'booking_id' ? 'nb.id' : `a.${c}`)).join(', ')}
       FROM booking_attendees a JOIN bookings b ON b.id = a.booking_id JOIN bookings nb ON nb.uid LIKE b.uid || '-stuck-%' WHERE b.uid = ?`,
    ).bind(uid).run();
    stripe.setDown(true);
    expect((await api('POST', '/v2/payments/refunds', { token: host.token, body: { booking_uid: uid, amount: 700 } })).json.payment.refund_pending).toBe(true);
    stripe.setDown(false);
    for (let run = 0; run < 2; run++) await worker.scheduled(createScheduledController(), env);
    expect(stripe.refunds.map((r) => r.amount)).toEqual([700]);
  });
});

const sweep = () => worker.scheduled(createScheduledController(), env);

// ---- Paid seats: a price per seat, each seat its own checkout, place, expiry and refund ----

const FRIDAY = upcomingDate(5, 7);
const SEAT_START = `${FRIDAY}T10:00:00Z`;
const holder = (name: string) => ({ attendee: { ...ATTENDEE, name, email: `${name.toLowerCase()}@example.com` } });
const getSeat = async (uid: string) => (await api('GET', `/v2/bookings/${uid}`)).json;
const sessionOf = (seat: { payment: { checkout_url: string } }) => /cs_test_\w+/.exec(seat.payment.checkout_url)![0];

async function paidSeats(seats = 2, eventType: Record<string, unknown> = {}) {
  const stripe = fakeStripe();
  const host = await paidHost({ seats_per_time_slot: seats, price: 1500, currency: 'usd', ...eventType });
  return { stripe, host, et: host.eventType };
}

describe('a paid seat', () => {
  it('awaits its own payment with its own checkout and holds its place until its deadline; paid, it is booked alone', async () => {
    const { stripe, et } = await paidSeats(2);
    const ann = await book(et.id, SEAT_START, holder('Ann'));
    expect(ann.status).toBe(201);
    expect(ann.json).toMatchObject({ status: 'awaiting_payment', uid: ann.json.seat_uid, payment: { status: 'unpaid', amount: 1500, currency: 'usd' } });
    const bob = await book(et.id, SEAT_START, holder('Bob'));
    expect(bob.json.status).toBe('awaiting_payment');
    expect(sessionOf(bob.json)).not.toBe(sessionOf(ann.json));
    expect(stripe.requests.map((r) => r.form.get('metadata[booking_uid]'))).toEqual([ann.json.seat_uid, bob.json.seat_uid]);
    // Both places are held by unpaid seats: a third booker is refused, and the slot is not offered.
    expectError(await book(et.id, SEAT_START, holder('Cid')), 409, 'slot_unavailable');
    const slots = await api('GET', `/v2/slots/available?event_type_id=${et.id}&start_time=${FRIDAY}T09:00:00Z&end_time=${FRIDAY}T12:00:00Z&timezone=UTC`);
    expect(JSON.stringify(slots.json)).not.toContain(`"start":"${SEAT_START.replace('Z', '')}`);
    // The same email again gets its open seat back.
    expect((await book(et.id, SEAT_START, holder('Ann'))).json.seat_uid).toBe(ann.json.seat_uid);
    const notAnn = await book(et.id, SEAT_START, { attendee: { ...holder('Ann').attendee, name: 'Mallory' } });
    expect(notAnn.status).toBe(409);
    expect(JSON.stringify(notAnn.json)).not.toContain(ann.json.seat_uid);
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
    expect((await book(et.id, SEAT_START, holder('Cid'))).status).toBe(201);
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
      const seat = (await book(et.id, SEAT_START, holder(name))).json;
      await sendWebhook(await stripeEvent('checkout.session.completed', stripe.pay(sessionOf(seat))));
      seats.push(seat);
    }
    const [dee, eve] = seats as [any, any];
    const unpaid = (await book(et.id, SEAT_START, holder('Fay'))).json;
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
    expect((await book(et.id, SEAT_START, holder('Gus'))).status).toBe(201);
    expect((await book(et.id, SEAT_START, holder('Hal'))).status).toBe(201);
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => book(et.id, SEAT_START, holder(`Racer${i}`))));
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409 && r.json.error.code === 'slot_unavailable')).toHaveLength(11);
    expect(await dbCount("SELECT COUNT(*) AS n FROM booking_attendees a JOIN bookings b ON b.id = a.booking_id WHERE b.event_type_id = ? AND a.cancelled_at IS NULL AND a.payment_expires_at IS NOT NULL", et.id)).toBe(3);
  });
});

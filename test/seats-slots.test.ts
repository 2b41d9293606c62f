// Seated slots in GET /v2/slots/available, and moving a seat (PATCH /v2/bookings/{seat_uid}), over the API.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { api, ATTENDEE, book, createEventType, dbCount, dbRow, expectError, hostWithEventType, upcomingDate } from './helpers';

const MONDAY = upcomingDate(1, 7);
const at = (time: string) => `${MONDAY}T${time}:00.000Z`;
const person = () => {
  const tag = crypto.randomUUID().slice(0, 8);
  return { ...ATTENDEE, name: `Seat ${tag}`, email: `seat-${tag}@example.com` };
};

type SlotJson = { start: string; end: string; seats_total?: number; seats_booked?: number; seats_remaining?: number };

async function mondaySlots(eventTypeId: number): Promise<SlotJson[]> {
  const res = await api('GET', `/v2/slots/available?event_type_id=${eventTypeId}&start_time=${at('00:00')}&end_time=${MONDAY}T23:59:00.000Z&timezone=UTC`);
  expect(res.status).toBe(200);
  return (res.json.slots[MONDAY] ?? []) as SlotJson[];
}

const slotAt = (slots: SlotJson[], time: string) => slots.find((s) => s.start === `${MONDAY}T${time}:00+00:00`);

describe('slots of a seated event type', () => {
  it('a partly booked slot carries its seat counts; a full one is not offered; others carry none', async () => {
    const { eventType } = await hostWithEventType({ seats_per_time_slot: 3 });
    await book(eventType.id, at('10:00'), { attendee: person() });
    await book(eventType.id, at('10:00'), { attendee: person() });
    for (let i = 0; i < 3; i++) await book(eventType.id, at('11:00'), { attendee: person() });
    const slots = await mondaySlots(eventType.id);
    expect(slotAt(slots, '10:00')).toEqual({ start: `${MONDAY}T10:00:00+00:00`, end: `${MONDAY}T10:30:00+00:00`, seats_total: 3, seats_booked: 2, seats_remaining: 1 });
    expect(slotAt(slots, '11:00')).toBeUndefined();
    expect(slotAt(slots, '09:00')).toEqual({ start: `${MONDAY}T09:00:00+00:00`, end: `${MONDAY}T09:30:00+00:00` });
    // 16 half hours from 09:00 to 17:00, less the full one.
    expect(slots).toHaveLength(15);
  });

  it('hides the counts when seats_show_availability_count is false, still offering the partly booked slot', async () => {
    const { eventType } = await hostWithEventType({ seats_per_time_slot: 3, seats_show_availability_count: false });
    await book(eventType.id, at('10:00'), { attendee: person() });
    const slot = slotAt(await mondaySlots(eventType.id), '10:00');
    expect(slot).toEqual({ start: `${MONDAY}T10:00:00+00:00`, end: `${MONDAY}T10:30:00+00:00` });
  });

  it('cancelling a seat gives it back in the counts', async () => {
    const { eventType } = await hostWithEventType({ seats_per_time_slot: 2 });
    const one = (await book(eventType.id, at('14:00'), { attendee: person() })).json;
    await book(eventType.id, at('14:00'), { attendee: person() });
    expect(slotAt(await mondaySlots(eventType.id), '14:00')).toBeUndefined();
    await api('DELETE', `/v2/bookings/${one.seat_uid}`);
    expect(slotAt(await mondaySlots(eventType.id), '14:00')).toMatchObject({ seats_booked: 1, seats_remaining: 1 });
  });

  it('the seated booking blocks the starts overlapping it and the host\'s other event types, buffers included', async () => {
    const { eventType, token } = await hostWithEventType({ seats_per_time_slot: 5, slot_interval_minutes: 15, buffer_after_minutes: 15 });
    await book(eventType.id, at('10:00'), { attendee: person() });
    const own = await mondaySlots(eventType.id);
    expect(slotAt(own, '10:00')).toMatchObject({ seats_booked: 1 });
    // 10:00-10:45 is taken; 09:45 would run into it (its own buffer ends at 10:30), 10:45 is the next free start.
    for (const time of ['09:45', '10:15', '10:30']) expect(slotAt(own, time)).toBeUndefined();
    expect(slotAt(own, '10:45')).toBeDefined();
    const other = await createEventType(token);
    const others = await mondaySlots(other.id);
    expect(slotAt(others, '10:00')).toBeUndefined();
    expect(slotAt(others, '10:30')).toBeUndefined();
    expect(slotAt(others, '11:00')).toBeDefined();
  });

  it('a seated slot counts once against the booking limits: joining it is offered and allowed, another slot is not', async () => {
    const { eventType } = await hostWithEventType({ seats_per_time_slot: 4, booking_limits_count: { day: 1 } });
    await book(eventType.id, at('10:00'), { attendee: person() });
    const slots = await mondaySlots(eventType.id);
    expect(slots.map((s) => s.start)).toEqual([`${MONDAY}T10:00:00+00:00`]);
    expect((await book(eventType.id, at('10:00'), { attendee: person() })).status).toBe(201);
    expectError(await book(eventType.id, at('12:00'), { attendee: person() }), 409, 'slot_unavailable');
  });
});

describe('moving a seat', () => {
  it('to a free slot opens a booking there; the last seat leaving cancels the old one', async () => {
    const { eventType } = await hostWithEventType({ seats_per_time_slot: 3 });
    const seat = (await book(eventType.id, at('10:00'), { attendee: person() })).json;
    const moved = await api('PATCH', `/v2/bookings/${seat.seat_uid}`, { body: { start: at('13:00'), reason: 'later suits me' } });
    expect(moved.status).toBe(200);
    expect(moved.json).toMatchObject({ seat_uid: seat.seat_uid, start: at('13:00'), status: 'accepted' });
    const rows = await bookingsOf(eventType.id);
    expect(rows.map((r) => [r.start_at, r.status])).toEqual([
      [Date.parse(at('10:00')), 'cancelled'],
      [Date.parse(at('13:00')), 'accepted'],
    ]);
    expect((await api('GET', `/v2/bookings/${seat.seat_uid}`)).json.start).toBe(at('13:00'));
    expect(slotAt(await mondaySlots(eventType.id), '10:00')).toEqual({ start: `${MONDAY}T10:00:00+00:00`, end: `${MONDAY}T10:30:00+00:00` });
  });

  it('into a partly booked slot joins its booking, leaving the others where they were', async () => {
    const { eventType } = await hostWithEventType({ seats_per_time_slot: 3 });
    const mover = (await book(eventType.id, at('10:00'), { attendee: person() })).json;
    await book(eventType.id, at('10:00'), { attendee: person() });
    await book(eventType.id, at('15:00'), { attendee: person() });
    const moved = await api('PATCH', `/v2/bookings/${mover.seat_uid}`, { body: { start: at('15:00') } });
    expect(moved.status).toBe(200);
    expect(await dbCount('SELECT count(*) AS n FROM bookings WHERE event_type_id = ?', eventType.id)).toBe(2);
    const slots = await mondaySlots(eventType.id);
    expect(slotAt(slots, '10:00')).toMatchObject({ seats_booked: 1 });
    expect(slotAt(slots, '15:00')).toMatchObject({ seats_booked: 2 });
  });

  it('into a full slot or a slot where the email has a seat is refused and changes nothing', async () => {
    const { eventType } = await hostWithEventType({ seats_per_time_slot: 2 });
    const a = person();
    const seatA = (await book(eventType.id, at('10:00'), { attendee: a })).json;
    await book(eventType.id, at('11:00'), { attendee: person() });
    await book(eventType.id, at('11:00'), { attendee: person() });
    expectError(await api('PATCH', `/v2/bookings/${seatA.seat_uid}`, { body: { start: at('11:00') } }), 409, 'slot_unavailable');
    await book(eventType.id, at('12:00'), { attendee: { ...a, email: a.email.toUpperCase() } });
    expectError(await api('PATCH', `/v2/bookings/${seatA.seat_uid}`, { body: { start: at('12:00') } }), 409, 'conflict');
    const read = await api('GET', `/v2/bookings/${seatA.seat_uid}`);
    expect(read.json).toMatchObject({ status: 'accepted', start: at('10:00') });
    expect(await dbCount('SELECT count(*) AS n FROM booking_attendees WHERE seat_uid = ?', seatA.seat_uid)).toBe(1);
  });

  it('a seated booking is not moved by its own uid, even by the host', async () => {
    const { eventType, token } = await hostWithEventType({ seats_per_time_slot: 2 });
    await book(eventType.id, at('10:00'), { attendee: person() });
    const uid = (await dbRow<{ uid: string }>('SELECT uid FROM bookings WHERE event_type_id = ?', eventType.id))!.uid;
    expectError(await api('PATCH', `/v2/bookings/${uid}`, { token, body: { start: at('13:00') } }), 409, 'conflict');
  });

  it('moves are atomic under a race: 10 seats moving into a 4-seat slot leave exactly 4 there and the rest where they were', async () => {
    const { eventType } = await hostWithEventType({ seats_per_time_slot: 10 });
    const seats = [];
    for (let i = 0; i < 10; i++) seats.push((await book(eventType.id, at('09:00'), { attendee: person() })).json);
    // The target slot already holds 6 of its 10 seats: 4 are left for the 10 movers.
    for (let i = 0; i < 6; i++) await book(eventType.id, at('16:00'), { attendee: person() });
    const results = await Promise.all(seats.map((s) => api('PATCH', `/v2/bookings/${s.seat_uid}`, { body: { start: at('16:00') } })));
    expect(results.filter((r) => r.status === 200)).toHaveLength(4);
    for (const r of results.filter((x) => x.status !== 200)) expectError(r, 409, 'slot_unavailable');
    expect(await liveSeatsAt(eventType.id, at('16:00'))).toBe(10);
    expect(await liveSeatsAt(eventType.id, at('09:00'))).toBe(6);
  });
});

async function bookingsOf(eventTypeId: number) {
  const rows = await env.DB.prepare('SELECT start_at, status FROM bookings WHERE event_type_id = ? ORDER BY start_at').bind(eventTypeId).all<{ start_at: number; status: string }>();
  return rows.results;
}

async function liveSeatsAt(eventTypeId: number, start: string) {
  return dbCount(
    `SELECT count(*) AS n FROM booking_attendees a JOIN bookings b ON b.id = a.booking_id
     WHERE b.event_type_id = ? AND b.start_at = ? AND b.status = 'accepted' AND a.cancelled_at IS NULL`,
    eventTypeId,
    Date.parse(start),
  );
}

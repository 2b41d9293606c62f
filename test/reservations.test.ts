import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { HostCalendar } from '../src/bookings/host-calendar';
import { api, book, createEventType, expectError, freshIp, hostWithEventType, makeAdmin, makeUser, reserve, upcomingDate } from './helpers';

const MONDAY = upcomingDate(1, 7);
const at = (hhmm: string) => `${MONDAY}T${hhmm}:00Z`;

async function offeredStarts(eventTypeId: number, reservationUid?: string): Promise<string[]> {
  const params = new URLSearchParams({ event_type_id: String(eventTypeId), start_time: at('00:00'), end_time: at('23:59') });
  if (reservationUid) params.set('reservation_uid', reservationUid);
  const res = await api('GET', `/v2/slots/available?${params}`);
  expect(res.status).toBe(200);
  return ((res.json.slots[MONDAY] ?? []) as { start: string }[]).map((s) => new Date(s.start).toISOString());
}

const iso = (s: string) => new Date(s).toISOString();

describe('POST /v2/slots/reservations', () => {
  it("answers 201 with the hold (5 minutes for anyone) and hides the slot from everyone else's slot list", async () => {
    const { eventType } = await hostWithEventType();
    const before = Date.now();
    const res = await reserve(eventType.id, at('10:00'), { ip: freshIp() });
    expect(res.status).toBe(201);
    expect(res.json).toEqual({
      uid: expect.stringMatching(/^[A-Za-z0-9_-]{16,64}$/),
      event_type_id: eventType.id,
      slot_start: iso(at('10:00')),
      slot_end: iso(at('10:30')),
      expires_at: expect.any(String),
    });
    const lasts = Date.parse(res.json.expires_at) - before;
    expect(lasts).toBeGreaterThanOrEqual(5 * 60_000 - 1000);
    expect(lasts).toBeLessThanOrEqual(5 * 60_000 + 5000);

    expect(await offeredStarts(eventType.id)).not.toContain(iso(at('10:00')));
    // The holder, naming its reservation, still sees its slot.
    expect(await offeredStarts(eventType.id, res.json.uid)).toContain(iso(at('10:00')));
    expect((await api('GET', `/v2/slots/reservations/${res.json.uid}`)).json).toEqual(res.json);
  });

  it('a hold takes the buffers like a booking: neighbouring slots that would touch them disappear too', async () => {
    const { eventType } = await hostWithEventType({ buffer_after_minutes: 15 });
    const res = await reserve(eventType.id, at('10:00'), { ip: freshIp() });
    expect(res.status).toBe(201);
    const starts = await offeredStarts(eventType.id);
    expect(starts).not.toContain(iso(at('10:00')));
    expect(starts).not.toContain(iso(at('10:30')));
    expect(starts).toContain(iso(at('11:00')));
  });

  it('booking the held slot: with the uid 201 and the hold is gone; without it 409 slot_unavailable', async () => {
    const { eventType } = await hostWithEventType();
    const hold = await reserve(eventType.id, at('11:00'), { ip: freshIp() });
    expectError(await book(eventType.id, at('11:00')), 409, 'slot_unavailable');
    const booked = await book(eventType.id, at('11:00'), { reservation_uid: hold.json.uid });
    expect(booked.status).toBe(201);
    expect(booked.json.start).toBe(iso(at('11:00')));
    expectError(await api('GET', `/v2/slots/reservations/${hold.json.uid}`), 404, 'not_found');
    const rows = await env.DB.prepare('SELECT COUNT(*) AS n FROM slot_reservations WHERE uid = ?').bind(hold.json.uid).first<{ n: number }>();
    expect(rows!.n).toBe(0);
    // The uid was used up: a second booking with it finds no reservation.
    expectError(await book(eventType.id, at('11:00'), { reservation_uid: hold.json.uid }), 404, 'not_found');
  });

  it('a reschedule of another booking into a held slot gets 409', async () => {
    const { eventType } = await hostWithEventType();
    const existing = await book(eventType.id, at('09:00'));
    await reserve(eventType.id, at('14:00'), { ip: freshIp() });
    expectError(await api('PATCH', `/v2/bookings/${existing.json.uid}`, { body: { start: at('14:00') } }), 409, 'slot_unavailable');
  });

  it('a held or booked slot cannot be held again; an unoffered start is 409, an unknown event type 404', async () => {
    const { eventType } = await hostWithEventType();
    await reserve(eventType.id, at('10:00'), { ip: freshIp() });
    await book(eventType.id, at('12:00'));
    expectError(await reserve(eventType.id, at('10:00'), { ip: freshIp() }), 409, 'slot_unavailable');
    expectError(await reserve(eventType.id, at('12:00'), { ip: freshIp() }), 409, 'slot_unavailable');
    expectError(await reserve(eventType.id, at('20:00'), { ip: freshIp() }), 409, 'slot_unavailable');
    expectError(await reserve(999_999_999, at('10:00'), { ip: freshIp() }), 404, 'not_found');
  });

  it('two parallel holds of one slot: exactly one 201', async () => {
    for (let round = 0; round < 3; round++) {
      const { eventType, user } = await hostWithEventType();
      const results = await Promise.all([reserve(eventType.id, at('10:00'), { ip: freshIp() }), reserve(eventType.id, at('10:00'), { ip: freshIp() })]);
      expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
      const live = await env.DB.prepare('SELECT COUNT(*) AS n FROM slot_reservations WHERE host_id = ?').bind(user.id).first<{ n: number }>();
      expect(live!.n).toBe(1);
    }
  });

  it('a hold racing a booking for one slot: exactly one wins', async () => {
    for (let round = 0; round < 5; round++) {
      const { eventType, user } = await hostWithEventType();
      const [hold, booking] = await Promise.all([reserve(eventType.id, at('10:00'), { ip: freshIp() }), book(eventType.id, at('10:00'))]);
      expect([hold.status, booking.status].sort()).toEqual([201, 409]);
      const taken = await env.DB.prepare(
        `SELECT (SELECT COUNT(*) FROM slot_reservations WHERE host_id = ?1) + (SELECT COUNT(*) FROM bookings WHERE host_id = ?1) AS n`,
      )
        .bind(user.id)
        .first<{ n: number }>();
      expect(taken!.n).toBe(1);
    }
  });

  it('the SQL guard alone keeps a hold out of a booked span (even bypassing the object)', async () => {
    const { eventType, user } = await hostWithEventType();
    await book(eventType.id, at('10:00'));
    const { guardedHoldInsert } = await import('../src/reservations/repo');
    const now = Date.now();
    const start = Date.parse(at('10:15'));
    const [res] = await env.DB.batch([
      guardedHoldInsert(
        env.DB,
        { uid: 'bypass-attempt-000001', hostId: user.id, eventTypeId: eventType.id, slotStart: start, slotEnd: start + 1_800_000, occupiedStart: start, occupiedEnd: start + 1_800_000, expiresAt: now + 60_000, clientHash: 'x', holderId: null },
        now,
      ),
    ]);
    expect(res!.results).toHaveLength(0);
  });
});

describe('expiry', () => {
  it('an expired hold frees its slot at once, before any sweep: listed, bookable, and its uid is 404', async () => {
    const { eventType } = await hostWithEventType();
    const hold = await reserve(eventType.id, at('10:00'), { ip: freshIp() });
    // Time passes: the hold's expiry is now in the past (no sweep has run; the row is still there).
    await env.DB.prepare('UPDATE slot_reservations SET expires_at = ? WHERE uid = ?').bind(Date.now() - 1, hold.json.uid).run();
    expect(await offeredStarts(eventType.id)).toContain(iso(at('10:00')));
    expectError(await api('GET', `/v2/slots/reservations/${hold.json.uid}`), 404, 'not_found');
    expectError(await book(eventType.id, at('10:00'), { reservation_uid: hold.json.uid }), 404, 'not_found');
    expect((await book(eventType.id, at('10:00'))).status).toBe(201);
  });

  it("the object's guard compares with its own clock: six minutes later another client books the slot", async () => {
    const { eventType, user } = await hostWithEventType();
    const hold = await reserve(eventType.id, at('10:00'), { ip: freshIp() });
    expect(hold.status).toBe(201);
    const stub = env.HOST_CALENDAR.get(env.HOST_CALENDAR.idFromName(`host:${user.id}`));
    const outcome = await runInDurableObject(stub, async (instance) => {
      const obj = instance as unknown as HostCalendar;
      obj.clock = () => Date.now() + 6 * 60_000;
      try {
        return await obj.book({
          eventTypeId: eventType.id,
          start: Date.parse(at('10:00')),
          attendee: { name: 'Late', email: 'late@example.com', timezone: 'UTC', notes: null },
          location: null,
          metadata: null,
          idempotencyKey: null,
          idempotencyHash: null,
        });
      } finally {
        obj.clock = () => Date.now();
      }
    });
    expect(outcome.ok).toBe(true);
  });

  it('the cron sweep deletes expired holds and keeps live ones', async () => {
    const { eventType } = await hostWithEventType();
    const expired = await reserve(eventType.id, at('10:00'), { ip: freshIp() });
    const live = await reserve(eventType.id, at('11:00'), { ip: freshIp() });
    await env.DB.prepare('UPDATE slot_reservations SET expires_at = ? WHERE uid = ?').bind(Date.now() - 1, expired.json.uid).run();
    const worker = (await import('../src/index')).default;
    await worker.scheduled({} as ScheduledController, env);
    const uids = await env.DB.prepare('SELECT uid FROM slot_reservations WHERE uid IN (?, ?)').bind(expired.json.uid, live.json.uid).all<{ uid: string }>();
    expect(uids.results.map((r) => r.uid)).toEqual([live.json.uid]);
  });
});

describe('the uid is the key', () => {
  it('a wrong uid is 404 everywhere; a reservation of another event type or start cannot be used to book', async () => {
    const { eventType, token } = await hostWithEventType();
    const other = await createEventType(token);
    const missing = 'nosuchreservation0001';
    expectError(await api('GET', `/v2/slots/reservations/${missing}`), 404, 'not_found');
    expectError(await api('PATCH', `/v2/slots/reservations/${missing}`, { body: { slot_start: at('10:00') } }), 404, 'not_found');
    expectError(await api('DELETE', `/v2/slots/reservations/${missing}`), 404, 'not_found');
    expectError(await api('GET', '/v2/slots/reservations/bad!'), 404, 'not_found');
    expectError(await book(eventType.id, at('10:00'), { reservation_uid: missing }), 404, 'not_found');

    const hold = await reserve(eventType.id, at('10:00'), { ip: freshIp() });
    // A foreign use: the same host's other event type, or another start.
    expectError(await book(other.id, at('10:00'), { reservation_uid: hold.json.uid }), 404, 'not_found');
    expectError(await book(eventType.id, at('11:00'), { reservation_uid: hold.json.uid }), 404, 'not_found');
    // Another host's event type with this uid: also 404, and the hold stays.
    const stranger = await hostWithEventType();
    expectError(await book(stranger.eventType.id, at('10:00'), { reservation_uid: hold.json.uid }), 404, 'not_found');
    expect((await api('GET', `/v2/slots/reservations/${hold.json.uid}`)).status).toBe(200);
  });
});

describe('PATCH and DELETE /v2/slots/reservations/{uid}', () => {
  it('moving keeps the expiry and frees the old slot; releasing frees the slot', async () => {
    const { eventType } = await hostWithEventType();
    const hold = await reserve(eventType.id, at('10:00'), { ip: freshIp() });
    const moved = await api('PATCH', `/v2/slots/reservations/${hold.json.uid}`, { body: { slot_start: at('13:00') } });
    expect(moved.status).toBe(200);
    expect(moved.json).toMatchObject({ uid: hold.json.uid, slot_start: iso(at('13:00')), expires_at: hold.json.expires_at });
    const starts = await offeredStarts(eventType.id);
    expect(starts).toContain(iso(at('10:00')));
    expect(starts).not.toContain(iso(at('13:00')));

    const released = await api('DELETE', `/v2/slots/reservations/${hold.json.uid}`);
    expect(released.status).toBe(204);
    expect(await offeredStarts(eventType.id)).toContain(iso(at('13:00')));
    expectError(await api('DELETE', `/v2/slots/reservations/${hold.json.uid}`), 404, 'not_found');
  });

  it('moving onto a booked or held slot is 409 and leaves the hold where it was', async () => {
    const { eventType } = await hostWithEventType();
    const hold = await reserve(eventType.id, at('10:00'), { ip: freshIp() });
    await reserve(eventType.id, at('11:00'), { ip: freshIp() });
    await book(eventType.id, at('12:00'));
    expectError(await api('PATCH', `/v2/slots/reservations/${hold.json.uid}`, { body: { slot_start: at('11:00') } }), 409, 'slot_unavailable');
    expectError(await api('PATCH', `/v2/slots/reservations/${hold.json.uid}`, { body: { slot_start: at('12:00') } }), 409, 'slot_unavailable');
    expect((await api('GET', `/v2/slots/reservations/${hold.json.uid}`)).json.slot_start).toBe(iso(at('10:00')));
  });

  it('only the signed-in host or a super admin chooses the duration (1-60 minutes); beyond 60 is 400', async () => {
    const { eventType, token } = await hostWithEventType();
    const stranger = await makeUser();
    const admin = await makeAdmin();
    expectError(await reserve(eventType.id, at('09:00'), { ip: freshIp(), minutes: 30 }), 403, 'forbidden');
    expectError(await reserve(eventType.id, at('09:00'), { ip: freshIp(), minutes: 30, token: stranger.token }), 403, 'forbidden');
    expectError(await reserve(eventType.id, at('09:00'), { ip: freshIp(), minutes: 61, token }), 400, 'validation_failed');
    expectError(await reserve(eventType.id, at('09:00'), { ip: freshIp(), minutes: 0, token }), 400, 'validation_failed');

    const t0 = Date.now();
    const byHost = await reserve(eventType.id, at('09:00'), { ip: freshIp(), minutes: 45, token });
    expect(byHost.status).toBe(201);
    expect(Date.parse(byHost.json.expires_at) - t0).toBeGreaterThan(44 * 60_000);
    const byAdmin = await reserve(eventType.id, at('10:00'), { ip: freshIp(), minutes: 60, token: admin.token });
    expect(byAdmin.status).toBe(201);

    const anon = await reserve(eventType.id, at('11:00'), { ip: freshIp() });
    const path = `/v2/slots/reservations/${anon.json.uid}`;
    expectError(await api('PATCH', path, { body: { reservation_duration_minutes: 61 }, token }), 400, 'validation_failed');
    expectError(await api('PATCH', path, { body: { reservation_duration_minutes: 10 } }), 403, 'forbidden');
    expectError(await api('PATCH', path, { body: {} }), 400, 'validation_failed');
    expectError(await api('PATCH', path, { body: { slot_start: at('12:00'), extra: 1 } }), 400, 'validation_failed');
    const extended = await api('PATCH', path, { body: { reservation_duration_minutes: 60 }, token });
    expect(extended.status).toBe(200);
    expect(Date.parse(extended.json.expires_at) - Date.now()).toBeGreaterThan(59 * 60_000);
  });

  it('rejects bad bodies with the error shape', async () => {
    const { eventType } = await hostWithEventType();
    expectError(await api('POST', '/v2/slots/reservations', { body: { event_type_id: eventType.id } }), 400, 'validation_failed');
    expectError(await api('POST', '/v2/slots/reservations', { body: { event_type_id: eventType.id, slot_start: 'soon' } }), 400, 'validation_failed');
    expectError(await api('POST', '/v2/slots/reservations', { body: { event_type_id: eventType.id, slot_start: at('10:00'), x: 1 } }), 400, 'validation_failed');
  });
});

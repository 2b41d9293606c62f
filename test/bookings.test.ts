import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { HostCalendar } from '../src/bookings/host-calendar';
import { api, ATTENDEE, book, createEventType, expectError, hostWithEventType, issuePaths, makeAdmin, makeUser, upcomingDate } from './helpers';

const MONDAY = upcomingDate(1, 7);
const at = (date: string, hhmm: string) => `${date}T${hhmm}:00Z`;

async function slotsOn(eventTypeId: number, date: string) {
  const res = await api('GET', `/v2/slots/available?event_type_id=${eventTypeId}&start_time=${date}T00:00:00Z&end_time=${date}T23:59:59Z&timezone=UTC`);
  expect(res.status).toBe(200);
  return ((res.json.slots[date] ?? []) as { start: string }[]).map((s) => s.start.slice(11, 16));
}

describe('POST /v2/bookings', () => {
  it('books an offered slot: 201 accepted with the attendee stored', async () => {
    const { user, eventType } = await hostWithEventType({ location_type: 'zoom', location_value: 'https://zoom.us/j/1' });
    const res = await book(eventType.id, at(MONDAY, '10:00'), { metadata: { source: 'test' } });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({
      uid: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
      status: 'accepted',
      event_type_id: eventType.id,
      host_id: user.id,
      start: at(MONDAY, '10:00').replace('Z', '.000Z'),
      end: at(MONDAY, '10:30').replace('Z', '.000Z'),
      attendee: ATTENDEE,
      location_type: 'zoom',
      location: 'https://zoom.us/j/1',
      metadata: { source: 'test' },
    });
    const row = await env.DB.prepare(
      'SELECT a.name, a.email, a.timezone, a.notes FROM booking_attendees a JOIN bookings b ON b.id = a.booking_id WHERE b.uid = ?',
    )
      .bind(res.json.uid)
      .first();
    expect(row).toEqual(ATTENDEE);
  });

  it('gives each booking a different unguessable uid', async () => {
    const { eventType } = await hostWithEventType();
    const a = await book(eventType.id, at(MONDAY, '10:00'));
    const b = await book(eventType.id, at(MONDAY, '11:00'));
    expect(a.json.uid).not.toBe(b.json.uid);
  });

  it('creates a pending booking when the event type requires confirmation, and the pending booking holds its slot', async () => {
    const { eventType } = await hostWithEventType({ requires_confirmation: true });
    const first = await book(eventType.id, at(MONDAY, '10:00'));
    expect(first.status).toBe(201);
    expect(first.json.status).toBe('pending');
    expectError(await book(eventType.id, at(MONDAY, '10:00')), 409, 'slot_unavailable');
  });

  it('answers a second booking of the same slot with 409 slot_unavailable', async () => {
    const { eventType } = await hostWithEventType();
    expect((await book(eventType.id, at(MONDAY, '10:00'))).status).toBe(201);
    const second = await book(eventType.id, at(MONDAY, '10:00'));
    expectError(second, 409, 'slot_unavailable');
    expect(second.json.error.message).toMatch(/overlap|booked|busy/i);
  });

  it.each([
    ['outside working hours', () => at(MONDAY, '18:00'), {}, /hours|available/i],
    ['on a weekend', () => at(upcomingDate(6, 7), '10:00'), {}, /hours|available/i],
    ['off the interval grid', () => at(MONDAY, '10:07'), {}, /offered every 30 minutes/i],
    ['in the past', () => '2020-01-06T10:00:00Z', {}, /past/i],
    ['inside the minimum notice', () => new Date(Date.now() + 3_600_000).toISOString(), { minimum_notice_hours: 24 }, /notice|past|hours|interval/i],
    ['beyond the booking window', () => at(upcomingDate(1, 40), '10:00'), { booking_window_days: 30 }, /at most 30 days/i],
  ])('refuses a start %s with 409 slot_unavailable and the reason', async (_label, start, settings, reason) => {
    const { eventType } = await hostWithEventType(settings);
    const res = await book(eventType.id, start());
    expectError(res, 409, 'slot_unavailable');
    expect(res.json.error.message).toMatch(reason);
  });

  it('answers an unknown or inactive event type with 404', async () => {
    expectError(await book(99_999_999, at(MONDAY, '10:00')), 404, 'not_found');
    const { eventType } = await hostWithEventType({ is_active: false });
    expectError(await book(eventType.id, at(MONDAY, '10:00')), 404, 'not_found');
  });

  it.each([
    ['attendee.name', { attendee: { ...ATTENDEE, name: '' } }],
    ['attendee.name', { attendee: { ...ATTENDEE, name: 'x'.repeat(121) } }],
    ['attendee.email', { attendee: { ...ATTENDEE, email: 'jane-at-example.com' } }],
    ['attendee.timezone', { attendee: { ...ATTENDEE, timezone: 'America/Atlantis' } }],
    ['attendee.notes', { attendee: { ...ATTENDEE, notes: 'x'.repeat(2001) } }],
    ['attendee.phone', { attendee: { ...ATTENDEE, phone: '123' } }],
    ['attendee', { attendee: undefined }],
    ['start', { start: '2025-11-15 14:00' }],
    ['start', { start: undefined }],
    ['event_type_id', { event_type_id: '1' }],
    ['metadata.source', { metadata: { source: { nested: true } } }],
    ['end', { end: '2025-11-15T14:30:00Z' }],
  ])('rejects an invalid %s with 400', async (path, patch) => {
    const { eventType } = await hostWithEventType();
    const res = await api('POST', '/v2/bookings', { body: { event_type_id: eventType.id, start: at(MONDAY, '10:00'), attendee: ATTENDEE, ...patch } });
    expectError(res, 400, 'validation_failed');
    expect(issuePaths(res)).toContain(path);
  });

  it('accepts the spec example body shape (attendee without notes)', async () => {
    const { eventType } = await hostWithEventType();
    const { notes: _notes, ...attendee } = ATTENDEE;
    const res = await api('POST', '/v2/bookings', { body: { event_type_id: eventType.id, start: at(MONDAY, '14:00'), attendee } });
    expect(res.status).toBe(201);
    expect(res.json.attendee.notes).toBeNull();
  });
});

describe('Idempotency-Key', () => {
  it('replays the first answer for a retry with the same key and body', async () => {
    const { eventType } = await hostWithEventType();
    const key = `key-${Math.random()}`;
    const first = await book(eventType.id, at(MONDAY, '10:00'), {}, { 'idempotency-key': key });
    const retry = await book(eventType.id, at(MONDAY, '10:00'), {}, { 'idempotency-key': key });
    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.json.uid).toBe(first.json.uid);
    const count = await env.DB.prepare('SELECT COUNT(*) AS n FROM bookings WHERE event_type_id = ?').bind(eventType.id).first<{ n: number }>();
    expect(count!.n).toBe(1);
  });

  it('answers the same key with a different body with 422', async () => {
    const { eventType } = await hostWithEventType();
    const key = `key-${Math.random()}`;
    await book(eventType.id, at(MONDAY, '10:00'), {}, { 'idempotency-key': key });
    expectError(await book(eventType.id, at(MONDAY, '11:00'), {}, { 'idempotency-key': key }), 422, 'idempotency_key_reused');
  });

  it('replays exactly one booking when parallel retries share a key', async () => {
    const { eventType } = await hostWithEventType();
    const key = `key-${Math.random()}`;
    const results = await Promise.all(Array.from({ length: 10 }, () => book(eventType.id, at(MONDAY, '10:00'), {}, { 'idempotency-key': key })));
    expect(new Set(results.map((r) => r.status))).toEqual(new Set([201]));
    expect(new Set(results.map((r) => r.json.uid)).size).toBe(1);
  });

  it('rejects a malformed key', async () => {
    const { eventType } = await hostWithEventType();
    expectError(await book(eventType.id, at(MONDAY, '10:00'), {}, { 'idempotency-key': 'x'.repeat(201) }), 400, 'validation_failed');
  });
});

describe('GET /v2/bookings/{uid}', () => {
  it('returns the booking to anyone holding its uid', async () => {
    const { eventType } = await hostWithEventType();
    const created = await book(eventType.id, at(MONDAY, '10:00'));
    const res = await api('GET', `/v2/bookings/${created.json.uid}`);
    expect(res.status).toBe(200);
    expect(res.json).toEqual(created.json);
  });

  it('answers unknown and malformed uids with 404', async () => {
    expectError(await api('GET', '/v2/bookings/AAAAAAAAAAAAAAAAAAAAAA'), 404, 'not_found');
    expectError(await api('GET', '/v2/bookings/not!valid'), 404, 'not_found');
  });
});

describe('PATCH /v2/bookings/{uid} (reschedule)', () => {
  it('moves the booking, keeps the uid, records the previous start, and frees the old slot', async () => {
    const { eventType } = await hostWithEventType();
    const created = await book(eventType.id, at(MONDAY, '10:00'));
    const res = await api('PATCH', `/v2/bookings/${created.json.uid}`, { body: { start: at(MONDAY, '15:00'), reason: 'clash' } });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      uid: created.json.uid,
      start: `${MONDAY}T15:00:00.000Z`,
      previous_start: `${MONDAY}T10:00:00.000Z`,
      reschedule_reason: 'clash',
      status: 'accepted',
    });
    const offered = await slotsOn(eventType.id, MONDAY);
    expect(offered).toContain('10:00');
    expect(offered).not.toContain('15:00');
  });

  it('refuses a slot that is taken, unavailable, or a cancelled or past booking', async () => {
    const { eventType } = await hostWithEventType();
    const a = await book(eventType.id, at(MONDAY, '10:00'));
    await book(eventType.id, at(MONDAY, '11:00'));
    expectError(await api('PATCH', `/v2/bookings/${a.json.uid}`, { body: { start: at(MONDAY, '11:00') } }), 409, 'slot_unavailable');
    expectError(await api('PATCH', `/v2/bookings/${a.json.uid}`, { body: { start: at(MONDAY, '20:00') } }), 409, 'slot_unavailable');

    await env.DB.prepare('UPDATE bookings SET start_at = ?, end_at = ? WHERE uid = ?').bind(Date.now() - 7_200_000, Date.now() - 5_400_000, a.json.uid).run();
    expectError(await api('PATCH', `/v2/bookings/${a.json.uid}`, { body: { start: at(MONDAY, '13:00') } }), 409, 'conflict');

    const c = await book(eventType.id, at(MONDAY, '14:00'));
    await api('DELETE', `/v2/bookings/${c.json.uid}`);
    expectError(await api('PATCH', `/v2/bookings/${c.json.uid}`, { body: { start: at(MONDAY, '15:00') } }), 409, 'conflict');
  });

  it('may move a booking within its own occupied time (it does not collide with itself)', async () => {
    const { eventType } = await hostWithEventType({ slot_interval_minutes: 15 });
    const a = await book(eventType.id, at(MONDAY, '10:00'));
    const res = await api('PATCH', `/v2/bookings/${a.json.uid}`, { body: { start: at(MONDAY, '10:15') } });
    expect(res.status).toBe(200);
  });

  it('validates the body and answers unknown uids with 404', async () => {
    const { eventType } = await hostWithEventType();
    const a = await book(eventType.id, at(MONDAY, '10:00'));
    expectError(await api('PATCH', `/v2/bookings/${a.json.uid}`, { body: {} }), 400, 'validation_failed');
    expectError(await api('PATCH', `/v2/bookings/${a.json.uid}`, { body: { start: at(MONDAY, '11:00'), status: 'accepted' } }), 400, 'validation_failed');
    expectError(await api('PATCH', '/v2/bookings/AAAAAAAAAAAAAAAAAAAAAA', { body: { start: at(MONDAY, '11:00') } }), 404, 'not_found');
  });
});

describe('DELETE /v2/bookings/{uid} (cancel)', () => {
  it('cancels with a reason, frees the slot, and cancelling twice is harmless', async () => {
    const { eventType } = await hostWithEventType();
    const a = await book(eventType.id, at(MONDAY, '10:00'));
    const res = await api('DELETE', `/v2/bookings/${a.json.uid}`, { body: { reason: 'Something came up' } });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ uid: a.json.uid, status: 'cancelled', cancellation_reason: 'Something came up' });
    const again = await api('DELETE', `/v2/bookings/${a.json.uid}`);
    expect(again.status).toBe(200);
    expect(again.json.status).toBe('cancelled');
    expect(again.json.cancellation_reason).toBe('Something came up');
    expect(await slotsOn(eventType.id, MONDAY)).toContain('10:00');
    expect((await book(eventType.id, at(MONDAY, '10:00'))).status).toBe(201);
  });

  it('works without a body and answers unknown uids with 404', async () => {
    const { eventType } = await hostWithEventType();
    const a = await book(eventType.id, at(MONDAY, '10:00'));
    expect((await api('DELETE', `/v2/bookings/${a.json.uid}`)).json.cancellation_reason).toBeNull();
    expectError(await api('DELETE', '/v2/bookings/AAAAAAAAAAAAAAAAAAAAAA'), 404, 'not_found');
    expectError(await api('DELETE', `/v2/bookings/${a.json.uid}`, { body: { why: 'x' } }), 400, 'validation_failed');
  });
});

describe('a JSON Content-Type with no body (a common client default)', () => {
  it('cancels and declines without a reason, like confirm, instead of answering "malformed JSON"', async () => {
    const { token, eventType } = await hostWithEventType({ requires_confirmation: true });
    const a = await book(eventType.id, at(MONDAY, '10:00'));
    const b = await book(eventType.id, at(MONDAY, '11:00'));
    const json = { 'content-type': 'application/json' };
    const cancelled = await api('DELETE', `/v2/bookings/${a.json.uid}`, { headers: json });
    expect(cancelled.status).toBe(200);
    expect(cancelled.json).toMatchObject({ status: 'cancelled', cancellation_reason: null });
    const declined = await api('POST', `/v2/bookings/${b.json.uid}/decline`, { token, headers: { ...json, 'content-length': '0' } });
    expect(declined.status).toBe(200);
    expect(declined.json).toMatchObject({ status: 'rejected', rejection_reason: null });
  });

  it('still requires the fields of a body that is not optional, and still refuses malformed JSON', async () => {
    const { eventType } = await hostWithEventType();
    const empty = await api('POST', '/v2/bookings', { headers: { 'content-type': 'application/json' } });
    expectError(empty, 400, 'validation_failed');
    expect(issuePaths(empty)).toEqual(expect.arrayContaining(['event_type_id', 'start', 'attendee']));
    expectError(await api('POST', '/v2/bookings', { body: `{"event_type_id": ${eventType.id},` }), 400, 'validation_failed');
  });
});

describe('confirm and decline', () => {
  it('lets the host confirm a pending booking', async () => {
    const { token, eventType } = await hostWithEventType({ requires_confirmation: true });
    const a = await book(eventType.id, at(MONDAY, '10:00'));
    const res = await api('POST', `/v2/bookings/${a.json.uid}/confirm`, { token });
    expect(res.status).toBe(200);
    expect(res.json.status).toBe('accepted');
    expectError(await api('POST', `/v2/bookings/${a.json.uid}/confirm`, { token }), 409, 'conflict');
  });

  it('lets the host decline with a reason, which frees the slot', async () => {
    const { token, eventType } = await hostWithEventType({ requires_confirmation: true });
    const a = await book(eventType.id, at(MONDAY, '10:00'));
    const res = await api('POST', `/v2/bookings/${a.json.uid}/decline`, { token, body: { reason: 'Fully booked' } });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ status: 'rejected', rejection_reason: 'Fully booked' });
    expect(await slotsOn(eventType.id, MONDAY)).toContain('10:00');
  });

  it('hides the booking from other users (404), requires a session (401), and lets super admins act', async () => {
    const { eventType } = await hostWithEventType({ requires_confirmation: true });
    const other = await makeUser();
    const a = await book(eventType.id, at(MONDAY, '10:00'));
    expectError(await api('POST', `/v2/bookings/${a.json.uid}/confirm`, { token: other.token }), 404, 'not_found');
    expectError(await api('POST', `/v2/bookings/${a.json.uid}/decline`, { token: other.token }), 404, 'not_found');
    expectError(await api('POST', `/v2/bookings/${a.json.uid}/confirm`), 401, 'unauthorized');
    const admin = await makeAdmin();
    expect((await api('POST', `/v2/bookings/${a.json.uid}/confirm`, { token: admin.token })).json.status).toBe('accepted');
  });

  it('refuses to confirm or decline a booking that is not pending', async () => {
    const { token, eventType } = await hostWithEventType();
    const a = await book(eventType.id, at(MONDAY, '10:00'));
    expectError(await api('POST', `/v2/bookings/${a.json.uid}/decline`, { token }), 409, 'conflict');
  });
});

describe('GET /v2/bookings', () => {
  it("lists the host's own bookings only, with filters and cursor pagination", async () => {
    const { token, eventType } = await hostWithEventType();
    const other = await hostWithEventType();
    const second = await createEventType(token);
    await book(eventType.id, at(MONDAY, '10:00'));
    const b = await book(eventType.id, at(MONDAY, '11:00'));
    await book(second.id, at(MONDAY, '12:00'));
    await book(other.eventType.id, at(MONDAY, '10:00'));
    await api('DELETE', `/v2/bookings/${b.json.uid}`);

    const all = await api('GET', '/v2/bookings', { token });
    expect(all.status).toBe(200);
    expect(all.json.data.map((x: { start: string }) => x.start.slice(11, 16))).toEqual(['10:00', '11:00', '12:00']);

    const accepted = await api('GET', '/v2/bookings?status=accepted', { token });
    expect(accepted.json.data).toHaveLength(2);
    const byType = await api('GET', `/v2/bookings?event_type_id=${second.id}`, { token });
    expect(byType.json.data).toHaveLength(1);
    const window = await api('GET', `/v2/bookings?from=${at(MONDAY, '10:30')}&to=${at(MONDAY, '12:00')}`, { token });
    expect(window.json.data.map((x: { uid: string }) => x.uid)).toEqual([b.json.uid]);

    const p1 = await api('GET', '/v2/bookings?limit=2', { token });
    expect(p1.json.data).toHaveLength(2);
    const p2 = await api('GET', `/v2/bookings?limit=2&cursor=${p1.json.next_cursor}`, { token });
    expect(p2.json.data.map((x: { start: string }) => x.start.slice(11, 16))).toEqual(['12:00']);
    expect(p2.json.next_cursor).toBeNull();
  });

  it('shows super admins every host', async () => {
    const a = await hostWithEventType();
    const b = await hostWithEventType();
    const x = await book(a.eventType.id, at(MONDAY, '10:00'));
    const y = await book(b.eventType.id, at(MONDAY, '10:00'));
    const admin = await makeAdmin();
    const res = await api('GET', `/v2/bookings?from=${at(MONDAY, '10:00')}&to=${at(MONDAY, '10:01')}&limit=200`, { token: admin.token });
    const uids = res.json.data.map((r: { uid: string }) => r.uid);
    expect(uids).toEqual(expect.arrayContaining([x.json.uid, y.json.uid]));
  });

  it('requires a session and validates filters', async () => {
    expectError(await api('GET', '/v2/bookings'), 401, 'unauthorized');
    const { token } = await makeUser();
    expectError(await api('GET', '/v2/bookings?status=done', { token }), 400, 'validation_failed');
    expectError(await api('GET', '/v2/bookings?from=yesterday', { token }), 400, 'validation_failed');
    expectError(await api('GET', `/v2/bookings?from=${at(MONDAY, '10:00')}&to=${at(MONDAY, '09:00')}`, { token }), 400, 'validation_failed');
  });
});

describe('offered slots are exactly the bookable ones', () => {
  it('books every slot offered on a day, after which none is offered', async () => {
    const { eventType } = await hostWithEventType();
    const offered = await slotsOn(eventType.id, MONDAY);
    expect(offered).toHaveLength(16);
    // One attendee per slot: a single email may hold at most MAX_FUTURE_BOOKINGS_PER_ATTENDEE (10) of a host's slots.
    for (const hhmm of offered) {
      const attendee = { name: 'Jane Doe', email: `jane-${hhmm.replace(':', '')}@example.com`, timezone: 'UTC' };
      expect((await book(eventType.id, at(MONDAY, hhmm), { attendee })).status).toBe(201);
    }
    expect(await slotsOn(eventType.id, MONDAY)).toEqual([]);
  });

  it('removes the booked slot and every slot its buffers touch', async () => {
    const { eventType } = await hostWithEventType({ buffer_before_minutes: 15, buffer_after_minutes: 15, slot_interval_minutes: 15 });
    const before = await slotsOn(eventType.id, MONDAY);
    expect(before).toContain('10:00');
    expect((await book(eventType.id, at(MONDAY, '10:00'))).status).toBe(201);
    const after = await slotsOn(eventType.id, MONDAY);
    // Occupied 09:45-10:45; a slot s occupies [s-15, s+45), so 09:15 .. 10:45 now collide.
    const gone = before.filter((s) => !after.includes(s));
    expect(gone).toEqual(['09:15', '09:30', '09:45', '10:00', '10:15', '10:30', '10:45']);
    for (const s of gone) expectError(await book(eventType.id, at(MONDAY, s)), 409, 'slot_unavailable');
  });

  it("blocks a host's other event types too", async () => {
    const { token, eventType } = await hostWithEventType();
    const other = await createEventType(token, { duration_minutes: 60 });
    expect((await book(eventType.id, at(MONDAY, '10:00'))).status).toBe(201);
    expect(await slotsOn(other.id, MONDAY)).not.toContain('10:00');
    expectError(await book(other.id, at(MONDAY, '09:30')), 409, 'slot_unavailable');
  });
});

describe('races with deletions answer 4xx, never 500', () => {
  it('a booking whose event type is deleted between the check and the write gets 404', async () => {
    const { user, eventType } = await hostWithEventType();
    const stub = env.HOST_CALENDAR.get(env.HOST_CALENDAR.idFromName(`host:${user.id}`));
    const outcome = await runInDurableObject(stub, async (obj) => {
      const instance = obj as unknown as HostCalendar;
      // The host's object checked the slot; before its write batch runs, someone deletes the event type.
      const holder = instance as unknown as { env: { DB: D1Database } };
      const realEnv = holder.env;
      // The object runs its writes on a D1 session: delete the event type just before that session's batch.
      const racingSession = (session: D1DatabaseSession) =>
        new Proxy(session, {
          get(target, prop) {
            if (prop === 'batch') {
              return async (statements: D1PreparedStatement[]) => {
                await realEnv.DB.prepare('DELETE FROM booking_event_types WHERE id = ?').bind(eventType.id).run();
                return target.batch(statements);
              };
            }
            const value = Reflect.get(target, prop);
            return typeof value === 'function' ? value.bind(target) : value;
          },
        });
      const racing = new Proxy(realEnv.DB, {
        get(target, prop) {
          if (prop === 'withSession') return (start?: string) => racingSession(target.withSession(start));
          const value = Reflect.get(target, prop);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
      holder.env = { ...realEnv, DB: racing };
      try {
        return await instance.book({
          eventTypeId: eventType.id,
          start: Date.parse(at(MONDAY, '10:00')),
          attendee: { ...ATTENDEE },
          location: null,
          metadata: null,
          idempotencyKey: null,
          idempotencyHash: null,
        });
      } finally {
        holder.env = realEnv;
      }
    });
    expect(outcome).toMatchObject({ ok: false, code: 'not_found', message: 'Event type not found' });
    const rows = await env.DB.prepare('SELECT COUNT(*) AS n FROM bookings WHERE host_id = ?').bind(user.id).first<{ n: number }>();
    expect(rows!.n).toBe(0);
  });
});

describe('normalised input', () => {
  it('stores a blank reason as null and an attendee timezone in its canonical spelling', async () => {
    const { eventType } = await hostWithEventType();
    const created = await book(eventType.id, at(MONDAY, '10:00'), { attendee: { ...ATTENDEE, timezone: 'america/new_york' } });
    expect(created.json.attendee.timezone).toBe('America/New_York');
    const cancelled = await api('DELETE', `/v2/bookings/${created.json.uid}`, { body: { reason: '   ' } });
    expect(cancelled.status).toBe(200);
    expect(cancelled.json.cancellation_reason).toBeNull();
  });
});

import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { api, ATTENDEE, book, expectError, freshIp, freshIpv6Network, hostWithEventType, makeUser, reserve, upcomingDate } from './helpers';

// Defaults from wrangler.toml [vars]: MAX_ACTIVE_HOLDS_PER_CLIENT = 3, MAX_FUTURE_BOOKINGS_PER_ATTENDEE = 10.
const HOLD_CAP = Number(env.MAX_ACTIVE_HOLDS_PER_CLIENT);
const BOOKING_CAP = Number(env.MAX_FUTURE_BOOKINGS_PER_ATTENDEE);

const MONDAY = upcomingDate(1, 7);
const TUESDAY = new Date(Date.parse(MONDAY) + 86_400_000).toISOString().slice(0, 10);
/** The n-th half-hour slot of Monday then Tuesday, from 09:00 UTC (16 a day). */
const slot = (n: number) => new Date(Date.parse(`${n < 16 ? MONDAY : TUESDAY}T09:00:00Z`) + (n % 16) * 1_800_000).toISOString();

describe('live holds per client and host', () => {
  it('the cap is the [vars] default', () => {
    expect(HOLD_CAP).toBe(3);
    expect(BOOKING_CAP).toBe(10);
  });

  it(`one IP holds at most ${HOLD_CAP} slots of a host (409 too_many_holds); another IP and another host are unaffected`, async () => {
    const { eventType } = await hostWithEventType();
    const ip = freshIp();
    for (let i = 0; i < HOLD_CAP; i++) expect((await reserve(eventType.id, slot(i), { ip })).status).toBe(201);
    expectError(await reserve(eventType.id, slot(HOLD_CAP), { ip }), 409, 'too_many_holds');
    expect((await reserve(eventType.id, slot(HOLD_CAP), { ip: freshIp() })).status).toBe(201);
    const otherHost = await hostWithEventType();
    expect((await reserve(otherHost.eventType.id, slot(0), { ip })).status).toBe(201);
  });

  it('an IPv6 client is its /64: rotating addresses inside it does not add holds', async () => {
    const { eventType } = await hostWithEventType();
    const inNetwork = freshIpv6Network();
    for (let i = 0; i < HOLD_CAP; i++) expect((await reserve(eventType.id, slot(i), { ip: inNetwork(i) })).status).toBe(201);
    expectError(await reserve(eventType.id, slot(HOLD_CAP), { ip: inNetwork(HOLD_CAP) }), 409, 'too_many_holds');
    expect((await reserve(eventType.id, slot(HOLD_CAP), { ip: freshIpv6Network()(0) })).status).toBe(201);
  });

  it('booking, releasing or expiring a hold frees a place', async () => {
    const { eventType } = await hostWithEventType();
    const ip = freshIp();
    const holds = [];
    for (let i = 0; i < HOLD_CAP; i++) holds.push((await reserve(eventType.id, slot(i), { ip })).json);
    expectError(await reserve(eventType.id, slot(10), { ip }), 409, 'too_many_holds');
    expect((await book(eventType.id, holds[0].slot_start, { reservation_uid: holds[0].uid })).status).toBe(201);
    expect((await reserve(eventType.id, slot(10), { ip })).status).toBe(201);
    expect((await api('DELETE', `/v2/slots/reservations/${holds[1].uid}`)).status).toBe(204);
    expect((await reserve(eventType.id, slot(11), { ip })).status).toBe(201);
    await env.DB.prepare('UPDATE slot_reservations SET expires_at = ? WHERE uid = ?').bind(Date.now() - 1, holds[2].uid).run();
    expect((await reserve(eventType.id, slot(12), { ip })).status).toBe(201);
    expectError(await reserve(eventType.id, slot(13), { ip }), 409, 'too_many_holds');
  });

  it('a signed-in holder is capped across IPs too', async () => {
    const { eventType } = await hostWithEventType();
    const holder = await makeUser();
    for (let i = 0; i < HOLD_CAP; i++) expect((await reserve(eventType.id, slot(i), { ip: freshIp(), token: holder.token })).status).toBe(201);
    expectError(await reserve(eventType.id, slot(HOLD_CAP), { ip: freshIp(), token: holder.token }), 409, 'too_many_holds');
  });

  it(`20 parallel holds of different slots from one client: at most ${HOLD_CAP} succeed`, async () => {
    const { eventType, user } = await hostWithEventType();
    const ip = freshIp();
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => reserve(eventType.id, slot(i), { ip })));
    const created = results.filter((r) => r.status === 201);
    expect(created).toHaveLength(HOLD_CAP);
    for (const r of results.filter((r) => r.status !== 201)) expectError(r, 409, 'too_many_holds');
    const live = await env.DB.prepare('SELECT COUNT(*) AS n FROM slot_reservations WHERE host_id = ? AND expires_at > ?').bind(user.id, Date.now()).first<{ n: number }>();
    expect(live!.n).toBe(HOLD_CAP);
  });
});

describe('future bookings per attendee email and host', () => {
  it(`the ${BOOKING_CAP + 1}th upcoming booking of one email with one host is 409 too_many_bookings; cancelling one frees a place`, async () => {
    const { eventType } = await hostWithEventType();
    const attendee = { ...ATTENDEE, email: `capped-${crypto.randomUUID()}@example.com` };
    const uids: string[] = [];
    for (let i = 0; i < BOOKING_CAP; i++) {
      const res = await book(eventType.id, slot(i), { attendee });
      expect(res.status).toBe(201);
      uids.push(res.json.uid);
    }
    // Case does not matter: the email is one attendee.
    const over = await book(eventType.id, slot(BOOKING_CAP), { attendee: { ...attendee, email: attendee.email.toUpperCase() } });
    expectError(over, 409, 'too_many_bookings');
    expect(over.json.error.message).toContain(String(BOOKING_CAP));
    // Another email, and the same email with another host, are unaffected.
    expect((await book(eventType.id, slot(BOOKING_CAP), { attendee: { ...attendee, email: `other-${crypto.randomUUID()}@example.com` } })).status).toBe(201);
    const otherHost = await hostWithEventType();
    expect((await book(otherHost.eventType.id, slot(0), { attendee })).status).toBe(201);

    expect((await api('DELETE', `/v2/bookings/${uids[0]}`)).status).toBe(200);
    expect((await book(eventType.id, slot(BOOKING_CAP + 1), { attendee })).status).toBe(201);
    expectError(await book(eventType.id, slot(BOOKING_CAP + 2), { attendee }), 409, 'too_many_bookings');
  });

  it('the cap is part of the guarded INSERT itself (even a write that bypassed the object is refused)', async () => {
    const { eventType, user } = await hostWithEventType();
    const email = `sql-${crypto.randomUUID()}@example.com`;
    expect((await book(eventType.id, slot(0), { attendee: { ...ATTENDEE, email } })).status).toBe(201);
    const { guardedInsert } = await import('../src/bookings/repo');
    const start = Date.parse(slot(5));
    const attempt = (max: number) =>
      env.DB.batch([
        guardedInsert(
          env.DB,
          { uid: `capbypass${crypto.randomUUID().slice(0, 12)}`, eventTypeId: eventType.id, hostId: user.id, title: 't', startAt: start, endAt: start + 1_800_000, occupiedStart: start, occupiedEnd: start + 1_800_000, status: 'accepted', locationType: null, locationValue: null, metadata: null, bookingFieldsResponses: null, idempotencyKey: null, idempotencyHash: null, now: Date.now() },
          { attendeeCap: { email: email.toUpperCase(), max } },
        ),
      ]);
    expect((await attempt(1))[0]!.results).toHaveLength(0);
    expect((await attempt(2))[0]!.results).toHaveLength(1);
  });

  it('parallel bookings by one email cannot slip past the cap', async () => {
    const { eventType } = await hostWithEventType();
    const attendee = { ...ATTENDEE, email: `burst-${crypto.randomUUID()}@example.com` };
    const results = await Promise.all(Array.from({ length: BOOKING_CAP + 6 }, (_, i) => book(eventType.id, slot(i), { attendee })));
    expect(results.filter((r) => r.status === 201)).toHaveLength(BOOKING_CAP);
    for (const r of results.filter((r) => r.status !== 201)) expectError(r, 409, 'too_many_bookings');
  });
});

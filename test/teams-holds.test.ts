// Holds (POST /v2/slots/reservations) on team event types: a collective hold blocks every host, a round-robin hold the
// host the assignment picks; booking through the hold takes it over atomically, as for a personal event type.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { api, ATTENDEE, book, createEventType, expectError, freshIp, reserve, upcomingDate } from './helpers';
import { hostsOfBooking, makeTeam, slotStarts, teamEventType } from './teams-helpers';

const MONDAY = upcomingDate(1, 7);
const at = (hhmm: string) => `${MONDAY}T${hhmm}:00Z`;
const startsOf = async (etId: number) =>
  slotStarts((await api('GET', `/v2/slots/available?event_type_id=${etId}&start_time=${at('09:00')}&end_time=${at('11:00')}&timezone=UTC`)).json).map((s) =>
    new Date(s).toISOString().slice(11, 16),
  );
const holdRows = async (uid: string) =>
  (
    await env.DB.prepare(`SELECT uid, host_id FROM slot_reservations WHERE uid = ? OR uid LIKE ? ORDER BY host_id`)
      .bind(uid, `${uid}~%`)
      .all<{ uid: string; host_id: number }>()
  ).results;

describe('holds on a collective event type', () => {
  it('block every host until booked through; the booking takes the hold over', async () => {
    const team = await makeTeam([{}, {}]);
    const [a, b] = team.members as [any, any];
    const et = await teamEventType(team.id, team.owner.token, { scheduling_type: 'collective', hosts: [{ user_id: a.user.id }, { user_id: b.user.id }] });
    const held = await reserve(et.id, at('10:00'), { ip: freshIp() });
    expect(held.status).toBe(201);
    expect(held.json).toMatchObject({ event_type_id: et.id, slot_start: `${MONDAY}T10:00:00.000Z`, slot_end: `${MONDAY}T10:30:00.000Z` });
    const uid = held.json.uid as string;
    expect((await holdRows(uid)).map((r) => r.host_id)).toEqual([a.user.id, b.user.id].sort((x, y) => x - y));
    expect((await api('GET', `/v2/slots/reservations/${uid}`)).json).toMatchObject({ uid, event_type_id: et.id });

    // Held for everyone else: the team's slots, a second hold, a booking without the uid, each host's own event types.
    expect(await startsOf(et.id)).not.toContain('10:00');
    expectError(await reserve(et.id, at('10:00'), { ip: freshIp() }), 409, 'slot_unavailable');
    expectError(await book(et.id, at('10:00')), 409, 'slot_unavailable');
    const personalB = await createEventType(b.token);
    expectError(await book(personalB.id, at('10:00')), 409, 'slot_unavailable');
    // The holder's own slots answer still offers it.
    const own = await api('GET', `/v2/slots/available?event_type_id=${et.id}&start_time=${at('09:00')}&end_time=${at('11:00')}&timezone=UTC&reservation_uid=${uid}`);
    expect(slotStarts(own.json).map((s) => new Date(s).toISOString().slice(11, 16))).toContain('10:00');

    const booked = await book(et.id, at('10:00'), { reservation_uid: uid });
    expect(booked.status).toBe(201);
    expect(await hostsOfBooking(booked.json.uid)).toEqual([a.user.id, b.user.id].sort((x, y) => x - y));
    expect(await holdRows(uid)).toEqual([]);
    expectError(await api('GET', `/v2/slots/reservations/${uid}`), 404, 'not_found');
  });

  it('releasing frees every host; moving is refused; a booking with an unknown uid is 404', async () => {
    const team = await makeTeam([{}, {}]);
    const et = await teamEventType(team.id, team.owner.token, { scheduling_type: 'collective', assign_all_team_members: true });
    const held = await reserve(et.id, at('10:00'), { ip: freshIp() });
    expect(held.status).toBe(201);
    const uid = held.json.uid as string;
    expectError(await api('PATCH', `/v2/slots/reservations/${uid}`, { body: { slot_start: at('10:30') } }), 409, 'conflict');
    expectError(await book(et.id, at('10:00'), { reservation_uid: 'x'.repeat(22) }), 404, 'not_found');
    expect((await api('DELETE', `/v2/slots/reservations/${uid}`)).status).toBe(204);
    expect(await holdRows(uid)).toEqual([]);
    expect(await startsOf(et.id)).toContain('10:00');
    expect((await book(et.id, at('10:00'))).status).toBe(201);
  });
});

describe('holds on a round-robin event type', () => {
  it('hold the host the assignment picks: others can still book the other host; the holder books the held one', async () => {
    const team = await makeTeam([{}, {}]);
    const [first, second] = team.members as [any, any];
    const et = await teamEventType(team.id, team.owner.token, {
      scheduling_type: 'round_robin',
      hosts: [{ user_id: first.user.id, priority: 4 }, { user_id: second.user.id, priority: 0 }],
    });
    const held = await reserve(et.id, at('10:00'), { ip: freshIp() });
    expect(held.status).toBe(201);
    const uid = held.json.uid as string;
    expect(await holdRows(uid)).toEqual([{ uid, host_id: first.user.id }]);
    // The slot is still offered: the other host is free.
    expect(await startsOf(et.id)).toContain('10:00');
    const other = await book(et.id, at('10:00'), { attendee: { ...ATTENDEE, email: 'someone.else@example.com' } });
    expect(other.status).toBe(201);
    expect(other.json.host_id).toBe(second.user.id);
    // Now nobody else can: the one free host is held.
    expectError(await book(et.id, at('10:00')), 409, 'slot_unavailable');
    const mine = await book(et.id, at('10:00'), { reservation_uid: uid });
    expect(mine.status).toBe(201);
    expect(mine.json.host_id).toBe(first.user.id);
    expect(await holdRows(uid)).toEqual([]);
  });

  it('counts each host\'s per-client cap', async () => {
    const team = await makeTeam([{}, {}]);
    const et = await teamEventType(team.id, team.owner.token, { scheduling_type: 'collective', assign_all_team_members: true });
    const ip = freshIp();
    for (const t of ['09:00', '09:30', '10:00']) expect((await reserve(et.id, at(t), { ip })).status).toBe(201);
    expectError(await reserve(et.id, at('10:30'), { ip }), 409, 'too_many_holds');
  });
});

// Team event types end to end: slots (collective = intersection, round robin = fixed ∩ union of rotating), booking
// (every attending host's time taken, assignment recorded), and team bookings blocking the hosts' other event types.
import { describe, expect, it } from 'vitest';
import { api, book, createEventType, expectError, makeUser, upcomingDate } from './helpers';
import { hostsOfBooking, makeTeam, slotStarts, teamEventType } from './teams-helpers';

const MONDAY = upcomingDate(1, 7);
const at = (hhmm: string, day = MONDAY) => `${day}T${hhmm}:00Z`;
const slotsOf = (etId: number, from: string, to: string, tz = 'UTC') =>
  api('GET', `/v2/slots/available?event_type_id=${etId}&start_time=${from}&end_time=${to}&timezone=${encodeURIComponent(tz)}`);
const utcStarts = (json: any) => slotStarts(json).map((s) => new Date(s).toISOString().slice(11, 16));

describe('collective', () => {
  it('offers only times when every host is free, and a booking takes every host\'s time', async () => {
    const team = await makeTeam([{}, {}]);
    const [a, b] = team.members;
    const et = await teamEventType(team.id, team.owner.token, { scheduling_type: 'collective', hosts: [{ user_id: a!.user.id }, { user_id: b!.user.id }] });
    expect(et).toMatchObject({ team_id: team.id, scheduling_type: 'collective' });
    const personalB = await createEventType(b!.token);
    expect((await book(personalB.id, at('10:00'))).status).toBe(201);

    const slots = await slotsOf(et.id, at('09:00'), at('12:00'));
    expect(slots.status).toBe(200);
    expect(utcStarts(slots.json)).toEqual(['09:00', '09:30', '10:30', '11:00', '11:30']);
    expectError(await book(et.id, at('10:00')), 409, 'slot_unavailable');

    const booked = await book(et.id, at('11:00'));
    expect(booked.status).toBe(201);
    expect(await hostsOfBooking(booked.json.uid)).toEqual([a!.user.id, b!.user.id].sort((x, y) => x - y));
    // The team booking blocks each host's personal event types too.
    const personalA = await createEventType(a!.token);
    expectError(await book(personalA.id, at('11:00')), 409, 'slot_unavailable');
    expect(utcStarts((await slotsOf(personalB.id, at('09:00'), at('12:00'))).json)).toEqual(['09:00', '09:30', '10:30', '11:30']);

    // Cancelling frees every host.
    expect((await api('DELETE', `/v2/bookings/${booked.json.uid}`, { body: {} })).status).toBe(200);
    expect((await book(personalA.id, at('11:00'))).status).toBe(201);
  });

  it('two hosts in New York and Berlin over the DST changes of March 2027', async () => {
    const team = await makeTeam([{ timezone: 'America/New_York' }, { timezone: 'Europe/Berlin' }]);
    const et = await teamEventType(team.id, team.owner.token, {
      scheduling_type: 'collective',
      assign_all_team_members: false,
      hosts: team.members.map((m) => ({ user_id: m.user.id })),
      booking_window_days: 730,
    });
    const res = await slotsOf(et.id, '2027-03-12T00:00:00Z', '2027-03-30T00:00:00Z');
    expect(res.status).toBe(200);
    const day = (d: string) => (res.json.slots[d] ?? []).map((s: any) => s.start.slice(11, 16));
    // Both on winter time: New York 09-17 EST = 14-22 UTC, Berlin 09-17 CET = 08-16 UTC.
    expect(day('2027-03-12')).toEqual(['14:00', '14:30', '15:00', '15:30']);
    // New York moved on 14 March (EDT, 13-21 UTC), Berlin not yet: three hours in common.
    expect(day('2027-03-15')).toEqual(['13:00', '13:30', '14:00', '14:30', '15:00', '15:30']);
    // Berlin moved on 28 March (CEST, 07-15 UTC).
    expect(day('2027-03-29')).toEqual(['13:00', '13:30', '14:00', '14:30']);
    expect(day('2027-03-13')).toEqual([]);
  });
});

describe('round robin', () => {
  it('with one fixed host: slots are the fixed host\'s times within the rotating hosts\' union; the free host is assigned', async () => {
    const team = await makeTeam([{}, {}, {}]);
    const [fixed, r1, r2] = team.members as [any, any, any];
    const et = await teamEventType(team.id, team.owner.token, {
      scheduling_type: 'roundRobin',
      hosts: [{ user_id: fixed.user.id, mandatory: true }, { user_id: r1.user.id, priority: 'high' }, { user_id: r2.user.id }],
    });
    expect(et).toMatchObject({ scheduling_type: 'round_robin' });
    expect(et.hosts).toEqual([
      expect.objectContaining({ user_id: fixed.user.id, is_fixed: true, priority: 2, weight: 100 }),
      expect.objectContaining({ user_id: r1.user.id, is_fixed: false, priority: 3 }),
      expect.objectContaining({ user_id: r2.user.id, is_fixed: false, priority: 2 }),
    ]);
    const p1 = await createEventType(r1.token);
    const p2 = await createEventType(r2.token);
    const pf = await createEventType(fixed.token);
    expect((await book(p1.id, at('10:00'))).status).toBe(201);
    expect((await book(p2.id, at('10:00'))).status).toBe(201);
    expect((await book(p2.id, at('11:00'))).status).toBe(201);
    expect((await book(pf.id, at('12:00'))).status).toBe(201);

    const slots = await slotsOf(et.id, at('09:30'), at('13:00'));
    // 10:00: both rotating hosts busy; 12:00: the fixed host is busy.
    expect(utcStarts(slots.json)).toEqual(['09:30', '10:30', '11:00', '11:30', '12:30']);

    // 11:00: only r1 is free among the rotating hosts.
    const at11 = await book(et.id, at('11:00'));
    expect(at11.status).toBe(201);
    expect(at11.json.host_id).toBe(r1.user.id);
    expect(await hostsOfBooking(at11.json.uid)).toEqual([fixed.user.id, r1.user.id].sort((x, y) => x - y));
    // 11:30: both free, r1 has the higher priority.
    const at1130 = await book(et.id, at('11:30'));
    expect(at1130.json.host_id).toBe(r1.user.id);
    expect(at1130.json.assignment_reason).toContain('highest priority');
    expectError(await book(et.id, at('12:00')), 409, 'slot_unavailable');
  });
});

describe('team event types API', () => {
  it('members see them; only owners and admins change them; outsiders get 404', async () => {
    const team = await makeTeam([{}]);
    const [member] = team.members;
    const outsider = await makeUser();
    const et = await teamEventType(team.id, team.owner.token, { scheduling_type: 'round_robin', assign_all_team_members: true });
    expect(et.hosts.map((h) => h.user_id).sort()).toEqual([team.owner.user.id, member!.user.id].sort());
    const path = `/v2/teams/${team.id}/event-types`;
    expect((await api('GET', path, { token: member!.token })).json.data).toHaveLength(1);
    expect((await api('GET', `${path}/${et.id}`, { token: member!.token })).status).toBe(200);
    expectError(await api('POST', path, { token: member!.token, body: { title: 'X', slug: 'x', duration_minutes: 30, scheduling_type: 'collective', assign_all_team_members: true } }), 403, 'forbidden');
    expectError(await api('PATCH', `${path}/${et.id}`, { token: member!.token, body: { title: 'Mine' } }), 403, 'forbidden');
    expectError(await api('GET', path, { token: outsider.token }), 404, 'not_found');
    expectError(await api('GET', `${path}/${et.id}`, { token: outsider.token }), 404, 'not_found');
    expectError(await api('DELETE', `${path}/${et.id}`, { token: outsider.token }), 404, 'not_found');
    // Hosts must be members.
    expectError(await api('PATCH', `${path}/${et.id}`, { token: team.owner.token, body: { hosts: [{ user_id: outsider.user.id }] } }), 400, 'validation_failed');
    const changed = await api('PATCH', `${path}/${et.id}`, { token: team.owner.token, body: { title: 'Renamed', distribution: 'load_balancing', hosts: [{ user_id: member!.user.id, weight: 5 }], assign_all_team_members: false } });
    expect(changed.status).toBe(200);
    expect(changed.json).toMatchObject({ title: 'Renamed', distribution: 'load_balancing', hosts: [expect.objectContaining({ user_id: member!.user.id, weight: 5 })] });
    // The personal API does not show or change team event types.
    expectError(await api('GET', `/v2/event-types/${et.id}`, { token: team.owner.token }), 404, 'not_found');
    expect((await api('DELETE', `${path}/${et.id}`, { token: team.owner.token })).status).toBe(204);
  });

  it('a host who leaves the team is no longer assigned; their bookings stay', async () => {
    const team = await makeTeam([{}, {}]);
    const [a, b] = team.members as [any, any];
    const et = await teamEventType(team.id, team.owner.token, { scheduling_type: 'round_robin', hosts: [{ user_id: a.user.id, priority: 4 }, { user_id: b.user.id }] });
    const first = await book(et.id, at('09:00'));
    expect(first.json.host_id).toBe(a.user.id);
    expect((await api('DELETE', `/v2/teams/${team.id}/members/${a.user.id}`, { token: a.token })).status).toBe(204);
    const second = await book(et.id, at('09:30'));
    expect(second.json.host_id).toBe(b.user.id);
    expect((await api('GET', `/v2/bookings/${first.json.uid}`)).json.status).toBe('accepted');
  });
});

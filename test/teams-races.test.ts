// The team guarantees under concurrency (bounded, in the test pool): no host is ever booked twice, whichever event
// type the bookings come through, and multi-host bookings never deadlock.
import { describe, expect, it } from 'vitest';
import { ATTENDEE, api, book, createEventType, upcomingDate } from './helpers';
import { hostsOfBooking, makeTeam, overlapsOfHost, statuses, teamEventType } from './teams-helpers';

const MONDAY = upcomingDate(1, 7);
const at = (hhmm: string) => `${MONDAY}T${hhmm}:00Z`;
const attendee = (i: number) => ({ ...ATTENDEE, email: `racer${i}-${Math.random().toString(36).slice(2, 8)}@example.com` });

describe('team races', () => {
  it('50 parallel bookings of one collective slot: exactly one 201', async () => {
    const team = await makeTeam([{}, {}, {}]);
    const et = await teamEventType(team.id, team.owner.token, { scheduling_type: 'collective', hosts: team.members.map((m) => ({ user_id: m.user.id })) });
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => book(et.id, at('10:00'), { attendee: attendee(i) })));
    expect(statuses(results)).toEqual({ 201: 1, 409: 49 });
    for (const r of results.filter((r) => r.status === 409)) expect(r.json.error.code).toBe('slot_unavailable');
    const winner = results.find((r) => r.status === 201)!;
    expect(await hostsOfBooking(winner.json.uid)).toEqual(team.members.map((m) => m.user.id).sort((a, b) => a - b));
    for (const m of team.members) expect(await overlapsOfHost(m.user.id)).toBe(0);
  }, 60_000);

  it('a collective booking racing personal bookings of each of its hosts: never an overlap for any host', async () => {
    const team = await makeTeam([{}, {}]);
    const et = await teamEventType(team.id, team.owner.token, { scheduling_type: 'collective', hosts: team.members.map((m) => ({ user_id: m.user.id })), duration_minutes: 60 });
    const personal = await Promise.all(team.members.map((m) => createEventType(m.token, { duration_minutes: 30 })));
    const requests = [];
    for (let i = 0; i < 10; i++) {
      requests.push(book(et.id, at('10:00'), { attendee: attendee(i) }));
      requests.push(book(personal[0]!.id, at(i % 2 ? '10:30' : '10:00'), { attendee: attendee(100 + i) }));
      requests.push(book(personal[1]!.id, at(i % 2 ? '10:00' : '10:30'), { attendee: attendee(200 + i) }));
    }
    const results = await Promise.all(requests);
    expect(results.every((r) => r.status === 201 || r.status === 409)).toBe(true);
    expect(results.filter((r) => r.status === 201).length).toBeGreaterThanOrEqual(1);
    for (const m of team.members) expect(await overlapsOfHost(m.user.id)).toBe(0);
  }, 60_000);

  it('two collective event types sharing a host, listed in opposite orders, racing: no deadlock', async () => {
    const team = await makeTeam([{}, {}, {}]);
    const [a, b, c] = team.members.map((m) => m.user.id) as [number, number, number];
    const one = await teamEventType(team.id, team.owner.token, { scheduling_type: 'collective', hosts: [{ user_id: a }, { user_id: b }] });
    const two = await teamEventType(team.id, team.owner.token, { scheduling_type: 'collective', hosts: [{ user_id: c }, { user_id: b }, { user_id: a }] });
    const started = Date.now();
    const times = ['09:00', '09:30', '10:00', '10:30', '11:00'];
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => book(i % 2 ? one.id : two.id, at(times[i % times.length]!), { attendee: attendee(i) })),
    );
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(results.every((r) => r.status === 201 || r.status === 409)).toBe(true);
    // Each time can be taken once at most (b attends both), and at least one request per time wins.
    expect(statuses(results)[201]).toBe(times.length);
    for (const id of [a, b, c]) expect(await overlapsOfHost(id)).toBe(0);
  }, 60_000);

  it('40 parallel bookings of one round-robin slot with 3 free hosts: exactly 3 × 201 on 3 hosts, 37 × 409', async () => {
    const team = await makeTeam([{}, {}, {}]);
    const et = await teamEventType(team.id, team.owner.token, { scheduling_type: 'round_robin', hosts: team.members.map((m) => ({ user_id: m.user.id })) });
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => book(et.id, at('11:00'), { attendee: attendee(i) })));
    expect(statuses(results)).toEqual({ 201: 3, 409: 37 });
    const hosts = results.filter((r) => r.status === 201).map((r) => r.json.host_id);
    expect(new Set(hosts).size).toBe(3);
    for (const m of team.members) expect(await overlapsOfHost(m.user.id)).toBe(0);
    const slots = await api('GET', `/v2/slots/available?event_type_id=${et.id}&start_time=${at('11:00')}&end_time=${at('11:30')}`);
    expect(slots.json.slots).toEqual({});
  }, 60_000);
});

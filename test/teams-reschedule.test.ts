// Rescheduling team bookings: every host is guarded at the new time, a round robin keeps its host when free and
// otherwise re-assigns (and says so), and the old time is freed for every host.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { api, book, createEventType, expectError, upcomingDate } from './helpers';
import { hostsOfBooking, makeTeam, overlapsOfHost, teamEventType } from './teams-helpers';

const MONDAY = upcomingDate(1, 7);
const at = (hhmm: string) => `${MONDAY}T${hhmm}:00Z`;
const move = (uid: string, start: string) => api('PATCH', `/v2/bookings/${uid}`, { body: { start } });

async function spansOf(uid: string) {
  const rows = await env.DB.prepare('SELECT bh.user_id, bh.occupied_start FROM booking_hosts bh JOIN bookings b ON b.id = bh.booking_id WHERE b.uid = ? ORDER BY bh.user_id')
    .bind(uid)
    .all<{ user_id: number; occupied_start: number }>();
  return rows.results;
}

describe('rescheduling team bookings', () => {
  it('a round robin keeps its host when free, otherwise re-assigns and says so', async () => {
    const team = await makeTeam([{}, {}]);
    const [a, b] = team.members as [any, any];
    const et = await teamEventType(team.id, team.owner.token, { scheduling_type: 'round_robin', hosts: [{ user_id: a.user.id, priority: 4 }, { user_id: b.user.id }] });
    const booked = await book(et.id, at('10:00'));
    expect(booked.json.host_id).toBe(a.user.id);

    const kept = await move(booked.json.uid, at('11:00'));
    expect(kept.status).toBe(200);
    expect(kept.json).toMatchObject({ host_id: a.user.id, assignment_reason: 'kept the same host', start: new Date(at('11:00')).toISOString() });

    const personalA = await createEventType(a.token);
    expect((await book(personalA.id, at('13:00'))).status).toBe(201);
    const reassigned = await move(booked.json.uid, at('13:00'));
    expect(reassigned.status).toBe(200);
    expect(reassigned.json.host_id).toBe(b.user.id);
    expect(reassigned.json.assignment_reason).toMatch(/^re-assigned/);
    expect(await hostsOfBooking(booked.json.uid)).toEqual([b.user.id]);
    // A's old time is free again, and nobody is double-booked.
    expect((await book(personalA.id, at('11:00'))).status).toBe(201);
    for (const m of [a, b]) expect(await overlapsOfHost(m.user.id)).toBe(0);
  });

  it('a collective moves every host\'s time, and is refused when any host is busy at the new time', async () => {
    const team = await makeTeam([{}, {}]);
    const [a, b] = team.members as [any, any];
    const et = await teamEventType(team.id, team.owner.token, { scheduling_type: 'collective', hosts: [{ user_id: a.user.id }, { user_id: b.user.id }] });
    const booked = await book(et.id, at('10:00'));
    expect(booked.status).toBe(201);
    const personalB = await createEventType(b.token);
    expect((await book(personalB.id, at('12:00'))).status).toBe(201);
    expectError(await move(booked.json.uid, at('12:00')), 409, 'slot_unavailable');

    const moved = await move(booked.json.uid, at('14:00'));
    expect(moved.status).toBe(200);
    expect(moved.json.previous_start).toBe(new Date(at('10:00')).toISOString());
    expect((await spansOf(booked.json.uid)).map((r) => r.occupied_start)).toEqual([Date.parse(at('14:00')), Date.parse(at('14:00'))]);
    expect((await book(personalB.id, at('10:00'))).status).toBe(201);
    expectError(await book(personalB.id, at('14:00')), 409, 'slot_unavailable');
  });

  it('the reason given with a team reschedule is in every rescheduled email', async () => {
    const team = await makeTeam([{}, {}]);
    const [a, b] = team.members as [any, any];
    const et = await teamEventType(team.id, team.owner.token, { scheduling_type: 'collective', hosts: [{ user_id: a.user.id }, { user_id: b.user.id }] });
    const booked = await book(et.id, at('15:00'));
    expect((await api('PATCH', `/v2/bookings/${booked.json.uid}`, { body: { start: at('16:00'), reason: 'Room double-booked' } })).status).toBe(200);
    const rows = await env.DB.prepare("SELECT payload FROM booking_email_notifications WHERE booking_uid = ? AND trigger_event = 'BOOKING_RESCHEDULED'")
      .bind(booked.json.uid)
      .all<{ payload: string }>();
    expect(rows.results.length).toBeGreaterThanOrEqual(2);
    for (const row of rows.results) expect(JSON.parse(row.payload).reason).toBe('Room double-booked');
  });
});

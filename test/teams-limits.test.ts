// Team event types apply the event type's booking limits, "first available slot of the day" and the per-booker cap
// like personal ones (one pure rule for the slots answer and the booking check), and refuse to be recurring.
import { describe, expect, it } from 'vitest';
import { api, ATTENDEE, book, expectError, issuePaths, upcomingDate } from './helpers';
import { makeTeam, slotStarts, teamEventType } from './teams-helpers';

const MONDAY = upcomingDate(1, 7);
const dayAfter = (day: string, n = 1) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const TUESDAY = dayAfter(MONDAY);
const at = (hhmm: string, day = MONDAY) => `${day}T${hhmm}:00Z`;
const startsOf = async (etId: number, from: string, to: string) => {
  const res = await api('GET', `/v2/slots/available?event_type_id=${etId}&start_time=${from}&end_time=${to}&timezone=UTC`);
  expect(res.status).toBe(200);
  return slotStarts(res.json).map((s) => new Date(s).toISOString().slice(0, 16));
};
const other = (n: number) => ({ attendee: { ...ATTENDEE, email: `booker${n}@example.com` } });

describe('booking limits on team event types', () => {
  it('a round robin with 2 bookings per day counts the event type\'s bookings of every host: the day is closed after two', async () => {
    const team = await makeTeam([{}, {}]);
    const et = await teamEventType(team.id, team.owner.token, {
      scheduling_type: 'round_robin',
      hosts: team.members.map((m) => ({ user_id: m.user.id })),
      booking_limits_count: { day: 2 },
    });
    expect(et).toMatchObject({ booking_limits_count: { day: 2 } });
    const first = await book(et.id, at('09:00'), other(1));
    const second = await book(et.id, at('09:00'), other(2));
    expect([first.status, second.status]).toEqual([201, 201]);
    // Two different hosts took them, yet the event type's day is full for both.
    expect(first.json.host_id).not.toBe(second.json.host_id);
    expect(await startsOf(et.id, at('00:00'), at('00:00', TUESDAY))).toEqual([]);
    const refused = await book(et.id, at('10:00'), other(3));
    expectError(refused, 409, 'slot_unavailable');
    expect(refused.json.error.message).toMatch(/at most 2 bookings per day/);
    // The next day is open again.
    expect((await startsOf(et.id, at('00:00', TUESDAY), `${TUESDAY}T23:59:00Z`))[0]).toBe(`${TUESDAY}T09:00`);
    expect((await book(et.id, at('09:00', TUESDAY), other(4))).status).toBe(201);
  });

  it('a collective with 60 booked minutes per week refuses what does not fit, and a move within the week is allowed', async () => {
    const team = await makeTeam([{}, {}]);
    const et = await teamEventType(team.id, team.owner.token, {
      scheduling_type: 'collective',
      hosts: team.members.map((m) => ({ user_id: m.user.id })),
      duration_minutes: 45,
      booking_limits_duration: { week: 60 },
    });
    const booked = await book(et.id, at('09:00'));
    expect(booked.status).toBe(201);
    expect(await startsOf(et.id, at('00:00'), `${dayAfter(MONDAY, 7)}T00:00:00Z`)).toEqual([]);
    const refused = await book(et.id, at('10:30', TUESDAY), other(1));
    expectError(refused, 409, 'slot_unavailable');
    expect(refused.json.error.message).toMatch(/at most 60 minutes of bookings per week/);
    // Rescheduling leaves the booking out of its own count.
    const moved = await api('PATCH', `/v2/bookings/${booked.json.uid}`, { body: { start: at('10:30', TUESDAY) } });
    expect(moved.json).toMatchObject({ start: `${TUESDAY}T10:30:00.000Z` });
  });
});

describe('only_show_first_available_slot on team event types', () => {
  it('offers the team\'s first free start of each day only, and books only that one', async () => {
    const team = await makeTeam([{}, {}]);
    const [a, b] = team.members as [any, any];
    const et = await teamEventType(team.id, team.owner.token, {
      scheduling_type: 'collective',
      hosts: [{ user_id: a.user.id }, { user_id: b.user.id }],
      only_show_first_available_slot: true,
    });
    // Host b is busy 09:00-10:00 with a personal booking: the team's first common start is 10:00.
    const personal = await api('POST', '/v2/event-types', { token: b.token, body: { title: 'Own', slug: 'own', duration_minutes: 60 } });
    expect((await book(personal.json.id, at('09:00'))).status).toBe(201);
    // Whatever part of the day is asked, the first of the whole day decides.
    expect(await startsOf(et.id, at('00:00'), at('00:00', TUESDAY))).toEqual([`${MONDAY}T10:00`]);
    expect(await startsOf(et.id, at('12:00'), at('18:00'))).toEqual([]);
    const later = await book(et.id, at('11:00'));
    expectError(later, 409, 'slot_unavailable');
    expect(later.json.error.message).toMatch(/Only the first available start of each day/);
    expect((await book(et.id, at('10:00'))).status).toBe(201);
    // Taken: the next free start becomes the first.
    expect(await startsOf(et.id, at('00:00'), at('00:00', TUESDAY))).toEqual([`${MONDAY}T10:30`]);
  });
});

describe('max_active_bookings_per_booker on team event types', () => {
  it('counts the booker\'s upcoming bookings of the event type across hosts: one more is 409 booker_limit_reached', async () => {
    const team = await makeTeam([{}, {}]);
    const et = await teamEventType(team.id, team.owner.token, {
      scheduling_type: 'round_robin',
      hosts: team.members.map((m) => ({ user_id: m.user.id })),
      max_active_bookings_per_booker: 2,
    });
    const one = await book(et.id, at('09:00'));
    const two = await book(et.id, at('09:00'));
    expect([one.status, two.status]).toEqual([201, 201]);
    expect(one.json.host_id).not.toBe(two.json.host_id);
    expectError(await book(et.id, at('10:00')), 409, 'booker_limit_reached');
    // Another booker is not affected; cancelling frees a place.
    expect((await book(et.id, at('10:00'), other(1))).status).toBe(201);
    expect((await api('DELETE', `/v2/bookings/${one.json.uid}`, { body: {} })).status).toBe(200);
    expect((await book(et.id, at('11:00'))).status).toBe(201);
  });
});

describe('recurring team event types', () => {
  it('are refused with 400 on create and on update, and recurrence_count is refused on booking', async () => {
    const team = await makeTeam([{}]);
    const path = `/v2/teams/${team.id}/event-types`;
    const recurring = { freq: 'weekly', interval: 1, count: 4 };
    const body = { title: 'Series', slug: 'series', duration_minutes: 30, scheduling_type: 'collective', assign_all_team_members: true };
    const created = await api('POST', path, { token: team.owner.token, body: { ...body, recurring_event: recurring } });
    expectError(created, 400, 'validation_failed');
    expect(issuePaths(created)).toEqual(['recurring_event']);
    const et = await api('POST', path, { token: team.owner.token, body: { ...body, recurring_event: null } });
    expect(et.status).toBe(201);
    const patched = await api('PATCH', `${path}/${et.json.id}`, { token: team.owner.token, body: { recurring_event: recurring } });
    expectError(patched, 400, 'validation_failed');
    expect(issuePaths(patched)).toEqual(['recurring_event']);
    const booked = await book(et.json.id, at('09:00'), { recurrence_count: 2 });
    expectError(booked, 400, 'validation_failed');
    expect(issuePaths(booked)).toEqual(['recurrence_count']);
  });
});

// /v2/event-types/{id}/workflows and the scheduled steps a booking change writes in its own batch
// (src/workflows/schedule.ts), with the host's object clock moved to choose "now".
import { env, runInDurableObject } from 'cloudflare:test';
import { hostCalendar } from '../src/bookings/stub';
import { deliverDueReminders } from '../src/workflows/delivery';
import { describe, expect, it } from 'vitest';
import { api, book, createEventType, expectError, hostWithEventType, issuePaths, makeAdmin, makeUser, upcomingDate } from './helpers';
import { atTime, hostWithReminders, reminderWorkflow } from './workflows-helpers';
import { makeTeam, teamEventType } from './teams-helpers';

const HOUR = 3_600_000;

const remindersOf = async (uid: string, token: string) => (await api('GET', `/v2/bookings/${uid}`, { token })).json.reminders as { due_at: string; status: string; action: string }[];
const reminderEmails = async (uid: string) =>
  (await env.DB.prepare(`SELECT count(*) AS n FROM booking_email_notifications WHERE booking_uid = ? AND trigger_event = 'MEETING_REMINDER'`).bind(uid).first<{ n: number }>())!.n;

describe('workflows API', () => {
  it('creates, lists with pagination, reads, changes and deletes an event type’s workflows', async () => {
    const host = await hostWithEventType();
    const path = `/v2/event-types/${host.eventType.id}/workflows`;
    const a = await reminderWorkflow(host.token, host.eventType.id, 60);
    expect(a.status).toBe(201);
    expect(a.json).toMatchObject({ trigger: 'before_start', offset_minutes: 60, time_format: '12h', steps: [{ action: 'email_attendee' }] });
    expect(a.json.steps[0].subject).toContain('{event_title}');
    await reminderWorkflow(host.token, host.eventType.id, 24 * 60);
    const first = await api('GET', `${path}?limit=1`, { token: host.token });
    expect(first.json.data).toHaveLength(1);
    const second = await api('GET', `${path}?limit=1&cursor=${first.json.next_cursor}`, { token: host.token });
    expect(second.json.data[0].offset_minutes).toBe(24 * 60);
    expect(second.json.next_cursor).toBeNull();
    const patched = await api('PATCH', `${path}/${a.json.id}`, { token: host.token, body: { offset_minutes: 30, time_format: '24h' } });
    expect(patched.json).toMatchObject({ offset_minutes: 30, time_format: '24h', name: '60 min before' });
    expect((await api('GET', `${path}/${a.json.id}`, { token: host.token })).json.offset_minutes).toBe(30);
    expect((await api('DELETE', `${path}/${a.json.id}`, { token: host.token })).status).toBe(204);
    expectError(await api('GET', `${path}/${a.json.id}`, { token: host.token }), 404, 'not_found');
  });

  it('is the host’s or a super admin’s: anyone else gets 404, nobody signed in 401', async () => {
    const host = await hostWithEventType();
    const other = await makeUser();
    const path = `/v2/event-types/${host.eventType.id}/workflows`;
    expectError(await api('GET', path, { token: other.token }), 404, 'not_found');
    expectError(await reminderWorkflow(other.token, host.eventType.id, 60), 404, 'not_found');
    expect((await api('GET', path)).status).toBe(401);
    const admin = await makeAdmin();
    expect((await reminderWorkflow(admin.token, host.eventType.id, 60)).status).toBe(201);
  });

  it('refuses unknown variables at save time, SMS to an attendee without a consenting phone question, bad offsets and unknown fields', async () => {
    const host = await hostWithEventType({ booking_fields: [{ name: 'company', type: 'text', label: 'Company' }] });
    const id = host.eventType.id;
    const unknown = await reminderWorkflow(host.token, id, 60, { steps: [{ action: 'email_attendee', subject: 'Hi {attendee}', body: 'At {start_local} for {company} {nope}' }] });
    expectError(unknown, 400, 'validation_failed');
    expect(unknown.json.error.issues).toEqual([
      { path: 'steps.0.subject', message: 'Unknown template variable: {attendee}' },
      { path: 'steps.0.body', message: 'Unknown template variable: {nope}' },
    ]);
    const sms = await reminderWorkflow(host.token, id, 60, { steps: [{ action: 'sms_attendee' }] });
    expectError(sms, 400, 'validation_failed');
    expect(sms.json.error.issues[0]).toMatchObject({ path: 'steps.0.action', message: expect.stringContaining('sms_consent') });
    expect(issuePaths(await reminderWorkflow(host.token, id, 4))).toEqual(['offset_minutes']);
    expect(issuePaths(await reminderWorkflow(host.token, id, 7 * 24 * 60 + 1))).toEqual(['offset_minutes']);
    expect(issuePaths(await reminderWorkflow(host.token, id, 10, { trigger: 'on_booked' }))).toEqual(['offset_minutes']);
    expect(issuePaths(await reminderWorkflow(host.token, id, 60, { colour: 'red' }))).toEqual(['colour']);
    expect((await reminderWorkflow(host.token, id, 60, { steps: [{ action: 'email_host', body: 'For {company}' }] })).status).toBe(201);
  });
});

describe('scheduled steps', () => {
  it('a booking made 30 h ahead: steps due at -24 h and -1 h, nothing sent at booking time; only the host sees them', async () => {
    const host = await hostWithReminders();
    const start = Date.parse(`${upcomingDate(3)}T10:00:00Z`);
    const created = await atTime(host.user.id, start - 30 * HOUR, () => book(host.eventType.id, new Date(start).toISOString()));
    expect(created.status).toBe(201);
    expect(await remindersOf(created.json.uid, host.token)).toEqual([
      { workflow_id: expect.any(Number), step: 0, action: 'email_attendee', due_at: new Date(start - 24 * HOUR).toISOString(), status: 'pending' },
      { workflow_id: expect.any(Number), step: 0, action: 'email_attendee', due_at: new Date(start - HOUR).toISOString(), status: 'pending' },
    ]);
    expect(await reminderEmails(created.json.uid)).toBe(0);
    expect((await api('GET', `/v2/bookings/${created.json.uid}`)).json).not.toHaveProperty('reminders');
  });

  it('a booking made 30 minutes ahead gets no 1 h reminder (nor 24 h): skipped, never sent late', async () => {
    const host = await hostWithReminders();
    const start = Date.parse(`${upcomingDate(3)}T10:00:00Z`);
    const created = await atTime(host.user.id, start - 30 * 60_000, () => book(host.eventType.id, new Date(start).toISOString()));
    expect((await remindersOf(created.json.uid, host.token)).map((r) => r.status)).toEqual(['skipped', 'skipped']);
    expect(await reminderEmails(created.json.uid)).toBe(0);
  });

  it('a reschedule moves both; a cancel voids both', async () => {
    const host = await hostWithReminders();
    const day = upcomingDate(3);
    const created = await book(host.eventType.id, `${day}T10:00:00Z`);
    const moved = await api('PATCH', `/v2/bookings/${created.json.uid}`, { body: { start: `${day}T14:00:00Z` } });
    expect(moved.status).toBe(200);
    const start = Date.parse(`${day}T14:00:00Z`);
    expect((await remindersOf(created.json.uid, host.token)).map((r) => [r.due_at, r.status])).toEqual([
      [new Date(start - 24 * HOUR).toISOString(), 'pending'],
      [new Date(start - HOUR).toISOString(), 'pending'],
    ]);
    expect((await api('DELETE', `/v2/bookings/${created.json.uid}`, { body: {} })).status).toBe(200);
    expect((await remindersOf(created.json.uid, host.token)).map((r) => r.status)).toEqual(['voided', 'voided']);
  });

  it('a request gets its steps when confirmed, not before; a refused reschedule moves nothing', async () => {
    const host = await hostWithReminders({ requires_confirmation: true });
    const day = upcomingDate(3);
    const created = await book(host.eventType.id, `${day}T10:00:00Z`);
    expect(await remindersOf(created.json.uid, host.token)).toEqual([]);
    expect((await api('POST', `/v2/bookings/${created.json.uid}/confirm`, { token: host.token })).status).toBe(200);
    expect((await remindersOf(created.json.uid, host.token)).map((r) => r.status)).toEqual(['pending', 'pending']);
    // Another booking takes 14:00; moving there is refused and the steps stay where they were.
    const before = await remindersOf(created.json.uid, host.token);
    const blocker = await createEventType(host.token);
    expect((await book(blocker.id, `${day}T14:00:00Z`)).status).toBe(201);
    expect((await api('PATCH', `/v2/bookings/${created.json.uid}`, { body: { start: `${day}T14:00:00Z` } })).status).toBe(409);
    expect(await remindersOf(created.json.uid, host.token)).toEqual(before);
  });

  it('every occurrence of a series gets its steps; cancelling the whole series voids them all', async () => {
    const host = await hostWithReminders({ booking_window_days: 400, recurring_event: { freq: 'weekly', interval: 1, count: 3 } });
    const created = await book(host.eventType.id, `${upcomingDate(3)}T10:00:00Z`);
    expect(created.status).toBe(201);
    const uids: string[] = created.json.occurrences.map((o: { uid: string }) => o.uid);
    for (const uid of uids) expect((await remindersOf(uid, host.token)).map((r) => r.status)).toEqual(['pending', 'pending']);
    expect((await api('DELETE', `/v2/bookings/${uids[0]}`, { body: { scope: 'all' } })).status).toBe(200);
    for (const uid of uids) expect((await remindersOf(uid, host.token)).map((r) => r.status)).toEqual(['voided', 'voided']);
  });

  it('team event types: owners and admins manage their workflows, and team bookings get, move and send their steps', async () => {
    const team = await makeTeam();
    const et = await teamEventType(team.id, team.owner.token, { scheduling_type: 'collective', hosts: team.members.map((m) => ({ user_id: m.user.id })) });
    expectError(await reminderWorkflow(team.members[0]!.token, et.id, 60), 403, 'forbidden');
    expectError(await reminderWorkflow((await makeUser()).token, et.id, 60), 404, 'not_found');
    expect((await reminderWorkflow(team.owner.token, et.id, 60)).status).toBe(201);
    const start = `${upcomingDate(3)}T10:00:00Z`;
    const created = await book(et.id, start);
    expect(created.status).toBe(201);
    const stepOf = () =>
      env.DB.prepare(`SELECT r.id, r.due_at, r.status, r.host_id, b.host_id AS organizer FROM booking_reminders r JOIN bookings b ON b.id = r.booking_id WHERE b.uid = ?`)
        .bind(created.json.uid)
        .first<{ id: number; due_at: number; status: string; host_id: number; organizer: number }>();
    const step = (await stepOf())!;
    expect(step).toMatchObject({ due_at: Date.parse(start) - HOUR, status: 'pending' });
    expect(step.host_id).toBe(step.organizer);
    // The organizer's object holds the timer, armed over RPC by the team write.
    const alarm = () => runInDurableObject(hostCalendar(env, step.host_id), (_obj, state) => state.storage.getAlarm());
    expect(await alarm()).toBeLessThanOrEqual(step.due_at);
    const later = `${upcomingDate(3)}T13:00:00Z`;
    expect((await api('PATCH', `/v2/bookings/${created.json.uid}`, { body: { start: later } })).status).toBe(200);
    const moved = (await stepOf())!;
    expect(moved).toMatchObject({ id: step.id, due_at: Date.parse(later) - HOUR, status: 'pending' });
    expect((await deliverDueReminders(env, moved.due_at, { hostId: moved.host_id })).claimed).toBe(1);
    const email = await env.DB.prepare(`SELECT notification_id FROM booking_email_notifications WHERE booking_uid = ? AND trigger_event = 'MEETING_REMINDER'`).bind(created.json.uid).first<{ notification_id: string }>();
    expect(email!.notification_id).toBe(`rem_${step.id}_${moved.due_at}`);
  });

  it('seated event types: a step reaches every live seat once, with its own links; the last seat leaving voids it', async () => {
    const host = await hostWithEventType({ seats_per_time_slot: 3 });
    expect((await reminderWorkflow(host.token, host.eventType.id, 60)).status).toBe(201);
    const start = `${upcomingDate(3)}T10:00:00Z`;
    const seat = (who: string, at = start) => book(host.eventType.id, at, { attendee: { name: `Seat ${who}`, email: `seat-${who}@example.com`, timezone: 'UTC' } });
    const [a, b, c] = [await seat('a'), await seat('b'), await seat('c')];
    expect((await api('DELETE', `/v2/bookings/${c.json.seat_uid}`, { body: {} })).status).toBe(200);
    const stepOf = (seatUid: string) =>
      env.DB.prepare(
        `SELECT r.id, r.due_at, r.status FROM booking_reminders r JOIN booking_attendees s ON s.booking_id = r.booking_id WHERE s.seat_uid = ? ORDER BY s.id DESC LIMIT 1`,
      )
        .bind(seatUid)
        .first<{ id: number; due_at: number; status: string }>();
    const step = (await stepOf(a.json.seat_uid))!;
    expect(step.due_at).toBe(Date.parse(start) - HOUR);
    expect((await deliverDueReminders(env, step.due_at, { hostId: host.user.id })).claimed).toBe(1);
    const emails = await env.DB.prepare(`SELECT notification_id, recipient_email, payload FROM booking_email_notifications WHERE notification_id LIKE ? ORDER BY id`)
      .bind(`rem_${step.id}_${step.due_at}_%`)
      .all<{ notification_id: string; recipient_email: string; payload: string }>();
    expect(emails.results.map((e) => e.recipient_email)).toEqual(['seat-a@example.com', 'seat-b@example.com']);
    expect(new Set(emails.results.map((e) => e.notification_id)).size).toBe(2);
    // Each seat holder's links carry their own seat uid (their capability), not the host's booking uid.
    expect(JSON.parse(emails.results[0]!.payload).text).toContain(`/reschedule/${a.json.seat_uid}`);
    expect(JSON.parse(emails.results[1]!.payload).text).toContain(`/reschedule/${b.json.seat_uid}`);

    const lone = await seat('d', `${upcomingDate(4)}T10:00:00Z`);
    expect((await stepOf(lone.json.seat_uid))!.status).toBe('pending');
    expect((await api('DELETE', `/v2/bookings/${lone.json.seat_uid}`, { body: {} })).status).toBe(200);
    expect((await stepOf(lone.json.seat_uid))!.status).toBe('voided');
  });

  it('after_end is due at the end plus its offset; on_booked at the booking itself', async () => {
    const host = await hostWithEventType();
    expect((await reminderWorkflow(host.token, host.eventType.id, 30, { trigger: 'after_end', steps: [{ action: 'email_host' }] })).status).toBe(201);
    expect((await reminderWorkflow(host.token, host.eventType.id, 0, { trigger: 'on_booked', steps: [{ action: 'email_attendee' }] })).status).toBe(201);
    const start = Date.parse(`${upcomingDate(3)}T10:00:00Z`);
    const now = start - 50 * HOUR;
    const created = await atTime(host.user.id, now, () => book(host.eventType.id, new Date(start).toISOString()));
    const reminders = await remindersOf(created.json.uid, host.token);
    // The thank-you is due at the booking (its alarm sends it); the follow-up 30 minutes after the 30-minute meeting.
    expect(reminders.map((r) => [r.action, r.due_at])).toEqual([
      ['email_attendee', new Date(now).toISOString()],
      ['email_host', new Date(start + 60 * 60_000).toISOString()],
    ]);
    expect(reminders[1]!.status).toBe('pending');
  });
});

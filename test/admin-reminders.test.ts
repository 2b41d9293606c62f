// The admin's reminders page of an event type (/admin/event-types/{id}/reminders): list, add, refuse, delete.
import { describe, expect, it } from 'vitest';
import { dbCount, esc, follow, getPage, hostWithEventType, signedInAdmin } from './helpers';

const FORM = { name: 'Day before', trigger: 'before_start', offset_minutes: '1440', time_format: '24h', action: 'email_attendee', subject: 'See you {start_local}', body: 'Hi {attendee_name}' };

describe('admin reminders', () => {
  it('adds a reminder to an event type and lists it; deletes it again', async () => {
    const host = await hostWithEventType();
    const admin = await signedInAdmin();
    const path = `/admin/event-types/${host.eventType.id}/reminders`;
    const empty = await getPage(path, admin.cookie);
    expect(empty.status).toBe(200);
    expect(empty.html).toContain('No reminders yet');
    // The list links to it.
    expect((await getPage('/admin/event-types?limit=200', admin.cookie)).html).toContain(`href="${path}"`);
    const added = await follow(await admin.post(path, FORM), admin.cookie);
    expect(added.html).toContain('Reminder “Day before” added.');
    expect(added.html).toContain('1440 min before the start');
    const id = await dbCount('SELECT id AS n FROM event_type_workflows WHERE event_type_id = ?', host.eventType.id);
    const deleted = await follow(await admin.post(`${path}/${id}/delete`, {}), admin.cookie);
    expect(deleted.html).toContain('No reminders yet');
    expect(await dbCount('SELECT count(*) AS n FROM event_type_workflows WHERE event_type_id = ?', host.eventType.id)).toBe(0);
  });

  it('shows the API’s refusals in the form and keeps what was typed', async () => {
    const host = await hostWithEventType();
    const admin = await signedInAdmin();
    const res = await admin.post(`/admin/event-types/${host.eventType.id}/reminders`, { ...FORM, body: 'Hi {attendee} <b>' });
    expect(res.status).toBe(400);
    expect(res.html).toContain('Unknown template variable: {attendee}');
    expect(res.html).toContain(esc('Hi {attendee} <b>'));
    const offset = await admin.post(`/admin/event-types/${host.eventType.id}/reminders`, { ...FORM, offset_minutes: '2' });
    expect(offset.status).toBe(400);
    expect(offset.html).toContain('at least 5 minutes before the start');
    expect(await dbCount('SELECT count(*) AS n FROM event_type_workflows WHERE event_type_id = ?', host.eventType.id)).toBe(0);
  });
});

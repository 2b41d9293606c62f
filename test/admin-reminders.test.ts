// The admin's reminders page of an event type (/admin/event-types/{id}/reminders): list, add, edit with several steps, refuse, delete.
import { describe, expect, it } from 'vitest';
import { dbCount, dbRow, esc, follow, getPage, hostWithEventType, signedInAdmin } from './helpers';

const FORM = { name: 'Day before', trigger: 'before_start', offset_minutes: '1440', time_format: '24h', 'steps.0.action': 'email_attendee', 'steps.0.subject': 'See you {start_local}', 'steps.0.body': 'Hi {attendee_name}' };

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
    const res = await admin.post(`/admin/event-types/${host.eventType.id}/reminders`, { ...FORM, 'steps.0.body': 'Hi {attendee} <b>' });
    expect(res.status).toBe(400);
    expect(res.html).toContain('Unknown template variable: {attendee}');
    expect(res.html).toContain(esc('Hi {attendee} <b>'));
    const offset = await admin.post(`/admin/event-types/${host.eventType.id}/reminders`, { ...FORM, offset_minutes: '2' });
    expect(offset.status).toBe(400);
    expect(offset.html).toContain('at least 5 minutes before the start');
    expect(await dbCount('SELECT count(*) AS n FROM event_type_workflows WHERE event_type_id = ?', host.eventType.id)).toBe(0);
  });

  it('edits a workflow: its trigger, and several steps (an email, a webhook, an SMS to the host) in order', async () => {
    const host = await hostWithEventType();
    const admin = await signedInAdmin();
    const path = `/admin/event-types/${host.eventType.id}/reminders`;
    await follow(await admin.post(path, FORM), admin.cookie);
    const id = await dbCount('SELECT id AS n FROM event_type_workflows WHERE event_type_id = ?', host.eventType.id);
    const form = await getPage(`${path}/${id}`, admin.cookie);
    expect(form.status).toBe(200);
    expect(form.html).toContain('value="See you {start_local}"');
    expect(form.html).toMatch(/<option value="email_attendee" selected/);
    const edited = {
      ...FORM,
      name: 'Hour before',
      offset_minutes: '60',
      // Slot 1 left empty: the used slots are saved in order.
      'steps.0.subject': 'Soon: {event_title}',
      'steps.2.action': 'webhook',
      'steps.3.action': 'sms_host',
      'steps.3.body': 'Call with {attendee_name} at {start_local}',
    };
    const saved = await follow(await admin.post(`${path}/${id}`, edited), admin.cookie);
    expect(saved.html).toContain('Reminder “Hour before” saved.');
    expect(saved.html).toContain('60 min before the start');
    const row = await dbRow<{ steps: string; offset_minutes: number }>('SELECT steps, offset_minutes FROM event_type_workflows WHERE id = ?', id);
    expect(JSON.parse(row!.steps)).toEqual([
      { action: 'email_attendee', subject: 'Soon: {event_title}', body: 'Hi {attendee_name}' },
      { action: 'webhook', subject: '', body: '' },
      { action: 'sms_host', subject: '', body: 'Call with {attendee_name} at {start_local}' },
    ]);
    // A refusal names the step as saved, shown on the edit page with what was typed.
    const refused = await admin.post(`${path}/${id}`, { ...edited, 'steps.3.body': 'At {when}' });
    expect(refused.status).toBe(400);
    expect(refused.html).toContain('Unknown template variable: {when}');
    expect(refused.html).toContain('At {when}');
  });
});

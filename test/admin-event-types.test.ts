// The admin's Event Types tab: list, create, edit, switch on and off, delete.
import { describe, expect, it } from 'vitest';
import { api, createEventType, dbCount, dbRow, esc, eventTypeForm, follow, getPage, hostWithEventType, makeUser, signedInAdmin } from './helpers';

describe('admin Event Types tab', () => {
  it('lists every host’s event types with owner, duration, buffers, notice, location, confirmation and status', async () => {
    const host = await hostWithEventType({ title: 'Deep Dive', duration_minutes: 45, buffer_before_minutes: 5, buffer_after_minutes: 15, minimum_notice_hours: 12, location_type: 'phone', location_value: '+1 555 0100', requires_confirmation: true });
    const { cookie } = await signedInAdmin();
    const res = await getPage('/admin/event-types?limit=200', cookie);
    const tr = new RegExp(`<tr id="event-type-${host.eventType.id}"[\\s\\S]*?</tr>`).exec(res.html)![0];
    expect(tr).toContain('Deep Dive');
    expect(tr).toContain(host.user.email);
    expect(tr).toContain('45 min');
    expect(tr).toContain('5 / 15 min');
    expect(tr).toContain('12 h');
    expect(tr).toContain('Phone');
    expect(tr).toContain('+1 555 0100');
    expect(tr).toContain('Required');
    expect(tr).toContain('Active');
  });

  it('offers every active user as the owner of a new event type', async () => {
    const host = await makeUser();
    const { cookie } = await signedInAdmin();
    const res = await getPage('/admin/event-types/new', cookie);
    expect(res.status).toBe(200);
    expect(res.html).toContain(`<option value="${host.user.id}">`);
  });

  it('creates an event type for the chosen owner on their default schedule', async () => {
    const host = await makeUser();
    const admin = await signedInAdmin();
    const form = eventTypeForm(host.user.id, { requires_confirmation: 'on' });
    const res = await admin.post('/admin/event-types', form);
    expect(res.status).toBe(303);
    expect(res.location).toBe('/admin/event-types');
    const created = await dbRow<Record<string, unknown>>('SELECT * FROM booking_event_types WHERE slug = ?', form.slug);
    const schedule = await dbRow<{ id: number }>('SELECT id FROM booking_schedules WHERE user_id = ? AND is_default = 1', host.user.id);
    expect(created).toMatchObject({
      owner_id: host.user.id,
      schedule_id: schedule!.id,
      title: 'Coffee Chat',
      description: 'A short chat.',
      duration_minutes: 30,
      buffer_before_minutes: 5,
      buffer_after_minutes: 10,
      minimum_notice_hours: 2,
      slot_interval_minutes: null,
      booking_window_days: 30,
      location_type: 'zoom',
      location_value: 'https://zoom.us/j/1',
      requires_confirmation: 1,
      is_active: 1,
    });
    const list = await follow(res, admin.cookie);
    expect(list.html).toContain('Event type “Coffee Chat” created for');
    expect(list.html).toContain(`id="event-type-${created!.id}"`);
    // The message is shown once.
    expect((await getPage('/admin/event-types', admin.cookie)).html).not.toContain('created for');
  });

  it("shows the API's validation messages in the form and keeps what was typed", async () => {
    const admin = await signedInAdmin();
    const form = eventTypeForm(admin.user.id, { title: 'Keep me', slug: 'Not A Slug', duration_minutes: '3', buffer_after_minutes: '999' });
    const res = await admin.post('/admin/event-types', form);
    expect(res.status).toBe(400);
    const apiRes = await api('POST', '/v2/event-types', {
      token: admin.token,
      body: { title: 'Keep me', slug: 'Not A Slug', duration_minutes: 3, buffer_after_minutes: 999 },
    });
    expect(apiRes.json.error.issues).toHaveLength(3);
    for (const issue of apiRes.json.error.issues) expect(res.html).toContain(esc(`${issue.path}: ${issue.message}`));
    expect(res.html).toContain('value="Keep me"');
    expect(await dbCount('SELECT COUNT(*) AS n FROM booking_event_types WHERE title = ?', 'Keep me')).toBe(0);
  });

  it('refuses a slug the owner already uses, in the page', async () => {
    const host = await hostWithEventType();
    const admin = await signedInAdmin();
    const res = await admin.post('/admin/event-types', eventTypeForm(host.user.id, { slug: host.eventType.slug }));
    expect(res.status).toBe(409);
    expect(res.html).toContain('already has an event type with this slug');
    expect(await dbCount('SELECT COUNT(*) AS n FROM booking_event_types WHERE owner_id = ?', host.user.id)).toBe(1);
  });

  it('refuses a slug the owner already uses when editing, and says why in the page', async () => {
    const host = await hostWithEventType();
    const other = await createEventType(host.token);
    const admin = await signedInAdmin();
    const res = await admin.post(`/admin/event-types/${other.id}`, {
      ...eventTypeForm(host.user.id, { slug: host.eventType.slug }),
      schedule_id: String(other.schedule_id),
    });
    expect(res.status).toBe(409);
    expect(res.html).toContain('already has an event type with this slug');
    expect(await dbRow('SELECT slug FROM booking_event_types WHERE id = ?', other.id)).toEqual({ slug: other.slug });
  });

  it('edits an event type', async () => {
    const host = await hostWithEventType();
    const admin = await signedInAdmin();
    const edit = await getPage(`/admin/event-types/${host.eventType.id}/edit`, admin.cookie);
    expect(edit.status).toBe(200);
    expect(edit.html).toContain(`value="${host.eventType.slug}"`);
    const res = await admin.post(`/admin/event-types/${host.eventType.id}`, {
      ...eventTypeForm(host.user.id, { title: 'Renamed', slug: 'renamed', duration_minutes: '60', slot_interval_minutes: '15', location_type: '', location_value: '' }),
      is_active: undefined,
      schedule_id: String(host.eventType.schedule_id),
    });
    expect(res.status).toBe(303);
    expect(await dbRow('SELECT title, slug, duration_minutes, slot_interval_minutes, location_type, is_active FROM booking_event_types WHERE id = ?', host.eventType.id)).toEqual({
      title: 'Renamed',
      slug: 'renamed',
      duration_minutes: 60,
      slot_interval_minutes: 15,
      location_type: null,
      is_active: 0,
    });
  });

  it("refuses another owner's schedule when editing", async () => {
    const host = await hostWithEventType();
    const other = await makeUser();
    const otherSchedule = await dbRow<{ id: number }>('SELECT id FROM booking_schedules WHERE user_id = ?', other.user.id);
    const admin = await signedInAdmin();
    const res = await admin.post(`/admin/event-types/${host.eventType.id}`, { ...eventTypeForm(host.user.id), schedule_id: String(otherSchedule!.id) });
    expect(res.status).toBe(400);
    expect(res.html).toContain(esc("Schedule not found among the owner's schedules"));
  });

  it('switches an event type off and on in one click each, and a repeated click changes nothing more', async () => {
    const host = await hostWithEventType();
    const admin = await signedInAdmin();
    const isActive = async () => (await dbRow<{ is_active: number }>('SELECT is_active FROM booking_event_types WHERE id = ?', host.eventType.id))!.is_active;
    const list = await getPage('/admin/event-types?limit=200', admin.cookie);
    expect(list.html).toContain(`action="/admin/event-types/${host.eventType.id}/active"`);
    const off = await admin.post(`/admin/event-types/${host.eventType.id}/active`, { active: 'false', back: '/admin/event-types' });
    expect(off.status).toBe(303);
    expect(await isActive()).toBe(0);
    expect((await follow(off, admin.cookie)).html).toContain('is now inactive');
    await admin.post(`/admin/event-types/${host.eventType.id}/active`, { active: 'false' });
    expect(await isActive()).toBe(0);
    await admin.post(`/admin/event-types/${host.eventType.id}/active`, { active: 'true' });
    expect(await isActive()).toBe(1);
  });

  it('deletes an event type after a confirmation page', async () => {
    const host = await hostWithEventType();
    const admin = await signedInAdmin();
    const confirm = await getPage(`/admin/event-types/${host.eventType.id}/delete`, admin.cookie);
    expect(confirm.status).toBe(200);
    expect(confirm.html).toContain(`<form method="post" action="/admin/event-types/${host.eventType.id}/delete">`);
    // Opening the confirmation page deletes nothing.
    expect(await dbCount('SELECT COUNT(*) AS n FROM booking_event_types WHERE id = ?', host.eventType.id)).toBe(1);
    const res = await admin.post(`/admin/event-types/${host.eventType.id}/delete`, {});
    expect(res.status).toBe(303);
    expect(await dbCount('SELECT COUNT(*) AS n FROM booking_event_types WHERE id = ?', host.eventType.id)).toBe(0);
  });
});


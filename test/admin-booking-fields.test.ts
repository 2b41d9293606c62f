// The admin's event type form edits booking_fields (as JSON, checked by the API's schema) and the bookings tab shows
// the answers with their labels.
import { describe, expect, it } from 'vitest';
import { api, book, eventTypeEditForm, hostWithEventType, page, signedInAdmin, upcomingDate } from './helpers';

describe('booking questions in the admin', () => {
  it('saves questions typed as JSON, refuses bad ones with the API’s message, and shows the answers in Bookings', async () => {
    const { cookie, csrf } = await signedInAdmin();
    const host = await hostWithEventType();
    const et = host.eventType;
    const bad = await page(`/admin/event-types/${et.id}`, { cookie, form: { _csrf: csrf, ...eventTypeEditForm(et), booking_fields: '[{"name": "pick", "type": "radio", "label": "Pick"}]' } });
    expect(bad.status).toBe(400);
    expect(bad.html).toContain('A radio field needs options');
    expect(bad.html).toContain('&quot;pick&quot;');
    const notJson = await page(`/admin/event-types/${et.id}`, { cookie, form: { _csrf: csrf, ...eventTypeEditForm(et), booking_fields: '[{oops' } });
    expect(notJson.status).toBe(400);

    const questions = '[{"name": "company", "type": "text", "label": "Company", "required": true}]';
    const saved = await page(`/admin/event-types/${et.id}`, { cookie, form: { _csrf: csrf, ...eventTypeEditForm(et), booking_fields: questions } });
    expect(saved.status).toBe(303);
    const read = await api('GET', `/v2/event-types/${et.id}`, { token: host.token });
    expect(read.json.booking_fields.map((f: { name: string }) => f.name)).toEqual(['name', 'email', 'company', 'notes', 'guests']);
    const edit = await page(`/admin/event-types/${et.id}/edit`, { cookie });
    expect(edit.html).toContain('&quot;company&quot;');

    const booked = await book(et.id, `${upcomingDate(4, 8)}T10:00:00Z`, { booking_fields_responses: { company: 'Acme Corp' } });
    expect(booked.status).toBe(201);
    const list = await page('/admin/bookings', { cookie });
    expect(list.html).toMatch(/data-field="company"><span class="muted">Company:<\/span> Acme Corp/);
  });
});

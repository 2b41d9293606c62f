// The admin's event type form edits the booking limits (one box per period, checked by the API's schema) and the list
// shows them.
import { describe, expect, it } from 'vitest';
import { api, eventTypeEditForm, hostWithEventType, page, signedInAdmin } from './helpers';

describe('booking limits in the admin', () => {
  it('saves limits, refuses a week below the day with the API’s message at that box, lists them, and clears them', async () => {
    const { cookie, csrf } = await signedInAdmin();
    const host = await hostWithEventType();
    const et = host.eventType;
    const bad = await page(`/admin/event-types/${et.id}`, { cookie, form: { _csrf: csrf, ...eventTypeEditForm(et), 'booking_limits_count.day': '3', 'booking_limits_count.week': '2' } });
    expect(bad.status).toBe(400);
    expect(bad.html).toMatch(/<div class="field invalid"><label for="booking_limits_count.week">/);
    expect(bad.html).toContain('must not be below a shorter period');
    // What was typed is kept.
    expect(bad.html).toMatch(/name="booking_limits_count.day" value="3"/);

    const saved = await page(`/admin/event-types/${et.id}`, {
      cookie,
      form: { _csrf: csrf, ...eventTypeEditForm(et), 'booking_limits_count.day': '2', 'booking_limits_duration.month': '600', max_active_bookings_per_booker: '4', only_show_first_available_slot: 'on' },
    });
    expect(saved.status).toBe(303);
    const read = await api('GET', `/v2/event-types/${et.id}`, { token: host.token });
    expect(read.json).toMatchObject({ booking_limits_count: { day: 2 }, booking_limits_duration: { month: 600 }, max_active_bookings_per_booker: 4, only_show_first_available_slot: true });
    const edit = await page(`/admin/event-types/${et.id}/edit`, { cookie });
    expect(edit.html).toMatch(/name="booking_limits_duration.month" value="600"/);
    const list = await page('/admin/event-types', { cookie });
    const row = list.html.slice(list.html.indexOf(`id="event-type-${et.id}"`));
    expect(row.slice(0, row.indexOf('</tr>'))).toMatch(/2\/day.*600 min\/month.*4 upcoming per booker.*First slot of each day only/s);

    expect((await page(`/admin/event-types/${et.id}`, { cookie, form: { _csrf: csrf, ...eventTypeEditForm(et) } })).status).toBe(303);
    const cleared = await api('GET', `/v2/event-types/${et.id}`, { token: host.token });
    expect(cleared.json).toMatchObject({ booking_limits_count: null, booking_limits_duration: null, max_active_bookings_per_booker: null, only_show_first_available_slot: false });
  });

  it('saves a recurring series, refuses a bad count at its box, and lists it', async () => {
    const { cookie, csrf } = await signedInAdmin();
    const host = await hostWithEventType();
    const et = host.eventType;
    const bad = await page(`/admin/event-types/${et.id}`, { cookie, form: { _csrf: csrf, ...eventTypeEditForm(et), 'recurring_event.freq': 'monthly', 'recurring_event.interval': '1', 'recurring_event.count': '99' } });
    expect(bad.status).toBe(400);
    expect(bad.html).toMatch(/<div class="field invalid"><label for="recurring_event.count">/);
    const saved = await page(`/admin/event-types/${et.id}`, { cookie, form: { _csrf: csrf, ...eventTypeEditForm(et), 'recurring_event.freq': 'weekly', 'recurring_event.interval': '2', 'recurring_event.count': '6' } });
    expect(saved.status).toBe(303);
    expect((await api('GET', `/v2/event-types/${et.id}`, { token: host.token })).json.recurring_event).toEqual({ freq: 'weekly', interval: 2, count: 6 });
    const list = await page('/admin/event-types', { cookie });
    expect(list.html).toContain('Series: 6 × every 2 weeks');
    expect((await page(`/admin/event-types/${et.id}`, { cookie, form: { _csrf: csrf, ...eventTypeEditForm(et) } })).status).toBe(303);
    expect((await api('GET', `/v2/event-types/${et.id}`, { token: host.token })).json.recurring_event).toBeNull();
  });
});

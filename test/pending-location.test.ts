// A request that waits for the host's confirmation does not give away the host's meeting link (issue #25 item 14): the
// request stores none of the host's location, so every answer, page, .ics, email and webhook names the kind only
// until the host accepts; accepting fills it in from the event type. A location the attendee gave stays theirs.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { RecipientRole } from '../src/db/schema';
import { renderNotification } from '../src/notifications/content';
import type { NotificationPayload } from '../src/notifications/payload';
import { siteOf } from '../src/invites/site';
import { api, book, hostWithEventType, page, upcomingDate } from './helpers';

const LINK = 'https://meet.example/secret-room-4711';
const START = () => `${upcomingDate(2, 7)}T10:00:00Z`;

async function emailOf(uid: string, trigger: string, role: RecipientRole) {
  const row = await env.DB.prepare('SELECT payload, created_at FROM booking_email_notifications WHERE booking_uid = ? AND trigger_event = ? AND recipient_role = ?')
    .bind(uid, trigger, role)
    .first<{ payload: string; created_at: number }>();
  const r = await renderNotification(JSON.parse(row!.payload) as NotificationPayload, role, siteOf(env), row!.created_at);
  return [r.subject, r.text, r.html, r.calendar.ics].join('\n');
}

describe('a pending request and the host\'s meeting link', () => {
  it('is withheld from every view, email and webhook of the request until the host accepts', async () => {
    const { token, eventType } = await hostWithEventType({ requires_confirmation: true, location_type: 'google_meet', location_value: LINK });
    const created = await book(eventType.id, START());
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ status: 'pending', location_type: 'google_meet', location: null });
    const uid = created.json.uid as string;
    const attendeeViews = [
      JSON.stringify((await api('GET', `/v2/bookings/${uid}`)).json),
      (await page(`/v2/bookings/${uid}/ics`)).html,
      (await page(`/booking/${uid}.ics`)).html,
      (await page(`/booking/${uid}`)).html,
      await emailOf(uid, 'BOOKING_REQUESTED', 'attendee'),
    ];
    for (const view of attendeeViews) expect(view).not.toContain('secret-room');
    expect(attendeeViews[3]).toContain('Google Meet: the details are given once the host accepts');
    expect(attendeeViews[4]).toContain('Google Meet');
    // Nothing stored, so nothing leaks through the host's channels either (the host knows their own link).
    const stored = await env.DB.prepare('SELECT location_value FROM bookings WHERE uid = ?').bind(uid).first<{ location_value: string | null }>();
    expect(stored!.location_value).toBeNull();
    const webhookRows = await env.DB.prepare('SELECT COUNT(*) AS n FROM booking_webhook_deliveries WHERE payload LIKE ?').bind('%secret-room%').first<{ n: number }>();
    expect(webhookRows!.n).toBe(0);
    expect(await emailOf(uid, 'BOOKING_REQUESTED', 'host')).not.toContain('secret-room');
    // Accepted: the attendee gets the link everywhere.
    const confirmed = await api('POST', `/v2/bookings/${uid}/confirm`, { token });
    expect(confirmed.json.location).toBe(LINK);
    expect((await api('GET', `/v2/bookings/${uid}`)).json.location).toBe(LINK);
    expect((await page(`/booking/${uid}`)).html).toContain(LINK);
    expect((await page(`/v2/bookings/${uid}/ics`)).html).toContain('secret-room');
    expect(await emailOf(uid, 'BOOKING_CONFIRMED', 'attendee')).toContain(LINK);
  });

  it('a declined or cancelled request never shows it; a location the attendee gave is kept', async () => {
    const { token, eventType } = await hostWithEventType({ requires_confirmation: true, location_type: 'google_meet', location_value: LINK });
    const declined = await book(eventType.id, START());
    expect((await api('POST', `/v2/bookings/${declined.json.uid}/decline`, { token })).json.location).toBeNull();
    const cancelled = await book(eventType.id, `${upcomingDate(2, 7)}T11:00:00Z`);
    expect((await api('DELETE', `/v2/bookings/${cancelled.json.uid}`)).json.location).toBeNull();
    for (const uid of [declined.json.uid, cancelled.json.uid]) expect((await page(`/booking/${uid}`)).html).not.toContain('secret-room');
    const phone = await hostWithEventType({ requires_confirmation: true, location_type: 'phone' });
    const asked = await book(phone.eventType.id, START(), { location: '+44 20 7946 0000' });
    expect(asked.json).toMatchObject({ status: 'pending', location: '+442079460000' });
  });

  it('an accepted booking shows the link at once, as before', async () => {
    const { eventType } = await hostWithEventType({ location_type: 'zoom', location_value: LINK });
    const created = await book(eventType.id, START());
    expect(created.json).toMatchObject({ status: 'accepted', location: LINK });
    expect(await emailOf(created.json.uid, 'BOOKING_CREATED', 'attendee')).toContain(LINK);
  });
});

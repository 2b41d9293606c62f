/**
 * Invitations end to end: the suite's shared `wrangler dev` (workerd, local D1, Durable Objects, Queues;
 * test/e2e/global-setup.ts) sends over SMTP (cloudflare:sockets) to the shared mail catcher on 127.0.0.1, exactly as
 * `npm run dev` does. Book, reschedule and
 * cancel must reach the attendee as three messages whose calendar part updates one event: REQUEST seq 0, REQUEST
 * seq 1 with the same UID, CANCEL seq 2.
 */
import ICAL from 'ical.js';
import PostalMime from 'postal-mime';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CaughtMail } from '../../scripts/lib/mail-catcher';
import { hashPassword } from '../../src/auth/crypto';
import { provisionUserStatements } from '../../src/users/provision';
import { randomToken, sha256Hex } from '../../src/lib/crypto';
import { caughtMails, caughtSms, seedShared, type SharedServer } from './harness';

const HOST = { email: 'e2e-invites-host@calflare.dev', name: 'Hanna Host', password: 'e2e-host-password' };
const ATTENDEE = { name: 'Ava Attendee', email: 'ava@example.com', timezone: 'Europe/Paris' };

let server: SharedServer;
let hostToken: string;
let eventTypeId: number;

function nextMonday(): string {
  const d = new Date(Date.now() + 7 * 86_400_000);
  while (d.getUTCDay() !== 1) d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

async function call(method: string, path: string, body?: unknown, token?: string) {
  const res = await fetch(`${server.base}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as any };
}

async function mailTo(address: string, count: number): Promise<CaughtMail[]> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const mails = caughtMails().filter((m) => m.to.includes(address));
    if (mails.length >= count) return mails;
    if (Date.now() > deadline) throw new Error(`expected ${count} messages to ${address}, got ${mails.length}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function invitationOf(mail: CaughtMail) {
  const parsed = await PostalMime.parse(mail.raw);
  const part = parsed.attachments.find((a) => a.mimeType === 'text/calendar');
  if (!part) throw new Error(`no calendar part in "${parsed.subject}"`);
  const text = typeof part.content === 'string' ? part.content : new TextDecoder().decode(part.content);
  const cal = new ICAL.Component(ICAL.parse(text));
  const vevent = cal.getFirstSubcomponent('vevent')!;
  const event = new ICAL.Event(vevent);
  return {
    parsed,
    partMethod: part.method,
    method: cal.getFirstPropertyValue('method'),
    uid: event.uid,
    sequence: event.sequence,
    status: vevent.getFirstPropertyValue('status'),
    start: event.startDate.toJSDate().toISOString(),
  };
}

beforeAll(async () => {
  const now = Date.now();
  const hostId = '(SELECT id FROM users WHERE email = ?)';
  hostToken = randomToken();
  server = seedShared([
    ...provisionUserStatements({ ...HOST, role: 'user', timezone: 'America/New_York', passwordHash: await hashPassword(HOST.password) }, now),
    {
      // Mon-Fri 09:00-17:00 New York; no notice, so a slot a week away is bookable.
      sql: `INSERT INTO booking_event_types (owner_id, schedule_id, title, slug, duration_minutes, minimum_notice_hours, booking_window_days,
              location_type, location_value, is_active, created_at, updated_at)
            SELECT ${hostId}, s.id, 'Intro Call', 'intro-call', 30, 0, 60, 'zoom', 'https://zoom.us/j/e2e', 1, ?, ?
            FROM booking_schedules s WHERE s.user_id = ${hostId} AND s.is_default = 1`,
      params: [HOST.email, now, now, HOST.email],
    },
    {
      // The host's session: its own event types, in a database other files share.
      sql: `INSERT INTO sessions (token_hash, user_id, expires_at, created_at) SELECT ?, id, ?, ? FROM users WHERE email = ?`,
      params: [await sha256Hex(hostToken), now + 86_400_000, now, HOST.email],
    },
  ]);
  // Other files' hosts have an "intro-call" too: this host's own.
  const auth = { headers: { authorization: `Bearer ${hostToken}` } };
  const me = (await (await fetch(`${server.base}/v2/me`, auth)).json()) as { id: number };
  const types = (await (await fetch(`${server.base}/v2/event-types?owner_id=${me.id}`, auth)).json()) as { data: { id: number; slug: string }[] };
  eventTypeId = types.data.find((et) => et.slug === 'intro-call')!.id;
}, 240_000);

describe('invitations over SMTP from wrangler dev', () => {
  it('book, reschedule, cancel: three attendee messages updating one calendar event (REQUEST 0, REQUEST 1, CANCEL 2)', async () => {
    const monday = nextMonday();
    // 10:00 and 11:00 in New York (EST in winter, EDT in summer: take the offsets from the slots API).
    const slots = await call('GET', `/v2/slots/available?event_type_id=${eventTypeId}&start_time=${monday}T00:00:00Z&end_time=${monday}T23:59:59Z&timezone=America/New_York`);
    const day = slots.json.slots[monday] as { start: string }[];
    const first = day.find((s) => s.start.includes('T10:00'))!.start;
    const second = day.find((s) => s.start.includes('T11:00'))!.start;

    const booked = await call('POST', '/v2/bookings', { event_type_id: eventTypeId, start: first, attendee: ATTENDEE });
    expect(booked.status).toBe(201);
    const uid = booked.json.uid as string;
    await mailTo(ATTENDEE.email, 1);
    expect((await call('PATCH', `/v2/bookings/${uid}`, { start: second, reason: 'Clash' })).status).toBe(200);
    await mailTo(ATTENDEE.email, 2);
    expect((await call('DELETE', `/v2/bookings/${uid}`, { reason: 'Something came up' })).status).toBe(200);

    const toAttendee = await mailTo(ATTENDEE.email, 3);
    expect(toAttendee).toHaveLength(3);
    const invites = await Promise.all(toAttendee.map(invitationOf));
    expect(invites.map((i) => [i.method, i.partMethod, i.sequence, i.status])).toEqual([
      ['REQUEST', 'REQUEST', 0, 'CONFIRMED'],
      ['REQUEST', 'REQUEST', 1, 'CONFIRMED'],
      ['CANCEL', 'CANCEL', 2, 'CANCELLED'],
    ]);
    expect(new Set(invites.map((i) => i.uid))).toEqual(new Set([`${uid}@${new URL(server.base).hostname}`]));
    expect(invites[0]!.start).toBe(new Date(first).toISOString());
    expect(invites[1]!.start).toBe(new Date(second).toISOString());
    expect(invites.map((i) => i.parsed.subject?.split(':')[0])).toEqual(['Confirmed', 'Rescheduled', 'Cancelled']);
    // The attendee reads Paris time; every message has its own stable Message-ID.
    expect(invites[0]!.parsed.text).toContain('(Europe/Paris)');
    expect(new Set(invites.map((i) => i.parsed.messageId)).size).toBe(3);

    // The host heard about the same three changes, in New York time.
    const toHost = await mailTo(HOST.email, 3);
    const hostInvites = await Promise.all(toHost.map(invitationOf));
    expect(hostInvites.map((i) => i.sequence)).toEqual([0, 1, 2]);
    expect(hostInvites[0]!.parsed.text).toContain('(America/New_York)');

    // The download is the same event at its latest version.
    const ics = await fetch(`${server.base}/v2/bookings/${uid}/ics`).then((r) => r.text());
    const event = new ICAL.Event(new ICAL.Component(ICAL.parse(ics)).getFirstSubcomponent('vevent')!);
    expect([event.uid, event.sequence]).toEqual([`${uid}@${new URL(server.base).hostname}`, 2]);
  });

  it('a reminder workflow by email and SMS: booked, due, delivered to the mail catcher and the Twilio stand-in', async () => {
    const attendee = { name: 'Rémi Reminded', email: 'e2e-reminded@example.com', timezone: 'Europe/Paris' };
    const mobile = '+14155550187';
    const created = await call(
      'POST',
      '/v2/event-types',
      {
        title: 'Reminded Call',
        slug: 'reminded-call',
        duration_minutes: 30,
        booking_window_days: 60,
        booking_fields: [{ name: 'mobile', type: 'phone', label: 'Mobile', required: true, sms_consent: true }],
      },
      hostToken,
    );
    expect(created.status).toBe(201);
    // Due at the booking itself: the host's HostCalendar alarm fires in wrangler dev and sends both.
    const workflow = await call(
      'POST',
      `/v2/event-types/${created.json.id}/workflows`,
      { name: 'Welcome', trigger: 'on_booked', steps: [{ action: 'email_attendee', subject: 'See you {start_local}' }, { action: 'sms_attendee' }] },
      hostToken,
    );
    expect(workflow.status).toBe(201);
    const monday = nextMonday();
    const slots = await call('GET', `/v2/slots/available?event_type_id=${created.json.id}&start_time=${monday}T00:00:00Z&end_time=${monday}T23:59:59Z&timezone=America/New_York`);
    const start = (slots.json.slots[monday] as { start: string }[]).find((s) => s.start.includes('T14:00'))!.start;
    const booked = await call('POST', '/v2/bookings', {
      event_type_id: created.json.id,
      start,
      attendee,
      booking_fields_responses: { mobile: '+1 (415) 555-0187', sms_consent: true },
    });
    expect(booked.status).toBe(201);

    const [mail] = (await mailTo(attendee.email, 2)).filter((m) => m.raw.includes('Subject: See you'));
    const parsed = await PostalMime.parse(mail!.raw);
    // Paris time: 14:00 in New York is 20:00 in Paris.
    expect(parsed.subject).toMatch(/^See you \w+day, \w+ \d+, \d{4}, 8:00 PM GMT\+[12]$/);
    const deadline = Date.now() + 60_000;
    while (!caughtSms().some((m) => m.to === mobile) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    const sms = caughtSms().filter((m) => m.to === mobile);
    expect(sms).toHaveLength(1);
    expect(sms[0]!.from).toBe('+15005550006');
    expect(sms[0]!.body).toMatch(/^Reminder: Reminded Call .* with Hanna Host, \w+day, .*8:00 PM GMT\+[12]\. Reschedule: http:\/\/127\.0\.0\.1:\d+\/reschedule\//);
    // The host sees both steps sent on the booking.
    const read = await call('GET', `/v2/bookings/${booked.json.uid}`, undefined, hostToken);
    expect(read.json.reminders.map((r: { action: string; status: string }) => `${r.action}:${r.status}`)).toEqual(['email_attendee:sent', 'sms_attendee:sent']);
  });
});

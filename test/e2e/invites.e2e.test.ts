/**
 * Invitations end to end: a real `wrangler dev` (workerd, local D1, Durable Objects, Queues) sends over SMTP
 * (cloudflare:sockets) to the local mail catcher on 127.0.0.1, exactly as `npm run dev` does. Book, reschedule and
 * cancel must reach the attendee as three messages whose calendar part updates one event: REQUEST seq 0, REQUEST
 * seq 1 with the same UID, CANCEL seq 2.
 */
import ICAL from 'ical.js';
import PostalMime from 'postal-mime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execute } from '../../scripts/lib/d1';
import { startMailCatcher, type CaughtMail, type MailCatcher } from '../../scripts/lib/mail-catcher';
import { hashPassword } from '../../src/auth/crypto';
import { provisionUserStatements } from '../../src/users/provision';
import { startWranglerDev, type DevWorker } from '../../scripts/lib/processes';

const HOST = { email: 'e2e-invites-host@calflare.dev', name: 'Hanna Host', password: 'e2e-host-password' };
const ATTENDEE = { name: 'Ava Attendee', email: 'ava@example.com', timezone: 'Europe/Paris' };

let catcher: MailCatcher;
let server: DevWorker;
let eventTypeId: number;

function nextMonday(): string {
  const d = new Date(Date.now() + 7 * 86_400_000);
  while (d.getUTCDay() !== 1) d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

async function call(method: string, path: string, body?: unknown) {
  const res = await fetch(`${server.base}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as any };
}

async function mailTo(address: string, count: number): Promise<CaughtMail[]> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const mails = catcher.messages.filter((m) => m.to.includes(address));
    if (mails.length >= count) return mails;
    if (Date.now() > deadline) throw new Error(`expected ${count} messages to ${address}, got ${mails.length}\n${server.log()}`);
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
  catcher = await startMailCatcher();
  server = await startWranglerDev({
    vars: { EMAIL_TRANSPORT: 'smtp', SMTP_HOST: '127.0.0.1', SMTP_PORT: String(catcher.port), SMTP_SECURITY: 'off', EMAIL_RETRY_BASE_SECONDS: '1', APP_URL: 'http://calflare.test' },
    seed: async (state) => {
      const now = Date.now();
      const hostId = '(SELECT id FROM users WHERE email = ?)';
      execute(
        [
          ...provisionUserStatements({ ...HOST, role: 'user', timezone: 'America/New_York', passwordHash: await hashPassword(HOST.password) }, now),
          {
            // Mon-Fri 09:00-17:00 New York; no notice, so a slot a week away is bookable.
            sql: `INSERT INTO booking_event_types (owner_id, schedule_id, title, slug, duration_minutes, minimum_notice_hours, booking_window_days,
                    location_type, location_value, is_active, created_at, updated_at)
                  SELECT ${hostId}, s.id, 'Intro Call', 'intro-call', 30, 0, 60, 'zoom', 'https://zoom.us/j/e2e', 1, ?, ?
                  FROM booking_schedules s WHERE s.user_id = ${hostId} AND s.is_default = 1`,
            params: [HOST.email, now, now, HOST.email],
          },
        ],
        { persistTo: state },
      );
    },
  });
  const types = await call('GET', '/v2/event-types');
  eventTypeId = types.json.data.find((et: { slug: string }) => et.slug === 'intro-call').id;
}, 240_000);

afterAll(async () => {
  await server?.stop();
  await catcher?.close();
});

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
    expect(new Set(invites.map((i) => i.uid))).toEqual(new Set([`${uid}@calflare.test`]));
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
    expect([event.uid, event.sequence]).toEqual([`${uid}@calflare.test`, 2]);
  });
});

// Every host attending a team booking hears of it: emails (each in their own zone) and their webhooks (each webhook
// once), with Cal.com's `team` and `organizer` (the assigned host) on every trigger, through the real queues.
import { env } from 'cloudflare:workers';
import PostalMime from 'postal-mime';
import { afterEach, describe, expect, it } from 'vitest';
import { bookingEnvelopeSchemas } from '../src/webhooks/envelopes';
import { memoryMailbox } from '../src/notifications/transports/memory';
import { api, book, upcomingDate, waitFor } from './helpers';
import { makeTeam, teamEventType } from './teams-helpers';
import { cleanUpWebhooks, createWebhook, HOOK_HOST, stubSubscribers, type Received } from './webhooks-helpers';

afterEach(cleanUpWebhooks);

const MONDAY = upcomingDate(1, 7);
const at = (hhmm: string) => `${MONDAY}T${hhmm}:00Z`;
const TRIGGERS = ['BOOKING_CREATED', 'BOOKING_RESCHEDULED', 'BOOKING_CANCELLED'];

interface EmailRow {
  id: number;
  trigger_event: string;
  recipient_role: string;
  recipient_email: string;
  status: string;
  notification_id: string;
}
const emailRows = async (uid: string) =>
  (await env.DB.prepare('SELECT * FROM booking_email_notifications WHERE booking_uid = ? ORDER BY id').bind(uid).all<EmailRow>()).results;

/** The bodies each of these webhook URLs received, once every delivery of the booking is settled. */
async function deliveredTo(received: Received[], uid: string, urls: string[], expected: number) {
  await waitFor(async () => {
    const row = await env.DB.prepare(
      `SELECT COUNT(*) AS n FROM booking_webhook_deliveries d JOIN bookings b ON b.id = d.booking_id WHERE b.uid = ? AND d.status = 'delivered'`,
    )
      .bind(uid)
      .first<{ n: number }>();
    return row!.n >= expected;
  }, `${expected} deliveries`, 8000);
  return urls.map((url) => received.filter((r) => r.url === url).map((r) => JSON.parse(r.body)).filter((b) => b.payload.uid === uid));
}

describe('team booking webhooks for every host', () => {
  it('each attending host\'s webhook gets created, rescheduled and cancelled once, with team and organizer', async () => {
    const team = await makeTeam([{}, {}]);
    const [a, b] = team.members as [any, any];
    const et = await teamEventType(team.id, team.owner.token, { scheduling_type: 'collective', hosts: [{ user_id: a.user.id }, { user_id: b.user.id }] });
    const urls = [`${HOOK_HOST}/a-${crypto.randomUUID()}`, `${HOOK_HOST}/b-${crypto.randomUUID()}`, `${HOOK_HOST}/owner-${crypto.randomUUID()}`];
    await createWebhook(a.token, { subscriber_url: urls[0], event_triggers: TRIGGERS });
    await createWebhook(b.token, { subscriber_url: urls[1], event_triggers: TRIGGERS });
    // The team's owner does not attend: their webhook stays quiet.
    await createWebhook(team.owner.token, { subscriber_url: urls[2], event_triggers: TRIGGERS });
    const { received } = stubSubscribers();

    const booked = await book(et.id, at('10:00'));
    expect(booked.status).toBe(201);
    const uid = booked.json.uid as string;
    expect((await api('PATCH', `/v2/bookings/${uid}`, { body: { start: at('11:00') } })).status).toBe(200);
    expect((await api('DELETE', `/v2/bookings/${uid}`, { body: { reason: 'no longer needed' } })).status).toBe(200);

    const [toA, toB, toOwner] = await deliveredTo(received, uid, urls, 6);
    expect(toOwner).toEqual([]);
    const organizer = [a, b].sort((x, y) => x.user.id - y.user.id)[0];
    for (const bodies of [toA!, toB!]) {
      expect(bodies.map((e) => e.triggerEvent).sort()).toEqual([...TRIGGERS].sort());
      for (const envelope of bodies) {
        expect(envelope.payload.organizer).toMatchObject({ id: organizer.user.id, email: organizer.user.email });
        expect(envelope.payload.team).toEqual({
          id: team.id,
          name: 'Team Rocket',
          members: [a, b]
            .sort((x, y) => x.user.id - y.user.id)
            .map((m) => ({ id: m.user.id, name: m.user.name, email: m.user.email, timeZone: m.user.timezone })),
        });
        expect(bookingEnvelopeSchemas[envelope.triggerEvent as 'BOOKING_CREATED'].safeParse(envelope).success).toBe(true);
      }
    }
  });

  it('a round robin tells the assigned and fixed hosts, not the rotating hosts who were not assigned', async () => {
    const team = await makeTeam([{}, {}, {}]);
    const [fixed, chosen, idle] = team.members as [any, any, any];
    const et = await teamEventType(team.id, team.owner.token, {
      scheduling_type: 'round_robin',
      hosts: [{ user_id: fixed.user.id, is_fixed: true }, { user_id: chosen.user.id, priority: 4 }, { user_id: idle.user.id, priority: 0 }],
    });
    const urls = [fixed, chosen, idle].map((m) => `${HOOK_HOST}/${m.user.id}-${crypto.randomUUID()}`);
    for (const [i, m] of [fixed, chosen, idle].entries()) await createWebhook(m.token, { subscriber_url: urls[i], event_triggers: TRIGGERS });
    const { received } = stubSubscribers();
    const booked = await book(et.id, at('10:00'));
    expect(booked.json.host_id).toBe(chosen.user.id);
    const [toFixed, toChosen, toIdle] = await deliveredTo(received, booked.json.uid, urls, 2);
    expect(toFixed!.map((e) => e.payload.organizer.id)).toEqual([chosen.user.id]);
    expect(toChosen!.map((e) => e.payload.team.members.map((m: any) => m.id))).toEqual([[fixed.user.id, chosen.user.id].sort((x, y) => x - y)]);
    expect(toIdle).toEqual([]);
    // Emails: the attendee, the organizer and the fixed host; not the idle host.
    const rows = await waitFor(async () => {
      const r = await emailRows(booked.json.uid);
      return r.length === 3 && r.every((x) => x.status === 'sent') && r;
    }, 'three emails sent', 8000);
    expect(rows.map((r) => r.recipient_email).sort()).toEqual([booked.json.attendee.email, chosen.user.email, fixed.user.email].sort());
  });
});

describe('team booking emails for every host', () => {
  it('every host of a collective gets the host\'s emails, each in their own time zone', async () => {
    const team = await makeTeam([{}, { timezone: 'Europe/Berlin' }]);
    const [a, b] = team.members as [any, any];
    const et = await teamEventType(team.id, team.owner.token, { scheduling_type: 'collective', hosts: [{ user_id: a.user.id }, { user_id: b.user.id }] });
    const booked = await book(et.id, at('10:00'));
    expect(booked.status).toBe(201);
    const uid = booked.json.uid as string;
    expect((await api('DELETE', `/v2/bookings/${uid}`, { body: {} })).status).toBe(200);

    const rows = await waitFor(async () => {
      const r = await emailRows(uid);
      return r.length === 6 && r.every((x) => x.status === 'sent') && r;
    }, 'six emails sent', 8000);
    const summary = rows.map((r) => `${r.trigger_event} ${r.recipient_role} ${r.recipient_email}`).sort();
    expect(summary).toEqual(
      ['BOOKING_CREATED', 'BOOKING_CANCELLED']
        .flatMap((t) => [`${t} attendee ${booked.json.attendee.email}`, `${t} host ${a.user.email}`, `${t} host ${b.user.email}`])
        .sort(),
    );
    // The Berlin host reads the time in Berlin (11:00 CET), the other host in UTC.
    const textsTo = (email: string) => Promise.all(memoryMailbox.sent.filter((m) => m.to === email).map(async (m) => (await PostalMime.parse(m.raw)).text ?? ''));
    const berlin = await textsTo(b.user.email);
    expect(berlin).toHaveLength(2);
    for (const text of berlin) expect(text).toMatch(/11:00 AM.*\(Europe\/Berlin\)/);
    for (const text of await textsTo(a.user.email)) expect(text).toMatch(/10:00 AM.*\(UTC\)/);
  });
});

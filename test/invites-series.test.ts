// A recurring series' emails through the real Worker: one invitation (with the RRULE) for the whole series, then one
// message per changed occurrence under the series uid, named by RECURRENCE-ID; the .ics download agrees; the host's
// feed keeps every occurrence as its own event.
import { env } from 'cloudflare:workers';
import { SELF } from 'cloudflare:test';
import ICAL from 'ical.js';
import PostalMime from 'postal-mime';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { hostEventUid } from '../src/invites/site';
import { composeEmail, notificationFromRow } from '../src/notifications/consumer';
import { api, BASE, book, createEventType, makeUser } from './helpers';

const ATTENDEE = { name: 'Jane Doe', email: `series-${crypto.randomUUID()}@example.com`, timezone: 'Europe/London' };

async function emailsOf(uid: string) {
  const { results } = await env.DB.prepare('SELECT * FROM booking_email_notifications WHERE booking_uid = ? ORDER BY id').bind(uid).all<Record<string, unknown>>();
  return Promise.all(
    results.map(async (row) => {
      const n = notificationFromRow(row);
      const parsed = await PostalMime.parse((await composeEmail(env, n)).raw);
      const part = parsed.attachments.find((a) => a.mimeType === 'text/calendar')!;
      const ics = typeof part.content === 'string' ? part.content : new TextDecoder().decode(part.content);
      // postal-mime hands text parts over with bare newlines; iCalendar lines end in CRLF.
      return { trigger: n.triggerEvent, role: n.recipientRole, text: parsed.text ?? '', ics: ics.replace(/\r?\n/g, '\r\n') };
    }),
  );
}

/** A weekly series of 4 at 09:00 New York from Monday 2027-03-01 (14:00Z; 13:00Z after the 14 March change). */
async function bookedSeries() {
  const host = await makeUser({ timezone: 'America/New_York' });
  const et = await createEventType(host.token, { booking_window_days: 730, recurring_event: { freq: 'weekly', interval: 1, count: 4 } });
  const res = await book(et.id, '2027-03-01T14:00:00Z', { attendee: ATTENDEE });
  expect(res.status, JSON.stringify(res.json)).toBe(201);
  return { host, seriesUid: res.json.recurring_booking_uid as string, uids: (res.json.occurrences as { uid: string }[]).map((o) => o.uid) };
}

/** The attendee's invitation carries the series uid; the host's a UID derived from it. */
const seriesUidFor = async (role: string, seriesUid: string) => (role === 'attendee' ? seriesUid : hostEventUid(seriesUid));

beforeEach(() => {
  vi.spyOn(globalThis, 'fetch').mockImplementation(async () => new Response('ok', { status: 200 }));
});
afterEach(() => vi.restoreAllMocks());

describe('the emails of a recurring series', () => {
  it('one invitation per recipient for the whole series: an RRULE on the host’s wall clock with its VTIMEZONE', async () => {
    const { seriesUid, uids } = await bookedSeries();
    const first = await emailsOf(uids[0]!);
    expect(first.map((e) => `${e.trigger} ${e.role}`)).toEqual(['BOOKING_CREATED attendee', 'BOOKING_CREATED host']);
    for (const uid of uids.slice(1)) expect(await emailsOf(uid)).toEqual([]);
    for (const { ics, role } of first) {
      expect(ics).toContain('METHOD:REQUEST\r\n');
      expect(ics).toContain(`UID:${await seriesUidFor(role, seriesUid)}@`);
      expect(ics).toContain('DTSTART;TZID=America/New_York:20270301T090000\r\n');
      expect(ics).toContain('RRULE:FREQ=WEEKLY;INTERVAL=1;COUNT=4\r\n');
      expect(ics).toContain('BEGIN:VTIMEZONE\r\nTZID:America/New_York\r\n');
    }
    expect(first[0]!.text).toContain('Repeats: Every week, 4 meetings, the last on Mon, Mar 22');
  });

  it('a moved occurrence goes out under the series uid with its original start as RECURRENCE-ID, every time it moves', async () => {
    const { seriesUid, uids } = await bookedSeries();
    const third = uids[2]!;
    expect((await api('PATCH', `/v2/bookings/${third}`, { body: { start: '2027-03-16T13:00:00Z' } })).status).toBe(200);
    expect((await api('PATCH', `/v2/bookings/${third}`, { body: { start: '2027-03-17T13:00:00Z' } })).status).toBe(200);
    const moves = (await emailsOf(third)).filter((e) => e.trigger === 'BOOKING_RESCHEDULED');
    expect(moves.map((e) => e.role)).toEqual(['attendee', 'host', 'attendee', 'host']);
    for (const [i, { ics, role }] of moves.entries()) {
      expect(ics).toContain('METHOD:REQUEST\r\n');
      expect(ics).toContain(`UID:${await seriesUidFor(role, seriesUid)}@`);
      expect(ics).toContain('RECURRENCE-ID:20270315T130000Z\r\n');
      expect(ics).toContain(i < 2 ? 'DTSTART:20270316T130000Z' : 'DTSTART:20270317T130000Z');
      expect(ics).toContain(i < 2 ? 'SEQUENCE:1\r\n' : 'SEQUENCE:2\r\n');
      expect(ics).not.toContain('RRULE');
    }
    // The download of the occurrence is the same calendar object.
    const file = await (await SELF.fetch(`${BASE}/v2/bookings/${third}/ics`)).text();
    expect(file).toContain(`UID:${seriesUid}@`);
    expect(file).toContain('RECURRENCE-ID:20270315T130000Z\r\n');
  });

  it('an occurrence’s download, and the series uid’s, is the whole series: a master with every start, each occurrence its override', async () => {
    const { seriesUid, uids } = await bookedSeries();
    expect((await api('PATCH', `/v2/bookings/${uids[2]}`, { body: { start: '2027-03-16T13:00:00Z' } })).status).toBe(200);
    expect((await api('DELETE', `/v2/bookings/${uids[3]}`, { body: { scope: 'this' } })).status).toBe(200);
    const occurrence = await SELF.fetch(`${BASE}/v2/bookings/${uids[0]}/ics`);
    expect(occurrence.status).toBe(200);
    const series = await SELF.fetch(`${BASE}/v2/bookings/${seriesUid}/ics`);
    expect(series.status).toBe(200);
    const text = await series.text();
    expect(await occurrence.text()).toBe(text);
    const events = new ICAL.Component(ICAL.parse(text)).getAllSubcomponents('vevent');
    const master = events.filter((e) => !e.hasProperty('recurrence-id'));
    expect(master).toHaveLength(1);
    expect(String(master[0]!.getFirstPropertyValue('uid'))).toBe(`${seriesUid}@calflare.example.com`);
    expect(String(master[0]!.getFirstPropertyValue('dtstart'))).toBe('2027-03-01T14:00:00Z');
    expect(text).toContain('RDATE:20270308T140000Z,20270315T130000Z,20270322T130000Z\r\n');
    const overrides = events.filter((e) => e.hasProperty('recurrence-id'));
    expect(overrides.map((e) => [String(e.getFirstPropertyValue('recurrence-id')), String(e.getFirstPropertyValue('dtstart')), e.getFirstPropertyValue('status')])).toEqual([
      ['2027-03-01T14:00:00Z', '2027-03-01T14:00:00Z', 'CONFIRMED'],
      ['2027-03-08T14:00:00Z', '2027-03-08T14:00:00Z', 'CONFIRMED'],
      ['2027-03-15T13:00:00Z', '2027-03-16T13:00:00Z', 'CONFIRMED'],
      ['2027-03-22T13:00:00Z', '2027-03-22T13:00:00Z', 'CANCELLED'],
    ]);
    expect((await SELF.fetch(`${BASE}/v2/bookings/unknown-series-uid-123/ics`)).status).toBe(404);
  });

  it('a cancelled occurrence is a CANCEL of that occurrence only; the feed keeps each occurrence as its own event', async () => {
    const { host, seriesUid, uids } = await bookedSeries();
    expect((await api('DELETE', `/v2/bookings/${uids[1]}`, { body: { scope: 'this' } })).status).toBe(200);
    const cancels = (await emailsOf(uids[1]!)).filter((e) => e.trigger === 'BOOKING_CANCELLED');
    expect(cancels).toHaveLength(2);
    for (const { ics, role } of cancels) {
      expect(ics).toContain('METHOD:CANCEL\r\n');
      expect(ics).toContain(`UID:${await seriesUidFor(role, seriesUid)}@`);
      expect(ics).toContain('RECURRENCE-ID:20270308T140000Z\r\n');
    }
    const feed = await api('POST', '/v2/calendar-feeds', { token: host.token, body: { name: 'Mine' } });
    const text = await (await SELF.fetch(feed.json.url.replace('https://calflare.example.com', BASE))).text();
    // The host's copies: UIDs derived from the occurrences' uids, never the uids (the attendee's capabilities).
    for (const uid of [uids[0], uids[2], uids[3]]) expect(text).toContain(`UID:${await hostEventUid(uid!)}@`);
    for (const uid of uids) expect(text).not.toContain(uid);
    expect(text).not.toContain('RECURRENCE-ID');
  });
});

// Calendar write-back (issue #28) into a CalDAV destination: the outbox row in the booking's own batch, the queue
// consumer, exactly-once creates, in-place updates, deletes, retries, and our own events never blocking the host.
// (Against a real server, Radicale: test/e2e/calendars.e2e.test.ts.)
import ICAL from 'ical.js';
import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { syncConnection } from '../src/calendars/sync';
import { runCalendarWrite, sweepCalendarWrites } from '../src/calendars/writeback';
import { caldavWrite } from '../src/calendars/caldav-write';
import { claimWrite } from '../src/calendars/writeback-repo';
import { api, book, dbCount, dbRow, expectError, getPage, hostWithEventType, makeAdmin, makeUser, upcomingDate, waitFor } from './helpers';
import { caldavDestination, COLLECTION, fakeCaldav, icsProp, serveCaldav, settleWrites } from './calendars-writeback-helpers';
import { makeTeam, teamEventType } from './teams-helpers';

afterEach(async () => {
  await settleWrites();
  vi.restoreAllMocks();
});

const day = upcomingDate(2, 7);
const at = (hhmm: string) => `${day}T${hhmm}:00Z`;
const syncOf = async (token: string, uid: string) => (await api('GET', `/v2/bookings/${uid}`, { token })).json.calendar_sync;
const synced = (token: string, uid: string) => waitFor(async () => (await syncOf(token, uid))?.status === 'synced' && syncOf(token, uid), `write-back of ${uid}`);

describe('write-back into a CalDAV destination', () => {
  it('create, reschedule and cancel are one resource: PUT If-None-Match *, PUT with a higher SEQUENCE, DELETE', async () => {
    const { token, eventType } = await hostWithEventType();
    await caldavDestination(token);
    const dav = fakeCaldav();
    serveCaldav(dav);

    const booked = await book(eventType.id, at('10:00'));
    expect(booked.status).toBe(201);
    // The attendee's view never shows the host's calendar state.
    expect((await api('GET', `/v2/bookings/${booked.json.uid}`)).json.calendar_sync).toBeUndefined();
    expect(await synced(token, booked.json.uid)).toMatchObject({ status: 'synced', error: null });
    const [create] = dav.requests.filter((r) => r.method === 'PUT');
    expect(create!.headers.get('if-none-match')).toBe('*');
    expect(create!.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    // The host's copy: named by a digest of the booking, never the attendee's capability (the booking uid).
    expect(create!.url).toMatch(new RegExp(`^${COLLECTION}host-[0-9a-f]{32}\\.ics$`));
    expect(create!.body).not.toContain(booked.json.uid);
    const event = new ICAL.Component(ICAL.parse(create!.body)).getFirstSubcomponent('vevent')!;
    expect(event.getFirstPropertyValue('uid')).toBe(`${create!.url.slice(COLLECTION.length, -4)}@calflare.example.com`);
    expect(event.getFirstPropertyValue('sequence')).toBe(0);
    expect(event.getFirstProperty('attendee')!.getParameter('schedule-agent')).toBe('CLIENT');
    expect(String(event.getFirstPropertyValue('description'))).toContain('Looking forward to the meeting');

    expect((await api('PATCH', `/v2/bookings/${booked.json.uid}`, { body: { start: at('14:00') } })).status).toBe(200);
    await waitFor(async () => dav.requests.filter((r) => r.method === 'PUT').length === 2 && (await syncOf(token, booked.json.uid)).status === 'synced', 'reschedule written');
    const update = dav.requests.filter((r) => r.method === 'PUT')[1]!;
    expect(update.url).toBe(create!.url);
    expect(update.headers.get('if-none-match')).toBeNull();
    expect([...dav.resources.keys()]).toEqual([create!.url]);
    expect(icsProp(dav.resources.get(create!.url)!, 'SEQUENCE')).toBe('1');
    expect(icsProp(dav.resources.get(create!.url)!, 'DTSTART')).toBe(`${day.replace(/-/g, '')}T140000Z`);

    expect((await api('DELETE', `/v2/bookings/${booked.json.uid}`, { body: {} })).status).toBe(200);
    await waitFor(async () => dav.resources.size === 0 && (await syncOf(token, booked.json.uid)).status === 'synced', 'cancel written');
    expect(dav.requests.at(-1)).toMatchObject({ method: 'DELETE', url: create!.url });
  });

  it('a refused booking writes no outbox row; a host without a destination gets none either', async () => {
    const { token, eventType } = await hostWithEventType();
    await caldavDestination(token);
    serveCaldav(fakeCaldav());
    const first = await book(eventType.id, at('11:00'));
    expect((await book(eventType.id, at('11:00'), { attendee: { name: 'B', email: 'b@example.com', timezone: 'UTC' } })).status).toBe(409);
    expect(await dbCount('SELECT count(*) AS n FROM calendar_writes w JOIN bookings b ON b.id = w.booking_id WHERE b.event_type_id = ?', eventType.id)).toBe(1);
    await synced(token, first.json.uid);

    const other = await hostWithEventType();
    const plain = await book(other.eventType.id, at('11:00'));
    expect((await api('GET', `/v2/bookings/${plain.json.uid}`, { token: other.token })).json.calendar_sync).toBeNull();
  });

  it('a pending request is written TENTATIVE, confirmed in place, and a declined one deleted', async () => {
    const { token, eventType } = await hostWithEventType({ requires_confirmation: true });
    await caldavDestination(token);
    const dav = fakeCaldav();
    serveCaldav(dav);
    const a = await book(eventType.id, at('09:00'));
    const b = await book(eventType.id, at('13:00'), { attendee: { name: 'B', email: 'b@example.com', timezone: 'UTC' } });
    await synced(token, a.json.uid);
    await synced(token, b.json.uid);
    expect([...dav.resources.values()].map((ics) => icsProp(ics, 'STATUS'))).toEqual(['TENTATIVE', 'TENTATIVE']);
    expect((await api('POST', `/v2/bookings/${a.json.uid}/confirm`, { token })).status).toBe(200);
    expect((await api('POST', `/v2/bookings/${b.json.uid}/decline`, { token, body: {} })).status).toBe(200);
    await waitFor(async () => dav.resources.size === 1 && [...dav.resources.values()][0]!.includes('STATUS:CONFIRMED'), 'confirm and decline written');
    await synced(token, a.json.uid);
  });

  it('a seated slot is one resource: its ATTENDEEs follow the seats; a moved seat leaves one slot for the other; the last seat deletes it', async () => {
    const { token, eventType } = await hostWithEventType({ seats_per_time_slot: 4 });
    await caldavDestination(token);
    const dav = fakeCaldav();
    serveCaldav(dav);
    const seat = async (start: string, name: string) => (await book(eventType.id, start, { attendee: { name, email: `${name.toLowerCase()}@example.com`, timezone: 'UTC' } })).json.uid as string;
    const idle = (puts: number) =>
      waitFor(async () => dav.requests.filter((r) => r.method !== 'REPORT').length === puts && (await dbCount("SELECT count(*) AS n FROM calendar_writes w JOIN bookings b ON b.id = w.booking_id WHERE b.event_type_id = ? AND w.status != 'synced'", eventType.id)) === 0, `${puts} writes`);
    const attendeesOf = (ics: string) =>
      new ICAL.Component(ICAL.parse(ics)).getFirstSubcomponent('vevent')!.getAllProperties('attendee').map((p) => String(p.getFirstValue()));
    await seat(at('15:00'), 'Ann');
    await idle(1);
    const bob = await seat(at('15:00'), 'Bob');
    await idle(2);
    const [create, update] = dav.requests;
    expect(create!.headers.get('if-none-match')).toBe('*');
    expect(update!.url).toBe(create!.url);
    expect(attendeesOf(dav.resources.get(create!.url)!)).toEqual(['mailto:ann@example.com', 'mailto:bob@example.com']);
    expect(icsProp(dav.resources.get(create!.url)!, 'SEQUENCE')).toBe('1');

    // Bob moves to 16:00: the 15:00 event loses him (SEQUENCE 2), a 16:00 event is created with him alone.
    expect((await api('PATCH', `/v2/bookings/${bob}`, { body: { start: at('16:00') } })).status).toBe(200);
    await idle(4);
    expect(dav.resources.size).toBe(2);
    const moved = [...dav.resources.keys()].find((url) => url !== create!.url)!;
    expect(attendeesOf(dav.resources.get(create!.url)!)).toEqual(['mailto:ann@example.com']);
    expect(icsProp(dav.resources.get(create!.url)!, 'SEQUENCE')).toBe('2');
    expect(attendeesOf(dav.resources.get(moved)!)).toEqual(['mailto:bob@example.com']);
    expect(icsProp(dav.resources.get(moved)!, 'DTSTART')).toBe(`${day.replace(/-/g, '')}T160000Z`);
    // Bob, the last seat at 16:00, cancels: that resource goes; the 15:00 one stays.
    expect((await api('DELETE', `/v2/bookings/${bob}`, { body: {} })).status).toBe(200);
    await idle(5);
    expect([...dav.resources.keys()]).toEqual([create!.url]);
  });
});

describe('team bookings', () => {
  it("a collective booking is written to every host's destination, and moved in each", async () => {
    const team = await makeTeam();
    const [a, b] = team.members;
    const et = await teamEventType(team.id, team.owner.token, { scheduling_type: 'collective', hosts: [{ user_id: a!.user.id }, { user_id: b!.user.id }] });
    await caldavDestination(a!.token, 'https://dav.example.com/calendars/a/');
    await caldavDestination(b!.token, 'https://dav.example.com/calendars/b/');
    const dav = fakeCaldav();
    serveCaldav(dav);
    const booked = await book(et.id, at('12:00'));
    expect(booked.status).toBe(201);
    await synced(a!.token, booked.json.uid);
    expect([...dav.resources.keys()].map((href) => href.split('/')[4])).toEqual(expect.arrayContaining(['a', 'b']));
    expect((await api('PATCH', `/v2/bookings/${booked.json.uid}`, { body: { start: at('12:30') } })).status).toBe(200);
    await waitFor(async () => (await syncOf(a!.token, booked.json.uid)).status === 'synced' && [...dav.resources.values()].every((ics) => icsProp(ics, 'SEQUENCE') === '1'), 'both moved');
    expect(dav.resources.size).toBe(2);
    // A host who no longer attends after a reschedule (here: taken off the event type) loses the event; the other keeps it.
    expect((await api('PATCH', `/v2/teams/${team.id}/event-types/${et.id}`, { token: team.owner.token, body: { hosts: [{ user_id: a!.user.id }] } })).status).toBe(200);
    expect((await api('PATCH', `/v2/bookings/${booked.json.uid}`, { body: { start: at('13:00') } })).status).toBe(200);
    await waitFor(async () => dav.resources.size === 1 && (await syncOf(a!.token, booked.json.uid)).status === 'synced', 'the old host\'s event deleted');
    expect([...dav.resources.keys()][0]!.split('/')[4]).toBe('a');
  });
});

describe('the write-back consumer', () => {
  /** A host with a destination and one booking whose row is left for the test to run by hand (its message is dropped). */
  async function pendingWrite() {
    const { token, eventType, user } = await hostWithEventType();
    const connectionId = await caldavDestination(token);
    // Every message goes nowhere: the test runs the consumer itself, with its own fake.
    vi.spyOn(env.CALENDAR_WRITES, 'sendBatch').mockResolvedValue(undefined as never);
    const booked = await book(eventType.id, at('15:00'));
    const row = await dbRow<{ id: number }>('SELECT w.id FROM calendar_writes w JOIN bookings b ON b.id = w.booking_id WHERE b.uid = ?', booked.json.uid);
    return { token, user, connectionId, uid: booked.json.uid as string, id: row!.id };
  }

  it('a create whose answer was lost after the server stored it is retried without a second resource', async () => {
    const { id, token, uid } = await pendingWrite();
    let lost = true;
    const dav = fakeCaldav({
      onRequest: async (r) => {
        if (r.method !== 'PUT' || !lost) return undefined;
        lost = false;
        await dav.fetcher(r.url, { method: 'PUT', headers: r.headers, body: r.body }); // stored...
        throw new Error('Network connection lost.'); // ...but the answer never came
      },
    });
    expect(await runCalendarWrite(env, id, { fetcher: dav.fetcher, random: () => 0.5 })).toEqual({ outcome: 'retry', delaySeconds: 1 });
    expect(await syncOf(token, uid)).toMatchObject({ status: 'pending', error: 'The calendar server could not be reached' });
    expect(await runCalendarWrite(env, id, { fetcher: dav.fetcher })).toEqual({ outcome: 'synced' });
    // The retry's If-None-Match found our resource (412) and overwrote that one.
    expect(dav.requests.map((r) => `${r.method} ${r.headers.get('if-none-match') ?? '-'}`).slice(-3)).toEqual(['PUT *', 'PUT *', 'PUT -']);
    expect(dav.resources.size).toBe(1);
    // Another copy of the message finds it settled.
    expect(await runCalendarWrite(env, id, { fetcher: dav.fetcher })).toEqual({ outcome: 'skipped' });
  });

  it('a consumer killed mid-write leaves the row to the sweep, which gets it written exactly once', async () => {
    const { id, uid, token } = await pendingWrite();
    const dav = fakeCaldav();
    // The killed run: it claimed the row and its PUT reached the server, then it died before settling.
    const claimedAt = Date.now();
    expect(await claimWrite(env.DB, id, claimedAt, 60_000)).not.toBeNull();
    const payload = JSON.parse((await dbRow<{ payload: string }>('SELECT payload FROM calendar_writes WHERE id = ?', id))!.payload);
    await caldavWrite({ url: COLLECTION, username: 'host', password: 'dav-secret' }, { payload, created: false, site: { baseUrl: 'https://calflare.example.com', domain: 'calflare.example.com' } }, { allowPrivate: false, fetcher: dav.fetcher }, claimedAt);
    // While its lease lives, another copy of the message leaves it alone; once the lease and the grace are over, the sweep re-sends it.
    expect(await runCalendarWrite(env, id, { fetcher: dav.fetcher })).toEqual({ outcome: 'skipped' });
    expect(await sweepCalendarWrites(env, claimedAt + 30_000)).toBe(0);
    vi.mocked(env.CALENDAR_WRITES.sendBatch).mockClear();
    expect(await sweepCalendarWrites(env, claimedAt + 3 * 60_000 + 1)).toBe(1);
    expect(await runCalendarWrite(env, id, { fetcher: dav.fetcher, clock: () => claimedAt + 3 * 60_000 + 2 })).toEqual({ outcome: 'synced' });
    expect(dav.resources.size).toBe(1);
    expect((await syncOf(token, uid)).status).toBe('synced');
  });

  it('a reschedule racing the create ends with one event at the new time', async () => {
    const { id, uid } = await pendingWrite();
    let raced = false;
    const dav = fakeCaldav({
      onRequest: async (r) => {
        if (r.method !== 'PUT' || raced) return undefined;
        raced = true;
        // While the create is on the wire, the booking moves (its batch upserts the row: new payload, SEQUENCE 1).
        expect((await api('PATCH', `/v2/bookings/${uid}`, { body: { start: at('16:00') } })).status).toBe(200);
        return undefined;
      },
    });
    expect(await runCalendarWrite(env, id, { fetcher: dav.fetcher })).toEqual({ outcome: 'synced' });
    expect(dav.resources.size).toBe(1);
    const ics = [...dav.resources.values()][0]!;
    expect([icsProp(ics, 'DTSTART'), icsProp(ics, 'SEQUENCE')]).toEqual([`${day.replace(/-/g, '')}T160000Z`, '1']);
    expect(await dbRow('SELECT status, written_sequence, target_sequence FROM calendar_writes WHERE id = ?', id)).toEqual({ status: 'synced', written_sequence: 1, target_sequence: 1 });
  });

  it('429 waits as long as Retry-After says; refused credentials fail at once; transient errors give up after the attempts', async () => {
    const { id, token, uid, connectionId } = await pendingWrite();
    const answer = (status: number, headers: Record<string, string> = {}) => fakeCaldav({ onRequest: () => new Response('', { status, headers }) }).fetcher;
    expect(await runCalendarWrite(env, id, { fetcher: answer(429, { 'retry-after': '120' }) })).toEqual({ outcome: 'retry', delaySeconds: 120 });
    const row = await dbRow<{ next_attempt_at: number; lease_until: number | null }>('SELECT next_attempt_at, lease_until FROM calendar_writes WHERE id = ?', id);
    expect(row!.next_attempt_at).toBeGreaterThan(Date.now() + 110_000);
    expect(row!.lease_until).toBeNull();
    expect(await runCalendarWrite(env, id, { fetcher: answer(401) })).toEqual({ outcome: 'failed' });
    expect(await syncOf(token, uid)).toMatchObject({ status: 'failed', error: 'The calendar server refused the credentials (HTTP 401)' });
    // The admin's Calendars tab shows the destination and its write-back log, never the booking's uid.
    const admin = await makeAdmin();
    const page = await getPage('/admin/calendars', `session=${admin.token}`);
    const adminRow = page.html.slice(page.html.indexOf(`id="calendar-${connectionId}"`)).split('</tr>')[0]!;
    expect(adminRow).toContain('Bookings are written here');
    expect(adminRow).toContain('1 failed');
    expect(adminRow).toContain('The calendar server refused the credentials (HTTP 401)');
    expect(page.html).not.toContain(uid);

    const second = await pendingWrite();
    await env.DB.prepare('UPDATE calendar_writes SET attempts = 7 WHERE id = ?').bind(second.id).run();
    expect(await runCalendarWrite(env, second.id, { fetcher: answer(503) })).toEqual({ outcome: 'failed' });
    expect((await syncOf(second.token, second.uid)).error).toBe('The calendar server answered HTTP 503 (gave up after 8 attempts)');
  });

  it('the sweep re-sends a row whose message never left, and leaves one being written alone', async () => {
    const { id } = await pendingWrite();
    // Its message was sent (enqueued_at set) and lost: the lease runs out two minutes after it was due.
    const later = Date.now() + 3 * 60_000;
    const sent = vi.mocked(env.CALENDAR_WRITES.sendBatch);
    sent.mockClear();
    await env.DB.prepare('UPDATE calendar_writes SET lease_until = ? WHERE id = ?').bind(later + 1, id).run();
    expect(await sweepCalendarWrites(env, later)).toBe(0);
    await env.DB.prepare('UPDATE calendar_writes SET lease_until = NULL WHERE id = ?').bind(id).run();
    expect(await sweepCalendarWrites(env, later)).toBe(1);
    expect(sent.mock.calls.flatMap(([messages]) => [...messages].map((m) => m.body))).toContainEqual({ write_id: id });
    await env.DB.prepare("UPDATE calendar_writes SET status = 'synced' WHERE id = ?").bind(id).run();
  });
});

describe('reading the destination back', () => {
  it('our own written events never count as busy (the events are read, not a free-busy answer)', async () => {
    const { token, eventType } = await hostWithEventType();
    const connectionId = await caldavDestination(token);
    const dav = fakeCaldav();
    serveCaldav(dav);
    const booked = await book(eventType.id, at('10:00'));
    await synced(token, booked.json.uid);
    await env.DB.prepare('UPDATE calendar_connections SET enabled = 1 WHERE id = ?').bind(connectionId).run();
    expect(await syncConnection(env, connectionId, Date.now(), { fetcher: dav.fetcher })).toBe('synced');
    expect(dav.requests.filter((r) => r.method === 'REPORT').map((r) => r.body.includes('calendar-query'))).toEqual([true]);
    expect(await dbCount('SELECT count(*) AS n FROM calendar_busy WHERE connection_id = ?', connectionId)).toBe(0);
    // So the booking can still move within its own hour.
    expect((await api('PATCH', `/v2/bookings/${booked.json.uid}`, { body: { start: at('10:30') } })).status).toBe(200);
  });
});

describe('/v2/calendars/destination', () => {
  it('is chosen among your own CalDAV connections, read, replaced and removed', async () => {
    const { token, user } = await makeUser();
    expectError(await api('GET', '/v2/calendars/destination', { token }), 404, 'not_found');
    const ics = await api('POST', '/v2/calendars', { token, body: { kind: 'ics', url: 'https://example.com/a.ics', enabled: false } });
    expectError(await api('PUT', '/v2/calendars/destination', { token, body: { connection_id: ics.json.id } }), 400, 'validation_failed');
    const someone = await makeUser();
    const theirs = await caldavDestination(someone.token);
    expectError(await api('PUT', '/v2/calendars/destination', { token, body: { connection_id: theirs } }), 400, 'validation_failed');
    const mine = await caldavDestination(token);
    expectError(await api('PUT', '/v2/calendars/destination', { token, body: { connection_id: mine, calendar_id: 'primary' } }), 400, 'validation_failed');
    expectError(await api('PUT', '/v2/calendars/destination', { token, body: { connection_id: mine, extra: 1 } }), 400, 'validation_failed');
    const got = await api('GET', '/v2/calendars/destination', { token });
    expect(got.json).toMatchObject({ host_id: user.id, connection_id: mine, calendar_id: null, kind: 'caldav' });
    // A super admin reads and removes anyone's.
    const admin = await makeAdmin();
    expect((await api('GET', `/v2/calendars/destination?owner_id=${someone.user.id}`, { token: admin.token })).json.connection_id).toBe(theirs);
    expect((await api('DELETE', `/v2/calendars/destination?owner_id=${someone.user.id}`, { token: admin.token })).status).toBe(204);
    expectError(await api('GET', `/v2/calendars/destination?owner_id=${user.id}`, { token: someone.token }), 400, 'validation_failed');
    expect((await api('DELETE', '/v2/calendars/destination', { token })).status).toBe(204);
    expectError(await api('DELETE', '/v2/calendars/destination', { token }), 404, 'not_found');
  });
});

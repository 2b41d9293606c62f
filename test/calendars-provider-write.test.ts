// Write-back into Google Calendar and Microsoft Graph (issue #28) through the same outbox and consumer as CalDAV,
// against fakes of their documented REST contracts (test/calendars-provider-helpers.ts) and of their OAuth token
// endpoints: client-chosen ids / transactionId for exactly-once creates, updates in place, deletes, 401 → refresh and
// retry, 429 with Retry-After honoured. The request bodies are typed by the providers' published shapes in the source.
import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runCalendarWrite } from '../src/calendars/writeback';
import { api, ATTENDEE, book, dbCount, dbRow, hostWithEventType, upcomingDate, waitFor } from './helpers';
import { fakeOAuth, serveOAuth } from './calendars-oauth-helpers';
import { fakeGoogleCalendar, fakeGraph, oauthDestination } from './calendars-provider-helpers';
import { settleWrites } from './calendars-writeback-helpers';

afterEach(async () => {
  await settleWrites();
  vi.restoreAllMocks();
});

const day = upcomingDate(3, 7);
const at = (hhmm: string) => `${day}T${hhmm}:00Z`;
const syncOf = async (token: string, uid: string) => (await api('GET', `/v2/bookings/${uid}`, { token })).json.calendar_sync;
const synced = (token: string, uid: string) => waitFor(async () => (await syncOf(token, uid))?.status === 'synced', `write-back of ${uid}`);

/** A host whose destination is a provider calendar, with the fakes behind fetch. */
async function providerHost(provider: 'google' | 'microsoft', calendarId?: string, eventType: Record<string, unknown> = {}) {
  const host = await hostWithEventType(eventType);
  const oauth = fakeOAuth();
  const google = fakeGoogleCalendar(oauth);
  const graph = fakeGraph(oauth);
  serveOAuth(oauth, async (request) => (await google.handle(request)) ?? graph.handle(request));
  const connectionId = await oauthDestination(provider, host.token, oauth, calendarId);
  return { ...host, oauth, google, graph, connectionId };
}

/** The booking's row, its message dropped: the test runs the consumer itself. */
async function heldWrite(eventTypeId: number, start: string) {
  vi.spyOn(env.CALENDAR_WRITES, 'sendBatch').mockResolvedValue(undefined as never);
  const booked = await book(eventTypeId, start);
  const row = await dbRow<{ id: number }>('SELECT w.id FROM calendar_writes w JOIN bookings b ON b.id = w.booking_id WHERE b.uid = ?', booked.json.uid);
  return { uid: booked.json.uid as string, id: row!.id };
}

describe('Google Calendar', () => {
  it('inserts with our event id and sendUpdates=none, updates the same event on reschedule, deletes it on cancel', async () => {
    const { token, eventType, google } = await providerHost('google', 'team@group.calendar.google.com');
    const booked = await book(eventType.id, at('10:00'));
    await synced(token, booked.json.uid);
    const [insert] = google.requests;
    expect(insert!.method).toBe('POST');
    expect(insert!.url.pathname).toBe('/calendar/v3/calendars/team%40group.calendar.google.com/events');
    expect(insert!.url.searchParams.get('sendUpdates')).toBe('none');
    expect(insert!.body.id).toMatch(/^calflare[0-9a-f]{32}$/);
    // The host's copy: never the attendee's capability.
    expect(JSON.stringify(insert!.body)).not.toContain(booked.json.uid);
    expect(insert!.body).toMatchObject({
      summary: booked.json.title,
      start: { dateTime: `${day}T10:00:00.000Z`, timeZone: 'UTC' },
      end: { dateTime: `${day}T10:30:00.000Z`, timeZone: 'UTC' },
      status: 'confirmed',
      sequence: 0,
      attendees: [{ email: 'jane@example.com', displayName: 'Jane Doe', responseStatus: 'accepted' }],
    });

    expect((await api('PATCH', `/v2/bookings/${booked.json.uid}`, { body: { start: at('11:00') } })).status).toBe(200);
    await waitFor(async () => google.requests.length === 2 && (await syncOf(token, booked.json.uid)).status === 'synced', 'reschedule written');
    expect(google.requests[1]).toMatchObject({ method: 'PUT', body: { id: insert!.body.id, sequence: 1, start: { dateTime: `${day}T11:00:00.000Z` } } });
    expect(google.requests[1]!.url.pathname).toBe(`${insert!.url.pathname}/${insert!.body.id}`);
    expect((await api('DELETE', `/v2/bookings/${booked.json.uid}`, { body: {} })).status).toBe(200);
    await waitFor(async () => google.requests.length === 3 && (await syncOf(token, booked.json.uid)).status === 'synced', 'cancel written');
    expect(google.requests[2]!.method).toBe('DELETE');
    expect([...google.events.values()].map((e) => e.status)).toEqual(['cancelled']);
  });

  it('an insert whose answer was lost is retried as an update of the same event (409), never a second one', async () => {
    const { eventType, google } = await providerHost('google');
    const { id } = await heldWrite(eventType.id, at('13:00'));
    google.loseNextInsertAnswer();
    expect((await runCalendarWrite(env, id, { random: () => 0.5 })).outcome).toBe('retry');
    expect(await runCalendarWrite(env, id)).toEqual({ outcome: 'synced' });
    expect(google.requests.map((r) => `${r.method} ${r.url.pathname.startsWith('/calendar/v3/calendars/primary/') ? 'primary' : r.url.pathname}`)).toEqual([
      'POST primary',
      'POST primary',
      'PUT primary',
    ]);
    expect(google.events.size).toBe(1);
  });

  it('a 401 refreshes the token and retries once; a 429 waits as long as Retry-After says', async () => {
    const { eventType, google, oauth } = await providerHost('google');
    const { id } = await heldWrite(eventType.id, at('14:00'));
    // The stored access token stopped working before its expiry (revoked, or the provider's clock): 401.
    google.expired.add(oauth.accessTokens()[0]!);
    expect(await runCalendarWrite(env, id)).toEqual({ outcome: 'synced' });
    expect(google.requests.map((r) => r.method)).toEqual(['POST', 'POST']);
    expect(google.requests[1]!.token).toBe(oauth.accessTokens()[1]);
    expect(oauth.tokenRequests.at(-1)!.form.grant_type).toBe('refresh_token');

    const second = await heldWrite(eventType.id, at('15:00'));
    google.throttle.push({ retryAfter: '30' });
    expect(await runCalendarWrite(env, second.id)).toEqual({ outcome: 'retry', delaySeconds: 30 });
    expect((await dbRow<{ last_error: string }>('SELECT last_error FROM calendar_writes WHERE id = ?', second.id))!.last_error).toBe('The calendar server answered HTTP 429');
    expect(await runCalendarWrite(env, second.id)).toEqual({ outcome: 'synced' });
  });

  it('a refused refresh fails the write and marks the connection reauth_required', async () => {
    const { token, eventType, google, oauth, connectionId } = await providerHost('google');
    const { id } = await heldWrite(eventType.id, at('16:00'));
    google.expired.add(oauth.accessTokens()[0]!);
    for (const t of oauth.refreshTokens) oauth.refuse.add(t);
    expect(await runCalendarWrite(env, id)).toEqual({ outcome: 'failed' });
    expect((await api('GET', `/v2/calendars/${connectionId}`, { token })).json.status).toBe('reauth_required');
    expect(google.events.size).toBe(0);
  });

  it('connecting a reauth_required account again re-runs the writes that failed because of it: the event exists once', async () => {
    const { token, eventType, google, oauth, connectionId } = await providerHost('google');
    const { id, uid } = await heldWrite(eventType.id, at('12:00'));
    google.expired.add(oauth.accessTokens()[0]!);
    for (const t of oauth.refreshTokens) oauth.refuse.add(t);
    expect(await runCalendarWrite(env, id)).toEqual({ outcome: 'failed' });
    // A booking made meanwhile waits too (its write failed the same way, by its queue message this time).
    vi.mocked(env.CALENDAR_WRITES.sendBatch).mockRestore();
    const later = await book(eventType.id, at('12:30'));
    await waitFor(async () => (await syncOf(token, later.json.uid))?.status === 'failed', 'second write failed');
    expect((await syncOf(token, uid)).error).toMatch(/refused to renew access/);

    // The host connects the same account again: the callback renews it (200) and both writes run at once.
    const started = await api('GET', '/v2/calendars/oauth/google/start', { token });
    const { code, state } = oauth.consent(started.json.authorization_url);
    const again = await api('GET', `/v2/calendars/oauth/google/callback?code=${encodeURIComponent(code)}&state=${encodeURIComponent(state)}`, { token });
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ id: connectionId, status: expect.not.stringMatching('reauth_required') });
    await synced(token, uid);
    await synced(token, later.json.uid);
    expect(google.events.size).toBe(2);
    expect(google.requests.filter((r) => r.method === 'POST').length).toBe(2 + 1);
  });
});

describe('Microsoft Graph', () => {
  it('creates with a transactionId (a lost answer finds the same event), PATCHes on reschedule, DELETEs on cancel, lists no attendees', async () => {
    const { token, eventType, graph } = await providerHost('microsoft', 'AAMkCal1');
    const { id, uid } = await heldWrite(eventType.id, at('09:00'));
    graph.loseNextCreateAnswer();
    expect((await runCalendarWrite(env, id, { random: () => 0.5 })).outcome).toBe('retry');
    expect(await runCalendarWrite(env, id)).toEqual({ outcome: 'synced' });
    const [create, again] = graph.requests;
    expect(create!.url.pathname).toBe('/v1.0/me/calendars/AAMkCal1/events');
    expect(again!.body.transactionId).toBe(create!.body.transactionId);
    expect(create!.body.transactionId).toMatch(/^calflare-[0-9a-f]{32}$/);
    expect(create!.body).toMatchObject({ start: { dateTime: `${day}T09:00:00`, timeZone: 'UTC' }, showAs: 'busy' });
    // Outlook would invite listed attendees itself: the attendee is named in the body instead.
    expect(create!.body.attendees).toBeUndefined();
    expect(create!.body.body.content).toContain('Jane Doe <jane@example.com>');
    expect(graph.events.size).toBe(1);
    const eventId = [...graph.events.keys()][0]!;

    vi.mocked(env.CALENDAR_WRITES.sendBatch).mockRestore();
    expect((await api('PATCH', `/v2/bookings/${uid}`, { body: { start: at('09:30') } })).status).toBe(200);
    await waitFor(async () => graph.requests.length === 3 && (await syncOf(token, uid)).status === 'synced', 'reschedule written');
    expect(graph.requests[2]).toMatchObject({ method: 'PATCH', body: { start: { dateTime: `${day}T09:30:00` } } });
    expect(graph.requests[2]!.url.pathname).toBe(`/v1.0/me/events/${eventId}`);
    expect(graph.requests[2]!.body.transactionId).toBeUndefined();
    expect((await api('DELETE', `/v2/bookings/${uid}`, { body: {} })).status).toBe(200);
    await waitFor(async () => graph.events.size === 0 && (await syncOf(token, uid)).status === 'synced', 'cancel written');
    expect(graph.requests.at(-1)).toMatchObject({ method: 'DELETE' });
  });
});

describe('seated slots', () => {
  const seat = async (eventTypeId: number, start: string, name: string) => {
    const res = await book(eventTypeId, start, { attendee: { ...ATTENDEE, name, email: `${name.toLowerCase()}@example.com` } });
    expect(res.status).toBe(201);
    return res.json.uid as string;
  };
  const writesOf = (eventTypeId: number, where = '1') => dbCount(`SELECT count(*) AS n FROM calendar_writes w JOIN bookings b ON b.id = w.booking_id WHERE b.event_type_id = ? AND ${where}`, eventTypeId);
  /** The provider got `count` requests and nothing of the event type is left to write. */
  const written = (eventTypeId: number, requests: unknown[], count: number) =>
    waitFor(async () => requests.length === count && (await writesOf(eventTypeId, "w.status != 'synced'")) === 0, `${count} requests written`);

  it('Google: the slot is ONE event, inserted by the first seat, its attendees updated as seats come and go, deleted with the last', async () => {
    const { eventType, google } = await providerHost('google', undefined, { seats_per_time_slot: 3 });
    const ann = await seat(eventType.id, at('10:00'), 'Ann');
    await written(eventType.id, google.requests, 1);
    const bob = await seat(eventType.id, at('10:00'), 'Bob');
    await written(eventType.id, google.requests, 2);
    // A seat refused (the same email again) changes nothing, so writes nothing.
    expect((await book(eventType.id, at('10:00'), { attendee: { ...ATTENDEE, name: 'Bob', email: 'bob@example.com' } })).status).toBe(409);
    const [insert, update] = google.requests;
    expect(insert).toMatchObject({ method: 'POST', body: { sequence: 0, attendees: [{ email: 'ann@example.com', displayName: 'Ann' }] } });
    expect(update).toMatchObject({ method: 'PUT', body: { id: insert!.body.id, sequence: 1 } });
    expect(update!.body.attendees.map((a: { email: string }) => a.email)).toEqual(['ann@example.com', 'bob@example.com']);
    // The slot's event is the host's copy of the booking: no seat's capability in it.
    expect(JSON.stringify(google.requests.map((r) => r.body))).not.toMatch(new RegExp(`${ann}|${bob}`));

    expect((await api('DELETE', `/v2/bookings/${ann}`, { body: {} })).status).toBe(200);
    await written(eventType.id, google.requests, 3);
    expect(google.requests[2]).toMatchObject({ method: 'PUT', body: { sequence: 2, attendees: [{ email: 'bob@example.com' }] } });
    expect((await api('DELETE', `/v2/bookings/${bob}`, { body: {} })).status).toBe(200);
    await written(eventType.id, google.requests, 4);
    expect(google.requests[3]!.method).toBe('DELETE');
    expect([...google.events.values()].map((e) => e.status)).toEqual(['cancelled']);
    expect(await writesOf(eventType.id)).toBe(1);
  });

  it('Microsoft: one event with a transactionId, PATCHed as a seat joins, DELETEd when the host cancels the slot', async () => {
    const { token, eventType, graph } = await providerHost('microsoft', undefined, { seats_per_time_slot: 3 });
    const ann = await seat(eventType.id, at('11:00'), 'Ann');
    await written(eventType.id, graph.requests, 1);
    await seat(eventType.id, at('11:00'), 'Bob');
    await written(eventType.id, graph.requests, 2);
    const [create, patch] = graph.requests;
    expect(create).toMatchObject({ method: 'POST', body: { transactionId: expect.stringMatching(/^calflare-[0-9a-f]{32}$/) } });
    expect(create!.body.body.content).toMatch(/^With Ann <ann@example.com>\n/);
    expect(patch!.method).toBe('PATCH');
    expect(patch!.body.body.content).toMatch(/^With Ann <ann@example.com>, Bob <bob@example.com>\n/);
    const slot = await dbRow<{ uid: string }>('SELECT b.uid FROM bookings b JOIN booking_attendees a ON a.booking_id = b.id WHERE a.seat_uid = ?', ann);
    expect((await api('DELETE', `/v2/bookings/${slot!.uid}`, { token, body: {} })).status).toBe(200);
    await written(eventType.id, graph.requests, 3);
    expect(graph.requests[2]!.method).toBe('DELETE');
    expect(graph.events.size).toBe(0);
  });
});

// Write-back into Google Calendar and Microsoft Graph (issue #28) through the same outbox and consumer as CalDAV,
// against fakes of their documented REST contracts (test/calendars-provider-helpers.ts) and of their OAuth token
// endpoints: client-chosen ids / transactionId for exactly-once creates, updates in place, deletes, 401 → refresh and
// retry, 429 with Retry-After honoured. The request bodies are typed by the providers' published shapes in the source.
import type { calendar_v3 } from '@googleapis/calendar';
import type { Event as GraphEvent } from '@microsoft/microsoft-graph-types';
import { env } from 'cloudflare:workers';
import PostalMime from 'postal-mime';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { settleMeetingLink } from '../src/calendars/meeting-link-settle';
import { runCalendarWrite } from '../src/calendars/writeback';
import { EMAIL_SWEEP_GRACE_MS, sweepEmailOutbox } from '../src/notifications/sweep';
import { memoryMailbox } from '../src/notifications/transports/memory';
import { api, ATTENDEE, book, create, dbCount, dbRow, expectError, hostWithEventType, page, upcomingDate, waitFor } from './helpers';
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
  // Webhook deliveries to https://hooks.example.com land here.
  const hooks: any[] = [];
  const hook = async (request: Request) => {
    if (new URL(request.url).host !== 'hooks.example.com') return undefined;
    hooks.push(await request.json());
    return new Response(null, { status: 200 });
  };
  serveOAuth(oauth, async (request) => (await google.handle(request)) ?? (await graph.handle(request)) ?? hook(request));
  const connectionId = await oauthDestination(provider, host.token, oauth, calendarId);
  return { ...host, oauth, google, graph, connectionId, hooks };
}

/** The booking's row, its message dropped: the test runs the consumer itself. */
async function heldWrite(eventTypeId: number, start: string, extra: Record<string, unknown> = {}) {
  vi.spyOn(env.CALENDAR_WRITES, 'sendBatch').mockResolvedValue(undefined as never);
  const booked = await book(eventTypeId, start, extra);
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

describe('Generated meeting links (Google Meet, Microsoft Teams)', () => {
  const generate = (token: string, id: number, location_type: string, extra: Record<string, unknown> = {}) =>
    api('PATCH', `/v2/event-types/${id}`, { token, body: { location_type, generate_meeting_link: true, ...extra } });
  /** The booking's emails and webhook deliveries not sent to the queue yet. */
  const unsent = async (uid: string) => ({
    emails: await dbCount('SELECT count(*) AS n FROM booking_email_notifications n JOIN bookings b ON b.id = n.booking_id WHERE b.uid = ? AND n.enqueued_at IS NULL', uid),
    hooks: await dbCount('SELECT count(*) AS n FROM booking_webhook_deliveries d JOIN bookings b ON b.id = d.booking_id WHERE b.uid = ? AND d.enqueued_at IS NULL', uid),
  });
  const locationOf = async (uid: string) => (await api('GET', `/v2/bookings/${uid}`)).json.location;
  // An attendee of their own: the file's other bookings use up jane@example.com's email budget.
  const attendee = (name: string) => ({ attendee: { ...ATTENDEE, email: `${name}-${crypto.randomUUID().slice(0, 8)}@example.com` } });

  it('an event type generates links only when the host writes to a calendar of that provider (400 with what to do otherwise)', async () => {
    const plain = await hostWithEventType();
    const refused = await generate(plain.token, plain.eventType.id, 'google_meet');
    expectError(refused, 400, 'validation_failed');
    expect(refused.json.error.issues).toEqual([{ path: 'generate_meeting_link', message: expect.stringContaining("the host's Google calendar: connect one and choose it as the destination") }]);
    // The spec's google_meet without a link stays what it was: the host gives the link (none here).
    expect((await api('PATCH', `/v2/event-types/${plain.eventType.id}`, { token: plain.token, body: { location_type: 'google_meet' } })).json.generate_meeting_link).toBe(false);

    const { token, eventType } = await providerHost('google');
    expect((await generate(token, eventType.id, 'ms_teams')).json.error.issues[0].message).toContain("the host's Microsoft calendar");
    expect((await generate(token, eventType.id, 'zoom')).json.error.issues[0].path).toBe('generate_meeting_link');
    expect((await generate(token, eventType.id, 'google_meet', { location_value: 'https://meet.google.com/abc-defg-hij' })).json.error.issues[0].path).toBe('location_value');
    const made = await generate(token, eventType.id, 'google_meet');
    expect(made.status).toBe(200);
    expect(made.json).toMatchObject({ location_type: 'google_meet', location_value: null, generate_meeting_link: true });
    // A team booking is written to every host's calendar: one link each would part the attendees.
    const team = await create('/v2/teams', token, { name: 'Meet Team', slug: `meet-${crypto.randomUUID().slice(0, 8)}` });
    const teamType = { title: 'Team call', slug: 'team-call', duration_minutes: 30, scheduling_type: 'collective', assign_all_team_members: true, location_type: 'google_meet' };
    const teamRefused = await api('POST', `/v2/teams/${team.id}/event-types`, { token, body: { ...teamType, generate_meeting_link: true } });
    expectError(teamRefused, 400, 'validation_failed');
    expect(teamRefused.json.error.issues[0]).toMatchObject({ path: 'generate_meeting_link', message: expect.stringContaining('not supported on team event types') });
  });

  it('Google: the insert asks for a Meet keyed by the booking; the link reaches the booking, its page, the confirmation email and BOOKING_CREATED, each sent once; reschedule keeps it, cancel deletes the event', async () => {
    const { token, eventType, google, hooks } = await providerHost('google');
    expect((await generate(token, eventType.id, 'google_meet')).status).toBe(200);
    await create('/v2/webhooks', token, { subscriber_url: 'https://hooks.example.com/meet', event_triggers: ['BOOKING_CREATED'], active: true, secret: 'whsec_meet_links' });
    const who = attendee('meet');
    const { id, uid } = await heldWrite(eventType.id, at('10:00'), who);
    // The confirmation (attendee and host) and the webhook wait for the link.
    expect(await unsent(uid)).toEqual({ emails: 2, hooks: 1 });
    expect(await locationOf(uid)).toBeNull();

    expect(await runCalendarWrite(env, id)).toEqual({ outcome: 'synced' });
    const [insert] = google.requests;
    expect(insert!.url.searchParams.get('conferenceDataVersion')).toBe('1');
    const asked: calendar_v3.Schema$ConferenceData = { createRequest: { requestId: `${insert!.body.id}-meet`, conferenceSolutionKey: { type: 'hangoutsMeet' } } };
    expect(insert!.body.conferenceData).toEqual(asked);
    const link = 'https://meet.google.com/mee-0001-tin';
    expect(await locationOf(uid)).toBe(link);
    expect((await page(`/booking/${uid}`)).html).toContain(link);
    expect(await unsent(uid)).toEqual({ emails: 0, hooks: 0 });

    const mail = await waitFor(async () => {
      for (const m of memoryMailbox.sent.filter((x) => x.to === who.attendee.email)) {
        const parsed = await PostalMime.parse(m.raw);
        if (parsed.text?.includes(link)) return parsed;
      }
      return null;
    }, 'the confirmation with the link');
    const ics = new TextDecoder().decode(mail.attachments.find((a) => a.mimeType.startsWith('text/calendar'))!.content as ArrayBuffer);
    expect(ics.replace(/\r\n /g, '')).toContain(`LOCATION:${link}`);
    const delivered = await waitFor(async () => hooks.find((h) => h.payload?.uid === uid), 'BOOKING_CREATED with the link');
    expect(delivered).toMatchObject({ triggerEvent: 'BOOKING_CREATED', payload: { location: link, metadata: { videoCallUrl: link } } });
    // A second settlement (a duplicate message) sends nothing again.
    await settleMeetingLink(env, (await dbRow<{ id: number }>('SELECT id FROM bookings WHERE uid = ?', uid))!.id, 'google_meet', link, Date.now());
    expect(await dbCount("SELECT count(*) AS n FROM booking_email_notifications n JOIN bookings b ON b.id = n.booking_id WHERE b.uid = ? AND n.status != 'sent'", uid)).toBe(0);
    await waitFor(async () => (await dbCount("SELECT count(*) AS n FROM booking_webhook_deliveries d JOIN bookings b ON b.id = d.booking_id WHERE b.uid = ? AND d.status = 'delivered'", uid)) === 1, 'delivered');
    expect(hooks.filter((h) => h.payload?.uid === uid)).toHaveLength(1);

    vi.mocked(env.CALENDAR_WRITES.sendBatch).mockRestore();
    expect((await api('PATCH', `/v2/bookings/${uid}`, { body: { start: at('11:00') } })).json.location).toBe(link);
    await waitFor(async () => google.requests.length === 2 && (await syncOf(token, uid)).status === 'synced', 'reschedule written');
    // In place, without conferenceDataVersion: Google keeps the conference.
    expect(google.requests[1]).toMatchObject({ method: 'PUT', body: { location: link, start: { dateTime: `${day}T11:00:00.000Z` } } });
    expect(google.requests[1]!.url.searchParams.has('conferenceDataVersion')).toBe(false);
    expect(google.requests[1]!.body.conferenceData).toBeUndefined();
    expect([...google.events.values()][0].hangoutLink).toBe(link);
    expect(google.meets.size).toBe(1);
    expect((await api('DELETE', `/v2/bookings/${uid}`, { body: {} })).status).toBe(200);
    await waitFor(async () => google.requests.length === 3 && (await syncOf(token, uid)).status === 'synced', 'cancel written');
    expect(google.requests[2]!.method).toBe('DELETE');
  });

  it('Google: an insert whose answer was lost makes no second Meet (the update repeats the same requestId)', async () => {
    const { token, eventType, google } = await providerHost('google');
    await generate(token, eventType.id, 'google_meet');
    const { id, uid } = await heldWrite(eventType.id, at('13:00'), attendee('retry'));
    google.loseNextInsertAnswer();
    expect((await runCalendarWrite(env, id, { random: () => 0.5 })).outcome).toBe('retry');
    // A transient failure: the messages keep waiting (the sweep bounds it).
    expect(await unsent(uid)).toEqual({ emails: 2, hooks: 0 });
    expect(await runCalendarWrite(env, id)).toEqual({ outcome: 'synced' });
    expect(google.requests.map((r) => `${r.method} ${r.url.searchParams.get('conferenceDataVersion')} ${r.body?.conferenceData?.createRequest?.requestId}`)).toEqual([
      `POST 1 ${google.requests[0]!.body.id}-meet`,
      `POST 1 ${google.requests[0]!.body.id}-meet`,
      `PUT 1 ${google.requests[0]!.body.id}-meet`,
    ]);
    expect(google.meets.size).toBe(1);
    expect(await locationOf(uid)).toBe('https://meet.google.com/mee-0001-tin');
  });

  it('Microsoft: the create asks for a Teams meeting, a retried create answers the same one, the link reaches the booking and its emails; a reschedule does not ask again', async () => {
    const { token, eventType, graph } = await providerHost('microsoft');
    expect((await generate(token, eventType.id, 'ms_teams')).status).toBe(200);
    const { id, uid } = await heldWrite(eventType.id, at('09:00'), attendee('teams'));
    graph.loseNextCreateAnswer();
    expect((await runCalendarWrite(env, id, { random: () => 0.5 })).outcome).toBe('retry');
    expect(await runCalendarWrite(env, id)).toEqual({ outcome: 'synced' });
    const asked: GraphEvent = { isOnlineMeeting: true, onlineMeetingProvider: 'teamsForBusiness' };
    expect(graph.requests[0]!.body).toMatchObject(asked);
    expect(graph.requests[1]!.body.transactionId).toBe(graph.requests[0]!.body.transactionId);
    expect(graph.meetings()).toBe(1);
    const link = 'https://teams.microsoft.com/l/meetup-join/meeting-1';
    expect(await locationOf(uid)).toBe(link);
    const emails = await env.DB.prepare('SELECT n.payload, n.enqueued_at FROM booking_email_notifications n JOIN bookings b ON b.id = n.booking_id WHERE b.uid = ?').bind(uid).all<{ payload: string; enqueued_at: number | null }>();
    expect(emails.results.map((e) => [JSON.parse(e.payload).booking.locationValue, e.enqueued_at !== null])).toEqual([[link, true], [link, true]]);

    vi.mocked(env.CALENDAR_WRITES.sendBatch).mockRestore();
    expect((await api('PATCH', `/v2/bookings/${uid}`, { body: { start: at('09:30') } })).status).toBe(200);
    await waitFor(async () => graph.requests.length === 3 && (await syncOf(token, uid)).status === 'synced', 'reschedule written');
    expect(graph.requests[2]).toMatchObject({ method: 'PATCH', body: { location: { displayName: link } } });
    expect(graph.requests[2]!.body.isOnlineMeeting).toBeUndefined();
    expect(graph.meetings()).toBe(1);
  });

  it('a request the host accepts: the tentative event asks for no Meet, the confirming update does, and the confirmation waits for its link', async () => {
    const { token, eventType, google } = await providerHost('google', undefined, { requires_confirmation: true });
    await generate(token, eventType.id, 'google_meet');
    const { id, uid } = await heldWrite(eventType.id, at('16:00'), attendee('accept'));
    expect(await runCalendarWrite(env, id)).toEqual({ outcome: 'synced' });
    expect(google.requests[0]!.body).toMatchObject({ status: 'tentative' });
    expect(google.requests[0]!.body.conferenceData).toBeUndefined();
    expect((await api('POST', `/v2/bookings/${uid}/confirm`, { token, body: {} })).json).toMatchObject({ status: 'accepted', location: null });
    expect(await unsent(uid)).toEqual({ emails: 1, hooks: 0 });
    expect(await runCalendarWrite(env, id)).toEqual({ outcome: 'synced' });
    expect(google.requests[1]).toMatchObject({ method: 'PUT', body: { status: 'confirmed', conferenceData: { createRequest: { requestId: `${google.requests[0]!.body.id}-meet` } } } });
    expect(google.requests[1]!.url.searchParams.get('conferenceDataVersion')).toBe('1');
    const link = 'https://meet.google.com/mee-0001-tin';
    expect(await locationOf(uid)).toBe(link);
    const confirmation = await dbRow<{ payload: string; enqueued_at: number | null }>(
      "SELECT n.payload, n.enqueued_at FROM booking_email_notifications n JOIN bookings b ON b.id = n.booking_id WHERE b.uid = ? AND n.trigger_event = 'BOOKING_CONFIRMED'",
      uid,
    );
    expect([JSON.parse(confirmation!.payload).booking.locationValue, confirmation!.enqueued_at !== null]).toEqual([link, true]);
  });

  it('never lost: a write that never runs leaves the confirmation to the sweep a minute on; a destination removed later books without a link and sends at once', async () => {
    const { token, eventType } = await providerHost('google');
    await generate(token, eventType.id, 'google_meet');
    const { id, uid } = await heldWrite(eventType.id, at('14:00'), attendee('sweep'));
    expect((await unsent(uid)).emails).toBe(2);
    await sweepEmailOutbox(env, Date.now() + EMAIL_SWEEP_GRACE_MS + 1);
    expect((await unsent(uid)).emails).toBe(0);
    // The link made after all is still the booking's.
    expect(await runCalendarWrite(env, id)).toEqual({ outcome: 'synced' });
    expect(await locationOf(uid)).toBe('https://meet.google.com/mee-0001-tin');

    expect((await api('DELETE', '/v2/calendars/destination', { token })).status).toBe(204);
    const later = await book(eventType.id, at('15:00'), attendee('later'));
    expect(later.status).toBe(201);
    expect(later.json).toMatchObject({ location_type: 'google_meet', location: null });
    expect(await unsent(later.json.uid)).toEqual({ emails: 0, hooks: 0 });
    expect(await dbCount('SELECT count(*) AS n FROM calendar_writes w JOIN bookings b ON b.id = w.booking_id WHERE b.uid = ?', later.json.uid)).toBe(0);
  });

  it('a provider answer whose link is not https (javascript:, http:) is never stored or sent: the messages go without a link', async () => {
    const { token, eventType, google } = await providerHost('google');
    await generate(token, eventType.id, 'google_meet');
    const { id, uid } = await heldWrite(eventType.id, at('11:00'), attendee('bad-link'));
    const handle = google.handle;
    google.handle = async (request: Request) => {
      const res = await handle(request);
      if (!res?.ok) return res;
      const event = await res.json<calendar_v3.Schema$Event>();
      return Response.json({ ...event, hangoutLink: 'http://meet.google.com/mee-0001-tin', conferenceData: { ...event.conferenceData, entryPoints: [{ entryPointType: 'video', uri: 'javascript:alert(1)//meet.google.com' }] } });
    };
    expect(await runCalendarWrite(env, id)).toEqual({ outcome: 'synced' });
    expect(await locationOf(uid)).toBeNull();
    expect(await unsent(uid)).toEqual({ emails: 0, hooks: 0 });
    const emails = await env.DB.prepare('SELECT n.payload FROM booking_email_notifications n JOIN bookings b ON b.id = n.booking_id WHERE b.uid = ?').bind(uid).all<{ payload: string }>();
    expect(emails.results.map((e) => JSON.parse(e.payload).booking.locationValue)).toEqual([null, null]);
  });

  it('a booking cancelled while its confirmation waits for the link: the attendee and host get the cancellation, never the confirmation after it', async () => {
    const { token, eventType } = await providerHost('google');
    await generate(token, eventType.id, 'google_meet');
    const { id, uid } = await heldWrite(eventType.id, at('12:00'), attendee('cancelled'));
    expect((await unsent(uid)).emails).toBe(2);
    expect((await api('DELETE', `/v2/bookings/${uid}`, { body: {} })).status).toBe(200);
    await runCalendarWrite(env, id);
    await sweepEmailOutbox(env, Date.now() + EMAIL_SWEEP_GRACE_MS + 1);
    const emails = await env.DB.prepare('SELECT n.trigger_event, n.status, n.enqueued_at FROM booking_email_notifications n JOIN bookings b ON b.id = n.booking_id WHERE b.uid = ? ORDER BY n.id').bind(uid).all();
    const sent = emails.results.filter((e) => e.enqueued_at !== null).map((e) => e.trigger_event);
    expect(sent).toEqual(['BOOKING_CANCELLED', 'BOOKING_CANCELLED']);
    expect(emails.results.filter((e) => e.trigger_event === 'BOOKING_CREATED').map((e) => e.status)).toEqual(['suppressed', 'suppressed']);
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

  it('Google: the slot is ONE event, inserted by the first seat, its attendees updated as seats come and go (hidden from each other), deleted with the last', async () => {
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
    // Google puts the event in each guest's own calendar: a seat holder must not read the other seats' names and emails there.
    expect([insert!.body.guestsCanSeeOtherGuests, update!.body.guestsCanSeeOtherGuests]).toEqual([false, false]);
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

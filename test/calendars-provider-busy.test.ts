// Busy time from Google Calendar and Microsoft Graph (issue #28) into the same busy spans the slots read, against
// fakes of events.list (syncToken, 410 Gone) and calendarView/delta (nextLink, deltaLink), and the sources choice.
import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { syncConnection } from '../src/calendars/sync';
import { SELF } from 'cloudflare:test';
import { api, dbRow, expectError, getPage, hostWithEventType, makeAdmin, upcomingDate, waitFor } from './helpers';
import { busyRows } from './calendars-helpers';
import { fakeOAuth, serveOAuth } from './calendars-oauth-helpers';
import { fakeGoogleBusy, fakeGraphBusy, quietSyncs } from './calendars-provider-helpers';

afterEach(() => vi.restoreAllMocks());

const day = upcomingDate(4, 7);
const next = upcomingDate(5, 7);
const at = (date: string, hhmm: string) => Date.parse(`${date}T${hhmm}:00Z`);

async function connected(provider: 'google' | 'microsoft', handle: (r: Request) => Promise<Response | undefined>, oauth: ReturnType<typeof fakeOAuth>, token: string) {
  serveOAuth(oauth, handle);
  quietSyncs();
  const started = await api('GET', `/v2/calendars/oauth/${provider}/start`, { token });
  const { code, state } = oauth.consent(started.json.authorization_url);
  return (await api('GET', `/v2/calendars/oauth/${provider}/callback?code=${code}&state=${state}`, { token })).json.id as number;
}

const slotsOf = async (eventTypeId: number, date: string) => {
  const res = await api('GET', `/v2/slots/available?event_type_id=${eventTypeId}&start_time=${date}T00:00:00Z&end_time=${date}T23:59:00Z&timezone=UTC`);
  return (res.json.slots[date] ?? []).map((s: { start: string }) => s.start.slice(11, 16));
};

describe('Google Calendar busy time', () => {
  it('reads the window once, skips our own, free and cancelled events, then checks the sync token before reading again', async () => {
    const { token, eventType } = await hostWithEventType();
    const oauth = fakeOAuth();
    const events: Record<string, any[]> = {
      primary: [
        { id: 'meeting1', status: 'confirmed', start: { dateTime: `${day}T10:00:00Z` }, end: { dateTime: `${day}T11:00:00Z` } },
        { id: `calflare${'a'.repeat(32)}`, status: 'confirmed', start: { dateTime: `${day}T12:00:00Z` }, end: { dateTime: `${day}T13:00:00Z` } },
        { id: 'lunch', status: 'confirmed', transparency: 'transparent', start: { dateTime: `${day}T14:00:00Z` }, end: { dateTime: `${day}T15:00:00Z` } },
        { id: 'gone', status: 'cancelled', start: { dateTime: `${day}T15:00:00Z` }, end: { dateTime: `${day}T16:00:00Z` } },
        { id: 'holiday', status: 'confirmed', start: { date: next }, end: { date: upcomingDate(6, 7) } },
      ],
    };
    const google = fakeGoogleBusy(oauth, events);
    const id = await connected('google', google.handle, oauth, token);
    const now = Date.now();
    expect(await syncConnection(env, id, now)).toBe('synced');
    expect(await busyRows(id)).toEqual([
      { start_at: at(day, '10:00'), end_at: at(day, '11:00') },
      { start_at: at(next, '00:00'), end_at: at(upcomingDate(6, 7), '00:00') },
    ]);
    // Paged (pageToken) to the page with nextSyncToken, every read for the window with expanded single events.
    expect(google.requests.filter((r) => r.method === 'GET').map((r) => r.url.searchParams.get('pageToken'))).toEqual([null, '2', '4']);
    expect(google.requests[0]!.url.searchParams.get('singleEvents')).toBe('true');
    const slots = await slotsOf(eventType.id, day);
    expect(slots).not.toContain('10:00');
    // The provider's busy time is in the one statement of the slots read (Server-Timing counts D1 round trips).
    const read = await api('GET', `/v2/slots/available?event_type_id=${eventType.id}&start_time=${day}T00:00:00Z&end_time=${day}T23:59:00Z&timezone=UTC`);
    expect(read.headers.get('server-timing')).toMatch(/(^|, )d1;[^,]*desc="1"/);
    expect(slots).toContain('12:00'); // our own written event never blocks the host
    expect(slots).toContain('14:00');

    // Unchanged: one incremental request by syncToken, the spans stand.
    google.requests.length = 0;
    expect(await syncConnection(env, id, now + 60_000)).toBe('not_modified');
    expect(google.requests.map((r) => r.url.searchParams.get('syncToken'))).toEqual(['tok-primary-0']);
    // Changed: the window is read again and the token renewed.
    events.primary![0] = { ...events.primary![0], start: { dateTime: `${day}T16:00:00Z` }, end: { dateTime: `${day}T17:00:00Z` } };
    google.bump('primary');
    expect(await syncConnection(env, id, now + 120_000)).toBe('synced');
    expect((await busyRows(id))[0]).toEqual({ start_at: at(day, '16:00'), end_at: at(day, '17:00') });
    // An expired token (410 Gone): a full read.
    google.expiredTokens.add('tok-primary-1');
    google.requests.length = 0;
    expect(await syncConnection(env, id, now + 180_000)).toBe('synced');
    expect(google.requests.map((r) => (r.url.searchParams.has('syncToken') ? 'incremental' : 'full'))).toEqual(['incremental', 'full', 'full', 'full']);
  });

  it('lists the account\'s calendars as sources; the host chooses which count', async () => {
    const { token } = await hostWithEventType();
    const oauth = fakeOAuth();
    const google = fakeGoogleBusy(
      oauth,
      { primary: [], 'work@group.calendar.google.com': [{ id: 'w1', status: 'confirmed', start: { dateTime: `${day}T09:00:00Z` }, end: { dateTime: `${day}T09:30:00Z` } }] },
      [
        { id: 'ann@gmail.com', summary: 'Ann', primary: true },
        { id: 'work@group.calendar.google.com', summary: 'Work' },
      ],
    );
    const id = await connected('google', google.handle, oauth, token);
    const listed = await api('GET', `/v2/calendars/${id}/sources`, { token });
    expect(listed.json.data).toEqual([
      { id: 'ann@gmail.com', name: 'Ann', primary: true, selected: true },
      { id: 'work@group.calendar.google.com', name: 'Work', primary: false, selected: false },
    ]);
    expectError(await api('PATCH', `/v2/calendars/${id}/sources`, { token, body: { selected: ['nope'] } }), 400, 'validation_failed');
    const chosen = await api('PATCH', `/v2/calendars/${id}/sources`, { token, body: { selected: ['work@group.calendar.google.com'] } });
    expect(chosen.json.data.map((s: { selected: boolean }) => s.selected)).toEqual([false, true]);
    expect(await syncConnection(env, id, Date.now())).toBe('synced');
    expect(await busyRows(id)).toEqual([{ start_at: at(day, '09:00'), end_at: at(day, '09:30') }]);
    const ics = await api('POST', '/v2/calendars', { token, body: { kind: 'ics', url: 'https://example.com/a.ics', enabled: false } });
    expectError(await api('GET', `/v2/calendars/${ics.json.id}/sources`, { token }), 409, 'conflict');
  });
});

describe('Microsoft Graph busy time', () => {
  it('follows the delta round to its deltaLink in UTC, skips our own and free events, and keeps the spans while the link has no changes', async () => {
    const { token } = await hostWithEventType();
    const oauth = fakeOAuth();
    const graph = fakeGraphBusy(oauth, [
      { id: 'e1', showAs: 'busy', start: { dateTime: `${day}T10:00:00.0000000`, timeZone: 'UTC' }, end: { dateTime: `${day}T11:00:00.0000000`, timeZone: 'UTC' } },
      { id: 'e2', showAs: 'busy', transactionId: `calflare-${'b'.repeat(32)}`, start: { dateTime: `${day}T12:00:00.0000000` }, end: { dateTime: `${day}T13:00:00.0000000` } },
      { id: 'e3', showAs: 'free', start: { dateTime: `${day}T14:00:00.0000000` }, end: { dateTime: `${day}T15:00:00.0000000` } },
      { id: 'e4', showAs: 'tentative', isCancelled: true, start: { dateTime: `${day}T16:00:00.0000000` }, end: { dateTime: `${day}T17:00:00.0000000` } },
      { id: 'e5', showAs: 'oof', start: { dateTime: `${day}T18:00:00.0000000` }, end: { dateTime: `${day}T19:00:00.0000000` } },
    ]);
    const id = await connected('microsoft', graph.handle, oauth, token);
    const now = Date.now();
    expect(await syncConnection(env, id, now)).toBe('synced');
    expect(await busyRows(id)).toEqual([
      { start_at: at(day, '10:00'), end_at: at(day, '11:00') },
      { start_at: at(day, '18:00'), end_at: at(day, '19:00') },
    ]);
    const reads = graph.requests.filter((r) => r.method === 'GET');
    expect(reads).toHaveLength(3);
    expect(reads.every((r) => String(r.body).includes('outlook.timezone="UTC"'))).toBe(true);
    graph.requests.length = 0;
    expect(await syncConnection(env, id, now + 60_000)).toBe('not_modified');
    expect(graph.requests.map((r) => r.url.searchParams.get('$deltatoken'))).toEqual(['v0']);
    graph.bump();
    expect(await syncConnection(env, id, now + 120_000)).toBe('synced');
  });
});

describe('push notifications', () => {
  it("a change Google pushes removes the slot within one sync, without the cron; a push with a wrong token does nothing", async () => {
    const { token, eventType } = await hostWithEventType();
    const oauth = fakeOAuth();
    const events: Record<string, any[]> = { primary: [] };
    const google = fakeGoogleBusy(oauth, events);
    const id = await connected('google', google.handle, oauth, token);
    expect(await syncConnection(env, id, Date.now())).toBe('synced');
    // The sync opened a channel on the calendar: Google's documented watch request.
    expect(google.watches).toEqual([
      { id: expect.stringMatching(new RegExp(`^cf-${id}-`)), type: 'web_hook', address: 'https://calflare.example.com/v2/calendar-push/google', token: expect.any(String), params: { ttl: '604800' } },
    ]);
    const [watch] = google.watches;
    const admin = await makeAdmin();
    const page = await getPage('/admin/calendars', `session=${admin.token}`);
    expect(page.html.slice(page.html.indexOf(`id="calendar-${id}"`)).split('</tr>')[0]).toMatch(/Push channel until \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);
    expect(page.html).not.toContain(watch.token);
    expect(await slotsOf(eventType.id, day)).toContain('15:00');

    vi.mocked(env.CALENDAR_SYNC.send).mockRestore(); // from here on, queued syncs run
    const push = (channelToken: string, state = 'exists') =>
      SELF.fetch('https://calflare.test/v2/calendar-push/google', {
        method: 'POST',
        headers: { 'x-goog-channel-id': watch.id, 'x-goog-channel-token': channelToken, 'x-goog-resource-state': state, 'x-goog-resource-id': 'res-1' },
      });
    const queuedAt = async () => (await dbRow<{ enqueued_at: number }>('SELECT enqueued_at FROM calendar_connections WHERE id = ?', id))!.enqueued_at;
    const before = await queuedAt();
    expect((await push('wrong-token')).status).toBe(204);
    expect((await push(watch.token, 'sync')).status).toBe(204);
    expect(await queuedAt()).toBe(before);

    events.primary!.push({ id: 'new', status: 'confirmed', start: { dateTime: `${day}T15:00:00Z` }, end: { dateTime: `${day}T16:00:00Z` } });
    google.bump('primary');
    expect((await push(watch.token)).status).toBe(204);
    await waitFor(async () => !(await slotsOf(eventType.id, day)).includes('15:00'), 'the pushed change blocks the slot');
  });

  it('Graph: the URL check echoes validationToken, the subscription carries our clientState, and only a matching one queues a sync', async () => {
    const { token } = await hostWithEventType();
    const oauth = fakeOAuth();
    const graph = fakeGraphBusy(oauth, []);
    const id = await connected('microsoft', graph.handle, oauth, token);
    expect(await syncConnection(env, id, Date.now())).toBe('synced');
    const [sub] = graph.subscriptions;
    expect(sub).toMatchObject({ changeType: 'created,updated,deleted', notificationUrl: 'https://calflare.test/v2/calendar-push/microsoft'.replace('calflare.test', 'calflare.example.com'), resource: 'me/events' });
    expect(Date.parse(sub.expirationDateTime) - Date.now()).toBeLessThanOrEqual(4230 * 60_000);
    const check = await SELF.fetch('https://calflare.test/v2/calendar-push/microsoft?validationToken=Validation%3A%20Testing', { method: 'POST', headers: { 'content-type': 'text/plain' } });
    expect([check.status, check.headers.get('content-type'), await check.text()]).toEqual([200, 'text/plain; charset=UTF-8', 'Validation: Testing']);
    const notify = (clientState: string) =>
      SELF.fetch('https://calflare.test/v2/calendar-push/microsoft', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ value: [{ subscriptionId: 'sub-1', clientState, changeType: 'updated', resource: 'me/events/AAMk1' }] }),
      });
    const queuedAt = async () => (await dbRow<{ enqueued_at: number }>('SELECT enqueued_at FROM calendar_connections WHERE id = ?', id))!.enqueued_at;
    const before = await queuedAt();
    expect((await notify(`${id}.forged`)).status).toBe(202);
    expect(await queuedAt()).toBe(before);
    await env.DB.prepare('UPDATE calendar_connections SET enqueued_at = 0, last_attempt_at = 1 WHERE id = ?').bind(id).run();
    expect((await notify(sub.clientState)).status).toBe(202);
    expect(await queuedAt()).toBeGreaterThan(0);
    // Anyone may post here: a batch naming 100 connections (ours among them, forged) is one D1 read and no write.
    await env.DB.prepare('UPDATE calendar_connections SET enqueued_at = 0, last_attempt_at = 1 WHERE id = ?').bind(id).run();
    const value = Array.from({ length: 100 }, (_, i) => ({ subscriptionId: `sub-${i}`, clientState: `${id + i}.forged`, changeType: 'updated' }));
    const flood = await SELF.fetch('https://calflare.test/v2/calendar-push/microsoft', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ value }) });
    expect(flood.status).toBe(202);
    expect(flood.headers.get('server-timing')).toMatch(/(^|, )d1;[^,]*desc="1"/);
    expect(await queuedAt()).toBe(0);
  });
});

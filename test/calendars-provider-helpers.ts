// Fakes of Google Calendar API v3 events and Microsoft Graph v1.0 events, as far as write-back uses them, speaking their
// documented contracts: Google's client-chosen ids (base32hex, 409 on a duplicate, 410 on a deleted one), Graph's
// transactionId (a repeated create answers the event made the first time), Bearer tokens (401 on one not issued or
// expired), and 429 with Retry-After when told to. Every request is recorded for the tests to check. Conferences as
// documented: Google makes a Meet for a createRequest only with conferenceDataVersion=1, ignores a requestId it saw
// before, keeps the conference of an update sent without the version (and drops it on one sent with it but without
// conferenceData); Graph makes a Teams meeting for isOnlineMeeting and ignores later changes to it.
import { env } from 'cloudflare:workers';
import { expect, vi } from 'vitest';
import { api } from './helpers';
import type { fakeOAuth } from './calendars-oauth-helpers';

export interface ApiRequest {
  method: string;
  url: URL;
  token: string | null;
  body: any;
}

/** Access tokens the fakes accept: those the OAuth fake issued, unless expired by the test. */
function tokenOk(oauth: ReturnType<typeof fakeOAuth>, expired: Set<string>, request: Request) {
  const token = request.headers.get('authorization')?.replace(/^Bearer /, '') ?? null;
  return { token, ok: token !== null && token.startsWith('access-') && !expired.has(token) && oauth.accessTokens().includes(token) };
}

export function fakeGoogleCalendar(oauth: ReturnType<typeof fakeOAuth>) {
  const events = new Map<string, any>();
  const requests: ApiRequest[] = [];
  const expired = new Set<string>();
  const throttle: { retryAfter: string }[] = [];
  /** Meets made, by requestId. */
  const meets = new Map<string, string>();
  let loseNextInsertAnswer = false;
  /** The event's conferenceData after a write: Google's documented conferenceDataVersion rules. */
  const conferenceOf = (url: URL, body: any, before: any) => {
    if (url.searchParams.get('conferenceDataVersion') !== '1') return before?.conferenceData;
    const request = body.conferenceData?.createRequest;
    if (!request) return body.conferenceData;
    if (before?.conferenceData?.createRequest?.requestId === request.requestId) return before.conferenceData;
    if (request.conferenceSolutionKey?.type !== 'hangoutsMeet' || typeof request.requestId !== 'string') throw new Error('bad createRequest');
    const code = `mee-${String(meets.size + 1).padStart(4, '0')}-tin`;
    meets.set(request.requestId, code);
    return {
      conferenceId: code,
      conferenceSolution: { key: { type: 'hangoutsMeet' }, name: 'Google Meet' },
      createRequest: { ...request, status: { statusCode: 'success' } },
      entryPoints: [{ entryPointType: 'video', uri: `https://meet.google.com/${code}`, label: `meet.google.com/${code}` }],
    };
  };
  const stored = (url: URL, body: any, before: any, extra: Record<string, unknown>) => {
    const conferenceData = conferenceOf(url, body, before);
    const { conferenceData: _sent, ...rest } = body;
    return { ...rest, ...extra, ...(conferenceData ? { conferenceData, hangoutLink: conferenceData.entryPoints?.[0]?.uri } : {}) };
  };
  async function handle(request: Request): Promise<Response | undefined> {
    const url = new URL(request.url);
    if (url.origin !== 'https://www.googleapis.com') return undefined;
    const body: any = request.method === 'POST' || request.method === 'PUT' ? await request.json() : undefined;
    const auth = tokenOk(oauth, expired, request);
    requests.push({ method: request.method, url, token: auth.token, body });
    if (!auth.ok) return Response.json({ error: { code: 401, message: 'Invalid Credentials' } }, { status: 401 });
    const t = throttle.shift();
    if (t) return Response.json({ error: { code: 429, message: 'Rate Limit Exceeded' } }, { status: 429, headers: { 'retry-after': t.retryAfter } });
    const m = /^\/calendar\/v3\/calendars\/([^/]+)\/events(?:\/([^/]+))?$/.exec(url.pathname);
    if (!m) return Response.json({ error: { code: 404 } }, { status: 404 });
    const calendar = decodeURIComponent(m[1]!);
    const key = (id: string) => `${calendar}/${id}`;
    if (request.method === 'POST' && !m[2]) {
      // Google: ids are 5-1024 characters of base32hex (a-v, 0-9); a used id is 409 (also when that event was deleted).
      if (!/^[a-v0-9]{5,1024}$/.test(body.id)) return Response.json({ error: { code: 400, message: 'Invalid resource id value.' } }, { status: 400 });
      if (events.has(key(body.id))) return Response.json({ error: { code: 409, message: 'The requested identifier already exists.' } }, { status: 409 });
      events.set(key(body.id), stored(url, body, undefined, { status: body.status ?? 'confirmed' }));
      if (loseNextInsertAnswer) {
        loseNextInsertAnswer = false;
        throw new Error('Network connection lost.');
      }
      return Response.json(events.get(key(body.id)));
    }
    const found = m[2] ? events.get(key(m[2])) : undefined;
    if (request.method === 'PUT') {
      if (!found) return Response.json({ error: { code: 404 } }, { status: 404 });
      events.set(key(m[2]!), stored(url, body, found, { id: m[2] }));
      return Response.json(events.get(key(m[2]!)));
    }
    if (request.method === 'DELETE') {
      if (!found) return Response.json({ error: { code: 404 } }, { status: 404 });
      if (found.status === 'cancelled') return Response.json({ error: { code: 410, message: 'Resource has been deleted' } }, { status: 410 });
      found.status = 'cancelled';
      return new Response(null, { status: 204 });
    }
    return Response.json({ error: { code: 405 } }, { status: 405 });
  }
  return { handle, events, requests, expired, throttle, meets, loseNextInsertAnswer: () => void (loseNextInsertAnswer = true) };
}

export function fakeGraph(oauth: ReturnType<typeof fakeOAuth>) {
  const events = new Map<string, any>();
  const byTransaction = new Map<string, string>();
  const requests: ApiRequest[] = [];
  const expired = new Set<string>();
  let loseNextCreateAnswer = false;
  let counter = 0;
  /** Teams meetings made (work accounts: teamsForBusiness). */
  let meetings = 0;
  const onlineMeetingOf = (body: any, before: any) => {
    if (before?.onlineMeeting) return before.onlineMeeting;
    if (body.isOnlineMeeting !== true || body.onlineMeetingProvider !== 'teamsForBusiness') return null;
    return { joinUrl: `https://teams.microsoft.com/l/meetup-join/meeting-${++meetings}` };
  };
  async function handle(request: Request): Promise<Response | undefined> {
    const url = new URL(request.url);
    if (url.origin !== 'https://graph.microsoft.com') return undefined;
    const body: any = request.method === 'POST' || request.method === 'PATCH' ? await request.json() : undefined;
    const auth = tokenOk(oauth, expired, request);
    requests.push({ method: request.method, url, token: auth.token, body });
    if (!auth.ok) return Response.json({ error: { code: 'InvalidAuthenticationToken' } }, { status: 401 });
    if (request.method === 'POST' && /^\/v1\.0\/me\/(calendar|calendars\/[^/]+)\/events$/.test(url.pathname)) {
      // transactionId: a create repeated by a client that lost the answer gets the event made the first time.
      const known = body.transactionId ? byTransaction.get(body.transactionId) : undefined;
      if (known && events.has(known)) return Response.json(events.get(known), { status: 201 });
      const id = `AAMk-${++counter}`;
      events.set(id, { ...body, id, calendar: url.pathname, onlineMeeting: onlineMeetingOf(body, undefined) });
      if (body.transactionId) byTransaction.set(body.transactionId, id);
      if (loseNextCreateAnswer) {
        loseNextCreateAnswer = false;
        throw new Error('Network connection lost.');
      }
      return Response.json(events.get(id), { status: 201 });
    }
    const m = /^\/v1\.0\/me\/events\/([^/]+)$/.exec(url.pathname);
    const id = m ? decodeURIComponent(m[1]!) : '';
    if (!m || !events.has(id)) return Response.json({ error: { code: 'ErrorItemNotFound' } }, { status: 404 });
    if (request.method === 'PATCH') {
      events.set(id, { ...events.get(id), ...body, onlineMeeting: onlineMeetingOf(body, events.get(id)) });
      return Response.json(events.get(id));
    }
    if (request.method === 'DELETE') {
      events.delete(id);
      return new Response(null, { status: 204 });
    }
    return Response.json({ error: { code: 'MethodNotAllowed' } }, { status: 405 });
  }
  return { handle, events, requests, expired, meetings: () => meetings, loseNextCreateAnswer: () => void (loseNextCreateAnswer = true) };
}

/** Connects the provider through the OAuth flow (start, consent, callback) and makes it the host's destination. */
export async function oauthDestination(provider: 'google' | 'microsoft', token: string, oauth: ReturnType<typeof fakeOAuth>, calendarId?: string) {
  quietSyncs();
  const started = await api('GET', `/v2/calendars/oauth/${provider}/start`, { token });
  const { code, state } = oauth.consent(started.json.authorization_url);
  const done = await api('GET', `/v2/calendars/oauth/${provider}/callback?code=${encodeURIComponent(code)}&state=${encodeURIComponent(state)}`, { token });
  expect(done.status).toBe(201);
  const chosen = await api('PUT', '/v2/calendars/destination', { token, body: { connection_id: done.json.id, ...(calendarId ? { calendar_id: calendarId } : {}) } });
  expect(chosen.status).toBe(200);
  return done.json.id as number;
}

/** The busy syncs a connect or a choice of sources queues are dropped: tests run syncConnection themselves. */
export function quietSyncs() {
  if (!vi.isMockFunction(env.CALENDAR_SYNC.send)) vi.spyOn(env.CALENDAR_SYNC, 'send').mockResolvedValue(undefined as never);
}

/**
 * Google's events.list and calendarList.list: the full read of a window (singleEvents, paged with pageToken, the
 * last page carrying nextSyncToken), the incremental read by syncToken (410 Gone once a token expired).
 */
export function fakeGoogleBusy(oauth: ReturnType<typeof fakeOAuth>, calendars: Record<string, any[]>, list: { id: string; summary: string; primary?: boolean }[] = [{ id: 'primary-id@gmail.com', summary: 'Ann', primary: true }]) {
  const requests: ApiRequest[] = [];
  const version: Record<string, number> = {};
  const expiredTokens = new Set<string>();
  const bump = (calendar: string) => void (version[calendar] = (version[calendar] ?? 0) + 1);
  const watches: any[] = [];
  async function handle(request: Request): Promise<Response | undefined> {
    const url = new URL(request.url);
    if (url.origin !== 'https://www.googleapis.com') return undefined;
    const auth = tokenOk(oauth, new Set(), request);
    if (request.method === 'POST' && /^\/calendar\/v3\/calendars\/[^/]+\/events\/watch$/.test(url.pathname)) {
      // events.watch: a web_hook channel with our id, address and token; Google answers its resourceId and expiration.
      const body: any = await request.json();
      requests.push({ method: 'POST', url, token: auth.token, body });
      if (!auth.ok) return Response.json({ error: { code: 401 } }, { status: 401 });
      watches.push(body);
      return Response.json({ kind: 'api#channel', id: body.id, resourceId: `res-${watches.length}`, resourceUri: url.toString(), expiration: String(Date.now() + 604_800_000) });
    }
    if (request.method !== 'GET') return undefined;
    requests.push({ method: 'GET', url, token: auth.token, body: undefined });
    if (!auth.ok) return Response.json({ error: { code: 401 } }, { status: 401 });
    if (url.pathname === '/calendar/v3/users/me/calendarList') return Response.json({ kind: 'calendar#calendarList', items: list });
    const m = /^\/calendar\/v3\/calendars\/([^/]+)\/events$/.exec(url.pathname);
    const calendar = m ? decodeURIComponent(m[1]!) : '';
    if (!m || !(calendar in calendars)) return Response.json({ error: { code: 404 } }, { status: 404 });
    const current = `tok-${calendar}-${version[calendar] ?? 0}`;
    const syncToken = url.searchParams.get('syncToken');
    if (syncToken) {
      // Google: a sync token cannot be combined with timeMin/timeMax.
      if (url.searchParams.has('timeMin') || url.searchParams.has('timeMax')) return Response.json({ error: { code: 400 } }, { status: 400 });
      if (expiredTokens.has(syncToken)) return Response.json({ error: { code: 410, message: 'Sync token is no longer valid, a full sync is required.' } }, { status: 410 });
      return Response.json({ items: syncToken === current ? [] : calendars[calendar], nextSyncToken: current });
    }
    if (url.searchParams.get('singleEvents') !== 'true' || !url.searchParams.get('timeMin') || !url.searchParams.get('timeMax')) return Response.json({ error: { code: 400 } }, { status: 400 });
    const all = calendars[calendar]!;
    const from = Number(url.searchParams.get('pageToken') ?? 0);
    const page = all.slice(from, from + 2);
    return Response.json(from + 2 < all.length ? { items: page, nextPageToken: String(from + 2) } : { items: page, nextSyncToken: current });
  }
  return { handle, requests, bump, expiredTokens, watches };
}

/** Graph's calendarView/delta: a round of pages (@odata.nextLink) ending in @odata.deltaLink; the link answers changes. */
export function fakeGraphBusy(oauth: ReturnType<typeof fakeOAuth>, events: any[]) {
  const requests: ApiRequest[] = [];
  let version = 0;
  const subscriptions: any[] = [];
  async function handle(request: Request): Promise<Response | undefined> {
    const url = new URL(request.url);
    if (url.origin !== 'https://graph.microsoft.com') return undefined;
    const auth = tokenOk(oauth, new Set(), request);
    if (request.method === 'POST' && url.pathname === '/v1.0/subscriptions') {
      const body: any = await request.json();
      requests.push({ method: 'POST', url, token: auth.token, body });
      subscriptions.push(body);
      return Response.json({ ...body, id: `sub-${subscriptions.length}` }, { status: 201 });
    }
    if (request.method !== 'GET') return undefined;
    requests.push({ method: 'GET', url, token: auth.token, body: request.headers.get('prefer') });
    if (!auth.ok) return Response.json({ error: { code: 'InvalidAuthenticationToken' } }, { status: 401 });
    if (url.pathname === '/v1.0/me/calendars') return Response.json({ value: [{ id: 'AAMkDefault', name: 'Calendar', isDefaultCalendar: true }, { id: 'AAMkWork', name: 'Work', isDefaultCalendar: false }] });
    if (url.pathname !== '/v1.0/me/calendarView/delta') return Response.json({ error: { code: 'ErrorItemNotFound' } }, { status: 404 });
    const delta = `https://graph.microsoft.com/v1.0/me/calendarView/delta?$deltatoken=v${version}`;
    const deltatoken = url.searchParams.get('$deltatoken');
    if (deltatoken !== null) return Response.json({ value: deltatoken === `v${version}` ? [] : events, '@odata.deltaLink': delta });
    if (!url.searchParams.get('startDateTime') || !url.searchParams.get('endDateTime')) return Response.json({ error: { code: 'BadRequest' } }, { status: 400 });
    const skip = Number(url.searchParams.get('$skiptoken') ?? 0);
    const page = events.slice(skip, skip + 2);
    if (skip + 2 < events.length) {
      const next = new URL(url);
      next.searchParams.set('$skiptoken', String(skip + 2));
      return Response.json({ value: page, '@odata.nextLink': next.toString() });
    }
    return Response.json({ value: page, '@odata.deltaLink': delta });
  }
  return { handle, requests, bump: () => void version++, subscriptions };
}

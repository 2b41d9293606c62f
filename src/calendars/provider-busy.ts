// Busy time from Google Calendar (events.list) and Microsoft Graph (calendarView/delta) for the calendars a host chose
// (issue #28), into the same merged spans as ICS and CalDAV (calendar_busy), so the slots read stays one statement.
//
// Incremental sync: each calendar keeps Google's `nextSyncToken` / Graph's `@odata.deltaLink`. A sync first asks each
// calendar for changes since then; when none has any (and the last full read still covers the booking window), the
// stored spans stand, like an ICS 304. Otherwise every chosen calendar is read afresh for the window (its token
// renewed), since the stored spans are merged and cannot be patched event by event. An expired token (Google 410
// Gone; Graph 410 / syncStateNotFound) is dropped and the calendar read in full.
// Skipped: cancelled events, our own written events (Google: our `calflare…` ids; Graph: our `calflare-…`
// transactionId), and free ones (transparent / showAs free or workingElsewhere) unless include_transparent.
import { zoneOffsetAt } from '../lib/time';
import { FeedError, errorText } from './fetch-feed';
import { mergeSpans, type Span } from './ics-busy';
import { GOOGLE_API, GRAPH_API } from './provider-write';

const TIMEOUT_MS = 10_000;
/** Pages read per calendar and sync at most (2,500 events a page on Google, 100 on Graph here). */
const MAX_PAGES = 20;

export interface BusyQuery {
  /** The chosen calendars' ids ('primary' / 'default' for the account's main one). */
  calendars: string[];
  window: { start: number; end: number };
  hostTimeZone: string;
  includeTransparent: boolean;
  /** Per calendar: the token of its last full read. */
  syncState: Record<string, string>;
  /** Whether the stored spans may stand when nothing changed (the last full read still covers the window). */
  mayKeep: boolean;
}

export type ProviderBusy = { status: 'unchanged'; syncState: Record<string, string> } | { status: 'read'; spans: Span[]; syncState: Record<string, string> };

/** 401 from the provider: the caller refreshes the token and tries once more. */
export class ProviderUnauthorized extends Error {}

async function getJson(url: string, token: string, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  let res: Response;
  try {
    res = await fetch(url, { headers: { authorization: `Bearer ${token}`, accept: 'application/json', ...headers }, signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (error) {
    throw new FeedError('The calendar provider could not be reached', errorText(error));
  }
  if (res.status === 401) {
    await res.body?.cancel();
    throw new ProviderUnauthorized();
  }
  const body = res.status === 204 ? null : await res.json().catch(() => null);
  return { status: res.status, body };
}

function failed(provider: string, status: number): never {
  if (status === 429) throw new FeedError(`${provider} asked us to slow down (HTTP 429); the next sync tries again`);
  if (status === 403) throw new FeedError(`${provider} refused to show this calendar (HTTP 403)`);
  if (status === 404) throw new FeedError(`${provider} does not know one of the chosen calendars (HTTP 404): choose again in its sources`);
  throw new FeedError(`${provider} answered HTTP ${status}`);
}

/** Local midnight of an all-day date ("YYYY-MM-DD") in the host's zone. */
function localMidnight(date: string, zone: string): number {
  const utc = Date.parse(`${date}T00:00:00Z`);
  return utc - zoneOffsetAt(zone, utc - zoneOffsetAt(zone, utc));
}

const clip = (s: Span, w: { start: number; end: number }): Span | null => {
  const c = { start: Math.max(s.start, w.start), end: Math.min(s.end, w.end) };
  return c.end > c.start ? c : null;
};

// --- Google Calendar API v3 ---

/** The account's calendars (calendarList.list, the calendarlist.readonly scope). */
export async function googleCalendars(token: string): Promise<{ id: string; name: string; primary: boolean }[]> {
  const out: { id: string; name: string; primary: boolean }[] = [];
  let page: string | undefined;
  for (let i = 0; i < MAX_PAGES; i++) {
    const url = new URL(`${GOOGLE_API}/users/me/calendarList`);
    url.searchParams.set('maxResults', '250');
    if (page) url.searchParams.set('pageToken', page);
    const { status, body } = await getJson(url.toString(), token);
    if (status !== 200) failed('Google Calendar', status);
    for (const c of body.items ?? []) out.push({ id: String(c.id), name: String(c.summaryOverride ?? c.summary ?? c.id), primary: c.primary === true });
    page = body.nextPageToken;
    if (!page) break;
  }
  return out;
}

function googleSpan(e: any, q: BusyQuery): Span | null {
  if (e.status === 'cancelled' || typeof e.id !== 'string' || e.id.startsWith('calflare')) return null;
  if (e.transparency === 'transparent' && !q.includeTransparent) return null;
  const start = e.start?.dateTime ? Date.parse(e.start.dateTime) : e.start?.date ? localMidnight(e.start.date, q.hostTimeZone) : NaN;
  const end = e.end?.dateTime ? Date.parse(e.end.dateTime) : e.end?.date ? localMidnight(e.end.date, q.hostTimeZone) : NaN;
  return Number.isFinite(start) && Number.isFinite(end) ? clip({ start, end }, q.window) : null;
}

/** Whether anything changed since `token` (null: the token expired, 410 Gone). */
async function googleChanged(token: string, calendar: string, syncToken: string): Promise<boolean | null> {
  const url = new URL(`${GOOGLE_API}/calendars/${encodeURIComponent(calendar)}/events`);
  url.searchParams.set('syncToken', syncToken);
  url.searchParams.set('singleEvents', 'true');
  url.searchParams.set('maxResults', '1');
  const { status, body } = await getJson(url.toString(), token);
  if (status === 410) return null;
  if (status !== 200) failed('Google Calendar', status);
  return (body.items ?? []).length > 0 || Boolean(body.nextPageToken);
}

async function googleRead(token: string, calendar: string, q: BusyQuery): Promise<{ spans: Span[]; syncToken: string | null }> {
  const spans: Span[] = [];
  let page: string | undefined;
  for (let i = 0; i < MAX_PAGES; i++) {
    const url = new URL(`${GOOGLE_API}/calendars/${encodeURIComponent(calendar)}/events`);
    url.searchParams.set('timeMin', new Date(q.window.start).toISOString());
    url.searchParams.set('timeMax', new Date(q.window.end).toISOString());
    url.searchParams.set('singleEvents', 'true');
    url.searchParams.set('maxResults', '2500');
    if (page) url.searchParams.set('pageToken', page);
    const { status, body } = await getJson(url.toString(), token);
    if (status !== 200) failed('Google Calendar', status);
    for (const e of body.items ?? []) {
      const span = googleSpan(e, q);
      if (span) spans.push(span);
    }
    page = body.nextPageToken;
    if (!page) return { spans, syncToken: typeof body.nextSyncToken === 'string' ? body.nextSyncToken : null };
  }
  throw new FeedError(`The calendar has more events in the booking window than ${MAX_PAGES} pages`);
}

export async function googleBusy(token: string, q: BusyQuery): Promise<ProviderBusy> {
  return providerBusy(q, (calendar, syncToken) => googleChanged(token, calendar, syncToken), (calendar) => googleRead(token, calendar, q));
}

// --- Microsoft Graph v1.0 ---

export async function graphCalendars(token: string): Promise<{ id: string; name: string; primary: boolean }[]> {
  const { status, body } = await getJson(`${GRAPH_API}/me/calendars?$select=id,name,isDefaultCalendar&$top=100`, token);
  if (status !== 200) failed('Microsoft Graph', status);
  return (body.value ?? []).map((c: any) => ({ id: String(c.id), name: String(c.name ?? c.id), primary: c.isDefaultCalendar === true }));
}

const UTC_PREFERENCE = { prefer: 'outlook.timezone="UTC", odata.maxpagesize=100' };

function graphSpan(e: any, q: BusyQuery): Span | null {
  if (e['@removed'] || e.isCancelled === true) return null;
  if (typeof e.transactionId === 'string' && e.transactionId.startsWith('calflare-')) return null;
  if ((e.showAs === 'free' || e.showAs === 'workingElsewhere') && !q.includeTransparent) return null;
  const at = (t: any) => (typeof t?.dateTime === 'string' ? t.dateTime : '');
  const start = e.isAllDay ? localMidnight(at(e.start).slice(0, 10), q.hostTimeZone) : Date.parse(`${at(e.start)}Z`);
  const end = e.isAllDay ? localMidnight(at(e.end).slice(0, 10), q.hostTimeZone) : Date.parse(`${at(e.end)}Z`);
  return Number.isFinite(start) && Number.isFinite(end) ? clip({ start, end }, q.window) : null;
}

const graphView = (calendar: string) => (calendar === 'default' ? `${GRAPH_API}/me/calendarView/delta` : `${GRAPH_API}/me/calendars/${encodeURIComponent(calendar)}/calendarView/delta`);

/** Follows a delta round to its deltaLink. */
async function graphRound(token: string, first: string, q: BusyQuery | null): Promise<{ status: number; events: any[]; deltaLink: string | null }> {
  const events: any[] = [];
  let next: string | undefined = first;
  for (let i = 0; i < MAX_PAGES && next; i++) {
    const { status, body } = await getJson(next, token, UTC_PREFERENCE);
    if (status !== 200) return { status, events, deltaLink: null };
    events.push(...(body.value ?? []));
    if (body['@odata.deltaLink']) return { status, events, deltaLink: String(body['@odata.deltaLink']) };
    next = body['@odata.nextLink'];
    if (q === null && events.length > 0) return { status, events, deltaLink: null }; // a change is all a check needs
  }
  if (next) throw new FeedError(`The calendar has more events in the booking window than ${MAX_PAGES} pages`);
  return { status: 200, events, deltaLink: null };
}

async function graphChanged(token: string, deltaLink: string): Promise<boolean | null> {
  const round = await graphRound(token, deltaLink, null);
  if (round.status === 410 || round.status === 400) return null; // syncStateNotFound / an expired delta token
  if (round.status !== 200) failed('Microsoft Graph', round.status);
  return round.events.length > 0;
}

async function graphRead(token: string, calendar: string, q: BusyQuery): Promise<{ spans: Span[]; syncToken: string | null }> {
  const url = new URL(graphView(calendar));
  url.searchParams.set('startDateTime', new Date(q.window.start).toISOString());
  url.searchParams.set('endDateTime', new Date(q.window.end).toISOString());
  const round = await graphRound(token, url.toString(), q);
  if (round.status !== 200) failed('Microsoft Graph', round.status);
  const spans = round.events.map((e) => graphSpan(e, q)).filter((s): s is Span => s !== null);
  return { spans, syncToken: round.deltaLink };
}

export async function graphBusy(token: string, q: BusyQuery): Promise<ProviderBusy> {
  return providerBusy(q, (_calendar, link) => graphChanged(token, link), (calendar) => graphRead(token, calendar, q));
}

// --- shared ---

async function providerBusy(
  q: BusyQuery,
  changed: (calendar: string, token: string) => Promise<boolean | null>,
  read: (calendar: string) => Promise<{ spans: Span[]; syncToken: string | null }>,
): Promise<ProviderBusy> {
  if (q.mayKeep && q.calendars.every((c) => q.syncState[c])) {
    let any = false;
    for (const c of q.calendars) {
      const verdict = await changed(c, q.syncState[c]!);
      if (verdict !== false) {
        any = true;
        break;
      }
    }
    if (!any) return { status: 'unchanged', syncState: q.syncState };
  }
  const spans: Span[] = [];
  const syncState: Record<string, string> = {};
  for (const c of q.calendars) {
    const result = await read(c);
    spans.push(...result.spans);
    if (result.syncToken) syncState[c] = result.syncToken;
  }
  return { status: 'read', spans: mergeSpans(spans), syncState };
}

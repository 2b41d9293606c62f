// Write-back into Google Calendar (API v3) and Microsoft Graph (v1.0) with an OAuth access token (issue #28): the
// request bodies are typed by the providers' published shapes (`@googleapis/calendar`'s Schema$Event, Graph's Event
// from `@microsoft/microsoft-graph-types`), so a field they do not define fails the typecheck. Exactly once:
//  - Google: the event id is ours, derived from the booking (`calflare` + the host copy's 32 hex digits, inside
//    Google's base32hex alphabet). Create inserts with that id; a 409 means our earlier insert landed, so the same
//    event is updated. Update is events.update of that id, delete events.delete (404/410: done). `sendUpdates=none`:
//    Google mails the attendee nothing (they have our invitation).
//  - Microsoft: create POSTs with `transactionId` (ours, from the same digest): Graph answers a retried create with
//    the event it made the first time. Its id is kept (`remote_ref`) for PATCH and DELETE. No attendees are listed:
//    Outlook would send them an invitation of its own, with no switch to stop it; the attendee is named in the body.
// A booking whose event type generates its meeting link asks for it with the write (src/calendars/meeting-links.ts):
// Google's conferenceData.createRequest (conferenceDataVersion=1; later writes leave it out, and Google then keeps the
// conference as it is), Graph's isOnlineMeeting; the link comes back as the outcome's `link`.
// 401: the caller refreshes the token and tries once more. 429 (and Google's 403 rate limits) retry after Retry-After.
import type { calendar_v3 } from '@googleapis/calendar';
import type { Event as GraphEvent } from '@microsoft/microsoft-graph-types';
import { descriptionText, locationText } from '../invites/booking-event';
import { hostCalendarSite, type Site } from '../invites/site';
import { errorText } from './fetch-feed';
import { attendeesOf, failureOf, type CalendarWritePayload, type WriteOutcome } from './caldav-write';
import { googleConferenceRequest, googleMeetLinkOf, linkToRequest, TEAMS_MEETING, teamsLinkOf } from './meeting-links';

export const GOOGLE_API = 'https://www.googleapis.com/calendar/v3';
export const GRAPH_API = 'https://graph.microsoft.com/v1.0';
const TIMEOUT_MS = 10_000;

/** A provider answered 401: the access token is no longer good (the caller refreshes once). */
export type ProviderOutcome = WriteOutcome | { ok: false; unauthorized: true };

export interface ProviderWrite {
  payload: CalendarWritePayload;
  /** A write of this row reached the provider before (an update, not a create). */
  created: boolean;
  /** The provider's id of our event, when we learnt it (Graph). */
  ref: string | null;
  /** The destination calendar; null: the account's primary/default one. */
  calendarId: string | null;
  site: Site;
}

const live = (p: CalendarWritePayload) => p.status === 'accepted' || p.status === 'pending';
const hexOf = (eventUid: string) => eventUid.replace(/^host-/, '');

/** Google's event id for a booking: base32hex (0-9, a-v), 5-1024 characters. */
export const googleEventId = (eventUid: string) => `calflare${hexOf(eventUid)}`;
/** Graph's transactionId for a booking's create. */
export const graphTransactionId = (eventUid: string) => `calflare-${hexOf(eventUid)}`;

async function hostCopy(payload: CalendarWritePayload, site: Site) {
  const calendarSite = await hostCalendarSite(site, payload.uid, payload.startAt);
  return { eventUid: calendarSite.eventUid!, description: descriptionText(payload, calendarSite), link: calendarSite.bookingUrl };
}

export async function googleEventBody(payload: CalendarWritePayload, site: Site) {
  const copy = await hostCopy(payload, site);
  const id = googleEventId(copy.eventUid);
  const body = {
    id,
    summary: payload.title,
    description: copy.description,
    location: locationText(payload.locationType, payload.locationValue) ?? undefined,
    start: { dateTime: new Date(payload.startAt).toISOString(), timeZone: 'UTC' },
    end: { dateTime: new Date(payload.endAt).toISOString(), timeZone: 'UTC' },
    status: payload.status === 'pending' ? 'tentative' : 'confirmed',
    transparency: 'opaque',
    sequence: payload.sequence,
    attendees: attendeesOf(payload).map((a) => ({ email: a.email, displayName: a.name, responseStatus: 'accepted' })),
    // Google shows the event in each guest's own calendar: a seat holder must not read the other seats there.
    ...(payload.seats ? { guestsCanSeeOtherGuests: false } : {}),
    ...(copy.link ? { source: { title: 'calflare', url: copy.link } } : {}),
    extendedProperties: { private: { calflareEvent: copy.eventUid } },
    ...(linkToRequest(payload, 'google') ? { conferenceData: googleConferenceRequest(id) } : {}),
  } satisfies calendar_v3.Schema$Event;
  return body;
}

const graphTime = (t: number) => ({ dateTime: new Date(t).toISOString().slice(0, 19), timeZone: 'UTC' });

export async function graphEventBody(payload: CalendarWritePayload, site: Site, create: boolean) {
  const copy = await hostCopy(payload, site);
  const location = locationText(payload.locationType, payload.locationValue);
  const who = `With ${attendeesOf(payload).map((a) => `${a.name} <${a.email}>`).join(', ')}`;
  const body = {
    subject: payload.title,
    body: { contentType: 'text', content: [who, copy.description].filter(Boolean).join('\n\n') },
    start: graphTime(payload.startAt),
    end: graphTime(payload.endAt),
    ...(location ? { location: { displayName: location } } : {}),
    showAs: payload.status === 'pending' ? 'tentative' : 'busy',
    ...(create ? { transactionId: graphTransactionId(copy.eventUid) } : {}),
    ...(linkToRequest(payload, 'microsoft') ? TEAMS_MEETING : {}),
  } satisfies GraphEvent;
  return body;
}

async function call(url: string, init: { method: string; token: string; body?: unknown }): Promise<Response | { error: unknown }> {
  try {
    return await fetch(url, {
      method: init.method,
      headers: { authorization: `Bearer ${init.token}`, ...(init.body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    return { error };
  }
}

const transport = (error: unknown): WriteOutcome => ({ ok: false, permanent: false, message: 'The calendar provider could not be reached', detail: errorText(error) });

/** Google answers rate limits as 403 with reason rateLimitExceeded / userRateLimitExceeded as well as 429. */
async function googleFailure(res: Response, now: number): Promise<ProviderOutcome> {
  if (res.status === 401) return { ok: false, unauthorized: true };
  if (res.status === 403) {
    const text = await res.text().catch(() => '');
    if (/rateLimitExceeded|userRateLimitExceeded/.test(text)) return { ...failureOf(429, res.headers.get('retry-after'), now), message: 'Google Calendar asked us to slow down (rate limit)' };
    return { ok: false, permanent: true, message: 'Google Calendar refused access to the destination calendar (HTTP 403)' };
  }
  await res.body?.cancel();
  return failureOf(res.status, res.headers.get('retry-after'), now);
}

export async function googleWrite(token: string, w: ProviderWrite, now: number): Promise<ProviderOutcome> {
  const body = await googleEventBody(w.payload, w.site);
  const wantsLink = 'conferenceData' in body;
  // Without conferenceDataVersion=1 Google ignores conferenceData in the body and keeps the event's conference.
  const query = wantsLink ? '?sendUpdates=none&conferenceDataVersion=1' : '?sendUpdates=none';
  const events = `${GOOGLE_API}/calendars/${encodeURIComponent(w.calendarId ?? 'primary')}/events`;
  const one = `${events}/${body.id}${query}`;
  if (!live(w.payload)) {
    const res = await call(one, { method: 'DELETE', token });
    if ('error' in res) return transport(res.error);
    if (res.ok || res.status === 404 || res.status === 410) return { ok: true, ref: body.id };
    return googleFailure(res, now);
  }
  const insert = async () => call(`${events}${query}`, { method: 'POST', token, body });
  const update = async () => call(one, { method: 'PUT', token, body });
  let res = w.created ? await update() : await insert();
  if ('error' in res) return transport(res.error);
  // Created before (an earlier insert whose answer was lost): update that event. Gone meanwhile: insert it again.
  if (!w.created && res.status === 409) res = await update();
  else if (w.created && res.status === 404) res = await insert();
  if ('error' in res) return transport(res.error);
  if (res.ok) {
    if (!wantsLink) {
      await res.body?.cancel();
      return { ok: true, ref: body.id };
    }
    const answer = (await res.json().catch(() => null)) as calendar_v3.Schema$Event | null;
    return { ok: true, ref: body.id, link: googleMeetLinkOf(answer) };
  }
  return googleFailure(res, now);
}

async function graphFailure(res: Response, now: number): Promise<ProviderOutcome> {
  await res.body?.cancel();
  if (res.status === 401) return { ok: false, unauthorized: true };
  return failureOf(res.status, res.headers.get('retry-after'), now);
}

export async function graphWrite(token: string, w: ProviderWrite, now: number): Promise<ProviderOutcome> {
  const collection = w.calendarId ? `${GRAPH_API}/me/calendars/${encodeURIComponent(w.calendarId)}/events` : `${GRAPH_API}/me/calendar/events`;
  // The create, with our transactionId: a repeat answers the event made the first time.
  const create = async (): Promise<ProviderOutcome> => {
    const res = await call(collection, { method: 'POST', token, body: await graphEventBody(w.payload, w.site, true) });
    if ('error' in res) return transport(res.error);
    if (!res.ok) return graphFailure(res, now);
    const made = (await res.json()) as GraphEvent;
    return made.id ? { ok: true, ref: made.id, link: teamsLinkOf(made) } : { ok: false, permanent: false, message: 'Microsoft Graph answered without an event id' };
  };
  let ref = w.ref;
  if (!live(w.payload)) {
    // Never learnt the id (the create's answer was lost): the transactionId finds it, then it goes.
    if (!ref) {
      const found = await create();
      if (!found.ok) return found;
      ref = found.ref;
    }
    const res = await call(`${GRAPH_API}/me/events/${encodeURIComponent(ref)}`, { method: 'DELETE', token });
    if ('error' in res) return transport(res.error);
    if (res.ok || res.status === 404) return { ok: true, ref };
    return graphFailure(res, now);
  }
  if (!ref) return create();
  const patch = await graphEventBody(w.payload, w.site, false);
  const res = await call(`${GRAPH_API}/me/events/${encodeURIComponent(ref)}`, { method: 'PATCH', token, body: patch });
  if ('error' in res) return transport(res.error);
  if (res.status === 404) return create();
  if (res.ok) {
    if (!('isOnlineMeeting' in patch)) {
      await res.body?.cancel();
      return { ok: true, ref };
    }
    // Graph answers a PATCH with the event as it now is: its Teams link, made now or before.
    return { ok: true, ref, link: teamsLinkOf((await res.json().catch(() => null)) as GraphEvent | null) };
  }
  return graphFailure(res, now);
}

// CalDAV busy time (RFC 4791) for one calendar collection: the free-busy REPORT first (the server computes busy
// periods), and where a server lacks it, a time-range calendar-query whose events we expand ourselves (ics-busy.ts).
// Responses are read with a real XML parser (@xmldom/xmldom), namespaces included. Pure but for the fetcher it is given.
import { DOMParser, type Document } from '@xmldom/xmldom';
import ICAL from 'ical.js';
import { errorText, FeedError, guardedFetch, type FetchOptions } from './fetch-feed';
import { FeedBudget } from './expansion-budget';
import { icsBusy, IcsError, MAX_INSTANCES, mergeSpans, type BusyOptions, type BusyResult, type Span } from './ics-busy';

const DAV = 'DAV:';
const CALDAV = 'urn:ietf:params:xml:ns:caldav';

export interface CaldavTarget {
  /** The calendar collection's URL. */
  url: string;
  username: string;
  password: string;
}

export type CaldavMethod = 'free-busy' | 'calendar-query';

const stamp = (t: number) => new Date(t).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');

export function freeBusyQueryBody(window: { start: number; end: number }): string {
  return `<?xml version="1.0" encoding="utf-8"?>
<C:free-busy-query xmlns:C="${CALDAV}">
  <C:time-range start="${stamp(window.start)}" end="${stamp(window.end)}"/>
</C:free-busy-query>`;
}

export function calendarQueryBody(window: { start: number; end: number }): string {
  return `<?xml version="1.0" encoding="utf-8"?>
<C:calendar-query xmlns:D="${DAV}" xmlns:C="${CALDAV}">
  <D:prop><C:calendar-data/></D:prop>
  <C:filter>
    <C:comp-filter name="VCALENDAR">
      <C:comp-filter name="VEVENT">
        <C:time-range start="${stamp(window.start)}" end="${stamp(window.end)}"/>
      </C:comp-filter>
    </C:comp-filter>
  </C:filter>
</C:calendar-query>`;
}

/** Statuses with which a server says it does not do the free-busy REPORT (or not on this collection). */
const NO_FREE_BUSY = new Set([400, 403, 404, 405, 415, 422, 500, 501]);

/**
 * `holdsOwnEvents`: our write-back writes bookings into this collection (issue #28). A free-busy answer would count them
 * as busy and a booking would block its own reschedule, so the events are read and ours skipped by UID instead.
 */
export async function caldavBusy(
  target: CaldavTarget,
  opts: Omit<BusyOptions, 'maxInstances'> & { holdsOwnEvents?: boolean },
  fetchOpts: Omit<FetchOptions, 'basicAuth'>,
): Promise<BusyResult & { method: CaldavMethod }> {
  const request = { ...fetchOpts, basicAuth: { username: target.username, password: target.password } };
  const headers = { 'content-type': 'application/xml; charset=utf-8', depth: '1' };
  // A free-busy answer cannot tell free events, nor our own invites, from the rest: include_transparent needs the events.
  if (!opts.includeTransparent && !opts.holdsOwnEvents) {
    // Some servers (Radicale 3.1) drop the connection on a REPORT they do not know instead of answering: that counts as
    // "no free-busy" too; the calendar-query below then says whether the server is really unreachable.
    const fb = await guardedFetch(target.url, { method: 'REPORT', headers, body: freeBusyQueryBody(opts.window) }, request).catch(
      (error: unknown) => {
        if (error instanceof FeedError && error.connectionLost) return { status: 501, text: '' };
        throw error;
      },
    );
    if (fb.status === 401) throw new FeedError('The CalDAV server refused the username or password (HTTP 401)');
    if (fb.status >= 200 && fb.status < 300 && /BEGIN:VCALENDAR/i.test(fb.text)) {
      const spans = freeBusySpans(fb.text, opts.window);
      return { spans, instances: spans.length, capped: false, runawayRules: 0, budgetExhausted: false, unknownTimeZones: [], method: 'free-busy' };
    }
    if (!(fb.status >= 200 && fb.status < 300) && !NO_FREE_BUSY.has(fb.status)) throw new FeedError(`The CalDAV server answered HTTP ${fb.status}`);
  }
  const query = () => guardedFetch(target.url, { method: 'REPORT', headers, body: calendarQueryBody(opts.window) }, request);
  // After a server dropped the free-busy REPORT's connection, the next request may go out on a pooled socket the server
  // has already closed and fail at once (seen with Radicale under load): one retry tells that from a server that is down.
  const cq = await query().catch((error: unknown) => {
    if (error instanceof FeedError && error.connectionLost) return query();
    throw error;
  });
  if (cq.status === 401) throw new FeedError('The CalDAV server refused the username or password (HTTP 401)');
  if (cq.status === 404) throw new FeedError('The CalDAV server has no calendar at this address (HTTP 404)');
  if (cq.status !== 207) throw new FeedError(`The CalDAV server answered the calendar query with HTTP ${cq.status}`);
  return { ...eventsBusy(calendarDataOf(cq.text), opts), method: 'calendar-query' };
}

/** BUSY, BUSY-TENTATIVE and BUSY-UNAVAILABLE periods of every VFREEBUSY, clipped to the window. */
export function freeBusySpans(text: string, window: { start: number; end: number }): Span[] {
  let root: ICAL.Component;
  try {
    root = new ICAL.Component(ICAL.parse(text));
  } catch (error) {
    throw new FeedError("The CalDAV server's free-busy answer could not be read", errorText(error));
  }
  const spans: Span[] = [];
  for (const vfb of root.getAllSubcomponents('vfreebusy')) {
    for (const prop of vfb.getAllProperties('freebusy')) {
      const type = String(prop.getParameter('fbtype') ?? 'BUSY').toUpperCase();
      if (type === 'FREE') continue;
      for (const period of prop.getValues() as ICAL.Period[]) {
        const start = period.start.toUnixTime() * 1000;
        const end = period.end ? period.end.toUnixTime() * 1000 : start + (period.duration?.toSeconds() ?? 0) * 1000;
        const clipped = { start: Math.max(start, window.start), end: Math.min(end, window.end) };
        if (clipped.end > clipped.start) spans.push(clipped);
      }
    }
  }
  return mergeSpans(spans);
}

/** The calendar-data text of every resource a 207 multistatus answered with 200. */
export function calendarDataOf(xml: string): string[] {
  let doc: Document;
  try {
    doc = new DOMParser({
      onError: (level, message) => {
        if (level !== 'warning') throw new Error(message);
      },
    }).parseFromString(xml, 'application/xml');
  } catch (error) {
    throw new FeedError("The CalDAV server's answer is not valid XML", errorText(error));
  }
  const out: string[] = [];
  const responses = doc.getElementsByTagNameNS(DAV, 'response');
  for (let i = 0; i < responses.length; i++) {
    const propstats = responses[i]!.getElementsByTagNameNS(DAV, 'propstat');
    for (let j = 0; j < propstats.length; j++) {
      const status = propstats[j]!.getElementsByTagNameNS(DAV, 'status')[0]?.textContent ?? '';
      if (!/\s200\s/.test(` ${status} `)) continue;
      const data = propstats[j]!.getElementsByTagNameNS(CALDAV, 'calendar-data')[0]?.textContent;
      if (data && data.trim()) out.push(data);
    }
  }
  return out;
}

/**
 * Each resource is its own VCALENDAR (a master with its overrides): expanded one by one, capped in total, under one
 * expansion budget for the whole answer (a thousand resources each with a runaway rule cost one budget, not a thousand).
 */
function eventsBusy(calendars: string[], opts: Omit<BusyOptions, 'maxInstances'>): BusyResult {
  const spans: Span[] = [];
  let instances = 0;
  let capped = false;
  const unknown = new Set<string>();
  const budget = opts.budget instanceof FeedBudget ? opts.budget : new FeedBudget(opts.budget);
  for (const text of calendars) {
    let result: BusyResult;
    try {
      result = icsBusy(text, { ...opts, budget, maxInstances: MAX_INSTANCES - instances });
    } catch (error) {
      if (error instanceof IcsError) continue; // one unreadable resource must not hide the others
      throw error;
    }
    spans.push(...result.spans);
    instances += result.instances;
    result.unknownTimeZones.forEach((z) => unknown.add(z));
    // The instance cap ends the answer; a spent expansion budget does not: plain events of later resources still count.
    if (result.capped && instances >= MAX_INSTANCES) {
      capped = true;
      break;
    }
  }
  return {
    spans: mergeSpans(spans),
    instances,
    capped: capped || budget.exhausted,
    runawayRules: budget.runawayRules,
    budgetExhausted: budget.exhausted,
    unknownTimeZones: [...unknown],
  };
}

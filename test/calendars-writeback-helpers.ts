// A small CalDAV server speaking RFC 4791/7232 as far as write-back uses it (PUT with If-None-Match, DELETE, a
// calendar-query REPORT), behind a fetcher or global fetch. Every request is recorded, so tests check what we sent.
import { env } from 'cloudflare:workers';
import { vi } from 'vitest';
import { api } from './helpers';

export const COLLECTION = 'https://dav.example.com/calendars/host/work/';

export interface DavRequest {
  method: string;
  url: string;
  headers: Headers;
  body: string;
}

/** `collection`: where resources may be written (every calendar under it). */
export function fakeCaldav(opts: { collection?: string; onRequest?: (r: DavRequest) => Response | Promise<Response | undefined> | undefined } = {}) {
  const collection = opts.collection ?? 'https://dav.example.com/calendars/';
  const resources = new Map<string, string>();
  const requests: DavRequest[] = [];
  const fetcher = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const r: DavRequest = { method: request.method, url: request.url, headers: request.headers, body: request.method === 'GET' ? '' : await request.text() };
    requests.push(r);
    const special = await opts.onRequest?.(r);
    if (special) return special;
    if (r.headers.get('authorization') !== `Basic ${btoa('host:dav-secret')}`) return new Response('', { status: 401 });
    if (r.method === 'REPORT' && r.url.endsWith('/')) {
      if (r.body.includes('free-busy-query')) return new Response('not here', { status: 501 });
      const items = [...resources].filter(([href]) => href.startsWith(r.url)).map(
        ([href, ics]) => `<response><href>${new URL(href).pathname}</href><propstat><prop><C:calendar-data><![CDATA[${ics}]]></C:calendar-data></prop><status>HTTP/1.1 200 OK</status></propstat></response>`,
      );
      return new Response(`<?xml version="1.0"?><multistatus xmlns="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">${items.join('')}</multistatus>`, {
        status: 207,
        headers: { 'content-type': 'application/xml' },
      });
    }
    if (!r.url.startsWith(collection)) return new Response('', { status: 404 });
    if (r.method === 'PUT') {
      const exists = resources.has(r.url);
      if (r.headers.get('if-none-match') === '*' && exists) return new Response('', { status: 412 });
      resources.set(r.url, r.body);
      return new Response(null, { status: exists ? 204 : 201, headers: { etag: `"${r.body.length}"` } });
    }
    if (r.method === 'DELETE') return resources.delete(r.url) ? new Response(null, { status: 204 }) : new Response('', { status: 404 });
    return new Response('', { status: 405 });
  };
  return { resources, requests, fetcher };
}

/** The fake as the Worker's global fetch (the queue consumer runs in this isolate). */
export function serveCaldav(server: ReturnType<typeof fakeCaldav>) {
  return vi.spyOn(globalThis, 'fetch').mockImplementation((input, init) => server.fetcher(input, init));
}

/** A CalDAV connection (its busy sync off, so only write-back talks to the fake) chosen as the host's destination. */
export async function caldavDestination(token: string, url = COLLECTION) {
  const created = await api('POST', '/v2/calendars', {
    token,
    body: { kind: 'caldav', url, username: 'host', password: 'dav-secret', enabled: false },
  });
  const destination = await api('PUT', '/v2/calendars/destination', { token, body: { connection_id: created.json.id } });
  if (destination.status !== 200) throw new Error(JSON.stringify(destination.json));
  return created.json.id as number;
}

/** Waits until no write-back row is pending (or up to 5 s), so none outlives the test's fetch stand-in. */
export async function settleWrites() {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const row = await env.DB.prepare("SELECT count(*) AS n FROM calendar_writes WHERE status = 'pending' AND coalesce(next_attempt_at, 0) < ?").bind(Date.now() + 5_000).first<{ n: number }>();
    if (!row?.n || Date.now() > deadline) return;
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A property's value from an iCalendar text (unfolded). */
export const icsProp = (ics: string, name: string) => new RegExp(`^${name}[;:](.*)$`, 'm').exec(ics.replace(/\r\n /g, ''))?.[1]?.replace(/^.*:/, '');

// Shared by the calendar tests: a stand-in for the calendar servers behind global fetch (the queue consumer runs in
// this isolate), and waiting for background syncs.
import { env } from 'cloudflare:workers';
import { vi } from 'vitest';
import { api } from './helpers';

export interface Served {
  status?: number;
  body?: string;
  etag?: string;
  headers?: Record<string, string>;
}

/** Feeds by URL. A matching If-None-Match answers 304. Every request is recorded. */
export function serveFeeds(feeds: Map<string, Served>) {
  const requests: { url: string; headers: Headers }[] = [];
  const spy = vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const request = new Request(input, init);
    requests.push({ url: request.url, headers: request.headers });
    const feed = feeds.get(request.url);
    if (!feed) return new Response('not found', { status: 404 });
    if (feed.etag && request.headers.get('if-none-match') === feed.etag) return new Response(null, { status: 304 });
    const headers: Record<string, string> = { 'content-type': 'text/calendar', ...feed.headers };
    if (feed.etag) headers.etag = feed.etag;
    return new Response(feed.body ?? '', { status: feed.status ?? 200, headers });
  });
  return { requests, spy };
}

/** Polls the connection until `done` holds (the sync runs in the queue consumer, in the background). */
export async function waitForConnection(token: string, id: number, done: (c: any) => boolean, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await api('GET', `/v2/calendars/${id}`, { token });
    if (res.status === 200 && done(res.json)) return res.json;
    if (Date.now() > deadline) throw new Error(`connection ${id} never got there: ${JSON.stringify(res.json)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export const busyRows = async (connectionId: number) =>
  (await env.DB.prepare('SELECT start_at, end_at FROM calendar_busy WHERE connection_id = ? ORDER BY start_at').bind(connectionId).all<{ start_at: number; end_at: number }>())
    .results;

const stamp = (t: number) => new Date(t).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');

/** A minimal feed with one busy event per [start, end) pair (UTC). */
export function feedWith(spans: [number, number][], extra: string[] = []): string {
  const events = spans.flatMap(([start, end], i) => [
    'BEGIN:VEVENT', `UID:busy-${i}-${start}@example.com`, 'DTSTAMP:20260101T000000Z', `DTSTART:${stamp(start)}`, `DTEND:${stamp(end)}`, 'SUMMARY:Private', 'END:VEVENT',
  ]);
  return ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//EN', ...events, ...extra, 'END:VCALENDAR', ''].join('\r\n');
}

/**
 * Waits (up to 5 s) until every sync queued in the background has run, so none outlives the test's fetch stand-in
 * and storage.
 */
export async function settleSyncs() {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const pending = await env.DB.prepare(
      'SELECT count(*) AS n FROM calendar_connections WHERE enabled = 1 AND enqueued_at IS NOT NULL AND (last_attempt_at IS NULL OR last_attempt_at < enqueued_at)',
    ).first<{ n: number }>();
    if (!pending?.n || Date.now() > deadline) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

// Fetching a subscribed calendar: conditional GET, timeout, size cap, redirects re-checked by the SSRF guard.
// Never on the slots or booking path: only the queue consumer calls this.
import { checkSubscriberUrl } from '../webhooks/url-guard';

export const FETCH_TIMEOUT_MS = 10_000;
export const MAX_FEED_BYTES = 5 * 1024 * 1024;
export const MAX_REDIRECTS = 3;

export interface Validators {
  etag: string | null;
  lastModified: string | null;
}

export type FeedResult =
  | { status: 'not_modified' }
  | { status: 'ok'; text: string; validators: Validators };

/** A fetch that failed; the message is for the host (it never contains the address, which is secret). */
export class FeedError extends Error {}

export type Fetcher = (input: string, init: RequestInit) => Promise<Response>;

export interface FetchOptions {
  allowPrivate: boolean;
  fetcher?: Fetcher;
  timeoutMs?: number;
  maxBytes?: number;
  /** Sent as Basic auth (CalDAV; ICS addresses carry their secret in the URL). */
  basicAuth?: { username: string; password: string };
}

/** "webcal://" is how calendar apps write a subscription address; it means https. */
export function normalizeFeedUrl(raw: string): string {
  return raw.trim().replace(/^webcals?:\/\//i, 'https://');
}

export async function fetchFeed(rawUrl: string, validators: Validators, opts: FetchOptions): Promise<FeedResult> {
  const fetcher = opts.fetcher ?? ((input, init) => fetch(input, init));
  const maxBytes = opts.maxBytes ?? MAX_FEED_BYTES;
  const signal = AbortSignal.timeout(opts.timeoutMs ?? FETCH_TIMEOUT_MS);
  let url = normalizeFeedUrl(rawUrl);
  for (let hop = 0; ; hop++) {
    const verdict = checkSubscriberUrl(url, { allowPrivate: opts.allowPrivate });
    if (!verdict.ok) throw new FeedError(`${hop ? 'The feed redirected to an address that is not allowed' : 'The address is not allowed'}: ${verdict.reason}`);
    const headers: Record<string, string> = { accept: 'text/calendar, */*;q=0.5', 'user-agent': 'calflare-calendar-sync/1' };
    if (validators.etag) headers['if-none-match'] = validators.etag;
    if (validators.lastModified) headers['if-modified-since'] = validators.lastModified;
    if (opts.basicAuth) headers.authorization = `Basic ${btoa(`${opts.basicAuth.username}:${opts.basicAuth.password}`)}`;
    let res: Response;
    try {
      res = await fetcher(url, { method: 'GET', headers, redirect: 'manual', signal });
    } catch (error) {
      if (signal.aborted) throw new FeedError(`The calendar server did not answer within ${(opts.timeoutMs ?? FETCH_TIMEOUT_MS) / 1000} s`);
      throw new FeedError(`The calendar server could not be reached (${error instanceof Error ? error.message : 'network error'})`);
    }
    if (res.status >= 300 && res.status < 400 && res.status !== 304) {
      await res.body?.cancel();
      const location = res.headers.get('location');
      if (!location) throw new FeedError(`The calendar server answered ${res.status} without a Location`);
      if (hop >= MAX_REDIRECTS) throw new FeedError(`The calendar server redirected more than ${MAX_REDIRECTS} times`);
      url = new URL(location, url).toString();
      continue;
    }
    if (res.status === 304) {
      await res.body?.cancel();
      return { status: 'not_modified' };
    }
    if (!res.ok) {
      await res.body?.cancel();
      throw new FeedError(describeStatus(res.status));
    }
    const declared = Number(res.headers.get('content-length'));
    if (Number.isFinite(declared) && declared > maxBytes) {
      await res.body?.cancel();
      throw new FeedError(tooLarge(maxBytes));
    }
    const text = await readCapped(res, maxBytes, signal);
    return { status: 'ok', text, validators: { etag: res.headers.get('etag'), lastModified: res.headers.get('last-modified') } };
  }
}

const tooLarge = (maxBytes: number) => `The calendar file is larger than ${Math.round(maxBytes / 1024 / 1024)} MB`;

function describeStatus(status: number): string {
  if (status === 401 || status === 403) return `The calendar server refused access (HTTP ${status}): check the address or the credentials`;
  if (status === 404 || status === 410) return `The calendar server does not know this address (HTTP ${status}): it may have been reset`;
  return `The calendar server answered HTTP ${status}`;
}

/** Reads the body as UTF-8, stopping as soon as it passes the cap (a lying or absent Content-Length included). */
async function readCapped(res: Response, maxBytes: number, signal: AbortSignal): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let total = 0;
  let text = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel();
        throw new FeedError(tooLarge(maxBytes));
      }
      text += decoder.decode(value, { stream: true });
    }
  } catch (error) {
    if (error instanceof FeedError) throw error;
    if (signal.aborted) throw new FeedError('The calendar server did not finish sending within the time limit');
    throw new FeedError('The calendar file could not be downloaded completely');
  }
  return text + decoder.decode();
}

// Fetching a subscribed calendar (and CalDAV requests): timeout, size cap, redirects re-checked by the SSRF guard,
// conditional GET for feeds. Never on the slots or booking path: only the queue consumer calls this.
import { checkSubscriberUrl } from '../webhooks/url-guard';

export const FETCH_TIMEOUT_MS = 10_000;
export const MAX_FEED_BYTES = 5 * 1024 * 1024;
export const MAX_REDIRECTS = 3;

export interface Validators {
  etag: string | null;
  lastModified: string | null;
}

export type FeedResult = { status: 'not_modified' } | { status: 'ok'; text: string; validators: Validators };

/**
 * A fetch that failed. The message is for the host: a coarse reason in our words, never the address (it is secret),
 * a line of the server's answer or a runtime error; those go in `detail`, for the server log only.
 */
export class FeedError extends Error {
  /** The connection failed or was dropped before any answer (not a timeout, not a refused address). */
  connectionLost = false;

  constructor(
    message: string,
    readonly detail?: string,
  ) {
    super(message);
  }
}

/** An error's own text, for `detail`. */
export const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

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

export interface GuardedResponse {
  status: number;
  headers: Headers;
  /** The body as UTF-8, read up to the cap ('' for 304). */
  text: string;
}

/**
 * One request with the webhook SSRF guard on the address and on every redirect target (at most MAX_REDIRECTS), a
 * timeout over the whole exchange, and a cap on the body (a lying or absent Content-Length included). Method, headers
 * and body are kept across redirects; a request with credentials follows a redirect only within its origin.
 */
export async function guardedFetch(
  rawUrl: string,
  init: { method: string; headers: Record<string, string>; body?: string },
  opts: FetchOptions,
): Promise<GuardedResponse> {
  const fetcher = opts.fetcher ?? ((input, requestInit) => fetch(input, requestInit));
  const maxBytes = opts.maxBytes ?? MAX_FEED_BYTES;
  const timeoutMs = opts.timeoutMs ?? FETCH_TIMEOUT_MS;
  const signal = AbortSignal.timeout(timeoutMs);
  const headers: Record<string, string> = { 'user-agent': 'calflare-calendar-sync/1', ...init.headers };
  if (opts.basicAuth) headers.authorization = `Basic ${base64Utf8(`${opts.basicAuth.username}:${opts.basicAuth.password}`)}`;
  let url = normalizeFeedUrl(rawUrl);
  for (let hop = 0; ; hop++) {
    const verdict = checkSubscriberUrl(url, { allowPrivate: opts.allowPrivate });
    if (!verdict.ok) throw new FeedError(`${hop ? 'The server redirected to an address that is not allowed' : 'The address is not allowed'}: ${verdict.reason}`);
    let res: Response;
    try {
      res = await fetcher(url, { method: init.method, headers, body: init.body, redirect: 'manual', signal });
    } catch (error) {
      if (signal.aborted) throw new FeedError(`The calendar server did not answer within ${timeoutMs / 1000} s`);
      const lost = new FeedError('The calendar server could not be reached', errorText(error));
      lost.connectionLost = true;
      throw lost;
    }
    if (res.status >= 300 && res.status < 400 && res.status !== 304) {
      await res.body?.cancel();
      const location = res.headers.get('location');
      if (!location) throw new FeedError(`The calendar server answered ${res.status} without a Location`);
      if (hop >= MAX_REDIRECTS) throw new FeedError(`The calendar server redirected more than ${MAX_REDIRECTS} times`);
      const next = new URL(location, url);
      // Credentials belong to the origin the host gave them for: a redirect elsewhere (another host, scheme or port)
      // could be anyone's server. ICS addresses carry no header secret and may move between hosts.
      if (opts.basicAuth && next.origin !== new URL(url).origin) {
        throw new FeedError('The CalDAV server redirected to another site; credentials are only sent to the address given');
      }
      url = next.toString();
      continue;
    }
    if (res.status === 304) {
      await res.body?.cancel();
      return { status: 304, headers: res.headers, text: '' };
    }
    const declared = Number(res.headers.get('content-length'));
    if (Number.isFinite(declared) && declared > maxBytes) {
      await res.body?.cancel();
      throw new FeedError(tooLarge(maxBytes));
    }
    return { status: res.status, headers: res.headers, text: await readCapped(res, maxBytes, signal) };
  }
}

/** GET with the stored validators: a 304 costs nothing. */
export async function fetchFeed(rawUrl: string, validators: Validators, opts: FetchOptions): Promise<FeedResult> {
  const headers: Record<string, string> = { accept: 'text/calendar, */*;q=0.5' };
  if (validators.etag) headers['if-none-match'] = validators.etag;
  if (validators.lastModified) headers['if-modified-since'] = validators.lastModified;
  const res = await guardedFetch(rawUrl, { method: 'GET', headers }, opts);
  if (res.status === 304) return { status: 'not_modified' };
  if (res.status < 200 || res.status >= 300) throw new FeedError(describeStatus(res.status));
  return { status: 'ok', text: res.text, validators: { etag: res.headers.get('etag'), lastModified: res.headers.get('last-modified') } };
}

const tooLarge = (maxBytes: number) => `The calendar file is larger than ${Math.round(maxBytes / 1024 / 1024)} MB`;

function describeStatus(status: number): string {
  if (status === 401 || status === 403) return `The calendar server refused access (HTTP ${status}): check the address or the credentials`;
  if (status === 404 || status === 410) return `The calendar server does not know this address (HTTP ${status}): it may have been reset`;
  return `The calendar server answered HTTP ${status}`;
}

function base64Utf8(text: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** Reads the body as UTF-8, stopping as soon as it passes the cap. */
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
    throw new FeedError('The calendar file could not be downloaded completely', errorText(error));
  }
  return text + decoder.decode();
}

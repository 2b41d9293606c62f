// Twilio's Programmable Messaging REST API (2010-04-01), as pure request builders and response readers, plus the
// inbound webhook signature. The fetch itself is in src/sms/transports.ts.
//
// - Send: POST {base}/2010-04-01/Accounts/{AccountSid}/Messages.json, HTTP Basic auth (Account SID : Auth Token),
//   form-encoded `To`, `Body` and either `From` (a Twilio number) or `MessagingServiceSid`. 201 answers the Message
//   resource (`sid` "SM...", `status`); errors answer `{code, message, more_info, status}`.
// - Look up (an attempt whose outcome we never learnt): GET the same list filtered by `To`, newest first; Twilio has
//   no idempotency key on message creation, so we find ours by recipient, text and creation time.
// - Inbound: X-Twilio-Signature = base64(HMAC-SHA1(auth token, full URL + every POST parameter sorted by name, name
//   and value concatenated)).
import { toBase64 } from '../lib/encoding';
import { timingSafeEqual } from '../lib/crypto';

export interface TwilioSettings {
  accountSid: string;
  authToken: string;
  /** A Twilio number in E.164, or null when a Messaging Service picks the sender. */
  from: string | null;
  messagingServiceSid: string | null;
  /** https://api.twilio.com, or a local catcher in development. */
  baseUrl: string;
}

export interface OutgoingSms {
  /** Our idempotency key (`rem_<step>_<due>`): in our rows and logs; Twilio has no field that would deduplicate on it. */
  key: string;
  to: string;
  body: string;
}

const basicAuth = (s: TwilioSettings) => 'Basic ' + btoa(`${s.accountSid}:${s.authToken}`);
const messagesUrl = (s: TwilioSettings) => `${s.baseUrl.replace(/\/+$/, '')}/2010-04-01/Accounts/${encodeURIComponent(s.accountSid)}/Messages.json`;

export function twilioSendRequest(s: TwilioSettings, sms: OutgoingSms): { url: string; init: RequestInit } {
  const form = new URLSearchParams({ To: sms.to, Body: sms.body });
  if (s.messagingServiceSid) form.set('MessagingServiceSid', s.messagingServiceSid);
  else if (s.from) form.set('From', s.from);
  return {
    url: messagesUrl(s),
    init: {
      method: 'POST',
      headers: { Authorization: basicAuth(s), 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body: form.toString(),
    },
  };
}

export function twilioListRequest(s: TwilioSettings, to: string): { url: string; init: RequestInit } {
  return { url: `${messagesUrl(s)}?${new URLSearchParams({ To: to, PageSize: '20' })}`, init: { method: 'GET', headers: { Authorization: basicAuth(s), Accept: 'application/json' } } };
}

export type SmsSendResult = { ok: true; providerId: string } | { ok: false; permanent: boolean; error: string; optedOut?: boolean };

/** Twilio error 21610: the recipient replied STOP to this sender; Twilio will refuse every message to them. */
export const TWILIO_UNSUBSCRIBED = 21610;

/** A send's answer. 4xx are permanent (bad number, unsubscribed, ...) except 401 (credentials can be fixed) and 429. */
export function readSendResponse(status: number, body: unknown): SmsSendResult {
  const b = (body ?? {}) as { sid?: unknown; code?: unknown; message?: unknown };
  if (status >= 200 && status < 300 && typeof b.sid === 'string') return { ok: true, providerId: b.sid };
  const code = typeof b.code === 'number' ? b.code : null;
  const error = `Twilio ${status}${code ? ` (${code})` : ''}: ${typeof b.message === 'string' ? b.message : 'unexpected answer'}`;
  const transient = status >= 500 || status === 429 || status === 401 || (status >= 200 && status < 300);
  return { ok: false, permanent: !transient, error, ...(code === TWILIO_UNSUBSCRIBED ? { optedOut: true } : {}) };
}

/** The SID of our message in a list answer: same recipient and text, created at or after `since` (ms). */
export function findInList(body: unknown, sms: OutgoingSms, since: number): string | null {
  const messages = ((body ?? {}) as { messages?: unknown }).messages;
  if (!Array.isArray(messages)) return null;
  for (const m of messages as { sid?: string; to?: string; body?: string; date_created?: string }[]) {
    // date_created is RFC 2822 with whole seconds.
    const created = m.date_created ? Date.parse(m.date_created) : NaN;
    if (m.to === sms.to && m.body === sms.body && typeof m.sid === 'string' && created >= Math.floor(since / 1000) * 1000) return m.sid;
  }
  return null;
}

/** The string Twilio signs: the URL, then each parameter's name and value, by name (byte order). */
export function signedString(url: string, params: Iterable<[string, string]>): string {
  const sorted = [...params].sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  return url + sorted.map(([k, v]) => k + v).join('');
}

export async function twilioSignature(authToken: string, url: string, params: Iterable<[string, string]>): Promise<string> {
  const enc = new TextEncoder();
  const key = await crypto.subtle.importKey('raw', enc.encode(authToken), { name: 'HMAC', hash: 'SHA-1' }, false, ['sign']);
  return toBase64(new Uint8Array(await crypto.subtle.sign('HMAC', key, enc.encode(signedString(url, params)))));
}

export async function verifyTwilioSignature(authToken: string, url: string, params: Iterable<[string, string]>, header: string | null | undefined): Promise<boolean> {
  if (!header || !authToken) return false;
  const expected = await twilioSignature(authToken, url, params);
  const enc = new TextEncoder();
  return timingSafeEqual(enc.encode(expected), enc.encode(header));
}

/** Twilio's default opt-out keywords (Advanced Opt-Out), matched on the whole trimmed message, any case. */
export const OPT_OUT_KEYWORDS: ReadonlySet<string> = new Set(['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT']);
export const optOutKeyword = (body: string): string | null => {
  const word = body.trim().toUpperCase();
  return OPT_OUT_KEYWORDS.has(word) ? word : null;
};

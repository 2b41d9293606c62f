// Raw MIME (RFC 5322 / 2045-2049) for invitation emails, with the iMIP layout calendar clients expect (RFC 6047).
// Pure: the same input always gives the same bytes, so a retried send is the very same message.
//
//   multipart/mixed
//     multipart/alternative
//       text/plain
//       text/html
//       text/calendar; method=REQUEST|CANCEL     <- the iMIP part Gmail, Outlook and Apple Mail act on
//     application/ics; name="invite.ics"          <- the same calendar as a file, for everything else
import { toHex } from '../lib/encoding';

export interface Address {
  name: string | null;
  email: string;
}

export interface MimeMessage {
  from: Address;
  to: Address;
  replyTo: Address | null;
  subject: string;
  /** Without angle brackets: `local@domain`. */
  messageId: string;
  date: number;
  text: string;
  html: string;
  calendar: { method: 'REQUEST' | 'CANCEL'; ics: string; filename: string } | null;
}

const CRLF = '\r\n';
const encoder = new TextEncoder();

function base64Utf8(text: string): string {
  let binary = '';
  for (const b of encoder.encode(text)) binary += String.fromCharCode(b);
  return btoa(binary);
}

/** Base64 body lines of 76 characters (RFC 2045 6.8). */
function base64Body(text: string): string {
  return (base64Utf8(text).match(/.{1,76}/g) ?? ['']).join(CRLF);
}

const oneLine = (s: string) => s.replace(/[\r\n\t]+/g, ' ').replace(/[\u0000-\u001f\u007f]/g, '').trim();

/**
 * A header value safe for any text: ASCII stays as it is, anything else becomes RFC 2047 encoded-words, each short
 * enough for the 78-character line limit and never splitting a character.
 */
export function encodeHeaderText(value: string): string {
  const clean = oneLine(value);
  if (/^[\x20-\x7e]*$/.test(clean)) return clean;
  const words: string[] = [];
  let chunk = '';
  for (const ch of clean) {
    // 45 raw bytes make 60 base64 characters; with "=?UTF-8?B?" and "?=" a word stays under 75.
    if (encoder.encode(chunk + ch).length > 45) {
      words.push(chunk);
      chunk = '';
    }
    chunk += ch;
  }
  if (chunk) words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${base64Utf8(w)}?=`).join(`${CRLF} `);
}

/** `"Display Name" <email>` with the name encoded when it is not plain ASCII. */
export function formatAddress(a: Address): string {
  const name = a.name ? oneLine(a.name) : '';
  if (!name) return `<${a.email}>`;
  if (/^[\x20-\x7e]*$/.test(name)) return `"${name.replace(/["\\]/g, (c) => `\\${c}`)}" <${a.email}>`;
  return `${encodeHeaderText(name)} <${a.email}>`;
}

/** RFC 5322 date in UTC, e.g. `Mon, 17 Nov 2025 14:00:00 +0000`. */
export function rfc5322Date(ms: number): string {
  return new Date(ms).toUTCString().replace('GMT', '+0000');
}

/** A boundary derived from the Message-ID: unique per message, stable across retries, never in base64 text. */
async function boundaryFor(messageId: string, part: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', encoder.encode(`${messageId}/${part}`));
  return `=_calflare_${part}_${toHex(digest).slice(0, 24)}`;
}

function bodyPart(headers: string[], content: string): string {
  return [...headers, 'Content-Transfer-Encoding: base64', '', base64Body(content)].join(CRLF);
}

function multipart(boundary: string, parts: string[]): string {
  return parts.map((p) => `--${boundary}${CRLF}${p}${CRLF}`).join('') + `--${boundary}--`;
}

export async function buildMime(m: MimeMessage): Promise<string> {
  const headers = [
    `From: ${formatAddress(m.from)}`,
    `To: ${formatAddress(m.to)}`,
    ...(m.replyTo ? [`Reply-To: ${formatAddress(m.replyTo)}`] : []),
    `Subject: ${encodeHeaderText(m.subject)}`,
    `Date: ${rfc5322Date(m.date)}`,
    `Message-ID: <${m.messageId}>`,
    'MIME-Version: 1.0',
    // Out-of-office replies should not answer a booking notification.
    'Auto-Submitted: auto-generated',
  ];
  const text = bodyPart(['Content-Type: text/plain; charset=UTF-8'], m.text);
  const html = bodyPart(['Content-Type: text/html; charset=UTF-8'], m.html);
  const altBoundary = await boundaryFor(m.messageId, 'alt');
  if (!m.calendar) {
    return [...headers, `Content-Type: multipart/alternative; boundary="${altBoundary}"`, '', multipart(altBoundary, [text, html]), ''].join(CRLF);
  }
  const { method, ics, filename } = m.calendar;
  const calendarPart = bodyPart([`Content-Type: text/calendar; charset=UTF-8; method=${method}`], ics);
  const attachment = bodyPart(
    [`Content-Type: application/ics; name="${filename}"`, `Content-Disposition: attachment; filename="${filename}"`],
    ics,
  );
  const alternative = [`Content-Type: multipart/alternative; boundary="${altBoundary}"`, '', multipart(altBoundary, [text, html, calendarPart])].join(CRLF);
  const mixedBoundary = await boundaryFor(m.messageId, 'mixed');
  return [...headers, `Content-Type: multipart/mixed; boundary="${mixedBoundary}"`, '', multipart(mixedBoundary, [alternative, attachment]), ''].join(CRLF);
}

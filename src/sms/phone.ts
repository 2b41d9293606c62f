// Phone numbers for SMS: E.164 only, parsed and validated with libphonenumber-js (Google's libphonenumber metadata,
// maintained upstream; the "max" metadata checks each country's number patterns, not only lengths), and the abuse
// rules that need no database: which destination countries this deployment texts at all. Pure: no I/O.
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

/** A number as typed ("+1 415 555 2671") to E.164 ("+14155552671"), or null when it is not a valid number. */
export function toE164(raw: string): string | null {
  const trimmed = raw.trim();
  // E.164 needs the country code: a national number ("415 555 2671") is ambiguous, so it is refused.
  if (!trimmed.startsWith('+')) return null;
  const parsed = parsePhoneNumberFromString(trimmed);
  return parsed?.isValid() ? parsed.number : null;
}

/** The ISO 3166 country of a valid number ("US"), or null. */
export function countryOf(e164: string): string | null {
  return parsePhoneNumberFromString(e164)?.country ?? null;
}

/**
 * SMS_ALLOWED_COUNTRIES: ISO codes, comma separated ("US,CA,GB"). Unset: US and CA only. SMS pumping fraud runs up
 * bills with texts to premium ranges abroad, so every other country is refused unless the operator names it.
 */
export function allowedCountries(raw: string | undefined): ReadonlySet<string> {
  const list = (raw ?? 'US,CA')
    .split(',')
    .map((c) => c.trim().toUpperCase())
    .filter((c) => /^[A-Z]{2}$/.test(c));
  return new Set(list);
}

/** Why a number may not be texted by this deployment (null: it may), checked before a row is written. */
export function numberRefusal(raw: string | null | undefined, allowed: ReadonlySet<string>): string | null {
  if (!raw) return 'Not sent: no phone number';
  const e164 = toE164(raw);
  if (!e164) return 'Not sent: not a valid phone number in E.164 form (+ and country code)';
  const country = countryOf(e164);
  if (!country || !allowed.has(country)) return `Not sent: SMS to ${country ?? 'this country'} is not allowed (SMS_ALLOWED_COUNTRIES)`;
  return null;
}

/** SMS text: no control characters but line breaks, at most `max` characters (a few segments). */
export function smsText(text: string, max = 640): string {
  const clean = text.replace(/\r\n?/g, '\n').replace(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g, '').trim();
  return clean.length <= max ? clean : clean.slice(0, max - 1) + '…';
}

// What a public booking page shows is decided by its URL (plus two remembered choices): the month, the chosen day,
// the viewer's time zone and 12h/24h, and for a recurring event type how many meetings. Pure: no I/O, no Hono. Times
// are printed by our own code rather than Intl.DateTimeFormat, so "2:00 PM" reads the same on every page and in every
// runtime (ICU versions differ in spaces).
import { dateKeyOfDay, dayOfDateKey, formatOffset, isValidTimeZone, canonicalTimeZone, weekdayOfDay, zoneOffsetAt, DAY_MS } from '../lib/time';
import type { RecurringEvent } from '../db/json-types';
import { intlClock, intlDateTime, intlLongDate, intlMonth, intlWeekdays } from '../i18n/dates';
import type { Locale } from '../i18n/locales';

export type HourFormat = '12h' | '24h';
export const HOUR_FORMATS: readonly HourFormat[] = ['12h', '24h'];

export const TZ_COOKIE = 'booker_tz';
export const FMT_COOKIE = 'booker_fmt';

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** Where the zone came from: the URL, the remembered cookie, or the host's zone (then a script may detect better). */
export type ZoneSource = 'query' | 'cookie' | 'host';

export interface ViewState {
  tz: string;
  tzSource: ZoneSource;
  fmt: HourFormat;
  /** "YYYY-MM" */
  month: string;
  /** "YYYY-MM-DD" in `tz`, when a day is chosen. */
  date: string | null;
  /**
   * What the URL carries that every following link and form keeps: the language chosen in it (src/i18n/locales.ts),
   * `embed=1`, and the prefill and UTM values (src/embed/protocol.ts) up to the booking form.
   */
  keep?: Record<string, string>;
}

export interface StateInput {
  query: { month?: string; date?: string; tz?: string; fmt?: string };
  cookies: { tz?: string; fmt?: string };
  acceptLanguage?: string;
  hostZone: string;
  now: number;
}

const zoneOrNull = (value: string | undefined) => (value && isValidTimeZone(value) ? canonicalTimeZone(value) : null);
const fmtOrNull = (value: string | undefined) => (value === '12h' || value === '24h' ? value : null);
const isMonth = (value: string | undefined): value is string => !!value && /^\d{4}-(0[1-9]|1[0-2])$/.test(value);

/** The years the booking pages show. A well-formed month or date outside them (`?month=9999-12`) is a 400 page: the
 * calendar math and printing stop making sense long before JavaScript dates end, and nobody books there. */
export const VIEW_YEARS = { first: 1970, last: 2199 } as const;

/** Whether `?month=` or `?date=` names a year the pages do not show (shapes that are no month or date are ignored). */
export function isOutOfRange(query: { month?: string; date?: string }): boolean {
  return [query.month, query.date].some((value) => {
    const year = value ? /^(\d+)-\d{2}(?:-\d{2})?$/.exec(value)?.[1] : undefined;
    return year !== undefined && (Number(year) < VIEW_YEARS.first || Number(year) > VIEW_YEARS.last);
  });
}

/** How many meetings of a series the visitor asked for (`?occurrences=`): 1..count, anything else the full series. */
export function occurrencesOf(value: string | undefined, rule: Pick<RecurringEvent, 'count'>): number {
  const n = value !== undefined && /^\d{1,2}$/.test(value) ? Number(value) : NaN;
  return n >= 1 && n <= rule.count ? n : rule.count;
}

/** Bad values are ignored, never an error: every URL renders something sensible. */
export function readViewState(input: StateInput): ViewState {
  const fromQuery = zoneOrNull(input.query.tz);
  const fromCookie = zoneOrNull(input.cookies.tz);
  const tz = fromQuery ?? fromCookie ?? canonicalTimeZone(input.hostZone);
  const tzSource: ZoneSource = fromQuery ? 'query' : fromCookie ? 'cookie' : 'host';
  const fmt = fmtOrNull(input.query.fmt) ?? fmtOrNull(input.cookies.fmt) ?? hourFormatOf(input.acceptLanguage);
  const date = input.query.date && !Number.isNaN(dayOfDateKey(input.query.date)) ? input.query.date : null;
  const month = isMonth(input.query.month) ? input.query.month : date ? date.slice(0, 7) : localDateKey(tz, input.now).slice(0, 7);
  return { tz, tzSource, fmt, month, date: date && date.startsWith(month) ? date : null };
}

// Regions whose everyday clock is 12-hour (CLDR's preferred hour cycle h12/h11 for English and the region's language).
const TWELVE_HOUR_REGIONS = new Set(['US', 'CA', 'AU', 'NZ', 'IN', 'PH', 'PK', 'BD', 'EG', 'SA', 'MY', 'CO', 'SV', 'HN', 'NI', 'JO', 'KW', 'QA', 'AE', 'OM', 'BH']);

/** 12h or 24h from the first language of Accept-Language: its region, else English means the US; default 24h. */
export function hourFormatOf(acceptLanguage: string | undefined): HourFormat {
  const first = (acceptLanguage ?? '').split(',')[0]!.split(';')[0]!.trim();
  if (!first || first === '*') return '24h';
  const [language, ...rest] = first.split(/[-_]/);
  const region = rest.find((part) => /^[A-Za-z]{2}$/.test(part))?.toUpperCase();
  if (region) return TWELVE_HOUR_REGIONS.has(region) ? '12h' : '24h';
  return language?.toLowerCase() === 'en' ? '12h' : '24h';
}

// ---- Printing ----

/** 14:05 -> "14:05" or "2:05 PM"; midnight is "12:00 AM", noon "12:00 PM". */
export function formatClock(minuteOfDay: number, fmt: HourFormat, locale: Locale = 'en'): string {
  if (locale !== 'en') return intlClock(locale, minuteOfDay, fmt);
  const h = Math.floor(minuteOfDay / 60) % 24;
  const m = String(minuteOfDay % 60).padStart(2, '0');
  if (fmt === '24h') return `${String(h).padStart(2, '0')}:${m}`;
  return `${h % 12 === 0 ? 12 : h % 12}:${m} ${h < 12 ? 'AM' : 'PM'}`;
}

/** "2026-12-01" -> "Tuesday 1 December 2026" */
export function formatLongDate(dateKey: string, locale: Locale = 'en'): string {
  if (locale !== 'en') return intlLongDate(locale, dateKey);
  const day = dayOfDateKey(dateKey);
  const [y, mo, d] = dateKey.split('-').map(Number) as [number, number, number];
  return `${WEEKDAYS[weekdayOfDay(day)]} ${d} ${MONTHS[mo - 1]} ${y}`;
}

/** "2026-12" -> "December 2026" */
export function formatMonth(month: string, locale: Locale = 'en'): string {
  if (locale !== 'en') return intlMonth(locale, month);
  const [y, mo] = month.split('-').map(Number) as [number, number];
  return `${MONTHS[mo - 1]} ${y}`;
}

/** "UTC+01:00", "UTC-03:30", "UTC+00:00" */
export function offsetLabel(tz: string, at: number): string {
  return `UTC${formatOffset(zoneOffsetAt(tz, at))}`;
}

/** The local date "YYYY-MM-DD" and minute of day of an instant in a zone. */
export function localParts(tz: string, at: number): { dateKey: string; minute: number } {
  const local = at + zoneOffsetAt(tz, at);
  const day = Math.floor(local / DAY_MS);
  return { dateKey: dateKeyOfDay(day), minute: Math.floor((local - day * DAY_MS) / 60_000) };
}

export const localDateKey = (tz: string, at: number) => localParts(tz, at).dateKey;

/** "Tuesday 1 December 2026, 15:00" in the zone and format. */
export function formatInstant(tz: string, at: number, fmt: HourFormat, locale: Locale = 'en'): string {
  const { dateKey, minute } = localParts(tz, at);
  if (locale !== 'en') return intlDateTime(locale, dateKey, minute, fmt);
  return `${formatLongDate(dateKey)}, ${formatClock(minute, fmt)}`;
}

/** The wall time of a slot ISO string with offset ("2026-12-01T15:00:00+01:00") as minutes of the day. */
export function minuteOfIso(iso: string): number {
  return Number(iso.slice(11, 13)) * 60 + Number(iso.slice(14, 16));
}

// ---- Months ----

export function addMonths(month: string, n: number): string {
  const [y, mo] = month.split('-').map(Number) as [number, number];
  const index = y * 12 + (mo - 1) + n;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

export const firstDayOf = (month: string) => `${month}-01`;

/** Weeks of the month, Monday first; null pads the days outside the month. */
export function monthWeeks(month: string): (string | null)[][] {
  const first = dayOfDateKey(firstDayOf(month));
  const next = dayOfDateKey(firstDayOf(addMonths(month, 1)));
  const lead = (weekdayOfDay(first) + 6) % 7;
  const cells: (string | null)[] = [...Array<null>(lead).fill(null)];
  for (let d = first; d < next; d++) cells.push(dateKeyOfDay(d));
  while (cells.length % 7 !== 0) cells.push(null);
  const weeks: (string | null)[][] = [];
  for (let i = 0; i < cells.length; i += 7) weeks.push(cells.slice(i, i + 7));
  return weeks;
}

export const WEEKDAY_HEADERS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/** The calendar's column heads, Monday first: a long name (for screen readers) and the short one shown. */
export const weekdayHeaders = (locale: Locale = 'en') =>
  locale === 'en' ? WEEKDAY_HEADERS.map((w) => ({ long: w, short: w.slice(0, 2) })) : intlWeekdays(locale);

let zoneList: string[] | undefined;
/**
 * Every zone the runtime knows under its canonical name (the one the ?tz= parser and the API store: ICU still lists
 * "Asia/Calcutta", the visitor arrives as "Asia/Kolkata"), UTC included, sorted: the options of the zone <select>.
 * `current` is added when missing, so the select always shows the visitor's zone rather than its first entry.
 */
export function allTimeZones(current?: string): string[] {
  if (!zoneList) {
    const supported = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
    zoneList = [...new Set(['UTC', ...supported].filter(isValidTimeZone).map(canonicalTimeZone))].sort();
  }
  if (current === undefined || zoneList.includes(current)) return zoneList;
  return [...zoneList, current].sort();
}

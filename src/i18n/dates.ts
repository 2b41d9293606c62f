// Dates, weekdays, months and clock times in a locale, from Intl (every language but English: English keeps the
// booker's own printing, src/booker/view-state.ts, so "2:00 PM" reads the same in every runtime). Wall-clock input
// (a local date key and minute of the day, already in the visitor's zone) is formatted as UTC, so Intl never applies
// a zone of its own. Formatters are built once per locale and kind: a month view formats dozens of dates.
import type { Locale } from './locales';

type HourFormat = '12h' | '24h';

const cache = new Map<string, Intl.DateTimeFormat>();
function formatter(locale: Locale, kind: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${kind}`;
  let f = cache.get(key);
  if (!f) cache.set(key, (f = new Intl.DateTimeFormat(locale, { ...options, timeZone: 'UTC' })));
  return f;
}

const clockOptions = (fmt: HourFormat): Intl.DateTimeFormatOptions => ({ hour: 'numeric', minute: '2-digit', hourCycle: fmt === '24h' ? 'h23' : 'h12' });
const LONG_DATE: Intl.DateTimeFormatOptions = { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' };

const utcOf = (dateKey: string, minute = 0) => Date.parse(`${dateKey}T00:00:00Z`) + minute * 60_000;

/** "2026-12-01" -> "Dienstag, 1. Dezember 2026" */
export const intlLongDate = (locale: Locale, dateKey: string) => formatter(locale, 'date', LONG_DATE).format(utcOf(dateKey, 720));

/** "2026-12" -> "Dezember 2026" */
export const intlMonth = (locale: Locale, month: string) => formatter(locale, 'month', { month: 'long', year: 'numeric' }).format(utcOf(`${month}-15`));

/** Minute of the day -> "14:05" / "午後2:05" */
export const intlClock = (locale: Locale, minute: number, fmt: HourFormat) => formatter(locale, `clock${fmt}`, clockOptions(fmt)).format(utcOf('2000-01-01', minute));

/** A wall-clock date and time in one phrase, joined as the locale joins them. */
export const intlDateTime = (locale: Locale, dateKey: string, minute: number, fmt: HourFormat) =>
  formatter(locale, `datetime${fmt}`, { ...LONG_DATE, ...clockOptions(fmt) }).format(utcOf(dateKey, minute));

/** Monday-first weekday names, long (for screen readers) and short (the calendar's column heads). */
export function intlWeekdays(locale: Locale): { long: string; short: string }[] {
  // 2024-01-01 was a Monday.
  return Array.from({ length: 7 }, (_, i) => {
    const at = utcOf(`2024-01-0${i + 1}`, 720);
    return { long: formatter(locale, 'wdl', { weekday: 'long' }).format(at), short: formatter(locale, 'wds', { weekday: 'short' }).format(at) };
  });
}

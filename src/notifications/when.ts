// A meeting's time in words, in the reader's timezone with the zone named. Pure.

// English reads as it always did (en-US); every other language is Intl's own in that locale (issue #31).
const intlLocale = (locale: string) => (locale === 'en' ? 'en-US' : locale);

function parts(ms: number, timeZone: string, locale: string) {
  const l = intlLocale(locale);
  const date = new Intl.DateTimeFormat(l, { timeZone, weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' }).format(ms);
  const time = new Intl.DateTimeFormat(l, { timeZone, hour: 'numeric', minute: '2-digit' }).format(ms);
  const zone = new Intl.DateTimeFormat(l, { timeZone, timeZoneName: 'short' }).formatToParts(ms).find((p) => p.type === 'timeZoneName')?.value ?? '';
  return { date, time, zone };
}

/**
 * e.g. "Monday, November 17, 2025, 9:00 AM – 9:30 AM EST (America/New_York)". The abbreviation is the one in force
 * at the start, so a meeting after a DST change shows the new one; an end on another local date names that date.
 */
export function formatWhen(startAt: number, endAt: number, timeZone: string, locale = 'en'): string {
  const s = parts(startAt, timeZone, locale);
  const e = parts(endAt, timeZone, locale);
  const end = e.date === s.date ? e.time : `${e.date}, ${e.time}`;
  const zone = s.zone === e.zone ? s.zone : `${s.zone}/${e.zone}`;
  return `${s.date}, ${s.time} – ${end} ${zone} (${timeZone})`;
}

/** Short form for subjects: "Mon, Nov 17, 9:00 AM EST". */
export function formatShort(ms: number, timeZone: string, locale = 'en'): string {
  return new Intl.DateTimeFormat(intlLocale(locale), { timeZone, weekday: 'short', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZoneName: 'short' }).format(ms);
}

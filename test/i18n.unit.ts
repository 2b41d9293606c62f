// The catalogues (src/i18n/): every key in every language, plurals for every category a count can take, dates from
// Intl in the locale, and how a request's language is chosen.
import { describe, expect, it } from 'vitest';
import { CATALOGUES, fill, pluralForm, translator } from '../src/i18n/catalogue';
import { acceptedLanguages, chooseLocale, dirOf, LOCALES, negotiate } from '../src/i18n/locales';
import { en } from '../src/i18n/messages/en';
import { formatClock, formatInstant, formatLongDate, formatMonth, weekdayHeaders } from '../src/booker/view-state';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).sort();
const COUNTS = [0, 1, 2, 3, 5, 11, 21, 100, 102, 1_000_000];

describe('catalogues', () => {
  it('every language has exactly the English keys, each a string where English has one and a plural where it has one', () => {
    for (const locale of LOCALES) {
      const catalogue = CATALOGUES[locale] as Record<string, unknown>;
      expect(Object.keys(catalogue).sort(), locale).toEqual(Object.keys(en).sort());
      for (const [key, source] of Object.entries(en)) {
        const text = catalogue[key];
        expect(typeof text, `${locale}.${key}`).toBe(typeof source);
        if (typeof text === 'string') expect(text.trim(), `${locale}.${key}`).not.toBe('');
      }
    }
  });

  it('a translation uses the same {placeholders} as English (a plural may leave out {count} where its form spells the number)', () => {
    for (const locale of LOCALES) {
      for (const [key, source] of Object.entries(en)) {
        const text = (CATALOGUES[locale] as Record<string, unknown>)[key];
        if (typeof source === 'string') expect(placeholders(text as string), `${locale}.${key}`).toEqual(placeholders(source));
        else {
          const wanted = placeholders(source.other).filter((p) => p !== 'count');
          for (const [category, form] of Object.entries(text as Record<string, string>)) {
            expect(placeholders(form).filter((p) => p !== 'count'), `${locale}.${key}.${category}`).toEqual(wanted);
          }
        }
      }
    }
  });

  it('every plural message has the form Intl.PluralRules picks for 0, 1, 2 and many counts, in every language', () => {
    for (const locale of LOCALES) {
      const rules = new Intl.PluralRules(locale);
      for (const [key, message] of Object.entries(CATALOGUES[locale])) {
        if (typeof message === 'string') continue;
        for (const n of COUNTS) expect(message[rules.select(n)], `${locale}.${key} for ${n} (${rules.select(n)})`).toBeDefined();
      }
    }
  });

  it('fills plurals: "3 seats left", Arabic dual and few, Japanese without plural forms', () => {
    const t = translator('en');
    expect(t.plural('seatsLeft', 3, { total: 10 })).toBe('3 of 10 seats left');
    expect(t.plural('bookedSeries', 1)).toBe('You are booked for 1 meeting.');
    expect(t.plural('bookedSeries', 2)).toBe('You are booked for 2 meetings.');
    expect(t.plural('bookedSeries', 0)).toBe('You are booked for 0 meetings.');
    expect(translator('fr').plural('seatsLeft', 0, { total: 4 })).toBe('0 place restante sur 4');
    expect(translator('de').plural('holding', 1, { time: '14:00' })).toBe('Wir halten diese Zeit noch 1 Minute für Sie frei, bis 14:00.');
    const ar = CATALOGUES.ar.seatsLeft;
    expect(pluralForm(ar, 'ar', 2)).toBe(ar.two);
    expect(pluralForm(ar, 'ar', 3)).toBe(ar.few);
    expect(pluralForm(ar, 'ar', 11)).toBe(ar.many);
    expect(pluralForm(ar, 'ar', 0)).toBe(ar.zero);
    expect(translator('ja').plural('seatsLeft', 5, { total: 9 })).toBe('残り 5 席（全 9 席）');
    expect(fill('{a} and {b}', { a: 1 })).toBe('1 and {b}');
  });
});

describe('dates in the locale', () => {
  // A fixed booking: Tuesday 1 December 2026, 15:05 in Tokyo (06:05 UTC).
  const at = Date.UTC(2026, 11, 1, 6, 5);
  const tz = 'Asia/Tokyo';

  it('English keeps the booker’s own printing', () => {
    expect(formatInstant(tz, at, '12h')).toBe('Tuesday 1 December 2026, 3:05 PM');
    expect(formatMonth('2026-12')).toBe('December 2026');
    expect(weekdayHeaders('en')[0]).toEqual({ long: 'Monday', short: 'Mo' });
  });

  it('every other language prints dates, months, weekdays and times as Intl does in that locale', () => {
    for (const locale of LOCALES.filter((l) => l !== 'en')) {
      const intl = (o: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat(locale, { ...o, timeZone: tz }).format(at);
      const long: Intl.DateTimeFormatOptions = { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' };
      expect(formatLongDate('2026-12-01', locale), locale).toBe(intl(long));
      expect(formatMonth('2026-12', locale), locale).toBe(intl({ month: 'long', year: 'numeric' }));
      expect(formatClock(15 * 60 + 5, '24h', locale), locale).toBe(intl({ hour: 'numeric', minute: '2-digit', hourCycle: 'h23' }));
      expect(formatClock(15 * 60 + 5, '12h', locale), locale).toBe(intl({ hour: 'numeric', minute: '2-digit', hourCycle: 'h12' }));
      expect(formatInstant(tz, at, '24h', locale), locale).toBe(intl({ ...long, hour: 'numeric', minute: '2-digit', hourCycle: 'h23' }));
      // 2026-11-30 is a Monday: the first column.
      expect(weekdayHeaders(locale)[0]!.long, locale).toBe(new Intl.DateTimeFormat(locale, { weekday: 'long', timeZone: 'UTC' }).format(Date.UTC(2026, 10, 30, 12)));
    }
    expect(formatLongDate('2026-12-01', 'de')).toBe('Dienstag, 1. Dezember 2026');
  });
});

describe('choosing the language', () => {
  it('reads Accept-Language by q-value, skipping junk, zero weights and wildcards', () => {
    expect(acceptedLanguages('fr;q=0.5, de-AT, *;q=0.1, en;q=0, x@y, ja;q=0.9')).toEqual(['de-AT', 'ja', 'fr']);
    expect(acceptedLanguages(undefined)).toEqual([]);
  });

  it('negotiates to the closest language we have, or none', () => {
    expect(negotiate('pt-PT')).toBe('pt-BR');
    expect(negotiate('de-AT,de;q=0.9')).toBe('de');
    expect(negotiate('es-419')).toBe('es');
    expect(negotiate('ar-EG')).toBe('ar');
    expect(negotiate('zh-CN')).toBeNull();
    expect(negotiate('zh-CN, ja;q=0.5')).toBe('ja');
    expect(negotiate('')).toBeNull();
  });

  it('?lang= beats the cookie beats Accept-Language beats the host default beats English', () => {
    const all = { query: 'ja', cookie: 'fr', acceptLanguage: 'de', hostDefault: 'es' };
    expect(chooseLocale(all)).toEqual({ locale: 'ja', source: 'query' });
    expect(chooseLocale({ ...all, query: 'xx' })).toEqual({ locale: 'fr', source: 'cookie' });
    expect(chooseLocale({ ...all, query: undefined, cookie: undefined })).toEqual({ locale: 'de', source: 'header' });
    expect(chooseLocale({ hostDefault: 'es', acceptLanguage: 'zh' })).toEqual({ locale: 'es', source: 'host' });
    expect(chooseLocale({})).toEqual({ locale: 'en', source: 'default' });
    expect(chooseLocale({ query: 'PT-br' }).locale).toBe('pt-BR');
  });

  it('Arabic is right to left, the others left to right', () => {
    expect(LOCALES.filter((l) => dirOf(l) === 'rtl')).toEqual(['ar']);
  });
});

// The public pages' and emails' words come from the catalogue: every key they name exists (the typecheck says so
// too, this says it where a key is built from a string), and no English text is written into their markup.
const PAGE_SOURCES = import.meta.glob(['../src/booker/*.tsx', '../src/notifications/content.tsx'], { query: '?raw', import: 'default', eager: true }) as Record<string, string>;
/** Product names, the same in every language. */
const NOT_WORDS = new Set(['Google Calendar', 'Outlook.com', 'Office 365']);
const withoutComments = (src: string) => src.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '').replace(/\s\/\/ .*$/gm, '');

describe('the pages use the catalogue', () => {
  it('every key the public pages and emails name is in the English catalogue (so in every language)', () => {
    const named = Object.values(PAGE_SOURCES).flatMap((src) => [...src.matchAll(/\bt\.(?:t|plural)\('(\w+)'/g)].map((m) => m[1]!));
    expect(named.length).toBeGreaterThan(100);
    expect(named.filter((key) => !(key in en))).toEqual([]);
  });

  it('no English text is written into the public pages: JSX text and visible attributes come from the catalogue', () => {
    const found: string[] = [];
    for (const [file, raw] of Object.entries(PAGE_SOURCES)) {
      const src = withoutComments(raw);
      // Text between a tag's end and the next tag that starts like a word (code between JSX blocks does not).
      for (const m of src.matchAll(/(?<![=\-])>\s*([A-Za-z][^<>{}();=&|]*[A-Za-z.!?])\s*</g)) if (!NOT_WORDS.has(m[1]!.trim())) found.push(`${file}: ${m[1]!.trim()}`);
      for (const m of src.matchAll(/\s(aria-label|title|placeholder|alt|label)="([^"]*[A-Za-z]{2,}[^"]*)"/g)) found.push(`${file}: ${m[1]}="${m[2]}"`);
    }
    expect(found).toEqual([]);
  });
});

// The languages of the public booking pages and how one is chosen for a request (docs/DESIGN.md, "Languages"):
// ?lang=, then the remembered cookie, then Accept-Language (a real negotiation), then the host's default. Pure.
import { match } from '@formatjs/intl-localematcher';

export const LOCALES = ['en', 'de', 'fr', 'es', 'pt-BR', 'ja', 'ar'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'en';
export const LANG_COOKIE = 'booker_lang';

const RTL = new Set<Locale>(['ar']);
export const dirOf = (locale: Locale): 'rtl' | 'ltr' => (RTL.has(locale) ? 'rtl' : 'ltr');

/** A supported locale named exactly, case-insensitively ("pt-br" -> "pt-BR"), or null. */
export function supportedLocale(value: string | undefined | null): Locale | null {
  if (!value) return null;
  const lower = value.trim().toLowerCase();
  return LOCALES.find((l) => l.toLowerCase() === lower) ?? null;
}

/**
 * Accept-Language as ranges by preference (RFC 9110 q-values; q=0 and "*" dropped, malformed entries skipped, at
 * most 20 read: the header is the visitor's and may be anything).
 */
export function acceptedLanguages(header: string | undefined): string[] {
  if (!header) return [];
  const ranges: { tag: string; q: number; i: number }[] = [];
  for (const [i, part] of header.split(',').slice(0, 20).entries()) {
    const [tag, ...params] = part.trim().split(';');
    if (!tag || !/^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/.test(tag)) continue;
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (!Number.isFinite(q) || q <= 0 || q > 1) continue;
    ranges.push({ tag, q, i });
  }
  return ranges.sort((a, b) => b.q - a.q || a.i - b.i).map((r) => r.tag);
}

/**
 * The best supported locale for the visitor's Accept-Language, or null when none fits. @formatjs/intl-localematcher
 * implements ECMA-402's "best fit" matcher (CLDR language distances): "pt-PT" falls to "pt-BR", "de-AT" to "de",
 * "zh" to nothing rather than to English.
 */
export function negotiate(header: string | undefined): Locale | null {
  const wanted = acceptedLanguages(header);
  if (wanted.length === 0) return null;
  try {
    const found = match(wanted, LOCALES as unknown as string[], '', { algorithm: 'best fit' });
    return supportedLocale(found);
  } catch {
    return null; // a tag Intl rejects (e.g. a grandfathered one): no preference
  }
}

export type LocaleSource = 'query' | 'cookie' | 'header' | 'host' | 'default';

export function chooseLocale(input: { query?: string; cookie?: string; acceptLanguage?: string; hostDefault?: string | null }): { locale: Locale; source: LocaleSource } {
  const q = supportedLocale(input.query);
  if (q) return { locale: q, source: 'query' };
  const c = supportedLocale(input.cookie);
  if (c) return { locale: c, source: 'cookie' };
  const h = negotiate(input.acceptLanguage);
  if (h) return { locale: h, source: 'header' };
  const d = supportedLocale(input.hostDefault);
  if (d) return { locale: d, source: 'host' };
  return { locale: DEFAULT_LOCALE, source: 'default' };
}

// What every public page renders with besides its data: the visitor's language (its words, dates and direction) and
// the host's branding. Given once per request through a JSX context, so the page components take no extra props.
import { createContext, useContext } from 'hono/jsx';
import { NO_BRANDING, type Branding, type Theme } from '../branding/theme';
import { translator, type Translator } from '../i18n/catalogue';
import { DEFAULT_LOCALE, dirOf, type Locale } from '../i18n/locales';

export interface PageUi {
  locale: Locale;
  dir: 'ltr' | 'rtl';
  t: Translator;
  brand: Branding;
  /** The `lang` to keep in links and forms: set when the visitor chose it in the URL (a cookie may not survive). */
  lang?: Locale;
  /** Every query parameter links and forms keep: `lang`, `embed` and prefill/UTM values (ViewState.keep). */
  keep: Record<string, string>;
  /** An `?embed=1` page: the origins it may be framed by and post its events to (empty: framed by nobody). */
  embed: { origins: string[] } | null;
  /** This page's URL in another language (the footer's language links), or null where there is none (after a POST). */
  switchHref: ((locale: Locale) => string) | null;
}

export function pageUi(
  locale: Locale,
  brand: Branding,
  opts: { lang?: Locale; switchHref?: (locale: Locale) => string; keep?: Record<string, string>; embed?: { origins: string[] } | null } = {},
): PageUi {
  const keep = opts.keep ?? (opts.lang ? { lang: opts.lang } : {});
  return { locale, dir: dirOf(locale), t: translator(locale), brand, lang: opts.lang, keep, embed: opts.embed ?? null, switchHref: opts.switchHref ?? null };
}

export const DEFAULT_UI = pageUi(DEFAULT_LOCALE, NO_BRANDING);

export const UiContext = createContext<PageUi>(DEFAULT_UI);
export const useUi = () => useContext(UiContext);

/** A host's branding columns (absent on a team, which has none yet: the default look). */
export interface HostLook {
  brandColor?: string | null;
  brandColorDark?: string | null;
  hideBranding?: boolean;
  theme?: Theme;
  locale?: string;
  embedOrigins?: string[];
  logo?: string | null;
}

export const brandingOf = (host: HostLook | null | undefined): Branding =>
  host
    ? { brandColor: host.brandColor ?? null, brandColorDark: host.brandColorDark ?? null, hideBranding: host.hideBranding ?? false, theme: host.theme ?? 'system', logo: host.logo ?? null }
    : NO_BRANDING;

/** The language names in their own language, for the language links. */
export const LANGUAGE_NAMES: Record<Locale, string> = { en: 'English', de: 'Deutsch', fr: 'Français', es: 'Español', 'pt-BR': 'Português (Brasil)', ja: '日本語', ar: 'العربية' };

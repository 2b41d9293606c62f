// The one home of the public pages' words: a catalogue per language (src/i18n/messages/), looked up by key, with
// `{name}` values filled in and plurals chosen by Intl.PluralRules ("3 seats left"). Pure. No ICU message parser:
// a plural message is an object by plural category, which keeps the pages' code and the page weight small.
import { ar } from './messages/ar';
import { de } from './messages/de';
import { en, type Catalogue, type MessageKey, type PluralMessage } from './messages/en';
import { es } from './messages/es';
import { fr } from './messages/fr';
import { ja } from './messages/ja';
import { ptBR } from './messages/pt-BR';
import type { Locale } from './locales';

export const CATALOGUES: Record<Locale, Catalogue> = { en, de, fr, es, 'pt-BR': ptBR, ja, ar };

export type { MessageKey };
type StringKey = { [K in MessageKey]: Catalogue[K] extends string ? K : never }[MessageKey];
type PluralKey = Exclude<MessageKey, StringKey>;
export type Values = Record<string, string | number>;

export const fill = (template: string, values: Values = {}) => template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));

const pluralRules = new Map<Locale, Intl.PluralRules>();
function pluralCategory(locale: Locale, count: number): Intl.LDMLPluralRule {
  let rules = pluralRules.get(locale);
  if (!rules) pluralRules.set(locale, (rules = new Intl.PluralRules(locale)));
  return rules.select(count);
}

/** The form of a plural message for `count` in the locale ("other" when the catalogue lacks the category). */
export const pluralForm = (message: PluralMessage, locale: Locale, count: number) => message[pluralCategory(locale, count)] ?? message.other;

export interface Translator {
  locale: Locale;
  t(key: StringKey, values?: Values): string;
  /** A plural message: `count` picks the form and fills `{count}`. */
  plural(key: PluralKey, count: number, values?: Values): string;
}

export function translator(locale: Locale): Translator {
  const catalogue = CATALOGUES[locale];
  const number = new Intl.NumberFormat(locale);
  return {
    locale,
    t: (key, values) => fill(catalogue[key], values),
    plural: (key, count, values) => fill(pluralForm(catalogue[key], locale, count), { ...values, count: number.format(count) }),
  };
}

// The branding and language fields of a user or a team as the API takes and shows them (PATCH /v2/me,
// /v2/users/{id}, /v2/teams/{id}), and their columns. One definition for both owners of public pages.
import { z } from 'zod';
import { LOCALES, type Locale } from '../i18n/locales';
import { logoPath } from './logo';
import { THEMES, type Theme } from './theme';

/** An embedding site as an origin: `https://shop.example.com` or `http://127.0.0.1:8080`, no path, no wildcard. */
const embedOrigin = z.string().max(200).refine((v) => {
  try {
    const url = new URL(v);
    // A host name or address, no wildcard: the same string is the postMessage target, which takes no pattern.
    return (url.protocol === 'https:' || url.protocol === 'http:') && /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)$/.test(url.hostname) && url.origin === v.replace(/\/$/, '').toLowerCase();
  } catch {
    return false;
  }
}, 'An origin: scheme, host and optional port, such as https://www.example.com').transform((v) => new URL(v).origin);

export const MAX_EMBED_ORIGINS = 10;

const hexColor = z
  .string()
  .regex(/^#[0-9a-fA-F]{6}$/, 'A colour as #rrggbb')
  .transform((v) => v.toLowerCase());

export const brandingFields = {
  brand_color: hexColor.nullable().describe('Buttons, links and the chosen day; null for the default blue. Text on it is black or white by contrast'),
  brand_color_dark: hexColor.nullable().describe('The brand colour in the dark theme; null to use brand_color'),
  hide_branding: z.boolean().describe('Hide the "Scheduling by calflare" footer of the pages and "Sent by calflare" in the emails'),
  theme: z.enum(THEMES).describe("light, dark, or system (follow the visitor's setting)"),
  locale: z.enum(LOCALES).describe("The pages' language when the visitor's choice and browser name none we have"),
  embed_origins: z
    .array(embedOrigin)
    .max(MAX_EMBED_ORIGINS)
    .transform((list) => [...new Set(list)])
    .describe(`Sites allowed to embed the booking pages (at most ${MAX_EMBED_ORIGINS}): the only frame-ancestors of an ?embed=1 page and the only origins its events are posted to`),
};

export const brandingResponseFields = {
  brand_color: z.string().nullable(),
  brand_color_dark: z.string().nullable(),
  hide_branding: z.boolean(),
  theme: z.enum(THEMES),
  locale: z.enum(LOCALES),
  embed_origins: z.array(z.string()),
  logo_url: z.string().nullable().describe('The logo (PUT .../logo to set it): a content-addressed path on this origin, cached for a year'),
};

export interface BrandingColumns {
  brandColor: string | null;
  brandColorDark: string | null;
  hideBranding: boolean;
  theme: Theme;
  locale: string;
  embedOrigins: string[];
  logo: string | null;
}

/** The columns a PATCH body sets (absent fields stay as they are: drizzle skips undefined). */
export function brandingChanges(body: { brand_color?: string | null; brand_color_dark?: string | null; hide_branding?: boolean; theme?: Theme; locale?: Locale; embed_origins?: string[] }): Partial<BrandingColumns> {
  return { brandColor: body.brand_color, brandColorDark: body.brand_color_dark, hideBranding: body.hide_branding, theme: body.theme, locale: body.locale, embedOrigins: body.embed_origins };
}

/** What the API shows of them. */
export function brandingJson(row: BrandingColumns) {
  return {
    brand_color: row.brandColor,
    brand_color_dark: row.brandColorDark,
    hide_branding: row.hideBranding,
    theme: row.theme,
    locale: row.locale,
    embed_origins: row.embedOrigins,
    logo_url: row.logo ? logoPath(row.logo) : null,
  };
}

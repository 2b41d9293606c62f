// The branding and language fields of a user or a team as the API takes and shows them (PATCH /v2/me,
// /v2/users/{id}, /v2/teams/{id}), and their columns. One definition for both owners of public pages.
import { z } from 'zod';
import { LOCALES, type Locale } from '../i18n/locales';
import { THEMES, type Theme } from './theme';

const hexColor = z
  .string()
  .regex(/^#[0-9a-fA-F]{6}$/, 'A colour as #rrggbb')
  .transform((v) => v.toLowerCase());

export const brandingFields = {
  brand_color: hexColor.nullable().describe('Buttons, links and the chosen day; null for the default blue. Text on it is black or white by contrast'),
  brand_color_dark: hexColor.nullable().describe('The brand colour in the dark theme; null to use brand_color'),
  hide_branding: z.boolean().describe('Hide the "Scheduling by calflare" footer'),
  theme: z.enum(THEMES).describe("light, dark, or system (follow the visitor's setting)"),
  locale: z.enum(LOCALES).describe("The pages' language when the visitor's choice and browser name none we have"),
};

export const brandingResponseFields = {
  brand_color: z.string().nullable(),
  brand_color_dark: z.string().nullable(),
  hide_branding: z.boolean(),
  theme: z.enum(THEMES),
  locale: z.enum(LOCALES),
};

export interface BrandingColumns {
  brandColor: string | null;
  brandColorDark: string | null;
  hideBranding: boolean;
  theme: Theme;
  locale: string;
}

/** The columns a PATCH body sets (absent fields stay as they are: drizzle skips undefined). */
export function brandingChanges(body: { brand_color?: string | null; brand_color_dark?: string | null; hide_branding?: boolean; theme?: Theme; locale?: Locale }): Partial<BrandingColumns> {
  return { brandColor: body.brand_color, brandColorDark: body.brand_color_dark, hideBranding: body.hide_branding, theme: body.theme, locale: body.locale };
}

/** What the API shows of them. */
export function brandingJson(row: BrandingColumns) {
  return { brand_color: row.brandColor, brand_color_dark: row.brandColorDark, hide_branding: row.hideBranding, theme: row.theme, locale: row.locale };
}

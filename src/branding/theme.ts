// A host's branding as the public pages' CSS: custom properties appended to the page's one nonce'd <style> (the CSP
// allows no style attributes), plus the dark palette where the theme asks for it. Pure: hex in, CSS out.
import { inkOn, mix, readableOn } from './contrast';

export const THEMES = ['light', 'dark', 'system'] as const;
export type Theme = (typeof THEMES)[number];

export interface Branding {
  brandColor: string | null;
  brandColorDark: string | null;
  hideBranding: boolean;
  theme: Theme;
  /** The logo's R2 key (src/branding/logo.ts), shown at the top of every page and email; null or absent: none. */
  logo?: string | null;
}

export const NO_BRANDING: Branding = { brandColor: null, brandColorDark: null, hideBranding: false, theme: 'system' };

// The surfaces brand-coloured text sits on (src/web/styles.ts and src/booker/styles.ts): page, card, chip.
const LIGHT = { page: '#f6f7f9', panel: '#ffffff' };
const DARK = { page: '#11151b', panel: '#1a2028' };

/** The accent properties for one palette: the brand as fill, the text on it, and the brand made readable as text. */
export function accentVars(brand: string, surface: { page: string; panel: string }): Record<string, string> {
  const chip = mix(brand, surface.panel, 0.86);
  const chipHover = mix(brand, surface.panel, 0.76);
  return {
    '--accent': brand,
    '--accent-ink': inkOn(brand),
    '--accent-strong': readableOn(brand, [surface.page, surface.panel, chip, chipHover]),
    '--chip': chip,
    '--chip-hover': chipHover,
  };
}

const block = (selector: string, vars: Record<string, string>) => `${selector}{${Object.entries(vars).map(([k, v]) => `${k}:${v}`).join(';')}}`;

/**
 * The CSS a page adds after the shared stylesheet: `darkRules` is the public pages' dark palette (its rules without
 * the media query), applied always (dark), under prefers-color-scheme (system) or never (light). Only validated
 * #rrggbb values reach it (src/users/schemas.ts), so nothing from the host can close the block.
 */
export function themeStyles(b: Branding, darkRules: string): string {
  const light = b.brandColor ? block(':root', accentVars(b.brandColor, LIGHT)) + '.public .btn.primary:hover{background:var(--accent)}' : '';
  const darkBrand = b.brandColorDark ?? b.brandColor;
  const dark = darkRules + (darkBrand ? block(':root', accentVars(darkBrand, DARK)) + '.public .btn.primary:hover{background:var(--accent)}' : '');
  if (b.theme === 'light') return `${light}body.public{color-scheme:light}`;
  if (b.theme === 'dark') return `${dark}:root,body.public{color-scheme:dark}`;
  return `${light}@media (prefers-color-scheme: dark){${dark}}`;
}

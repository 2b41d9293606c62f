// WCAG 2.x contrast for brand colours: a host picks any hex colour, the pages stay readable. Pure, no I/O.
//   inkOn(c)           black or white, whichever contrasts more with c (text on a brand-coloured button).
//   readableOn(c, bgs) c moved towards black or white just far enough to reach 4.5:1 on every background (brand
//                      colour used as text: links, time buttons, calendar days).
// Why black-or-white always works: contrast(c, black) x contrast(c, white) = 21 for every c, so the larger of the two
// is at least sqrt(21) = 4.58 > 4.5 (WCAG AA for normal text).

export const AA = 4.5;
const HEX = /^#[0-9a-fA-F]{6}$/;

export type Rgb = [number, number, number];

export const isHexColor = (value: string) => HEX.test(value);

export function parseHex(hex: string): Rgb {
  if (!HEX.test(hex)) throw new Error(`not a #rrggbb colour: ${hex}`);
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as Rgb;
}

export const toHex = (rgb: Rgb) => `#${rgb.map((v) => Math.round(v).toString(16).padStart(2, '0')).join('')}`;

/** Relative luminance (WCAG 2.x definition, sRGB). */
export function luminance(hex: string): number {
  const [r, g, b] = parseHex(hex).map((v) => {
    const s = v / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  }) as Rgb;
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

export function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** The text colour for a fill of `background`: black or white, whichever contrasts more (always >= 4.58:1). */
export const inkOn = (background: string) => (contrast(background, '#000000') >= contrast(background, '#ffffff') ? '#000000' : '#ffffff');

/** `t` of the way from a to b (0: a, 1: b). */
export function mix(a: string, b: string, t: number): string {
  const x = parseHex(a);
  const y = parseHex(b);
  return toHex(x.map((v, i) => v + (y[i]! - v) * t) as Rgb);
}

const worst = (color: string, backgrounds: readonly string[]) => Math.min(...backgrounds.map((bg) => contrast(color, bg)));

/**
 * `color` itself when it reaches 4.5:1 on every background; otherwise the colour nearest to it, on the way to black
 * or white (the end that contrasts more with the backgrounds), that does. Backgrounds must all be light or all dark
 * (a page's panel and chip); then the end reached is at least 4.58:1 on each, so a result always exists.
 */
export function readableOn(color: string, backgrounds: readonly string[], min = AA): string {
  if (worst(color, backgrounds) >= min) return color;
  const end = worst('#000000', backgrounds) >= worst('#ffffff', backgrounds) ? '#000000' : '#ffffff';
  // Contrast grows monotonically on the way to `end` (each channel moves one way); bisect to the first passing step.
  let [lo, hi] = [0, 1];
  for (let i = 0; i < 20; i++) {
    const t = (lo + hi) / 2;
    if (worst(mix(color, end, t), backgrounds) >= min) hi = t;
    else lo = t;
  }
  return mix(color, end, hi);
}

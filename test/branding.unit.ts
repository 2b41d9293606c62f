// Brand colours stay readable (src/branding/contrast.ts) and become the pages' CSS (src/branding/theme.ts).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AA, contrast, inkOn, isHexColor, luminance, mix, readableOn } from '../src/branding/contrast';
import { accentVars, NO_BRANDING, themeStyles } from '../src/branding/theme';
import { runs } from './runs';

const hex = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255)).map((rgb) => `#${rgb.map((v) => v.toString(16).padStart(2, '0')).join('')}`);

describe('contrast', () => {
  it('matches the WCAG reference values', () => {
    expect(contrast('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrast('#ffffff', '#ffffff')).toBe(1);
    // WebAIM's checker: #777777 on white is 4.48:1 (fails AA), #767676 is 4.54:1 (passes).
    expect(contrast('#777777', '#ffffff')).toBeCloseTo(4.48, 2);
    expect(contrast('#767676', '#ffffff')).toBeCloseTo(4.54, 2);
    expect(luminance('#2357d9')).toBeGreaterThan(0);
    expect(isHexColor('#12abEF')).toBe(true);
    expect(isHexColor('12abef')).toBe(false);
    expect(isHexColor('#fff')).toBe(false);
  });

  it('for any colour, black or white text on it reaches at least 4.5:1 (sqrt(21) is the floor)', () => {
    fc.assert(
      fc.property(hex, (c) => {
        const ink = inkOn(c);
        expect(contrast(c, ink)).toBeGreaterThanOrEqual(Math.sqrt(21) - 1e-9);
        expect(contrast(c, ink)).toBeGreaterThanOrEqual(contrast(c, ink === '#000000' ? '#ffffff' : '#000000'));
      }),
      { numRuns: runs(300) },
    );
  });

  it('the extreme colours: yellow and white get black text, navy and black get white', () => {
    expect(inkOn('#ffff00')).toBe('#000000');
    expect(inkOn('#ffffff')).toBe('#000000');
    expect(inkOn('#000080')).toBe('#ffffff');
    expect(inkOn('#000000')).toBe('#ffffff');
  });

  it('for any colour, readableOn reaches 4.5:1 on every light or every dark surface, and keeps a colour that already does', () => {
    const light = ['#ffffff', '#f6f7f9'];
    const dark = ['#1a2028', '#11151b'];
    fc.assert(
      fc.property(hex, (c) => {
        for (const surfaces of [light, dark]) {
          const r = readableOn(c, surfaces);
          for (const bg of surfaces) expect(contrast(r, bg)).toBeGreaterThanOrEqual(AA);
          if (surfaces.every((bg) => contrast(c, bg) >= AA)) expect(r).toBe(c);
        }
      }),
      { numRuns: runs(300) },
    );
  });

  it('moves a failing colour only as far as needed (a light yellow on white darkens, but stays a yellow-brown)', () => {
    const r = readableOn('#ffd700', ['#ffffff']);
    expect(contrast(r, '#ffffff')).toBeGreaterThanOrEqual(AA);
    expect(contrast(r, '#ffffff')).toBeLessThan(4.7);
    expect(mix('#000000', '#ffffff', 0.5)).toBe('#808080');
  });
});

describe('theme styles', () => {
  it('for any brand colour, every accent pair the pages use passes AA: text on the fill, and the readable accent on page, card and chip', () => {
    fc.assert(
      fc.property(hex, (brand) => {
        for (const surface of [{ page: '#f6f7f9', panel: '#ffffff' }, { page: '#11151b', panel: '#1a2028' }]) {
          const v = accentVars(brand, surface);
          expect(contrast(v['--accent']!, v['--accent-ink']!)).toBeGreaterThanOrEqual(AA);
          for (const bg of [surface.page, surface.panel, v['--chip']!, v['--chip-hover']!]) expect(contrast(v['--accent-strong']!, bg)).toBeGreaterThanOrEqual(AA);
        }
      }),
      { numRuns: runs(200) },
    );
  });

  it('no branding keeps the default look: dark palette under prefers-color-scheme only', () => {
    const css = themeStyles(NO_BRANDING, '.dark{}');
    expect(css).toBe('@media (prefers-color-scheme: dark){.dark{}}');
  });

  it('light drops the dark palette, dark applies it always, system keeps the media query; the dark colour falls back to the light one', () => {
    const brand = { brandColor: '#ff0000', brandColorDark: null, hideBranding: false };
    const light = themeStyles({ ...brand, theme: 'light' }, '.dark{}');
    expect(light).toContain('--accent:#ff0000');
    expect(light).not.toContain('.dark{}');
    const dark = themeStyles({ ...brand, theme: 'dark' }, '.dark{}');
    expect(dark.startsWith('.dark{}')).toBe(true);
    expect(dark).not.toContain('@media');
    expect(dark).toContain('color-scheme:dark');
    const system = themeStyles({ ...brand, brandColorDark: '#00ff00', theme: 'system' }, '.dark{}');
    expect(system).toMatch(/^:root\{--accent:#ff0000;.*@media \(prefers-color-scheme: dark\)\{\.dark\{\}:root\{--accent:#00ff00;/);
  });
});

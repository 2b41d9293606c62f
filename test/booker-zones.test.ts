// The booker's zone <select> against every zone the runtime's Intl knows, under its old and its new IANA spelling:
// the list holds each canonical name once, and the selected option is always the visitor's zone (a select with no
// matching option shows its first entry, and "Show times" then moves the visitor to Africa/Abidjan).
import { describe, expect, it } from 'vitest';
import { canonicalTimeZone, isValidTimeZone } from '../src/lib/time';
import { ZoneForm } from '../src/booker/pages';
import { readViewState, type StateInput } from '../src/booker/view-state';
import { page, publicHost } from './helpers';

const RENAMED: [old: string, current: string][] = [
  ['Asia/Calcutta', 'Asia/Kolkata'],
  ['Europe/Kiev', 'Europe/Kyiv'],
  ['Asia/Saigon', 'Asia/Ho_Chi_Minh'],
  ['Asia/Katmandu', 'Asia/Kathmandu'],
  ['Asia/Rangoon', 'Asia/Yangon'],
  ['America/Godthab', 'America/Nuuk'],
  ['Asia/Ulaanbaatar', 'Asia/Ulaanbaatar'],
  ['Pacific/Enderbury', 'Pacific/Kanton'],
  ['Atlantic/Faeroe', 'Atlantic/Faroe'],
  ['America/Buenos_Aires', 'America/Argentina/Buenos_Aires'],
];

const zoneSelect = (html: string) => html.match(/<select id="tz" name="tz">([\s\S]*?)<\/select>/)?.[1] ?? '';
const optionsOf = (html: string) => [...zoneSelect(html).matchAll(/<option[^>]*>([^<]+)<\/option>/g)].map((m) => m[1]!);
const selectedOf = (html: string) => [...zoneSelect(html).matchAll(/<option selected="">([^<]+)<\/option>/g)].map((m) => m[1]!);

describe('the booker’s time-zone list', () => {
  it('offers every zone the runtime knows once, under its current IANA name (Asia/Kolkata, not Asia/Calcutta)', async () => {
    const host = await publicHost();
    const res = await page(`${host.booker}?tz=UTC`);
    const options = optionsOf(res.html);
    expect(new Set(options).size).toBe(options.length);
    for (const zone of Intl.supportedValuesOf('timeZone')) {
      if (isValidTimeZone(zone)) expect(options, zone).toContain(canonicalTimeZone(zone));
    }
    for (const [old, current] of RENAMED) {
      expect(options).toContain(current);
      if (old !== current) expect(options).not.toContain(old);
    }
  });

  it('selects the visitor’s zone on the page for the renamed zones, in their old and new spelling', async () => {
    const host = await publicHost();
    await Promise.all(
      RENAMED.flat().map(async (zone) => {
        const res = await page(`${host.booker}?tz=${encodeURIComponent(zone)}`);
        const expected = canonicalTimeZone(zone);
        expect(selectedOf(res.html), zone).toEqual([expected]);
        expect(res.html, zone).toContain(`<strong id="zone-name">${expected}</strong>`);
      }),
    );
  });

  it('selects the visitor’s zone for every zone Intl knows, old and new spellings, from ?tz=, the cookie or the host', async () => {
    // The page's own parts (readViewState reads ?tz=, ZoneForm renders the select): ~450 full page renders over HTTP
    // would cost 15 s; the test above covers the route around them.
    const spellings = [...new Set([...Intl.supportedValuesOf('timeZone'), ...RENAMED.flat()])].filter(isValidTimeZone);
    const render = async (input: Pick<StateInput, 'query' | 'cookies' | 'hostZone'>) => {
      const state = readViewState({ ...input, now: Date.UTC(2026, 0, 1) });
      return String(await ZoneForm({ basePath: '/h/e', state, at: Date.UTC(2026, 0, 1) }));
    };
    for (const zone of spellings) {
      const expected = [canonicalTimeZone(zone)];
      expect(selectedOf(await render({ query: { tz: zone }, cookies: {}, hostZone: 'UTC' })), zone).toEqual(expected);
      expect(selectedOf(await render({ query: {}, cookies: { tz: zone }, hostZone: 'UTC' })), zone).toEqual(expected);
      expect(selectedOf(await render({ query: {}, cookies: {}, hostZone: zone })), zone).toEqual(expected);
    }
  });
});

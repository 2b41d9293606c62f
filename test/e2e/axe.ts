// axe-core (WCAG 2.0/2.1 A and AA) on a page as it is, in the light and the dark colour scheme: the one check every
// end-to-end file runs on the pages it visits.
import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/** Every violation in either scheme fails the test; `report` (when given) collects them for a file-wide summary. */
export async function expectAccessible(page: Page, name: string, report: string[] = []) {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    const result = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
    const found = result.violations.map((v) => `${name} (${colorScheme}): ${v.id}: ${v.help} [${v.nodes.map((n) => n.target.join(' ')).join(', ')}]`);
    report.push(...found);
    expect(found, `${name} in ${colorScheme}`).toEqual([]);
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

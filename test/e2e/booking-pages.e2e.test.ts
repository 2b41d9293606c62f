/**
 * The public booking pages in a real browser: headless Debian Chromium (playwright-core) against the suite's shared
 * `wrangler dev` (global-setup.ts), seeded with this file's host. Books as a new visitor with JavaScript on and again with it off, reschedules,
 * cancels, books with the keyboard only, checks a 375 px phone, and runs axe-core (WCAG 2.1 A/AA) on every page in the
 * light and the dark colour scheme. Screenshots land in test-results/screenshots/booking-*.png.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/auth/crypto';
import { provisionUserStatements } from '../../src/users/provision';
import { expectAccessible as expectAxeClean } from './axe';
import { bookInFrame, embedEvents, startEmbedSite, TINY_PNG } from './embed-site';
import { connectBrowser, seedShared, type SharedServer } from './harness';

const SCREENSHOTS = join(process.cwd(), 'test-results', 'screenshots');
const HOST = { email: 'e2e-booker-host@calflare.dev', username: 'hugo', name: 'Hugo Host' };
const QUESTIONS = [
  { name: 'company', type: 'text', label: 'Company', required: true },
  { name: 'size', type: 'select', label: 'Team size', required: false, options: [{ value: 'small', label: '1-10' }, { value: 'big', label: '11+' }] },
  { name: 'terms', type: 'boolean', label: 'I agree to be contacted about this meeting', required: true },
];

// Hosts with three brand colours (issue #31), each page shown in its languages: yellow in light (white text on it
// would fail AA) with navy in dark, the reverse, and a mid rose with a light teal. Every language is on one host.
const BRANDED = [
  { email: 'e2e-brand-ar@calflare.dev', username: 'e2e-brand-ar', name: 'مضيف العلامة', lang: 'ar', langs: ['ar', 'en', 'pt-BR'], color: '#ffff00', dark: '#000080' },
  { email: 'e2e-brand-ja@calflare.dev', username: 'e2e-brand-ja', name: '山田 花子', lang: 'ja', langs: ['ja', 'de'], color: '#000080', dark: '#ffff00' },
  { email: 'e2e-brand-fr@calflare.dev', username: 'e2e-brand-fr', name: 'Élodie Marché', lang: 'fr', langs: ['fr', 'es'], color: '#e11d48', dark: '#2dd4bf' },
];

// A host who embeds the booker in their own site (issue #31), listing one of test/e2e/embed-site.ts's origins.
const EMBED_HOST = { email: 'e2e-embed-host@calflare.dev', username: 'e2e-embed', name: 'Emma Embed' };

let worker: SharedServer;
let browser: Browser;
const outside: string[] = [];
const cspViolations: string[] = [];
const axeReport: string[] = [];

async function newPage(opts: { javaScriptEnabled?: boolean; width?: number; timezoneId?: string } = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    javaScriptEnabled: opts.javaScriptEnabled ?? true,
    viewport: { width: opts.width ?? 1200, height: 860 },
    timezoneId: opts.timezoneId ?? 'Europe/Berlin',
    locale: 'en-GB',
  });
  const page = await context.newPage();
  page.on('request', (request) => {
    if (!request.url().startsWith(worker.base) && !request.url().startsWith('data:')) outside.push(request.url());
  });
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
  });
  return { context, page };
}

const shot = (page: Page, name: string) => page.screenshot({ path: join(SCREENSHOTS, `booking-${name}.png`), fullPage: true });

/** axe-core in light and dark (test/e2e/axe.ts); every violation is also kept for the file's summary test. */
const expectAccessible = (page: Page, name: string) => expectAxeClean(page, name, axeReport);

/** The first day link of the shown month that has times, else of the next month. */
/**
 * Opens the first day with at least `minTimes` free times (late in the UTC day the first free day may have only one
 * or two left, depending on the viewer's zone: a test that picks the third time asks for three).
 */
async function openFirstFreeDay(page: Page, minTimes = 1) {
  for (let month = 0; month < 3; month++) {
    const days = await page.locator('table.cal a').count();
    for (let i = 0; i < days; i++) {
      const day = page.locator('table.cal a').nth(i);
      const date = new URL((await day.getAttribute('href'))!, page.url()).searchParams.get('date');
      await Promise.all([page.waitForURL((url) => url.searchParams.get('date') === date), day.click()]);
      if ((await page.locator('#times a').count()) >= minTimes) return;
    }
    await Promise.all([page.waitForURL(/month=/), page.locator('a[aria-label^="Next month"]').click()]);
  }
  throw new Error(`no day with ${minTimes} free times within three months`);
}

async function fillForm(page: Page, who: { name: string; email: string }) {
  await page.fill('#f-name', who.name);
  await page.fill('#f-email', who.email);
  await page.fill('#f-notes', 'Looking forward to it');
  await page.fill('#f-company', 'Acme');
  await page.selectOption('#f-size', 'big');
  await page.check('#f-terms');
}

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const now = Date.now();
  const hostId = '(SELECT id FROM users WHERE email = ?)';
  worker = seedShared([
    ...provisionUserStatements({ ...HOST, role: 'user', timezone: 'UTC', passwordHash: await hashPassword('e2e-host-password') }, now),
    {
      sql: `INSERT INTO booking_event_types (owner_id, schedule_id, title, slug, description, duration_minutes, buffer_before_minutes,
              buffer_after_minutes, minimum_notice_hours, booking_window_days, location_type, location_value, requires_confirmation,
              is_active, booking_fields, created_at, updated_at)
            SELECT ${hostId}, s.id, 'Intro Call', 'intro', 'A first conversation about your project.', 30, 0, 0, 0, 60, 'google_meet',
              'https://meet.google.com/e2e', 0, 1, ?, ?, ?
            FROM booking_schedules s WHERE s.user_id = ${hostId} AND s.is_default = 1`,
      params: [HOST.email, JSON.stringify(QUESTIONS), now, now, HOST.email],
    },
    {
      // A weekly series of 3 (recurring bookings, issue #16), bookable far enough ahead for the whole series.
      sql: `INSERT INTO booking_event_types (owner_id, schedule_id, title, slug, duration_minutes, buffer_before_minutes,
              buffer_after_minutes, minimum_notice_hours, booking_window_days, requires_confirmation, is_active,
              recurring_event, created_at, updated_at)
            SELECT ${hostId}, s.id, 'Weekly Coaching', 'weekly', 45, 0, 0, 0, 120, 0, 1, ?, ?, ?
            FROM booking_schedules s WHERE s.user_id = ${hostId} AND s.is_default = 1`,
      params: [HOST.email, JSON.stringify({ freq: 'weekly', interval: 1, count: 3 }), now, now, HOST.email],
    },
    ...(
      await Promise.all(
        BRANDED.map(async (b) => [
          ...provisionUserStatements({ email: b.email, username: b.username, name: b.name, role: 'user', timezone: 'Asia/Tokyo', passwordHash: await hashPassword('e2e-host-password') }, now),
          { sql: `UPDATE users SET brand_color = ?, brand_color_dark = ?, locale = ? WHERE email = ?`, params: [b.color, b.dark, b.lang, b.email] },
          {
            sql: `INSERT INTO booking_event_types (owner_id, schedule_id, title, slug, duration_minutes, buffer_before_minutes, buffer_after_minutes,
                    minimum_notice_hours, booking_window_days, requires_confirmation, is_active, created_at, updated_at)
                  SELECT u.id, s.id, 'Intro', 'intro', 30, 0, 0, 0, 60, 0, 1, ?, ? FROM users u JOIN booking_schedules s ON s.user_id = u.id AND s.is_default = 1
                  WHERE u.email = ?`,
            params: [now, now, b.email],
          },
        ]),
      )
    ).flat(),
  ]);
  // Each page opens its own context (a throwaway profile) in the shared browser.
  browser = await connectBrowser();
});

afterAll(async () => {
  await browser?.close().catch(() => undefined);
});

let bookedUrl = '';

describe('public booking pages in headless Chromium', () => {
  it('books as a new visitor with JavaScript on: host page, booker in the browser’s zone, form, booking page', async () => {
    const { context, page } = await newPage();
    await page.goto(`${worker.base}/${HOST.username}`);
    expect(await page.textContent('h1')).toBe(HOST.name);
    await shot(page, '1-host');
    await expectAccessible(page, 'host page');

    await Promise.all([page.waitForURL(/\/hugo\/intro/), page.click('a.et-link')]);
    // The inline script read the browser's zone and reloaded with it.
    await page.waitForURL(/tz=Europe%2FBerlin/);
    expect(await page.textContent('#zone-name')).toBe('Europe/Berlin');
    await shot(page, '2-booker-month');
    await expectAccessible(page, 'booker month');

    await openFirstFreeDay(page);
    expect(await page.getAttribute('table.cal a[aria-current="date"]', 'aria-label')).toMatch(/^\w+day \d+ \w+ \d{4}, available$/);
    // The host works 09:00-17:00 UTC: the last start is 16:30 UTC, 17:30 in Berlin in winter (18:30 in summer).
    expect(await page.locator('#times a').last().textContent()).toMatch(/^1[78]:30$/);
    await shot(page, '3-booker-day');
    await expectAccessible(page, 'booker day');

    await Promise.all([page.waitForURL(/\/book\?/), page.locator('#times a').first().click()]);
    expect(await page.textContent('#when')).toContain('Europe/Berlin');
    await expectAccessible(page, 'booking form');
    // The server's checks, shown in an error summary linked to the fields.
    await page.fill('#f-name', 'Ada Lovelace');
    await page.fill('#f-email', 'ada@example.com');
    await page.evaluate(() => document.querySelector('form#booking-form')!.setAttribute('novalidate', ''));
    await page.click('#booking-form button[type=submit]');
    await expect.poll(() => page.locator('#error-summary').count()).toBe(1);
    expect(await page.textContent('#error-summary')).toContain('Company: This field is required');
    expect(await page.inputValue('#f-name')).toBe('Ada Lovelace');
    await shot(page, '4-form-errors');
    await expectAccessible(page, 'booking form with errors');

    await fillForm(page, { name: 'Ada Lovelace', email: 'ada@example.com' });
    await Promise.all([page.waitForURL(/\/booking\//), page.click('#booking-form button[type=submit]')]);
    expect(await page.textContent('.flash')).toContain('You are booked.');
    expect(await page.textContent('#status')).toContain('Confirmed');
    expect(await page.textContent('#details')).toContain('Acme');
    expect(await page.textContent('#host-time')).toContain('UTC');
    bookedUrl = page.url();
    await shot(page, '5-booking');
    await expectAccessible(page, 'booking page');
    await context.close();
  });

  it('books again with JavaScript off, in the host’s zone, with plain links and forms', async () => {
    const { context, page } = await newPage({ javaScriptEnabled: false });
    await page.goto(`${worker.base}/${HOST.username}/intro`);
    expect(page.url()).not.toContain('tz=');
    expect(await page.textContent('#zone-name')).toBe('UTC');
    // The zone select works without JavaScript too.
    await page.selectOption('#tz', 'Asia/Tokyo');
    await Promise.all([page.waitForURL(/tz=Asia%2FTokyo/), page.click('#zone button[type=submit]')]);
    expect(await page.textContent('#zone-name')).toBe('Asia/Tokyo');
    await openFirstFreeDay(page, 3);
    await page.locator('#times a').nth(2).click();
    await page.waitForURL(/\/book\?/);
    await fillForm(page, { name: 'Grace Hopper', email: 'grace@example.com' });
    await Promise.all([page.waitForURL(/\/booking\//), page.click('#booking-form button[type=submit]')]);
    expect(await page.textContent('#status')).toContain('Confirmed');
    expect(await page.textContent('#when')).toContain('Asia/Tokyo');
    await context.close();
  });

  it('books a weekly series on a phone: how many meetings (a plain GET form), every meeting listed, the series on the booking page', async () => {
    const { context, page } = await newPage({ width: 375 });
    await page.goto(`${worker.base}/${HOST.username}/weekly`);
    await page.waitForURL(/tz=Europe%2FBerlin/);
    expect(await page.textContent('#series-summary')).toBe('Every week, 3 meetings');
    await page.selectOption('#occurrences', '2');
    await Promise.all([page.waitForURL(/occurrences=2/), page.click('#series button[type=submit]')]);
    expect(await page.textContent('#series-summary')).toBe('Every week, 2 meetings');
    await expectAccessible(page, 'recurring booker');
    await openFirstFreeDay(page);
    expect(new URL(page.url()).searchParams.get('occurrences')).toBe('2');
    await Promise.all([page.waitForURL(/\/book\?.*occurrences=2/), page.locator('#times a').first().click()]);
    expect(await page.locator('#occurrences li').count()).toBe(2);
    await expectAccessible(page, 'recurring booking form');
    await page.fill('#f-name', 'Katherine Johnson');
    await page.fill('#f-email', 'katherine@example.com');
    await Promise.all([page.waitForURL(/\/booking\//), page.click('#booking-form button[type=submit]')]);
    expect(await page.textContent('.flash')).toContain('You are booked for 2 meetings.');
    expect(await page.locator('#series li').count()).toBe(2);
    await shot(page, 'series');
    await expectAccessible(page, 'series booking page');
    // No sideways scrolling on a phone.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await context.close();
  });

  it('reschedules the first booking through the booker in reschedule mode', async () => {
    const { context, page } = await newPage();
    await page.goto(bookedUrl);
    const before = await page.textContent('#when');
    await Promise.all([page.waitForURL(/\/reschedule\//), page.click('a:has-text("Reschedule")')]);
    expect(await page.textContent('#rescheduling')).toContain('Ada Lovelace (ada@example.com)');
    await expectAccessible(page, 'reschedule booker');
    await openFirstFreeDay(page, 4);
    await shot(page, '6-reschedule');
    await Promise.all([page.waitForURL(/start=/), page.locator('#times a').nth(3).click()]);
    await expectAccessible(page, 'reschedule confirm');
    await page.fill('#reason', 'A later time suits me');
    await Promise.all([page.waitForURL(/\/booking\//), page.click('#reschedule-form button[type=submit]')]);
    expect(await page.textContent('.flash')).toContain('moved to the new time');
    expect(await page.textContent('#when')).not.toBe(before);
    await context.close();
  });

  it('cancels the first booking with a reason', async () => {
    const { context, page } = await newPage();
    await page.goto(bookedUrl);
    await Promise.all([page.waitForURL(/cancel=1/), page.click('#change-links a:has-text("Cancel")')]);
    await expectAccessible(page, 'cancel form');
    await shot(page, '7-cancel');
    await page.fill('#reason', 'Plans changed');
    await Promise.all([page.waitForURL((url) => !url.search.includes('cancel=1')), page.click('#cancel-form button[type=submit]')]);
    expect(await page.textContent('.flash')).toContain('Your booking is cancelled.');
    expect(await page.textContent('#status')).toContain('Cancelled');
    expect(await page.locator('a:has-text("Reschedule")').count()).toBe(0);
    await expectAccessible(page, 'cancelled booking page');
    await context.close();
  });

  it('books with the keyboard only, with a visible focus ring', async () => {
    const { context, page } = await newPage({ timezoneId: 'UTC' });
    await page.goto(`${worker.base}/${HOST.username}/intro?tz=UTC&fmt=12h`);
    const tabTo = async (selector: string) => {
      for (let i = 0; i < 80; i++) {
        await page.keyboard.press('Tab');
        if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
      }
      throw new Error(`Tab never reached ${selector}`);
    };
    if ((await page.locator('table.cal a').count()) === 0) {
      await tabTo('a[aria-label^="Next month"]');
      await Promise.all([page.waitForURL(/month=/), page.keyboard.press('Enter')]);
    }
    await tabTo('table.cal a');
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
    expect(outline).not.toBe('none');
    await Promise.all([page.waitForURL(/date=/), page.keyboard.press('Enter')]);
    await tabTo('#times a');
    expect(await page.evaluate(() => document.activeElement!.textContent)).toMatch(/^\d{1,2}:\d{2} [AP]M$/);
    await Promise.all([page.waitForURL(/\/book\?/), page.keyboard.press('Enter')]);
    await tabTo('#f-name');
    await page.keyboard.type('Katherine Johnson');
    await page.keyboard.press('Tab');
    await page.keyboard.type('katherine@example.com');
    await tabTo('#f-company');
    await page.keyboard.type('NASA');
    await tabTo('#f-terms');
    await page.keyboard.press('Space');
    await tabTo('#booking-form button[type=submit]');
    await Promise.all([page.waitForURL(/\/booking\//), page.keyboard.press('Enter')]);
    expect(await page.textContent('#status')).toContain('Confirmed');
    expect(await page.textContent('#when')).toMatch(/[AP]M/);
    await context.close();
  });

  it('fits a 375 px phone without sideways scrolling', async () => {
    const { context, page } = await newPage({ width: 375 });
    await page.goto(`${worker.base}/${HOST.username}/intro?tz=America/New_York&fmt=12h`);
    await openFirstFreeDay(page);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await shot(page, '8-phone-booker');
    await page.emulateMedia({ colorScheme: 'dark' });
    await shot(page, '8b-phone-booker-dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await page.locator('#times a').first().click();
    await page.waitForURL(/\/book\?/);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await shot(page, '9-phone-form');
    await context.close();
  });

  it('keeps a long name and email inside the 375 px page: booked, rescheduled, cancel form, cancelled', async () => {
    const { context, page } = await newPage({ width: 375, javaScriptEnabled: false });
    const fits = async (what: string) => expect(await page.evaluate(() => document.documentElement.scrollWidth), what).toBeLessThanOrEqual(375);
    await page.goto(`${worker.base}/${HOST.username}`);
    // Duration and location are plain text, not boxes that look like buttons.
    expect(await page.locator('#event-types .meta li').first().evaluate((li) => getComputedStyle(li).borderTopWidth)).toBe('0px');
    await page.goto(`${worker.base}/${HOST.username}/intro?tz=UTC`);
    // Without JavaScript a day reloads the page at its times (a fragment), not at the top.
    await openFirstFreeDay(page, 2);
    expect(new URL(page.url()).hash).toBe('#day');
    await Promise.all([page.waitForURL(/\/book\?/), page.locator('#times a').first().click()]);
    await fillForm(page, {
      name: 'Maximiliana Wolfeschlegelsteinhausenbergerdorff-Featherstonehaugh',
      email: 'maximiliana.wolfeschlegelsteinhausenbergerdorff@subdomain.example-company.com',
    });
    await Promise.all([page.waitForURL(/\/booking\//), page.click('#booking-form button[type=submit]')]);
    await fits('booked');
    // Readable, not only inside: a long question label must not squeeze the values to a letter per line.
    const valueWidths = await page.locator('#details dd').evaluateAll((dds) => dds.map((dd) => dd.getBoundingClientRect().width));
    expect(Math.min(...valueWidths), `narrowest value in Details (px) of ${valueWidths.map(Math.round)}`).toBeGreaterThanOrEqual(150);
    await shot(page, '10-phone-long-email');
    await Promise.all([page.waitForURL(/\/reschedule\//), page.click('a:has-text("Reschedule")')]);
    await openFirstFreeDay(page, 2);
    await Promise.all([page.waitForURL(/start=/), page.locator('#times a').nth(1).click()]);
    await Promise.all([page.waitForURL(/\/booking\//), page.click('#reschedule-form button[type=submit]')]);
    await fits('rescheduled');
    await Promise.all([page.waitForURL(/cancel=1/), page.click('#change-links a:has-text("Cancel")')]);
    expect(new URL(page.url()).hash).toBe('#cancel-form');
    await fits('cancel form');
    await Promise.all([page.waitForURL((url) => !url.search.includes('cancel=1')), page.click('#cancel-form button[type=submit]')]);
    expect(await page.textContent('#status')).toContain('Cancelled');
    await fits('cancelled');
    expect(await page.getAttribute('#book-again', 'href')).toBe(`/${HOST.username}`);
    await context.close();
  });

  it('shows a friendly, accessible 404 page', async () => {
    const { context, page } = await newPage();
    const res = await page.goto(`${worker.base}/nobody-by-this-name`);
    expect(res!.status()).toBe(404);
    expect(await page.textContent('h1')).toBe('Page not found');
    await expectAccessible(page, '404 page');
    await context.close();
  });

  it('every public page in all seven languages with three brand colours: right lang and dir, under 60 KB, axe-clean in light and dark', async () => {
    /**
     * The page as it is now: its language and direction, its size, no sideways scroll; axe in both schemes on every
     * page in Arabic (the one right-to-left layout, yellow and navy), and on the pages where the brand colour is most
     * (booker, form, booking page) in Japanese (navy and yellow) and French (rose and teal). Colours do not depend on
     * the language, and axe costs about a second a page: the other four languages get the cheap checks.
     */
    const checkPage = async (page: Page, lang: string, name: string, axe: boolean) => {
      expect(await page.getAttribute('html', 'lang'), name).toBe(lang);
      expect(await page.getAttribute('html', 'dir'), name).toBe(lang === 'ar' ? 'rtl' : 'ltr');
      expect(new TextEncoder().encode(await page.content()).length, name).toBeLessThan(60 * 1024);
      expect(await page.evaluate(() => document.documentElement.scrollWidth), name).toBeLessThanOrEqual(1200);
      if (axe) await expectAccessible(page, name);
    };
    for (const b of BRANDED) {
      for (const lang of b.langs) {
        const check = (page: Page, lang: string, name: string) =>
          checkPage(page, lang, name, lang === 'ar' || (lang === b.lang && /^(booker|form|booking page) /.test(name)));
        const { context, page } = await newPage({ timezoneId: 'Asia/Tokyo' });
        expect((await page.goto(`${worker.base}/${b.username}?lang=${lang}`))!.status()).toBe(200);
        await check(page, lang, `host page ${lang}`);
        await page.goto(`${worker.base}/${b.username}/intro?lang=${lang}&tz=Asia/Tokyo&fmt=24h`);
        await Promise.all([page.waitForURL(/date=/), page.locator('table.cal a').first().click()]);
        await check(page, lang, `booker ${lang}`);
        if (lang === b.lang) await shot(page, `11-booker-${lang}-brand`);
        await Promise.all([page.waitForURL(/\/book\?/), page.locator('#times a').first().click()]);
        expect(new URL(page.url()).searchParams.get('lang')).toBe(lang);
        await check(page, lang, `form ${lang}`);
        if (lang === b.lang) await shot(page, `12-form-${lang}-brand`);
        await page.fill('#f-name', `Visitor ${lang}`);
        await page.fill('#f-email', `e2e-brand-${lang.toLowerCase()}@example.com`);
        await Promise.all([page.waitForURL(/\/booking\//), page.click('#booking-form button[type=submit]')]);
        await check(page, lang, `booking page ${lang}`);
        const bookingUrl = page.url();
        await Promise.all([page.waitForURL(/\/reschedule\//), page.click('#change-links a[href*="/reschedule/"]')]);
        await check(page, lang, `reschedule booker ${lang}`);
        await page.goto(bookingUrl);
        await Promise.all([page.waitForURL(/cancel=1/), page.click('#change-links a[href*="cancel=1"]')]);
        await check(page, lang, `cancel form ${lang}`);
        await context.close();
      }
    }
  });

  it('embeds on another origin: books inline and in the popup, gets booking_successful with the uid, resizes; an unlisted origin cannot frame it', async () => {
    const site = await startEmbedSite(worker.base, `${EMBED_HOST.username}/intro?name=Ada%20Embed&email=ada-embed%40example.com&utm_source=site`);
    try {
      const now = Date.now();
      seedShared([
        ...provisionUserStatements({ ...EMBED_HOST, role: 'user', timezone: 'UTC', passwordHash: await hashPassword('e2e-host-password') }, now),
        { sql: 'UPDATE users SET embed_origins = ? WHERE email = ?', params: [JSON.stringify([site.listed]), EMBED_HOST.email] },
        { sql: `INSERT INTO booking_event_types (owner_id, schedule_id, title, slug, duration_minutes, buffer_before_minutes, buffer_after_minutes, minimum_notice_hours,
                  booking_window_days, requires_confirmation, is_active, created_at, updated_at) SELECT u.id, s.id, 'Intro', 'intro', 30, 0, 0, 0, 60, 0, 1, ?, ?
                FROM users u JOIN booking_schedules s ON s.user_id = u.id AND s.is_default = 1 WHERE u.email = ?`, params: [now, now, EMBED_HOST.email] },
      ]);
      const context = await browser.newContext({ viewport: { width: 1100, height: 900 }, timezoneId: 'Europe/Berlin', locale: 'en-GB' });
      const page = await context.newPage();
      // The host's logo, through the API: shown in the framed pages from this origin (img-src 'self').
      const { token } = await (await fetch(`${worker.base}/v2/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: EMBED_HOST.email, password: 'e2e-host-password' }) })).json();
      expect((await fetch(`${worker.base}/v2/me/logo`, { method: 'PUT', headers: { authorization: `Bearer ${token}` }, body: TINY_PNG })).status).toBe(200);
      await page.goto(site.listed);
      const events = (type: string) => embedEvents(page, type);
      const bookIn = (iframe: string, already: number) => bookInFrame(page, iframe, already, 'Ada Embed');
      const first = await bookIn('#inline iframe', 0);
      expect(await page.frameLocator('#inline iframe').locator('img.logo').evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBe(1);
      // It resized itself: the iframe is as tall as the last height announced (the default is 320 px).
      const heights = await events('calflare:page_height');
      const last = heights.at(-1)!.detail.height;
      expect(await page.locator('#inline iframe').evaluate((f) => (f as HTMLIFrameElement).getBoundingClientRect().height)).toBe(Math.max(120, last));
      expect(last).toBeGreaterThan(320);
      await shot(page, '13-embed-inline');

      await page.click('#open-popup');
      expect(await page.locator('dialog[open] iframe').count()).toBe(1);
      const second = await bookIn('dialog[open] iframe', 1);
      expect(second).not.toBe(first);
      await shot(page, '14-embed-popup');
      // The floating button opens the same dialog.
      await page.click('dialog[open] button[aria-label="Close"]');
      await page.click('button[data-calflare-button]');
      expect(new URL((await page.locator('dialog[open] iframe').getAttribute('src'))!).searchParams.get('embed')).toBe('1');

      // The same page from an unlisted origin: the browser refuses the frame, nothing is posted.
      const other = await context.newPage();
      const refused = new Promise((resolve) => other.on('console', (m) => /frame-ancestors/.test(m.text()) && resolve(m.text())));
      await other.goto(`${site.unlisted}/frame`);
      expect(await refused).toMatch(/violates .*frame-ancestors.* has been blocked/s);
      expect(await other.frameLocator('#raw').locator('#calendar').count()).toBe(0);
      // The embedded booker on its own, in Arabic with the logo: axe-clean in light and dark.
      await other.goto(`${worker.base}/${EMBED_HOST.username}/intro?embed=1&lang=ar&tz=UTC`);
      await expectAccessible(other, 'embedded booker ar');
      await context.close();
    } finally {
      await site.close();
    }
  });

  it('made no request to another origin and never tripped the CSP', () => {
    expect(outside).toEqual([]);
    expect(cspViolations).toEqual([]);
    expect(axeReport).toEqual([]);
  });
});

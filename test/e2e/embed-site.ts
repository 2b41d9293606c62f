// A host's own website for the embed's end-to-end cases (issue #31): a tiny node HTTP server on 127.0.0.1 that serves
// one page with the embed snippet (inline and popup) on two ports, i.e. two origins: one the host lists in
// `embed_origins`, one it does not. The page records every `calflare:*` event it receives in `window.calflareEvents`.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

export interface EmbedSite {
  listed: string;
  unlisted: string;
  close: () => Promise<void>;
}

const page = (calflare: string, link: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>A host's own site</title></head>
<body>
<h1>Book with us</h1>
<div id="inline" data-calflare-inline="${link}"></div>
<button id="open-popup" type="button" data-calflare-popup="${link}">Book in a popup</button>
<div data-calflare-floating="${link}" data-calflare-label="Book now"></div>
<script>
window.calflareEvents = [];
["calflare:booking_successful", "calflare:page_height", "calflare:date_selected"].forEach(function (type) {
  window.addEventListener(type, function (e) { window.calflareEvents.push({ type: type, detail: e.detail, from: e.target.id || e.target.tagName }); });
});
</script>
<script src="${calflare}/embed.js" async></script>
</body></html>`;

/** A raw iframe of an `?embed=1` page, without the script: what any site could try. */
const framing = (url: string) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Framing</title></head>
<body><iframe id="raw" title="booker" src="${url}" width="800" height="600"></iframe></body></html>`;

export async function startEmbedSite(calflare: string, link: string): Promise<EmbedSite> {
  const servers: Server[] = [];
  const listen = () =>
    new Promise<string>((resolve) => {
      const server = createServer((req, res) => {
        const url = new URL(req.url ?? '/', 'http://x');
        const body = url.pathname === '/frame' ? framing(`${calflare}/${link}${link.includes('?') ? '&' : '?'}embed=1`) : page(calflare, link);
        res.writeHead(url.pathname === '/' || url.pathname === '/frame' ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' });
        res.end(body);
      });
      servers.push(server);
      server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
    });
  const [listed, unlisted] = [await listen(), await listen()];
  return {
    listed: listed!,
    unlisted: unlisted!,
    close: () => Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r())))).then(() => undefined),
  };
}

/** The `calflare:*` events of one type the embedding page has received so far. */
export const embedEvents = (page: Page, type: string): Promise<{ type: string; detail: any }[]> =>
  page.evaluate((t) => (window as any).calflareEvents.filter((e: { type: string }) => e.type === t), type);

/**
 * Day, time, and the prefilled form's submit inside the booker framed by `iframe`; resolves with the uid the page was
 * told (`already`: bookings announced before), after checking it is the framed booking page's own.
 */
export async function bookInFrame(page: Page, iframe: string, already: number, prefilledName: string): Promise<string> {
  const inside = page.frameLocator(iframe);
  await inside.locator('table.cal a').first().click({ timeout: 15_000 });
  await expect.poll(async () => (await embedEvents(page, 'calflare:date_selected')).length).toBeGreaterThan(already);
  await inside.locator('#times a').first().click();
  await expect.poll(() => inside.locator('#f-name').inputValue()).toBe(prefilledName);
  await inside.locator('#booking-form button[type=submit]').click();
  await expect.poll(async () => (await embedEvents(page, 'calflare:booking_successful')).length, { timeout: 15_000 }).toBe(already + 1);
  const announced = (await embedEvents(page, 'calflare:booking_successful'))[already]!.detail;
  const frame = await (await page.locator(iframe).elementHandle())!.contentFrame();
  expect(new URL(frame!.url()).pathname).toBe(`/booking/${announced.uid}`);
  expect(Date.parse(announced.end) - Date.parse(announced.start)).toBe(30 * 60_000);
  return announced.uid as string;
}

// A real 1x1 PNG: the host's logo, uploaded through the API before the pages are opened.
export const TINY_PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');

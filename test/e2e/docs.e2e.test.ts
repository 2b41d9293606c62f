/**
 * The API reference against checkers nobody here wrote, on the suite's shared `wrangler dev` (global-setup.ts): the
 * served /v2/openapi.json under Redocly's recommended lint rules (no error, no warning), and /docs in headless Chromium
 * under axe-core (WCAG 2.1 A/AA, no violation in the light or the dark colour scheme). Offline: the linter runs with
 * telemetry and its update check off.
 */
import { request } from 'node:http';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeProblems, lintOpenApi } from '../../scripts/lib/redocly';
import { expectAccessible } from './axe';
import { connectBrowser, sharedServer, type SharedServer } from './harness';

let worker: SharedServer;
let browser: Browser;

beforeAll(async () => {
  // Nothing to seed: both pages are public.
  worker = sharedServer();
  browser = await connectBrowser();
});

afterAll(async () => {
  await browser?.close().catch(() => undefined);
});

/** fetch() refuses a GET with a body; a client may still send one, so this uses node:http. */
function getWithBody(url: string, body: string, contentType: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', headers: { 'content-type': contentType, 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('GET /v2/openapi.json under redocly lint (recommended rules)', () => {
  it('has no error and no warning, and nothing is ignored', async () => {
    const res = await fetch(`${worker.base}/v2/openapi.json`);
    expect(res.status).toBe(200);
    const report = lintOpenApi(await res.text());
    expect(describeProblems(report)).toEqual([]);
    expect(report.totals).toEqual({ errors: 0, warnings: 0, ignored: 0 });
  });

  it('the linter does report problems, so the check above can fail', () => {
    const report = lintOpenApi(JSON.stringify({ openapi: '3.1.0', info: { title: 'x', version: '1' }, paths: { '/a': { get: { responses: { '200': { description: 'ok' } } } } } }));
    expect(report.totals.errors).toBeGreaterThan(0);
    expect(describeProblems(report).join('\n')).toMatch(/no-empty-servers/);
  });

  it('a GET sent with a non-JSON body answers 415, which every operation documents', async () => {
    const res = await getWithBody(`${worker.base}/v2/openapi.json`, 'hello', 'text/plain');
    expect(res.status).toBe(415);
    expect(JSON.parse(res.body).error.code).toBe('unsupported_media_type');
    const doc = (await (await fetch(`${worker.base}/v2/openapi.json`)).json()) as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
    expect(doc.paths['/v2/openapi.json']!.get!.responses['415']).toEqual({ $ref: '#/components/responses/unsupported_media_type' });
  });
});

describe('/docs in a browser', () => {
  // On a phone more code samples scroll sideways (axe's scrollable-region rule), so CI checks that width; DEEP_TESTS=1
  // adds the desktop width (about 30 s more).
  it.each(process.env.DEEP_TESTS ? [375, 1200] : [375])('has no axe-core violation (WCAG 2.1 A/AA) in the light or the dark colour scheme, %i px wide', async (width) => {
    const context = await browser.newContext({ viewport: { width, height: 860 } });
    const page = await context.newPage();
    const res = await page.goto(`${worker.base}/docs`);
    expect(res!.status()).toBe(200);
    await expectAccessible(page, `/docs at ${width} px`);
    await context.close();
  });
});

// The one `wrangler dev`, mail catcher and Chromium that every end-to-end file shares (vitest's globalSetup for the
// e2e project): started once per run, stopped after the last file. Each file seeds what it needs into the running
// server's D1 (harness.ts: seedShared) and opens its own browser context, so files stay independent of each other.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserServer } from 'playwright-core';
import type { TestProject } from 'vitest/node';
import { startMailCatcher, type MailCatcher } from '../../scripts/lib/mail-catcher';
import { catcherVars, startSmsCatcher, type SmsCatcher } from '../../scripts/lib/sms-catcher';
import { freePort, startWranglerDev, type DevWorker } from '../../scripts/lib/processes';
import { CHROMIUM, CHROMIUM_ARGS, E2E_CALENDAR_KEY, type SharedServer } from './harness';

declare module 'vitest' {
  export interface ProvidedContext {
    e2e: SharedServer;
  }
}

export default async function setup(project: TestProject) {
  let catcher: MailCatcher | undefined;
  let smsCatcher: SmsCatcher | undefined;
  let worker: DevWorker | undefined;
  let browser: BrowserServer | undefined;
  const mailDir = mkdtempSync(join(tmpdir(), 'calflare-e2e-mail-'));
  const smsDir = mkdtempSync(join(tmpdir(), 'calflare-e2e-sms-'));
  const teardown = async () => {
    await browser?.close().catch(() => undefined);
    await worker?.stop();
    await catcher?.close();
    await smsCatcher?.close();
    rmSync(mailDir, { recursive: true, force: true });
    rmSync(smsDir, { recursive: true, force: true });
  };
  try {
    catcher = await startMailCatcher({ dir: mailDir });
    smsCatcher = await startSmsCatcher({ dir: smsDir });
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    // Paid event types: the Stripe stand-in a test file starts on this port (test/e2e/stripe-site.ts).
    const stripePort = await freePort();
    [worker, browser] = await Promise.all([
      startWranglerDev({
        port,
        vars: {
          // The tests' own servers (webhook receiver, ICS feed, Radicale) listen on 127.0.0.1, which production refuses.
          WEBHOOK_ALLOW_PRIVATE_URLS: 'true',
          CALENDAR_ENCRYPTION_KEY: E2E_CALENDAR_KEY,
          // Calendar refreshes follow each other within seconds here (production: one a minute per calendar).
          CALENDAR_REFRESH_INTERVAL_SECONDS: '0',
          EMAIL_TRANSPORT: 'smtp',
          SMTP_HOST: '127.0.0.1',
          SMTP_PORT: String(catcher.port),
          SMTP_SECURITY: 'off',
          EMAIL_RETRY_BASE_SECONDS: '1',
          // Links in emails and the domain of calendar UIDs: this server.
          APP_URL: base,
          // SMS through the Twilio stand-in (the real transport, a local API).
          ...catcherVars(smsCatcher),
          STRIPE_API_BASE: `http://127.0.0.1:${stripePort}`,
        },
      }),
      chromium.launchServer({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS }),
    ]);
    project.provide('e2e', { base, state: worker.state, mailDir, smsDir, stripePort, browserEndpoint: browser.wsEndpoint() });
  } catch (error) {
    await teardown();
    throw error;
  }
  return teardown;
}

// What an end-to-end file needs: the one real `wrangler dev` (migrated, with its D1 state directory), mail catcher and
// headless Debian Chromium that test/e2e/global-setup.ts starts for the whole e2e run. A file seeds its own rows into
// the running server's D1 (`seedShared`), connects to the browser and opens its own context; it closes what it opened.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { inject } from 'vitest';
import { readCaughtMails, type CaughtMail } from '../../scripts/lib/mail-catcher';
import { readCaughtSms, type CaughtSms } from '../../scripts/lib/sms-catcher';
import { execute } from '../../scripts/lib/d1';
import type { SqlStatement } from '../../src/users/provision';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The calendar secrets key of the shared server (tests only; production: `wrangler secret put CALENDAR_ENCRYPTION_KEY`). */
export const E2E_CALENDAR_KEY = 'ZTJlLW9ubHktY2FsZW5kYXItZW5jcnlwdGlvbi1rZXk=';

/** What global-setup.ts hands every e2e file. */
export interface SharedServer {
  /** http://127.0.0.1:<port> of the shared `wrangler dev` (also its APP_URL). */
  base: string;
  /** Its --persist-to directory: `wrangler d1 execute --local --persist-to` writes there while it runs. */
  state: string;
  /** Where the shared mail catcher writes each message (`<n>-<recipient>.eml`). */
  mailDir: string;
  /** Where the shared SMS catcher (a Twilio stand-in) writes each message (`<n>-<to>.json`). */
  smsDir: string;
  /** Where the shared `wrangler dev` sends Stripe API calls (STRIPE_API_BASE): a file starts test/e2e/stripe-site.ts on it. */
  stripePort: number;
  browserEndpoint: string;
}

export function sharedServer(): SharedServer {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: install it (Debian: apt-get install -y chromium) or set CHROMIUM_PATH`);
  return inject('e2e');
}

/** Runs `seed` (one batch) against the shared server's D1 and returns the server. Each file seeds its own users. */
export function seedShared(seed: SqlStatement[]): SharedServer {
  const server = sharedServer();
  // The running wrangler dev holds the same SQLite file: a write of its own (a queue consumer's) at that moment makes
  // our batch fail whole with SQLITE_BUSY (one file is one transaction, so nothing was written): try again shortly.
  for (let attempt = 1; seed.length; attempt++) {
    try {
      execute(seed, { persistTo: server.state });
      break;
    } catch (error) {
      if (attempt >= 5 || !/SQLITE_BUSY|database is locked/.test(String((error as { stderr?: string }).stderr ?? error))) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500 * attempt);
    }
  }
  return server;
}

/** The shared Chromium; close only the contexts you open (`browser.close()` just disconnects this file). */
export function connectBrowser(): Promise<Browser> {
  return chromium.connect(sharedServer().browserEndpoint);
}

/** Every message the shared catcher holds so far, in arrival order. */
export function caughtMails(): CaughtMail[] {
  return readCaughtMails(sharedServer().mailDir);
}

/** Every SMS the shared catcher holds so far, in arrival order. */
export function caughtSms(): CaughtSms[] {
  return readCaughtSms(sharedServer().smsDir);
}

// What an end-to-end file needs: a free port, a real `wrangler dev` with its own throwaway state (migrated and seeded),
// and headless Debian Chromium (the server starter is scripts/lib/processes.ts). Everything binds 127.0.0.1 and is
// stopped by the caller's afterAll.
import { existsSync } from 'node:fs';
import { execute } from '../../scripts/lib/d1';
import { startWranglerDev, type DevWorker } from '../../scripts/lib/processes';
import type { SqlStatement } from '../../src/users/provision';

export type Worker = DevWorker;

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

/** `wrangler dev` over a fresh state seeded with `seed`, for a test that drives it with Chromium. */
export async function startWorker(seed: SqlStatement[], vars: Record<string, string> = {}): Promise<DevWorker> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: install it (Debian: apt-get install -y chromium) or set CHROMIUM_PATH`);
  return startWranglerDev({ seed: (state) => execute(seed, { persistTo: state }), vars });
}

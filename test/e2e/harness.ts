// What an end-to-end file needs: a free port, a real `wrangler dev` with its own throwaway state (migrated and seeded),
// and headless Debian Chromium. Everything binds 127.0.0.1 and is stopped by the caller's afterAll.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyMigrations, execute } from '../../scripts/lib/d1';
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

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface Worker {
  base: string;
  state: string;
  log: () => string;
  stop: () => Promise<void>;
}

/** Migrates and seeds a fresh state directory, then starts `wrangler dev` on it and waits for /health. */
export async function startWorker(seed: SqlStatement[], vars: string[] = []): Promise<Worker> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: install it (Debian: apt-get install -y chromium) or set CHROMIUM_PATH`);
  const state = mkdtempSync(join(tmpdir(), 'calflare-e2e-state-'));
  applyMigrations({ persistTo: state });
  execute(seed, { persistTo: state });
  const [port, inspectorPort] = [await freePort(), await freePort()];
  const base = `http://127.0.0.1:${port}`;
  let log = '';
  const child: ChildProcess = spawn(
    'npx',
    [
      'wrangler', 'dev', '--port', String(port), '--ip', '127.0.0.1', '--inspector-port', String(inspectorPort),
      '--persist-to', state, '--log-level', 'warn', '--show-interactive-dev-session=false',
      ...vars.flatMap((v) => ['--var', v]),
    ],
    // Its own process group, so stopping it also stops the workerd it spawns.
    { env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: 'true' }, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  const pid = child.pid!;
  // A last resort if the run dies before afterAll: never leave a wrangler dev (and its workerd) behind.
  process.once('exit', () => {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  });
  child.stdout!.on('data', (chunk: Buffer) => (log += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      try {
        process.kill(-pid, 'SIGTERM');
        const timer = setTimeout(() => {
          try {
            process.kill(-pid, 'SIGKILL');
          } catch {
            // already gone
          }
        }, 5_000);
        await exited;
        clearTimeout(timer);
      } catch {
        // already gone
      }
    }
    rmSync(state, { recursive: true, force: true });
  };
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited with ${child.exitCode}:\n${log}`);
    try {
      if ((await fetch(`${base}/health`)).ok) return { base, state, log: () => log, stop };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  await stop();
  throw new Error(`wrangler dev did not answer within 120 s:\n${log}`);
}

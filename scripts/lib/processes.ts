// Child processes for the end-to-end tests and the benchmarks: free ports on 127.0.0.1, processes in their own
// process group (so stopping one also stops what it spawned, e.g. wrangler's workerd), and one `wrangler dev`
// starter over a throwaway, migrated and seeded state directory. Never stops a process it did not start.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyMigrations } from './d1';

/** A port nobody uses right now (others run servers on this machine too). */
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

export interface Started {
  child: ChildProcess;
  log: () => string;
}

/** Spawns in its own process group, with a last-resort kill when this process exits. */
export function startGroup(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Started {
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let log = '';
  child.stdout!.on('data', (chunk: Buffer) => (log += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const pid = child.pid!;
  process.once('exit', () => {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  });
  return { child, log: () => log };
}

/** Polls `ready` until it holds, failing with the process log when the process dies or the time runs out. */
export async function waitUntil(started: Started, what: string, ready: () => Promise<boolean>, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (started.child.exitCode !== null) throw new Error(`${what} exited with ${started.child.exitCode}:\n${started.log()}`);
    try {
      if (await ready()) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`${what} was not ready within ${timeoutMs / 1000} s:\n${started.log()}`);
}

/** SIGTERM to the group, SIGKILL after 5 s; resolves once the process has exited. */
export async function stopGroup(started: Started | undefined) {
  const child = started?.child;
  if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }, 5_000);
  await exited;
  clearTimeout(timer);
}

export interface DevWorker {
  base: string;
  state: string;
  log: () => string;
  /** Stops wrangler dev (and its workerd) and deletes the state directory (unless it was given: then it stays). */
  stop: () => Promise<void>;
  /** SIGKILL to wrangler dev and its workerd, as a crash would; the state directory stays. Resolves once they are gone. */
  kill: () => Promise<void>;
}

export interface DevWorkerOptions {
  /** Runs on the migrated state directory before the server starts. */
  seed?: (state: string) => void | Promise<void>;
  /** `--var NAME:value` overrides. */
  vars?: Record<string, string>;
  logLevel?: 'error' | 'warn';
  /** More `wrangler dev` arguments, e.g. `--test-scheduled`. */
  args?: string[];
  /** An existing state directory to run on again (a restart): not migrated or seeded again, and kept by `stop`. */
  state?: string;
  /** The port to listen on (a restart keeps its address); default: a free one. */
  port?: number;
}

/** `wrangler dev` on a free 127.0.0.1 port over a fresh, migrated and seeded state directory; resolves once /health answers. */
export async function startWranglerDev({ seed, vars = {}, logLevel = 'warn', args = [], state: given, port: givenPort }: DevWorkerOptions = {}): Promise<DevWorker> {
  const state = given ?? mkdtempSync(join(tmpdir(), 'calflare-state-'));
  if (!given) {
    applyMigrations({ persistTo: state });
    await seed?.(state);
  }
  const [port, inspectorPort] = [givenPort ?? (await freePort()), await freePort()];
  const base = `http://127.0.0.1:${port}`;
  const started = startGroup(
    'npx',
    [
      'wrangler', 'dev', '--port', String(port), '--ip', '127.0.0.1', '--inspector-port', String(inspectorPort),
      '--persist-to', state, '--log-level', logLevel, '--show-interactive-dev-session=false',
      ...Object.entries(vars).flatMap(([name, value]) => ['--var', `${name}:${value}`]),
      ...args,
    ],
    { WRANGLER_SEND_METRICS: 'false', CI: 'true', CLOUDFLARE_CF_FETCH_ENABLED: 'false' },
  );
  const stop = async () => {
    await stopGroup(started);
    if (!given) rmSync(state, { recursive: true, force: true });
  };
  const kill = async () => {
    const { child } = started;
    if (!child.pid || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    process.kill(-child.pid, 'SIGKILL');
    await exited;
  };
  try {
    await waitUntil(started, 'wrangler dev', async () => (await fetch(`${base}/health`)).ok);
  } catch (error) {
    await stop();
    throw error;
  }
  return { base, state, log: started.log, stop, kill };
}

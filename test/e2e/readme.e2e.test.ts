/**
 * What a newcomer does first, end to end: `npm run dev` (its start-up output and banner), then every shell block of
 * README.md pasted in order into one bash, against that server. The blocks are read from README.md, so the test
 * fails when the README drifts from the API. Any API answer of 400 or more, a failing command or a pipeline that
 * breaks (`undefined` ids, a Node TypeError) stops the run. Servers the README starts in the background (webhook
 * receiver, file server, Radicale) get free ports and are stopped with the script's process group.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startGroup, stopGroup, waitUntil, type Started } from '../../scripts/lib/processes';

const README = readFileSync('README.md', 'utf8');

/**
 * The ```sh blocks of the README, in order, without those that only run npm scripts (install, test, lint, start
 * `npm run dev`: the test started it) and those for a Cloudflare account (deploying: `wrangler login`, `--remote`).
 */
export function readmeShellBlocks(markdown: string): string[] {
  const blocks = [...markdown.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
  const commands = (block: string) => block.split('\n').filter((line) => line.trim() && !line.trimStart().startsWith('#'));
  return blocks.filter((block) => !commands(block).every((line) => line.startsWith('npm ')) && !/wrangler login|--remote\b/.test(block));
}

let dir: string;
let dev: Started | undefined;
let base: string;
let startup = '';
let answeredAtBanner = false;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'calflare-readme-'));
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  dev = startGroup('npm', ['run', 'dev'], { PORT: String(port), DEV_STATE_DIR: join(dir, 'state'), WRANGLER_SEND_METRICS: 'false' });
  await waitUntil(dev, 'npm run dev', async () => dev!.log().includes('calflare local dev:'), 120_000);
  // The banner says the server is ready: it must answer at once.
  answeredAtBanner = (await fetch(`${base}/health`)).ok;
  startup = dev.log().slice(0, dev.log().indexOf('calflare local dev:'));
});

afterAll(async () => {
  await stopGroup(dev);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('npm run dev', () => {
  it('prints one line per migration, no stack trace, and the banner only once the server answers', () => {
    expect(answeredAtBanner).toBe(true);
    const migrations = readdirSync('migrations').filter((f) => f.endsWith('.sql')).sort();
    expect(startup.split('\n').filter((l) => l.startsWith('applied migration '))).toEqual(migrations.map((m) => `applied migration ${m}`));
    expect(startup).not.toContain('Migrations to be applied');
    expect(startup).not.toMatch(/^\s+at /m);
    // Nothing floods it: besides a line per migration and wrangler's table of bindings (a row per binding and var,
    // growing with each feature), a few dozen lines at most.
    expect(startup.split('\n').filter((l) => !l.startsWith('applied migration ') && !l.startsWith('env.')).length).toBeLessThan(40);
  });
});

describe('npm test', () => {
  it('keeps the Worker’s request-log lines out of the report (vitest reads onConsoleLog from the root config only)', async () => {
    const { default: config } = await import('../../vitest.config');
    const resolved = await (config as unknown as (env: object) => Promise<{ test: { onConsoleLog?: (log: string) => boolean | void } }>)({ command: 'serve', mode: 'test' });
    expect(resolved.test.onConsoleLog?.('{"level":"info","msg":"request","route":"/health"}\n')).toBe(false);
    expect(resolved.test.onConsoleLog?.('something else')).not.toBe(false);
  });
});

describe('README.md pasted top to bottom into one shell', () => {
  it('runs every shell block in order without an error', async () => {
    const blocks = readmeShellBlocks(README);
    expect(blocks.length).toBeGreaterThan(8);
    // The README's fixed ports, moved to free ones (others may use them on this machine).
    const ports: Record<string, string> = { 8787: new URL(base).port };
    for (const fixed of ['8790', '8791', '5232']) ports[fixed] = String(await freePort());
    const body = blocks.join('\n').replace(/\b(8787|8790|8791|5232)\b/g, (p) => ports[p]!);
    const script = [
      'set -euo pipefail',
      // An API answer of 400 or more fails the command (and, with pipefail, the assignment it feeds). Readiness
      // probes (`-so /dev/null`) and the commands that print their status on purpose (`-w ...%{http_code}`: an
      // error the README shows) keep curl's own behaviour.
      'curl() { case " $* " in *" -so /dev/null "*|*"%{http_code}"*) command curl "$@" ;; *) command curl --fail-with-body "$@" ;; esac; }',
      body,
    ].join('\n');
    const run = startGroup('bash', ['-c', script], { WRANGLER_SEND_METRICS: 'false' });
    try {
      await waitUntil(run, 'the README script', async () => run.child.exitCode !== null, 100_000).catch((error: Error) => {
        // waitUntil throws when the process exits: that is the normal end here.
        if (run.child.exitCode === null) throw error;
      });
      expect(run.child.exitCode, `README script failed:\n${run.log().slice(-4000)}`).toBe(0);
      // What its comments say: the receiver printed the ping and a booking, both signatures valid.
      expect(run.log()).toMatch(/PING[\s\S]*signature\s+valid \(X-Cal-Signature-256\), valid \(webhook-signature\)/);
      // The errors the README shows on purpose, and only those: a generated Meet without a Google destination, a taken slot.
      expect(run.log().match(/^HTTP \d+$/gm)).toEqual(['HTTP 400', 'HTTP 409']);
    } finally {
      mkdirSync('test-results', { recursive: true });
      writeFileSync(join('test-results', 'readme-run.log'), run.log());
      // The leader may be gone; the servers it started in the background are still in its group.
      try {
        process.kill(-run.child.pid!, 'SIGTERM');
      } catch {
        // already gone
      }
      await stopGroup(run);
    }
  }, 150_000);
});

// Runs SQL against the D1 database through wrangler, locally (default) or with --remote in production.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inlineSql, type SqlStatement } from '../../src/users/provision';

const env = { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: 'true' };

function wrangler(args: string[]): string {
  return execFileSync('npx', ['wrangler', ...args], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Where the statements go: the local D1 (default, or a given --persist-to directory) or production. */
export interface Target {
  remote?: boolean;
  persistTo?: string;
}

function targetArgs({ remote = false, persistTo }: Target): string[] {
  if (remote) return ['--remote'];
  return persistTo ? ['--local', '--persist-to', persistTo] : ['--local'];
}

/**
 * Applies the pending migrations and answers their file names, in order (none: the database was up to date).
 * wrangler's own output (the whole migrations table again after each file) is kept back unless it fails.
 */
export function applyMigrations(target: Target = {}): string[] {
  let out: string;
  try {
    out = wrangler(['d1', 'migrations', 'apply', 'DB', ...targetArgs(target)]);
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    process.stderr.write(`${stdout ?? ''}${stderr ?? ''}`);
    throw error;
  }
  return pendingMigrations(out);
}

/** The names in wrangler's "Migrations to be applied" table (the first table it prints). */
export function pendingMigrations(wranglerOutput: string): string[] {
  const start = wranglerOutput.indexOf('Migrations to be applied');
  if (start < 0) return [];
  const table = wranglerOutput.slice(start, wranglerOutput.indexOf('└', start));
  return [...table.matchAll(/│\s*(\S+\.sql)\s*│/g)].map((m) => m[1]!);
}

/** Executes the statements as one file (wrangler runs a file as a single batch). */
export function execute(statements: SqlStatement[], target: Target = {}): void {
  const file = join(mkdtempSync(join(tmpdir(), 'calflare-')), 'statements.sql');
  writeFileSync(file, statements.map((s) => `${inlineSql(s)};`).join('\n'));
  wrangler(['d1', 'execute', 'DB', ...targetArgs(target), '--file', file, '--yes']);
}

export function query<T>(statement: SqlStatement, target: Target = {}): T[] {
  const out = wrangler(['d1', 'execute', 'DB', ...targetArgs(target), '--json', '--command', inlineSql(statement)]);
  const parsed = JSON.parse(out) as { results: T[] }[];
  return parsed[0]?.results ?? [];
}

export function argValue(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

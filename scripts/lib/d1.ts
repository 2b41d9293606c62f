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

export function applyMigrations(remote: boolean): void {
  execFileSync('npx', ['wrangler', 'd1', 'migrations', 'apply', 'DB', remote ? '--remote' : '--local'], {
    env,
    stdio: 'inherit',
  });
}

/** Executes the statements as one file (wrangler runs a file as a single batch). */
export function execute(statements: SqlStatement[], remote: boolean): void {
  const file = join(mkdtempSync(join(tmpdir(), 'calflare-')), 'statements.sql');
  writeFileSync(file, statements.map((s) => `${inlineSql(s)};`).join('\n'));
  wrangler(['d1', 'execute', 'DB', remote ? '--remote' : '--local', '--file', file, '--yes']);
}

export function query<T>(statement: SqlStatement, remote: boolean): T[] {
  const out = wrangler(['d1', 'execute', 'DB', remote ? '--remote' : '--local', '--json', '--command', inlineSql(statement)]);
  const parsed = JSON.parse(out) as { results: T[] }[];
  return parsed[0]?.results ?? [];
}

export function argValue(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

// Redocly CLI's `lint` (its recommended rules, redocly.yaml at the repository root) on an OpenAPI document, run offline:
// no telemetry, no update check. Used by `npm run lint:openapi` and by the /docs end-to-end test on the served document.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface LintProblem {
  ruleId: string;
  severity: 'error' | 'warn';
  message: string;
  location: { pointer?: string }[];
}
export interface LintReport {
  totals: { errors: number; warnings: number; ignored: number };
  problems: LintProblem[];
}

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = join(dirname(createRequire(import.meta.url).resolve('@redocly/cli/package.json')), 'bin/cli.js');

/** Lints the document (as JSON text) and answers Redocly's own JSON report. */
export function lintOpenApi(json: string): LintReport {
  const dir = mkdtempSync(join(tmpdir(), 'calflare-openapi-lint-'));
  try {
    const file = join(dir, 'openapi.json');
    writeFileSync(file, json);
    const run = spawnSync(process.execPath, [CLI, 'lint', file, '--config', join(ROOT, 'redocly.yaml'), '--format=json'], {
      encoding: 'utf8',
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
      timeout: 120_000,
    });
    // Exit 1 only says problems were found; the report says which. Anything without a report is a broken run.
    const start = run.stdout.indexOf('{');
    if (start < 0) throw new Error(`redocly lint gave no report (exit ${run.status}):\n${run.stderr}`);
    return JSON.parse(run.stdout.slice(start)) as LintReport;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One line per problem, for a failing assertion or the terminal. */
export const describeProblems = (report: LintReport) =>
  report.problems.map((p) => `${p.severity} ${p.ruleId} ${p.location.map((l) => l.pointer ?? '').join(' ')}: ${p.message}`);

/**
 * The migrations folder matches src/db/schema.ts: `drizzle-kit generate` on a copy of it finds nothing to add (a schema
 * change without its migration fails here), and its snapshot chain is whole (two migrations written in parallel that
 * point at one parent make drizzle-kit refuse to generate at all). Run by .ci/run; offline, a few seconds.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

// drizzle-kit reads `out` relative to the working directory (an absolute path is not understood): a copy in .wrangler/.
const copy = join('.wrangler', `check-migrations-${process.pid}`);
const config = `drizzle.check-${process.pid}.config.ts`;

function problem(): string | null {
  cpSync('migrations', join(copy, 'migrations'), { recursive: true });
  writeFileSync(config, `export default { dialect: 'sqlite', schema: './src/db/schema.ts', out: ${JSON.stringify(`./${copy}/migrations`)} };\n`);
  let output: string;
  try {
    output = execFileSync('npx', ['drizzle-kit', 'generate', '--config', config, '--name', 'unexpected'], { encoding: 'utf8', stdio: 'pipe' });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    return `drizzle-kit generate failed on the migrations folder:\n${e.stdout ?? ''}${e.stderr ?? ''}`;
  }
  // drizzle-kit exits 0 on a broken snapshot chain: its output says so.
  if (/error|collision/i.test(output)) return `drizzle-kit generate failed on the migrations folder:\n${output}`;
  const extra = readdirSync(join(copy, 'migrations')).filter((f) => f.includes('unexpected'));
  if (extra.length > 0) return `src/db/schema.ts has changes no migration holds (drizzle-kit generated ${extra.join(', ')}); run npm run db:generate`;
  return null;
}

mkdirSync(copy, { recursive: true });
try {
  const found = problem();
  if (found) {
    console.error(found);
    process.exitCode = 1;
  } else console.log('migrations match src/db/schema.ts; the snapshot chain is whole');
} finally {
  rmSync(config, { force: true });
  rmSync(copy, { recursive: true, force: true });
}

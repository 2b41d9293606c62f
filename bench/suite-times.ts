// Where the suite's time goes, from vitest JSON reports (`npx vitest run --reporter=json --outputFile.json=FILE`):
// the run's wall time, the time inside test files, and the slowest files, with a second report's times beside them.
//
//   npx tsx bench/suite-times.ts AFTER.json [BEFORE.json] [--top 15]
//
// A file's time is vitest's (its first test's start to its last test's end): it leaves out the file's setup (a fresh
// workerd, the module graph, migrations), which is the gap between files.
import { readFileSync } from 'node:fs';

interface Report {
  startTime: number;
  numTotalTests: number;
  numFailedTests: number;
  testResults: { name: string; startTime: number; endTime: number; assertionResults: unknown[] }[];
}

const args = process.argv.slice(2);
const topAt = args.indexOf('--top');
const top = topAt >= 0 ? Number(args[topAt + 1]) : 15;
const [afterPath, beforePath] = args.filter((a, i) => !a.startsWith('--') && (topAt < 0 || i !== topAt + 1));
if (!afterPath) throw new Error('usage: npx tsx bench/suite-times.ts AFTER.json [BEFORE.json] [--top 15]');

const load = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Report;
const fileOf = (name: string) => name.replace(/^.*?\/test\//, 'test/');
const seconds = (ms: number) => (ms / 1000).toFixed(1);

function summary(report: Report) {
  const files = new Map(report.testResults.map((t) => [fileOf(t.name), t.endTime - t.startTime]));
  const end = Math.max(...report.testResults.map((t) => t.endTime));
  const inFiles = [...files.values()].reduce((a, b) => a + b, 0);
  return { files, wall: end - report.startTime, inFiles, tests: report.numTotalTests, failed: report.numFailedTests };
}

const after = summary(load(afterPath));
const before = beforePath ? summary(load(beforePath)) : undefined;

const line = (label: string, s: ReturnType<typeof summary>) =>
  `| ${label} | ${s.files.size} | ${s.tests} | ${s.failed} | ${seconds(s.wall)} | ${seconds(s.inFiles)} |`;
console.log('| report | files | tests | failed | wall s | inside files s |');
console.log('|---|---:|---:|---:|---:|---:|');
if (before) console.log(line('before', before));
console.log(line('after', after));
console.log();
console.log(before ? '| file | after s | before s |' : '| file | s |');
console.log(before ? '|---|---:|---:|' : '|---|---:|');
const slowest = [...after.files.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
for (const [file, ms] of slowest) {
  const was = before?.files.get(file);
  console.log(before ? `| ${file} | ${seconds(ms)} | ${was === undefined ? 'new' : seconds(was)} |` : `| ${file} | ${seconds(ms)} |`);
}
if (before) {
  // The files that were slowest before, wherever they are now.
  const gone = [...before.files.entries()].sort((a, b) => b[1] - a[1]).slice(0, top).filter(([file]) => !slowest.some(([f]) => f === file));
  for (const [file, ms] of gone) console.log(`| ${file} | ${after.files.has(file) ? seconds(after.files.get(file)!) : 'gone'} | ${seconds(ms)} |`);
}

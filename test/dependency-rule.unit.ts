// The dependency rule of docs/DESIGN.md ("Layout"), checked on the import lines of every file under src/: pages and
// routes -> services -> HostCalendar and repos -> pure rules -> lib and db; teams above bookings; delivery (webhooks,
// emails, invites) never imports booking rules; no import cycle (type-only imports count too).
/// <reference types="vite/client" />
import { describe, expect, it } from 'vitest';

const SOURCES = import.meta.glob(['../src/**/*.ts', '../src/**/*.tsx'], { query: '?raw', import: 'default', eager: true }) as Record<string, string>;

type Graph = Map<string, string[]>;

/** `src/...` path of a file, from the glob's `../src/...` key. */
const srcPath = (key: string) => key.replace(/^\.\.\//, '');

function resolve(from: string, spec: string, files: ReadonlySet<string>): string | undefined {
  const parts = from.split('/').slice(0, -1);
  for (const seg of spec.split('/')) {
    if (seg === '..') parts.pop();
    else if (seg !== '.') parts.push(seg);
  }
  const base = parts.join('/');
  return [base, `${base}.ts`, `${base}.tsx`, `${base}/index.ts`].find((p) => files.has(p));
}

/** Every relative import, export-from and dynamic import of each file, resolved to a file of the tree. */
function importGraph(sources: Record<string, string>): Graph {
  const files = new Set(Object.keys(sources));
  const graph: Graph = new Map();
  for (const [file, text] of Object.entries(sources)) {
    const deps = new Set<string>();
    for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'";]*?\bfrom\s+'(\.{1,2}\/[^']+)'|\bimport\(\s*'(\.{1,2}\/[^']+)'\s*\)/g)) {
      const target = resolve(file, (m[1] ?? m[2])!, files);
      if (target) deps.add(target);
    }
    graph.set(file, [...deps]);
  }
  return graph;
}

/** Files whose import cycles are allowed: src/env.ts names the Durable Object class for the bindings' types. */
const CYCLE_EXEMPT = new Set(['src/env.ts']);

/** Cycles as strongly connected components of more than one file (Tarjan). */
function importCycles(graph: Graph): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (CYCLE_EXEMPT.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) cycles.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!CYCLE_EXEMPT.has(v) && !index.has(v)) visit(v);
  return cycles;
}

/** `src/bookings/service.ts` -> `bookings`; top-level files (`src/app.ts`) -> their own name. */
const area = (file: string) => (file.split('/')[1] ?? file).replace(/\.tsx?$/, '');
const base = (file: string) => file.split('/').pop()!.replace(/\.tsx?$/, '');
const isRoutes = (file: string) => base(file) === 'routes';
const isRepo = (file: string) => base(file) === 'repo' || base(file).endsWith('-repo');
const isService = (file: string) => base(file) === 'service' || base(file).endsWith('-service');
const PAGES = new Set(['admin', 'booker', 'settings', 'web']);
const DELIVERY = new Set(['webhooks', 'notifications', 'invites']);
/** The entry files that assemble everything. */
const ENTRY = new Set(['src/index.ts', 'src/app.ts', 'src/env.ts']);

interface Rule {
  why: string;
  breaks: (from: string, to: string) => boolean;
}

const RULES: Rule[] = [
  { why: 'teams build on bookings, never the reverse', breaks: (f, t) => (area(f) === 'bookings' || area(f) === 'reservations') && area(t) === 'teams' },
  { why: 'the schema knows no feature', breaks: (f, t) => area(f) === 'db' && !['db', 'env'].includes(area(t)) },
  { why: 'src/lib imports no feature', breaks: (f, t) => area(f) === 'lib' && !['lib', 'db', 'env'].includes(area(t)) },
  { why: 'delivery (webhooks, emails, invites) receives what it sends and imports no booking rule', breaks: (f, t) => DELIVERY.has(area(f)) && area(t) === 'bookings' },
  { why: 'only the app mounts routes', breaks: (f, t) => isRoutes(t) && !ENTRY.has(f) && !(isRoutes(f) && area(f) === area(t)) },
  { why: 'pages are the top: nothing below imports them', breaks: (f, t) => PAGES.has(area(t)) && !PAGES.has(area(f)) && !ENTRY.has(f) },
  { why: 'the personal-or-team choice is used by routes and pages only', breaks: (f, t) => area(t) === 'dispatch' && area(f) !== 'dispatch' && !isRoutes(f) && !PAGES.has(area(f)) },
  { why: 'repos sit below services', breaks: (f, t) => isRepo(f) && (isService(t) || isRoutes(t)) },
];

function ruleBreaks(graph: Graph): string[] {
  const out: string[] = [];
  for (const [from, deps] of graph) {
    if (from === 'src/env.ts') continue;
    for (const to of deps) for (const rule of RULES) if (rule.breaks(from, to)) out.push(`${from} -> ${to}: ${rule.why}`);
  }
  return out;
}

const tree = Object.fromEntries(Object.entries(SOURCES).map(([key, text]) => [srcPath(key), text]));

describe('the dependency rule (docs/DESIGN.md, Layout)', () => {
  const graph = importGraph(tree);

  it('reads the whole tree', () => {
    expect(graph.size).toBeGreaterThan(150);
    expect(graph.get('src/bookings/service.ts')).toContain('src/bookings/repo.ts');
  });

  it('has no import cycle between files of src/ (type-only imports included)', () => {
    expect(importCycles(graph)).toEqual([]);
  });

  it('has no import that runs against the layers', () => {
    expect(ruleBreaks(graph)).toEqual([]);
  });

  it('fails when an import is turned round', () => {
    const turned = {
      ...tree,
      'src/bookings/service.ts': `${tree['src/bookings/service.ts']}\nimport { bookTeamEventType } from '../teams/booking';\n`,
      'src/webhooks/payload.ts': `import type { BookingJson } from '../bookings/repo';\n${tree['src/webhooks/payload.ts']}`,
      'src/db/schema.ts': `import type { BookingField } from '../event-types/booking-fields';\n${tree['src/db/schema.ts']}`,
      'src/lib/time.ts': `import { hostRowsOf } from '../teams/hosts';\n${tree['src/lib/time.ts']}`,
    };
    const breaks = ruleBreaks(importGraph(turned));
    expect(breaks).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^src\/bookings\/service\.ts -> src\/teams\/booking\.ts: teams build on bookings/),
        expect.stringMatching(/^src\/webhooks\/payload\.ts -> src\/bookings\/repo\.ts: delivery/),
        expect.stringMatching(/^src\/db\/schema\.ts -> src\/event-types\/booking-fields\.ts: the schema knows no feature/),
        expect.stringMatching(/^src\/lib\/time\.ts -> src\/teams\/hosts\.ts: src\/lib imports no feature/),
      ]),
    );
    // teams/booking.ts imports the stub; a type import back closes a cycle.
    const cyclic = { ...tree, 'src/bookings/stub.ts': `${tree['src/bookings/stub.ts']}\nimport type { TeamHost } from '../teams/booking';\n` };
    expect(importCycles(importGraph(cyclic)).flat()).toEqual(expect.arrayContaining(['src/bookings/stub.ts', 'src/teams/booking.ts']));
  });

  it('reads type-only, multi-line and dynamic imports', () => {
    const graph = importGraph({
      'src/a/x.ts': "import type {\n  A,\n  B,\n} from '../b/y';\nexport { c } from './z';\nconst m = await import('../b/w');\n",
      'src/b/y.ts': '',
      'src/a/z.ts': '',
      'src/b/w.ts': '',
    });
    expect(graph.get('src/a/x.ts')?.sort()).toEqual(['src/a/z.ts', 'src/b/w.ts', 'src/b/y.ts']);
  });
});

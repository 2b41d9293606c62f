// Test-only instruments on the D1 binding. The Worker, its HostCalendar objects and these tests share one isolate in
// vitest-pool-workers, so wrapping the binding's classes here sees every query the production code makes, without
// production code knowing: it counts round trips per request, records which session each statement ran on,
// and can make a replica "lag" (miss rows) or a query fail.
import { env } from 'cloudflare:workers';

export type SessionStart = 'first-primary' | 'first-unconstrained' | 'bookmark' | 'binding';

export interface RecordedStatement {
  sql: string;
  params: unknown[];
  session: SessionStart;
}

interface Probe {
  calls: number;
  statements: RecordedStatement[];
}

type AnyFn = (this: any, ...args: any[]) => any;

const sessionStarts = new WeakMap<object, SessionStart>();
let probe: Probe | null = null;
/** While set, reads matching it on a non-primary session find nothing, like a replica the write has not reached. */
let laggingReads: RegExp | null = null;
let failing: RegExp | null = null;

const startOf = (session: object | undefined): SessionStart => (session && sessionStarts.get(session)) ?? 'binding';
const onReplica = (start: SessionStart) => start === 'first-unconstrained' || start === 'bookmark';

function failIfAsked(sql: string) {
  if (failing?.test(sql)) {
    failing = null;
    throw new Error('D1_ERROR: injected failure for a test');
  }
}

let installed = false;

function install() {
  if (installed) return;
  installed = true;
  const database = Object.getPrototypeOf(env.DB) as Record<string, AnyFn>;
  const session = env.DB.withSession('first-primary');
  const sessionProto = Object.getPrototypeOf(session) as Record<string, AnyFn>;
  const statementProto = Object.getPrototypeOf(session.prepare('SELECT 1')) as Record<string, AnyFn>;

  const withSession = database.withSession!;
  database.withSession = function (this: unknown, constraintOrBookmark?: string) {
    const opened = withSession.call(this, constraintOrBookmark);
    const start: SessionStart =
      constraintOrBookmark === 'first-primary' || constraintOrBookmark === 'first-unconstrained' || constraintOrBookmark === undefined
        ? (constraintOrBookmark ?? 'first-unconstrained')
        : 'bookmark';
    sessionStarts.set(opened, start);
    return opened;
  };

  for (const method of ['first', 'all', 'run', 'raw']) {
    const original = statementProto[method]!;
    statementProto[method] = function (this: { dbSession: object; statement: string; params: unknown[] }, ...args: unknown[]) {
      const start = startOf(this.dbSession);
      if (probe) {
        probe.calls += 1;
        probe.statements.push({ sql: this.statement, params: this.params, session: start });
      }
      failIfAsked(this.statement);
      if (laggingReads?.test(this.statement) && onReplica(start)) {
        const Statement = this.constructor as new (session: object, sql: string, params: unknown[]) => object;
        return original.apply(new Statement(this.dbSession, `SELECT * FROM (${this.statement}) WHERE 0`, this.params), args);
      }
      return original.apply(this, args);
    };
  }

  const batch = sessionProto.batch!;
  sessionProto.batch = function (this: object, statements: { statement: string; params: unknown[] }[]) {
    const start = startOf(this);
    if (probe) {
      probe.calls += 1;
      for (const s of statements) probe.statements.push({ sql: s.statement, params: s.params, session: start });
    }
    for (const s of statements) failIfAsked(s.statement);
    return batch.call(this, statements);
  };
}

/** D1 round trips (a statement or a batch each) made while `run` runs, and every statement with its session. */
export async function measureD1<T>(run: () => Promise<T>): Promise<{ result: T; calls: number; statements: RecordedStatement[] }> {
  install();
  const current: Probe = { calls: 0, statements: [] };
  probe = current;
  try {
    const result = await run();
    return { result, calls: current.calls, statements: current.statements };
  } finally {
    probe = null;
  }
}

/** Runs `run` while reads of SQL matching `pattern` miss on every replica session (the primary still has the rows). */
export async function withLaggingReplica<T>(pattern: RegExp, run: () => Promise<T>): Promise<T> {
  install();
  laggingReads = pattern;
  try {
    return await run();
  } finally {
    laggingReads = null;
  }
}

/** The next statement whose SQL matches `pattern` throws, as a D1 outage or a bug would. */
export function failNextD1(pattern: RegExp): void {
  install();
  failing = pattern;
}

export function clearD1Failure(): void {
  failing = null;
}

// D1 read replication through the Sessions API. Each request (and each call into a HostCalendar object) opens one
// session: reads that may be a moment stale start on the nearest replica (`first-unconstrained`), writes start on
// the primary (`first-primary`), and a bookmark the client sends back starts the session at least that fresh, so a
// client always reads its own writes. Every query is counted and timed for the Server-Timing header.
import { getDb, type D1Queryable, type Db } from './client';

export const BOOKMARK_HEADER = 'x-d1-bookmark';
/** The pages cannot send a header on a link click, so they carry the bookmark in this cookie. */
export const BOOKMARK_COOKIE = 'd1_bookmark';

/**
 * A D1 bookmark is four dash-separated hex fields (`00000085-0000024c-00004c6d-8e61117bf38d7adb71b934ebbf891683`).
 * Local D1 accepts any string as a bookmark; production D1 fails the query on garbage, so anything else is dropped.
 */
const BOOKMARK = /^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{32}$/;

export function validBookmark(value: string | undefined | null): string | null {
  const trimmed = value?.trim().toLowerCase();
  return trimmed && BOOKMARK.test(trimmed) ? trimmed : null;
}

/** The fixed-width hex fields sort like the commits they name: the larger string is the newer bookmark. */
export function newerBookmark(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return a >= b ? a : b;
}

export type SessionStart = 'first-primary' | 'first-unconstrained' | { bookmark: string };

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Reads may start on a replica (no older than the client's bookmark); anything that may write starts on the primary. */
export function sessionStartFor(method: string, bookmark: string | null): SessionStart {
  if (!READ_METHODS.has(method.toUpperCase())) return 'first-primary';
  return bookmark ? { bookmark } : 'first-unconstrained';
}

/** What a HostCalendar call spent on D1, and the bookmark of its writes, sent back with its result. */
export interface D1Report {
  calls: number;
  ms: number;
  bookmark: string | null;
}

/** One call into a Durable Object: the whole hop as the Worker saw it, and the object's own D1 work. */
export interface ObjectCall {
  ms: number;
  d1: D1Report;
}

/** D1 round trips and the time spent waiting for them. */
export class D1Meter {
  calls = 0;
  ms = 0;

  async time<T>(run: () => Promise<T>): Promise<T> {
    const started = performance.now();
    this.calls += 1;
    try {
      return await run();
    } finally {
      this.ms += performance.now() - started;
    }
  }
}

const EXECUTES = new Set<PropertyKey>(['first', 'all', 'run', 'raw']);

/** The statement with each execution counted; `bind` keeps the counting. */
function meteredStatement(statement: D1PreparedStatement, meter: D1Meter): D1PreparedStatement {
  return new Proxy(statement, {
    get(target, prop, receiver) {
      if (prop === 'bind') return (...values: unknown[]) => meteredStatement(target.bind(...values), meter);
      const value: unknown = Reflect.get(target, prop, receiver);
      if (EXECUTES.has(prop) && typeof value === 'function') {
        return (...args: unknown[]) => meter.time(() => value.apply(target, args));
      }
      return value;
    },
  });
}

/** Prepare and batch through `session`, each execution one counted round trip. */
function meteredClient(session: D1Queryable, meter: D1Meter): D1Queryable {
  return {
    prepare: (sql) => meteredStatement(session.prepare(sql), meter),
    // A batch reads only each statement's SQL and parameters, so statements prepared elsewhere run on this session.
    batch: (statements) => meter.time(() => session.batch(statements)),
  };
}

/**
 * The database side of one request (or one HostCalendar call): its session, a lazily opened primary session for
 * the rare read that must not miss, the bookmark to hand back, and the meter behind Server-Timing.
 */
export class RequestDb {
  readonly meter = new D1Meter();
  readonly db: Db;
  readonly startsOnPrimary: boolean;
  private readonly session: D1DatabaseSession;
  private primarySession: D1DatabaseSession | null = null;
  private primaryDb: Db | null = null;
  /** Calls this request made into HostCalendar objects; their bookmarks count as seen. */
  readonly objectCalls: ObjectCall[] = [];

  constructor(
    private readonly binding: D1Database,
    start: SessionStart,
    private readonly incomingBookmark: string | null = null,
  ) {
    this.startsOnPrimary = start === 'first-primary';
    this.session = binding.withSession(typeof start === 'string' ? start : start.bookmark);
    this.db = getDb(meteredClient(this.session, this.meter));
  }

  /** A handle on the primary, for a read that found nothing on a replica but must not miss a fresh write. */
  onPrimary(): Db {
    if (this.startsOnPrimary) return this.db;
    if (!this.primaryDb) {
      this.primarySession = this.binding.withSession('first-primary');
      this.primaryDb = getDb(meteredClient(this.primarySession, this.meter));
    }
    return this.primaryDb;
  }

  /** Times a call into a HostCalendar object and keeps what it reports. */
  async callObject<T extends { d1: D1Report }>(call: () => Promise<T>): Promise<T> {
    const started = performance.now();
    const reply = await call();
    this.objectCalls.push({ ms: performance.now() - started, d1: reply.d1 });
    return reply;
  }

  /** The newest state this request has seen: what the client sends back to read its own writes next time. */
  bookmark(): string | null {
    let seen = newerBookmark(validBookmark(this.session.getBookmark()), validBookmark(this.primarySession?.getBookmark()));
    for (const call of this.objectCalls) seen = newerBookmark(seen, validBookmark(call.d1.bookmark));
    return newerBookmark(seen, this.incomingBookmark);
  }

  report(): D1Report {
    return { calls: this.meter.calls, ms: this.meter.ms, bookmark: this.bookmark() };
  }
}

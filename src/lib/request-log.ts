// One structured JSON line per request (Workers Logs indexes its fields), an x-request-id on every response, and
// Server-Timing. What is logged is chosen field by field: never a URL query, header, body or SQL parameter, which
// is where tokens, passwords and webhook secrets travel.
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { matchedRoutes } from 'hono/route';
import type { AppEnv } from '../env';
import { serverTiming, totalD1Calls } from './server-timing';

export const REQUEST_ID_HEADER = 'x-request-id';

/** An incoming id is kept when it looks like an id (a proxy's or a client's), so logs can be joined across systems. */
const SANE_REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

export function requestIdFrom(incoming: string | undefined): string {
  return incoming && SANE_REQUEST_ID.test(incoming) ? incoming : crypto.randomUUID();
}

/**
 * The route pattern that answered (`/v2/bookings/:uid`), never the concrete path with its ids and query. Read after
 * the request: `routeIndex` is the last handler that ran. Later routes the path also matches (the booker's
 * `/:username` matches `/health`) never ran, so they are not it. When a middleware answered (a 401), the route it
 * guarded is the next handler in line; with none, the path matched no route.
 */
function routePattern(c: Context): string {
  const routes = matchedRoutes(c);
  const handler = routes.find((route, i) => i >= c.req.routeIndex && route.method !== 'ALL');
  return handler?.path ?? 'unmatched';
}

export const observe = createMiddleware<AppEnv>(async (c, next) => {
  const started = performance.now();
  const requestId = requestIdFrom(c.req.header(REQUEST_ID_HEADER));
  c.set('requestId', requestId);
  await next();
  const d1 = c.get('d1');
  const cost = {
    d1Calls: d1?.meter.calls ?? 0,
    d1Ms: d1?.meter.ms ?? 0,
    objectCalls: d1?.objectCalls ?? [],
    totalMs: performance.now() - started,
  };
  c.res.headers.set(REQUEST_ID_HEADER, requestId);
  c.res.headers.set('Server-Timing', serverTiming(cost));
  console.log(
    JSON.stringify({
      level: 'info',
      msg: 'request',
      request_id: requestId,
      method: c.req.method,
      route: routePattern(c),
      status: c.res.status,
      duration_ms: Math.round(cost.totalMs * 10) / 10,
      d1_calls: totalD1Calls(cost),
      d1_worker_calls: cost.d1Calls,
      do_calls: cost.objectCalls.length,
    }),
  );
});

/**
 * Message and stack of an unexpected error, safe to log: drizzle's query errors put the SQL parameters (password
 * hashes, webhook secrets) into their message, so those keep only the SQL and the database's own message.
 */
export function loggableError(err: unknown): { error: string; cause?: string; stack: string[] } {
  if (!(err instanceof Error)) return { error: typeof err, stack: [] };
  const frames = (err.stack ?? '').split('\n').filter((line) => line.trimStart().startsWith('at '));
  const query = (err as { query?: unknown }).query;
  if (typeof query === 'string' && err.message.startsWith('Failed query:')) {
    return { error: `Failed query: ${query}`, cause: err.cause instanceof Error ? err.cause.message : undefined, stack: frames };
  }
  return { error: `${err.name}: ${err.message}`, stack: frames };
}

export function logUnexpectedError(c: { get(key: 'requestId'): string }, err: unknown): void {
  console.error(JSON.stringify({ level: 'error', msg: 'unhandled error', request_id: c.get('requestId'), ...loggableError(err) }));
}

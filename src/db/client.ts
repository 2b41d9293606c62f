import { drizzle, type DrizzleD1Database } from 'drizzle-orm/d1';
import * as schema from './schema';

/** What every query needs from D1: the binding itself or one of its sessions (`DB.withSession(...)`). */
export type D1Queryable = Pick<D1Database, 'prepare' | 'batch'>;

/** The drizzle handle; `$client` is the binding or session underneath, for the few raw batches. */
export type Db = DrizzleD1Database<typeof schema> & { $client: D1Queryable };

export function getDb(d1: D1Queryable): Db {
  // drizzle-orm 0.45 types `drizzle()` to take a whole D1Database, but at run time it only calls `prepare` and `batch`,
  // which a D1DatabaseSession has too. The one cast in the codebase; drop it when drizzle accepts sessions
  // (https://github.com/drizzle-team/drizzle-orm/issues/4522, PR #4776).
  return drizzle(d1 as D1Database, { schema });
}

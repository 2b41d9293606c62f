// Housekeeping deletes in bounded batches: D1 has one writer, so no purge may hold it for long or read a huge table in
// one statement. Each batch picks at most `limit` rows through an index (`WHERE id IN (SELECT id ... LIMIT ?)`); a
// backlog, such as the first run after retention is turned on, drains over a few cron runs instead of in one.
import type { D1Queryable } from './client';

export const PURGE_BATCH_ROWS = 500;
/** Per purge and cron run: 10 × 500 rows a minute is over 7 million a day, far above any table's growth. */
export const PURGE_MAX_BATCHES = 10;

/** A statement that changes at most `limit` rows, with the rows it changed. */
export type PurgeBatch = (limit: number) => Promise<number>;

/** Runs `batch` until one changes fewer rows than a batch holds or the run's budget is spent; the rows changed. */
export async function inBatches(batch: PurgeBatch, rows = PURGE_BATCH_ROWS, maxBatches = PURGE_MAX_BATCHES): Promise<number> {
  let total = 0;
  for (let i = 0; i < maxBatches; i++) {
    const changed = await batch(rows);
    total += changed;
    if (changed < rows) break;
  }
  return total;
}

/** One batch of a purge statement whose last bind is the LIMIT. */
export async function runBatch(d1: D1Queryable, sql: string, params: unknown[], limit: number): Promise<number> {
  const { meta } = await d1.prepare(sql).bind(...params, limit).run();
  return meta.changes;
}

import { fromBase64Url, toBase64Url } from './encoding';
import { ApiError } from './errors';

// Cursors are opaque to clients: base64url of a small JSON value (the sort key of the last row returned).
export function encodeCursor(value: unknown): string {
  return toBase64Url(new TextEncoder().encode(JSON.stringify(value)));
}

export function decodeCursor<T>(cursor: string, isValid: (v: unknown) => v is T): T {
  try {
    const value: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(fromBase64Url(cursor)));
    if (isValid(value)) return value;
  } catch {
    // fall through to the error below
  }
  throw new ApiError('validation_failed', 'Invalid cursor', [{ path: 'cursor', message: 'Invalid cursor' }]);
}

/** Rows fetched with limit + 1: the extra row only tells whether another page exists. */
export function page<T, K>(rows: T[], limit: number, keyOf: (row: T) => K) {
  const data = rows.slice(0, limit);
  const last = data[data.length - 1];
  return { data, next_cursor: rows.length > limit && last !== undefined ? encodeCursor(keyOf(last)) : null };
}

export const isPositiveInt = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) > 0;

/** The paging part of a list query (`limit` already defaulted and bounded by `pageQuery`). */
export interface PageQuery {
  limit: number;
  cursor?: string | undefined;
}

/**
 * One page of a list, DESIGN "Responses": `load` reads up to `take` rows (limit + 1) from just past `after`, the sort
 * key of the previous page's last row (undefined on the first page). A cursor that is not such a key is a 400.
 */
export async function listPage<T, K>(
  query: PageQuery,
  isKey: (v: unknown) => v is K,
  load: (after: K | undefined, take: number) => Promise<T[]>,
  keyOf: (row: T) => K,
) {
  const after = query.cursor ? decodeCursor(query.cursor, isKey) : undefined;
  return page(await load(after, query.limit + 1), query.limit, keyOf);
}

/** listPage for the lists ordered by id. */
export function pageById<T extends { id: number }>(query: PageQuery, load: (afterId: number | undefined, take: number) => Promise<T[]>) {
  return listPage(query, isPositiveInt, load, (row) => row.id);
}

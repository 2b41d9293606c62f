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

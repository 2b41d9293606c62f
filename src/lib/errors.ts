import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export type ErrorCode =
  | 'validation_failed'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'slot_unavailable'
  | 'too_many_holds'
  | 'too_many_bookings'
  | 'payload_too_large'
  | 'idempotency_key_reused'
  | 'unsupported_media_type'
  | 'rate_limited'
  | 'internal';

const STATUS: Record<ErrorCode, ContentfulStatusCode> = {
  validation_failed: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  slot_unavailable: 409,
  too_many_holds: 409,
  too_many_bookings: 409,
  payload_too_large: 413,
  idempotency_key_reused: 422,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal: 500,
};

export interface ErrorIssue {
  path: string;
  message: string;
}

export interface ErrorBody {
  error: { code: ErrorCode; message: string; issues?: ErrorIssue[]; request_id?: string };
}

/** A domain failure that any layer may throw; app.onError turns it into the JSON error shape. */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly issues?: ErrorIssue[],
    /** Extra response headers, e.g. Retry-After on a 429. */
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }

  get status(): ContentfulStatusCode {
    return STATUS[this.code];
  }
}

export const notFound = (what: string) => new ApiError('not_found', `${what} not found`);

/**
 * What a lookup found, or a 404 naming `what`. With an owner-scoped lookup (`ownedBy`) someone else's row is not
 * found either, so the answer never confirms that it exists.
 */
export async function foundOr404<T>(what: string, lookup: Promise<T | null | undefined>): Promise<T> {
  const found = await lookup;
  if (found === null || found === undefined) throw notFound(what);
  return found;
}

export function errorBody(code: ErrorCode, message: string, issues?: ErrorIssue[]): ErrorBody {
  return { error: issues ? { code, message, issues } : { code, message } };
}

export function errorResponse(c: Context, code: ErrorCode, message: string, issues?: ErrorIssue[]) {
  return c.json(errorBody(code, message, issues), STATUS[code]);
}

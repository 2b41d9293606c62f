// Shapes that belong to no single resource: the error body and the list envelope. Like the resources' response
// schemas, they are zod, so the document and the contract tests share them.
import { z } from 'zod';
import { ApiError, type ErrorCode } from '../lib/errors';

export const ERROR_CODES = [
  'validation_failed',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'slot_unavailable',
  'too_many_holds',
  'too_many_bookings',
  'payload_too_large',
  'unsupported_media_type',
  'idempotency_key_reused',
  'rate_limited',
  'internal',
] as const satisfies readonly ErrorCode[];

// Fails to compile when errors.ts gains a code this list does not name.
type Unlisted = Exclude<ErrorCode, (typeof ERROR_CODES)[number]>;
const everyCodeListed: [Unlisted] extends [never] ? true : Unlisted = true;
void everyCodeListed;

/** The HTTP status of an error code, asked of ApiError itself so the two cannot disagree. */
export const statusOf = (code: ErrorCode): number => new ApiError(code, '').status;

export const errorSchema = z.strictObject({
  error: z.strictObject({
    code: z.enum(ERROR_CODES),
    message: z.string(),
    issues: z
      .array(z.strictObject({ path: z.string().describe('Dotted path of the offending field, e.g. attendee.email'), message: z.string() }))
      .optional()
      .describe('Only for validation_failed: one entry per problem'),
    request_id: z.string().optional().describe('Only for internal (500): the x-request-id of the failed request, as in its log line'),
  }),
});

/** Every list answers `{data, next_cursor}`; pass next_cursor back as `cursor` for the next page. */
export function listEnvelope<T extends z.ZodType>(item: T) {
  return z.strictObject({
    data: z.array(item),
    next_cursor: z.string().nullable().describe('Opaque; null on the last page'),
  });
}

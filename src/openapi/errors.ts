// The error responses every route shares: one component per error code with its generic meaning, and the errors a
// route answers (its own, plus those that follow from its shape), grouped by status.
import type { ErrorCode } from '../lib/errors';
import { statusOf } from './schemas';
import type { OpenApiOperation, OpenApiResponse, Operation } from './types';

const COMPONENT_PREFIX = '#/components/schemas/';
const RESPONSE_PREFIX = '#/components/responses/';

/** The per-IP write limit's 429 (src/lib/rate-limit.ts), as the booking and reservation writes answer it. */
export const RATE_LIMITED_PER_IP = 'Too many requests from this client IP within a minute; the Retry-After header says when to try again';

/** sameOriginCookieWrites (src/auth/middleware.ts) refuses this on every write, whatever the route. */
const CROSS_ORIGIN_COOKIE_WRITE =
  'A write the `session` cookie authenticated came from another site (`Origin` or `Sec-Fetch-Site`); send the token as `Authorization: Bearer` instead';

/**
 * Generic meaning of each error code; a route's own `errors` say more where it matters. Where one cause applies to
 * many routes (the cross-origin cookie write, the per-IP write limit), it is the generic meaning, so those routes
 * share one response component.
 */
const ERROR_MEANINGS: Record<ErrorCode, string> = {
  validation_failed: 'The request failed validation (also malformed JSON and unknown fields); `issues` lists each problem',
  unauthorized: 'No valid session token (`Authorization: Bearer` or the `session` cookie)',
  forbidden: CROSS_ORIGIN_COOKIE_WRITE,
  not_found: 'Not found, or not yours (someone else’s resource looks missing)',
  conflict: 'The request clashes with the current state; the message says how',
  slot_unavailable: 'The time is not an offered slot; the message says why',
  too_many_holds: 'This client (IP) or signed-in holder already has the most live slot reservations allowed with this host',
  too_many_bookings: 'This attendee email already has the most future bookings allowed with this host',
  booker_limit_reached: "This attendee email already has the event type's max_active_bookings_per_booker future bookings of it",
  payload_too_large: 'The request body exceeds the size limit',
  unsupported_media_type: 'A request body that is not JSON (send `Content-Type: application/json`)',
  idempotency_key_reused: 'The Idempotency-Key was already used with a different request',
  rate_limited: RATE_LIMITED_PER_IP,
  internal: 'Unexpected server error (no details are exposed)',
};

/** The route's own errors plus those that follow from its shape, as code -> when. */
export function errorsOf(op: Operation): Map<ErrorCode, string> {
  const errors = new Map<ErrorCode, string>();
  const add = (code: ErrorCode, when = ERROR_MEANINGS[code]) => {
    if (!errors.has(code)) errors.set(code, when);
  };
  for (const [code, when] of Object.entries(op.errors ?? {})) add(code as ErrorCode, when);
  if (op.body || op.query || op.headers) add('validation_failed');
  if (op.auth === 'session' || op.auth === 'super_admin') add('unauthorized');
  if (op.auth === 'super_admin') add('forbidden', 'Signed in, but not a super admin');
  if (op.params) add('not_found');
  // Every write passes the cookie-origin check, also where the route has its own reason for a 403.
  if (op.method !== 'get') {
    const own = errors.get('forbidden');
    errors.set('forbidden', own ? `${own}; or ${CROSS_ORIGIN_COOKIE_WRITE.replace(/^A /, 'a ')}` : CROSS_ORIGIN_COOKIE_WRITE);
  }
  // The body checks in app.ts run on every /v2 request, also where the route reads no body (a GET sent with one).
  add('payload_too_large');
  add('unsupported_media_type');
  add('internal');
  return errors;
}

function errorResponse(entries: [ErrorCode, string][]): OpenApiResponse {
  return {
    description: entries.map(([code, when]) => `\`${code}\`: ${when}`).join('. '),
    content: {
      'application/json': {
        schema: { $ref: `${COMPONENT_PREFIX}Error` },
        examples: Object.fromEntries(entries.map(([code, when]) => [code, { value: { error: { code, message: when } } }])),
      },
    },
  };
}

/**
 * One shared response per error code with its generic meaning; routes refer to it unless they say more. The document
 * keeps only those some route refers to (see `usedResponses`).
 */
export const ERROR_RESPONSES = Object.fromEntries(
  (Object.keys(ERROR_MEANINGS) as ErrorCode[]).map((code) => [code, errorResponse([[code, ERROR_MEANINGS[code]]])]),
);

export function errorResponses(op: Operation): Record<string, OpenApiResponse | { $ref: string }> {
  const byStatus = new Map<number, [ErrorCode, string][]>();
  for (const [code, when] of errorsOf(op)) {
    const status = statusOf(code);
    byStatus.set(status, [...(byStatus.get(status) ?? []), [code, when]]);
  }
  const responses: Record<string, OpenApiResponse | { $ref: string }> = {};
  for (const [status, entries] of [...byStatus].sort(([a], [b]) => a - b)) {
    const [only] = entries;
    const generic = entries.length === 1 && only && only[1] === ERROR_MEANINGS[only[0]];
    responses[String(status)] = generic ? { $ref: RESPONSE_PREFIX + only[0] } : errorResponse(entries);
  }
  return responses;
}


/** The shared error responses the operations refer to: a component nobody uses is noise (and a lint warning). */
export function usedResponses(operations: OpenApiOperation[]): Record<string, OpenApiResponse> {
  const used = new Set(
    operations.flatMap((op) => Object.values(op.responses).flatMap((r) => ('$ref' in r ? [r.$ref.slice(RESPONSE_PREFIX.length)] : []))),
  );
  return Object.fromEntries(Object.entries(ERROR_RESPONSES).filter(([code]) => used.has(code)));
}

// Shapes that belong to no single resource: the error body, the list envelope, the login answer and the webhook
// envelopes. Like the resources' response schemas, they are zod, so the document and the contract tests share them.
import { z } from 'zod';
import { bookingFieldAnswerSchema } from '../event-types/booking-fields';
import { BOOKING_STATUSES, WEBHOOK_TRIGGERS, type WebhookTrigger } from '../db/schema';
import { ApiError, type ErrorCode } from '../lib/errors';
import { userResponse } from '../users/schemas';

export const ERROR_CODES = [
  'validation_failed',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'slot_unavailable',
  'too_many_holds',
  'too_many_bookings',
  'booker_limit_reached',
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

// Here rather than in auth/schemas.ts: users/schemas.ts imports auth/schemas.ts, so the reverse import would be a cycle.
export const loginResponse = z.strictObject({
  token: z.string().describe('Send as `Authorization: Bearer <token>`; also set as the `session` cookie'),
  expires_at: z.iso.datetime(),
  user: userResponse,
});

// Webhook bodies, as src/webhooks/payload.ts builds them (Cal.com's envelope). Strict, so a payload field added
// there but not here fails the envelope tests.

const calPerson = { name: z.string(), email: z.string(), timeZone: z.string() };
const organizer = z.strictObject({ id: z.number().int().positive(), ...calPerson });
const attendees = z.array(z.strictObject(calPerson));
const answer = z.strictObject({ label: z.string(), value: z.string().optional().describe('Absent when nothing was answered') });

const bookingPayload = z.strictObject({
  type: z.string().nullable().describe("The event type's slug"),
  title: z.string(),
  description: z.string().nullable(),
  additionalNotes: z.string(),
  startTime: z.iso.datetime(),
  endTime: z.iso.datetime(),
  organizer,
  attendees,
  responses: z
    .strictObject({ name: answer, email: answer, notes: answer })
    .catchall(z.strictObject({ label: z.string().describe("The question's label"), value: bookingFieldAnswerSchema }))
    .describe("Cal.com's form answers: the built-ins, then each answered booking question (and guests) by its field name"),
  location: z.string().nullable().describe("The link, address or number; else Cal.com's identifier of the location type"),
  uid: z.string(),
  bookingId: z.number().int().positive().nullable().describe('The booking id (filled in when the delivery is written)'),
  eventTypeId: z.number().int().positive().nullable(),
  length: z.number().int().describe('Minutes'),
  status: z.enum(BOOKING_STATUSES.map((s) => s.toUpperCase()) as [string, ...string[]]),
  metadata: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
});

/** What each trigger adds to the common booking payload. */
const triggerExtras: Record<WebhookTrigger, z.ZodRawShape> = {
  BOOKING_CREATED: {},
  BOOKING_REQUESTED: {},
  BOOKING_CONFIRMED: {},
  BOOKING_RESCHEDULED: {
    rescheduleUid: z.string().describe('The same uid: a reschedule keeps it'),
    rescheduleStartTime: z.iso.datetime().describe('Start before the reschedule'),
    rescheduleEndTime: z.iso.datetime().describe('End before the reschedule'),
  },
  BOOKING_CANCELLED: { cancellationReason: z.string().nullable() },
  BOOKING_REJECTED: { rejectionReason: z.string().nullable() },
};

export const WEBHOOK_TRIGGER_SUMMARIES: Record<WebhookTrigger | 'PING', string> = {
  BOOKING_CREATED: 'A booking was made (no confirmation needed)',
  BOOKING_REQUESTED: 'A booking was requested and awaits the host’s confirmation',
  BOOKING_CONFIRMED: 'The host confirmed a requested booking',
  BOOKING_REJECTED: 'The host declined a requested booking',
  BOOKING_RESCHEDULED: 'A booking moved to another time',
  BOOKING_CANCELLED: 'A booking was cancelled',
  PING: 'A test delivery sent by POST /v2/webhooks/{id}/ping',
};

const envelopeOf = (trigger: WebhookTrigger) =>
  z.strictObject({
    triggerEvent: z.literal(trigger),
    createdAt: z.iso.datetime(),
    payload: bookingPayload.extend(triggerExtras[trigger]),
  });

export const bookingEnvelopeSchemas = Object.fromEntries(WEBHOOK_TRIGGERS.map((t) => [t, envelopeOf(t)])) as Record<
  WebhookTrigger,
  ReturnType<typeof envelopeOf>
>;

export const pingEnvelopeSchema = z.strictObject({
  triggerEvent: z.literal('PING'),
  createdAt: z.iso.datetime(),
  payload: z.strictObject({
    type: z.literal('Test'),
    title: z.string(),
    startTime: z.iso.datetime(),
    endTime: z.iso.datetime(),
    organizer,
    attendees,
  }),
});

/** Headers of every delivery (src/webhooks/signing.ts `deliveryHeaders`). */
export const WEBHOOK_HEADERS = {
  'X-Cal-Signature-256': {
    description: 'Lowercase hex HMAC-SHA256 of the exact body bytes, keyed with the webhook secret',
    schema: z.string().regex(/^[0-9a-f]{64}$/),
  },
  'webhook-id': {
    description: 'The delivery’s event id: the same on every retry, so receivers can drop duplicates',
    schema: z.string(),
  },
  'webhook-timestamp': {
    description: 'Unix seconds of this attempt; reject old ones to limit replays',
    schema: z.string().regex(/^\d+$/),
  },
  'webhook-signature': {
    description:
      'Standard Webhooks signature: `v1,` and the base64 HMAC-SHA256 of `{webhook-id}.{webhook-timestamp}.{body}`, keyed with ' +
      'the secret as `signing_secret_standard` gives it; verify with any Standard Webhooks library',
    schema: z.string().regex(/^v1,[A-Za-z0-9+/]+={0,2}$/),
  },
} as const;

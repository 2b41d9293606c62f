import { z } from 'zod';
import { DELIVERY_STATUSES, SUBSCRIBABLE_TRIGGERS } from '../db/schema';
import { pageQuery } from '../lib/validation';

// The URL's host and scheme rules depend on a var (WEBHOOK_ALLOW_PRIVATE_URLS), so the route checks them with
// url-guard.ts after this shape check.
const fields = {
  subscriber_url: z.string().trim().min(1).max(2048),
  event_triggers: z
    .array(z.enum(SUBSCRIBABLE_TRIGGERS).describe('A booking change, or MEETING_REMINDER: a reminder workflow step of action `webhook` is due'))
    .min(1, 'At least one trigger is required')
    .refine((triggers) => new Set(triggers).size === triggers.length, { message: 'Triggers must be unique' }),
  active: z.boolean(),
  secret: z.string().min(16).max(256),
};

export const createWebhookBody = z.strictObject({
  ...fields,
  active: fields.active.default(true),
  /** Without one, a `whsec_` secret is generated and shown once, in the create response. */
  secret: fields.secret.optional(),
});

export const updateWebhookBody = z
  .strictObject(fields)
  .partial()
  .refine((body) => Object.keys(body).length > 0, { message: 'Nothing to update' });

export const listWebhooksQuery = z.strictObject(pageQuery);

export const listDeliveriesQuery = z.strictObject({
  ...pageQuery,
  status: z.enum(DELIVERY_STATUSES).optional(),
});

// Response shapes (what `webhookJson` and `deliveryJson` answer), for the OpenAPI document and its contract tests.
// Strict, so a field added to a serializer but not here fails those tests instead of going undocumented.
export const webhookResponse = z.strictObject({
  id: z.number().int().positive(),
  owner_id: z.number().int().positive(),
  subscriber_url: z.string(),
  event_triggers: z.array(z.enum(SUBSCRIBABLE_TRIGGERS)),
  active: z.boolean(),
  created_at: z.iso.datetime(),
  updated_at: z.iso.datetime(),
});

const signingSecretStandard = z
  .string()
  .regex(/^whsec_[A-Za-z0-9+/]+={0,2}$/)
  .describe(
    'The secret in the form Standard Webhooks libraries take (`new Webhook(signing_secret_standard).verify(...)` checks the ' +
      '`webhook-signature` header). The same string as the secret when that is already a `whsec_` base64 key; shown only here',
  );

/** The secret is write-only; a generated one appears in the create response only, once. */
export const webhookCreatedResponse = webhookResponse.extend({
  secret: z.string().optional().describe('Present only when the server generated the secret; shown this once'),
  signing_secret_standard: signingSecretStandard,
});

/** An update that set a new secret answers its Standard Webhooks form, this once. */
export const webhookUpdatedResponse = webhookResponse.extend({
  signing_secret_standard: signingSecretStandard.optional(),
});

export const deliveryResponse = z.strictObject({
  id: z.number().int().positive(),
  webhook_id: z.number().int().positive(),
  event_id: z.string().describe('Sent as the webhook-id header; the same on every retry'),
  trigger_event: z.string(),
  status: z.enum(DELIVERY_STATUSES),
  attempts: z.number().int().min(0),
  last_status_code: z.number().int().nullable(),
  last_error: z.string().nullable(),
  last_duration_ms: z.number().int().nullable(),
  next_attempt_at: z.iso.datetime().nullable(),
  delivered_at: z.iso.datetime().nullable(),
  created_at: z.iso.datetime(),
  attempt_log: z.array(
    z.strictObject({
      attempt: z.number().int().positive(),
      at: z.iso.datetime(),
      status_code: z.number().int().nullable(),
      duration_ms: z.number().int(),
      error: z.string().nullable(),
      next_attempt_at: z.iso.datetime().nullable(),
    }),
  ),
});

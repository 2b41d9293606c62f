// The OpenAPI description of the webhook routes (src/webhooks/routes.ts), and what the document's webhooks section
// says about each delivery (its bodies are src/webhooks/envelopes.ts).
import { z } from 'zod';
import type { SubscribableTrigger } from '../db/schema';
import { idParam } from '../lib/validation';
import { listEnvelope } from '../openapi/schemas';
import type { ResourceDocs } from '../openapi/types';
import {
  createWebhookBody,
  deliveryResponse,
  listDeliveriesQuery,
  listWebhooksQuery,
  updateWebhookBody,
  webhookCreatedResponse,
  webhookResponse,
  webhookUpdatedResponse,
} from './schemas';

export const WEBHOOK_TRIGGER_SUMMARIES: Record<SubscribableTrigger | 'PING', string> = {
  BOOKING_CREATED: 'A booking was made (no confirmation needed)',
  BOOKING_REQUESTED: 'A booking was requested and awaits the host’s confirmation',
  BOOKING_CONFIRMED: 'The host confirmed a requested booking',
  BOOKING_REJECTED: 'The host declined a requested booking',
  BOOKING_RESCHEDULED: 'A booking moved to another time',
  BOOKING_CANCELLED: 'A booking was cancelled',
  MEETING_REMINDER: 'A reminder workflow step of action `webhook` is due (before the start, after the end, or at a change)',
  BOOKING_PAYMENT_INITIATED: 'A paid booking was made and its checkout opened (it holds the time until paid or expired)',
  BOOKING_PAID: 'A paid booking was paid and booked (BOOKING_CREATED or BOOKING_REQUESTED follows)',
  BOOKING_PAYMENT_REFUNDED:
    'Money of a paid booking goes back: a payment that came too late (the time was taken), a cancel (per the refund policy), a decline, or a refund by hand; `refundAmount` is this refund',
  PING: 'A test delivery sent by POST /v2/webhooks/{id}/ping',
};


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

const webhookList = listEnvelope(webhookResponse);
const deliveryList = listEnvelope(deliveryResponse);

export const webhooksDocs: ResourceDocs = {
  requestSchemas: { CreateWebhookBody: createWebhookBody, UpdateWebhookBody: updateWebhookBody },
  responseSchemas: {
    Webhook: webhookResponse,
    WebhookCreated: webhookCreatedResponse,
    WebhookUpdated: webhookUpdatedResponse,
    WebhookList: webhookList,
    WebhookDelivery: deliveryResponse,
    WebhookDeliveryList: deliveryList,
  },
  operations: [
    {
      operationId: 'listWebhooks',
      method: 'get',
      path: '/v2/webhooks',
      tag: 'Webhooks',
      summary: 'List your webhooks',
      auth: 'session',
      query: listWebhooksQuery,
      success: { status: 200, description: 'A page of webhooks, by id', schema: webhookList },
    },
    {
      operationId: 'createWebhook',
      method: 'post',
      path: '/v2/webhooks',
      tag: 'Webhooks',
      summary: 'Subscribe to booking events',
      description:
        'The secret is write-only. Without one, a `whsec_` secret (32 random bytes, base64) is generated and shown once, in this response. ' +
        '`signing_secret_standard` is the secret as Standard Webhooks libraries take it, for the `webhook-signature` header. ' +
        'The URL must be https and public unless the server allows private URLs (development). ' +
        'An owner may have at most 25 webhooks (`WEBHOOK_MAX_PER_OWNER`).',
      auth: 'session',
      body: { schema: createWebhookBody },
      success: { status: 201, description: 'Created', schema: webhookCreatedResponse },
      errors: { conflict: 'The owner already has the maximum number of webhooks' },
    },
    {
      operationId: 'getWebhook',
      method: 'get',
      path: '/v2/webhooks/{id}',
      tag: 'Webhooks',
      summary: 'Get a webhook',
      auth: 'session',
      params: idParam,
      success: { status: 200, description: 'The webhook (never its secret)', schema: webhookResponse },
    },
    {
      operationId: 'updateWebhook',
      method: 'patch',
      path: '/v2/webhooks/{id}',
      tag: 'Webhooks',
      summary: 'Update a webhook',
      auth: 'session',
      params: idParam,
      description: 'When the body sets a new `secret`, the answer carries its `signing_secret_standard`, this once.',
      body: { schema: updateWebhookBody },
      success: { status: 200, description: 'The updated webhook', schema: webhookUpdatedResponse },
    },
    {
      operationId: 'deleteWebhook',
      method: 'delete',
      path: '/v2/webhooks/{id}',
      tag: 'Webhooks',
      summary: 'Delete a webhook',
      description: 'Its delivery log goes with it.',
      auth: 'session',
      params: idParam,
      success: { status: 204, description: 'Deleted' },
    },
    {
      operationId: 'listWebhookDeliveries',
      method: 'get',
      path: '/v2/webhooks/{id}/deliveries',
      tag: 'Webhooks',
      summary: 'Delivery log of a webhook',
      description:
        'Newest first, with every attempt. Retention: the attempt log of a settled delivery is emptied after RETENTION_ATTEMPT_LOG_DAYS (default 30) and the delivery deleted after RETENTION_PAYLOAD_DAYS (default 90); pending ones are kept.',
      auth: 'session',
      params: idParam,
      query: listDeliveriesQuery,
      success: { status: 200, description: 'A page of deliveries', schema: deliveryList },
    },
    {
      operationId: 'pingWebhook',
      method: 'post',
      path: '/v2/webhooks/{id}/ping',
      tag: 'Webhooks',
      summary: 'Send a test delivery',
      description: 'Sends a PING envelope now and answers its outcome, which is also logged as a delivery.',
      auth: 'session',
      params: idParam,
      success: { status: 200, description: 'The logged test delivery', schema: deliveryResponse },
    },
  ],
};

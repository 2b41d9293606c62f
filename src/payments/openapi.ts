// The OpenAPI description of the payment routes (src/payments/routes.ts).
import { z } from 'zod';
import { bookingResponse } from '../bookings/schemas';
import type { ResourceDocs } from '../openapi/types';
import { refundBody, stripeAccountBody, stripeAccountResponse, webhookAck } from './schemas';

/** The webhook body as Stripe sends it: an event (only the fields we read are listed). */
const stripeEventBody = z
  .object({
    id: z.string().describe('evt_…: handled once per id'),
    type: z.string().describe('checkout.session.completed, checkout.session.async_payment_succeeded and checkout.session.expired are used; others are acknowledged'),
    data: z.object({ object: z.object({ id: z.string(), metadata: z.object({ booking_uid: z.string() }).partial().optional(), client_reference_id: z.string().nullable().optional() }) }),
  })
  .describe('A Stripe event, signed in the Stripe-Signature header');

export const paymentsDocs: ResourceDocs = {
  requestSchemas: { StripeAccountBody: stripeAccountBody, RefundBody: refundBody, StripeEvent: stripeEventBody },
  responseSchemas: { StripeAccount: stripeAccountResponse, StripeWebhookAck: webhookAck },
  operations: [
    {
      operationId: 'receiveStripeWebhook',
      method: 'post',
      path: '/v2/payments/stripe/webhook',
      tag: 'Payments',
      summary: 'Receive a Stripe event (register this URL in Stripe)',
      description:
        'Called by Stripe, not by clients. The signature (Stripe-Signature, checked with the Stripe SDK and the webhook signing secret of the ' +
        "booking's host, at most 5 minutes old) authenticates the call. `checkout.session.completed` (paid) books the booking: `accepted`, or " +
        '`pending` when the event type needs confirmation, with its BOOKING_PAID then BOOKING_CREATED/REQUESTED webhooks and the usual emails; ' +
        'if the booking had expired and its time was taken meanwhile, the payment is refunded in full and the payer told. ' +
        '`checkout.session.expired` expires an unpaid booking. An event id already handled is acknowledged without acting again.',
      auth: 'public',
      headers: [{ name: 'Stripe-Signature', schema: z.string(), description: "Stripe's signature of the body (t=…,v1=…)", required: true }],
      body: { schema: stripeEventBody },
      success: { status: 200, description: 'Handled, a duplicate, or an event type not used', schema: webhookAck },
      errors: { validation_failed: 'A missing or bad signature, or a body that is not an event' },
    },
    {
      operationId: 'getStripeAccount',
      method: 'get',
      path: '/v2/payments/stripe/account',
      tag: 'Payments',
      summary: 'Your Stripe connection',
      description: 'Whether your bookings can be paid, and with which keys: your own (`account`) or the deployment\'s Worker secrets (`deployment`). Keys are never shown.',
      auth: 'session',
      success: { status: 200, description: 'The connection', schema: stripeAccountResponse },
    },
    {
      operationId: 'connectStripeAccount',
      method: 'post',
      path: '/v2/payments/stripe/account',
      tag: 'Payments',
      summary: 'Connect (or replace) your Stripe keys',
      description:
        'Your secret key (or a restricted key with Checkout Sessions and Refunds write access) and the signing secret of the webhook endpoint you ' +
        'registered in Stripe for /v2/payments/stripe/webhook. Stored encrypted (AES-256-GCM under CALENDAR_ENCRYPTION_KEY); Stripe Connect is a later step. ' +
        'Other keys than the current ones are refused (409) while payments are in flight through them (open checkouts, refunds not yet confirmed).',
      auth: 'session',
      body: { schema: stripeAccountBody },
      success: { status: 200, description: 'Connected', schema: stripeAccountResponse },
      errors: { conflict: 'Payments are in flight through the current keys' },
    },
    {
      operationId: 'disconnectStripeAccount',
      method: 'delete',
      path: '/v2/payments/stripe/account',
      tag: 'Payments',
      summary: 'Forget your Stripe keys',
      description:
        'Refused (409) while payments are in flight through these keys (open checkouts, refunds not yet confirmed). Paid bookings already made keep ' +
        'their payment; new ones are refused (409) unless the deployment has Stripe secrets.',
      auth: 'session',
      success: { status: 204, description: 'Forgotten' },
      errors: { not_found: 'No keys of yours are stored', conflict: 'Payments are in flight through these keys' },
    },
    {
      operationId: 'refundBooking',
      method: 'post',
      path: '/v2/payments/refunds',
      tag: 'Payments',
      summary: 'Refund a paid booking by hand',
      description:
        "For the booking's host or a super admin (anyone else: 404). `amount` defaults to everything still refundable. The refund goes to Stripe " +
        'with an idempotency key from the booking uid and the refunded total, so a retry never refunds twice; an unconfirmed refund is retried by the cron. ' +
        'In a three-decimal currency (bhd, jod, kwd, omr, tnd) the amount must be a multiple of 10 minor units, as Stripe takes them (else 400 on `amount`).',
      auth: 'session',
      body: { schema: refundBody },
      success: { status: 200, description: 'The booking with its payment after the refund', schema: bookingResponse },
      errors: { not_found: 'No paid booking with this uid that you host', conflict: 'More than is still refundable, or nothing was paid' },
    },
  ],
};

// The shapes of the schema's JSON columns. They live beside the schema so that src/db knows no feature: the features
// that validate and use these values (event types, slot limits, recurrence, booking questions) import them from here.

/** `event_types.recurring_event`: how a recurring event type repeats (src/slots/recurrence.ts expands it). */
export const RECURRENCE_FREQS = ['weekly', 'monthly', 'yearly'] as const;
export type RecurrenceFreq = (typeof RECURRENCE_FREQS)[number];

export interface RecurringEvent {
  freq: RecurrenceFreq;
  /** 1-12 */
  interval: number;
  /** 2-52: occurrences in a full series. */
  count: number;
}

/** `event_types.booking_limits_count` / `booking_limits_duration`: a limit per period (src/slots/limits.ts). */
export const LIMIT_PERIODS = ['day', 'week', 'month', 'year'] as const;
export type LimitPeriod = (typeof LIMIT_PERIODS)[number];
export type PeriodLimits = Partial<Record<LimitPeriod, number>>;

/** `event_types.booking_fields`: the booking questions (src/event-types/booking-fields.ts checks them and the answers). */
export const FIELD_TYPES = ['text', 'textarea', 'number', 'email', 'phone', 'url', 'select', 'multiselect', 'checkbox', 'radio', 'boolean', 'multiemail'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

export interface FieldOption {
  value: string;
  label: string;
}

export interface BookingField {
  name: string;
  type: FieldType;
  label: string;
  required: boolean;
  placeholder?: string;
  options?: FieldOption[];
  min_length?: number;
  max_length?: number;
  hidden?: boolean;
  /** A `phone` field only: the form adds an unticked "text me reminders at this number" box (answer `sms_consent`). */
  sms_consent?: boolean;
}

/** `booking_fields_responses` of bookings and seats: the answers by question name. */
export type BookingFieldAnswer = string | number | boolean | string[];
export type BookingFieldResponses = Record<string, BookingFieldAnswer>;

/** `event_type_workflows.steps`: what a workflow sends (src/workflows/): an email, an SMS, or a MEETING_REMINDER webhook. */
export const WORKFLOW_ACTIONS = ['email_attendee', 'email_host', 'sms_attendee', 'sms_host', 'webhook'] as const;
export type WorkflowAction = (typeof WORKFLOW_ACTIONS)[number];

export interface WorkflowStep {
  action: WorkflowAction;
  /** Templates with {variables} (src/workflows/template.ts); an SMS uses the body only, a webhook neither. */
  subject: string;
  body: string;
}

/** `event_types.refund_policy`: what an attendee's cancel of a paid booking refunds (src/payments/money.ts). */
export type RefundPolicyJson = { type: 'full_until_hours_before'; hours: number } | { type: 'none' } | { type: 'always_full' };

/**
 * `bookings.payment`: a paid booking's payment (src/payments/machine.ts moves `status` and `refunded_amount`). Amounts
 * in minor units. `refunded_amount` is what was decided to go back; `refund_settled_amount` what Stripe confirmed
 * (the cron retries the difference with the same idempotency key).
 */
export interface PaymentRecord {
  status: 'unpaid' | 'void' | 'paid' | 'partially_refunded' | 'refunded';
  amount: number;
  currency: string;
  refunded_amount: number;
  refund_settled_amount: number;
  /**
   * Each refund decided, as the refunded total it brought the booking to (its Stripe idempotency key); its amount is
   * the step from the total before. Absent on records from before it was kept (src/payments/money.ts refundSteps).
   */
  refund_totals?: number[];
  /** When a refund send last failed: the cron retries the longest untried first, so refunds that keep failing cannot starve the others. */
  refund_tried_at?: number;
  /** Whose Stripe account takes the money: the host, or a team event type's team owner. */
  account_user_id: number;
  /**
   * Which keys took the payment: the first 16 hex of the SHA-256 of the Stripe secret key the checkout was opened
   * with (never the key). A refund through other keys would be refused by Stripe (src/payments/keys.ts keyFingerprint).
   * Absent on records from before it was kept: those refund through the current keys.
   */
  key_fingerprint?: string;
  /**
   * The host changed or removed the keys that took the payment: the refunds decided and not settled
   * (`refunded_amount - refund_settled_amount`) are the host's to give in that Stripe account; the cron leaves them.
   */
  refund_manual?: boolean;
  /** The booking client's network (the SHA-256 the rate limits use), for the cap on its open unpaid bookings; never answered. */
  client?: string;
  checkout_session_id: string | null;
  checkout_url: string | null;
  payment_intent_id: string | null;
  /** The payer was told a payment is refunded because its booking could not happen (late payment). */
  late_refund: boolean;
  /** The event type's refund policy when this booking was made: what the attendee agreed to. */
  refund_policy: RefundPolicyJson;
  /**
   * An occurrence of a paid recurring series (price per series, one checkout on the first occurrence): `amount` is
   * this occurrence's share, `series_amount` what the whole series was charged.
   */
  series_amount?: number;
  /** The first occurrence of a paid series: the invitation's series master, sent once the series is paid. */
  series_master?: { rule: Pick<RecurringEvent, 'freq' | 'interval'>; count: number; zone: string; lastStart: number };
}

/** A push channel of a Google or Microsoft calendar (issue #28): Google's channel id or Graph's subscription id, and the SHA-256 of its secret. */
export interface CalendarPushChannel {
  id: string;
  /** Google's resourceId (to stop the channel). */
  resourceId?: string;
  tokenHash: string;
  expiresAt: number;
}

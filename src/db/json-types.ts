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

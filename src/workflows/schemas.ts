// The request shapes of /v2/event-types/{id}/workflows. Template variables are checked against the event type in
// src/workflows/service.ts (answers by question name need the event type's questions).
import { z } from 'zod';
import { REMINDER_STATUSES, WORKFLOW_TRIGGERS } from '../db/schema';
import { WORKFLOW_ACTIONS } from '../db/json-types';
import { decimalId, multiLine, NO_CONTROL_CHARS, pageQuery, singleLine } from '../lib/validation';

/** `before_start` offsets: 5 minutes to 7 days. `after_end`: up to 7 days. */
export const MIN_BEFORE_START_MINUTES = 5;
export const MAX_OFFSET_MINUTES = 7 * 24 * 60;
export const MAX_STEPS = 5;

export const STEP_ACTIONS = WORKFLOW_ACTIONS;
/** A rendered SMS is cut at 640 characters (four segments); its template at this. */
export const MAX_SMS_TEMPLATE = 480;

const step = z.strictObject({
  action: z
    .enum(STEP_ACTIONS)
    .describe(
      'What the step sends: an email to the attendee or the host; an SMS to the attendee (only with their consent, given on a phone question marked `sms_consent`) or to the host\'s verified number (PUT /v2/me/phone); or a `MEETING_REMINDER` to the host\'s webhooks subscribed to it',
    ),
  subject: z.string().trim().min(1).max(200).refine(singleLine, NO_CONTROL_CHARS).optional().describe('Email subject template; default: DEFAULT_REMINDER_SUBJECT. Not used by SMS and webhook steps'),
  body: z
    .string()
    .trim()
    .min(1)
    .max(5000)
    .refine(multiLine, NO_CONTROL_CHARS)
    .optional()
    .describe(`Plain-text template (an SMS: at most ${MAX_SMS_TEMPLATE} characters); default: the default reminder (a short one for SMS). Not used by webhook steps`),
});

const fields = {
  name: z.string().trim().min(1).max(100).refine(singleLine, NO_CONTROL_CHARS),
  trigger: z.enum(WORKFLOW_TRIGGERS),
  offset_minutes: z.number().int().min(0).max(MAX_OFFSET_MINUTES),
  time_format: z.enum(['12h', '24h']),
  steps: z.array(step).min(1).max(MAX_STEPS),
};

export const createWorkflowBody = z.strictObject({
  ...fields,
  offset_minutes: fields.offset_minutes.optional(),
  time_format: fields.time_format.optional(),
});
export const updateWorkflowBody = z.strictObject({
  name: fields.name.optional(),
  trigger: fields.trigger.optional(),
  offset_minutes: fields.offset_minutes.optional(),
  time_format: fields.time_format.optional(),
  steps: fields.steps.optional(),
});
export type CreateWorkflowBody = z.infer<typeof createWorkflowBody>;
export type UpdateWorkflowBody = z.infer<typeof updateWorkflowBody>;

export const eventTypeParam = z.strictObject({ id: decimalId });
export const workflowParam = z.strictObject({ id: decimalId, workflowId: decimalId });
export const listWorkflowsQuery = z.strictObject(pageQuery);

// Response shapes (what `workflowJson` and `reminderJson` answer), strict for the contract tests.
export const workflowResponse = z.strictObject({
  id: z.number().int().positive(),
  event_type_id: z.number().int().positive(),
  name: z.string(),
  trigger: z.enum(WORKFLOW_TRIGGERS).describe('`before_start`/`after_end`: offset_minutes before the start or after the end; the others: at that change'),
  offset_minutes: z.number().int(),
  time_format: z.enum(['12h', '24h']).describe('How {start_local} prints the hour'),
  steps: z.array(z.strictObject({ action: z.enum(WORKFLOW_ACTIONS), subject: z.string(), body: z.string() })),
  created_at: z.iso.datetime(),
  updated_at: z.iso.datetime(),
});

export const reminderResponse = z.strictObject({
  workflow_id: z.number().int().positive(),
  step: z.number().int().min(0).describe("Index in the workflow's steps"),
  action: z.string(),
  due_at: z.iso.datetime(),
  status: z
    .enum(REMINDER_STATUSES)
    .describe('`sent`: handed to the email or SMS outbox or the webhooks (delivery is on the admin Messages tab); `skipped`: already due when scheduled, or its channel is off; `voided`: the booking was cancelled'),
});

// Saving workflows with the rules that need the event type: offsets by trigger, template variables known (built-ins
// plus the event type's question names), no seated event types yet. Failures are ApiErrors (400 with issues).
import type { Db } from '../db/client';
import type { EventType, User, Workflow } from '../db/schema';
import { eventTypeRouting, findOwnedEventType } from '../event-types/repo';
import { findTeamEventType } from '../teams/event-types-repo';
import { managedTeam } from '../teams/service';
import type { WorkflowStep } from '../db/json-types';
import { smsPhoneField } from '../event-types/booking-fields';
import { ApiError, notFound } from '../lib/errors';
import type { ErrorIssue } from '../lib/errors';
import { insertWorkflow, updateWorkflow, type WorkflowFields } from './repo';
import { MAX_SMS_TEMPLATE, MIN_BEFORE_START_MINUTES, type CreateWorkflowBody, type UpdateWorkflowBody } from './schemas';
import { DEFAULT_REMINDER_BODY, DEFAULT_REMINDER_SUBJECT, DEFAULT_SMS_BODY, unknownVariables } from './template';

/**
 * The event type whose workflows `user` manages: their own (any, for a super admin), or a team's they own or
 * administer. Outsiders get the event type's 404; a team's plain members a 403, as for the team event type itself.
 */
export async function workflowEventType(db: Db, user: User, id: number): Promise<EventType> {
  const own = await findOwnedEventType(db, user, id);
  if (own) return own;
  const routing = await eventTypeRouting(db, id);
  if (routing?.teamId != null) {
    try {
      await managedTeam(db, user, routing.teamId);
    } catch (error) {
      if (error instanceof ApiError && error.code === 'not_found') throw notFound('Event type');
      throw error;
    }
    const et = await findTeamEventType(db, routing.teamId, id);
    if (et) return et;
  }
  throw notFound('Event type');
}

const invalid = (issues: ErrorIssue[]) => new ApiError('validation_failed', 'Request validation failed', issues);

/** The names a template may use beyond the built-ins: the event type's own booking questions. */
function questionNames(et: EventType): string[] {
  return (et.bookingFields ?? []).map((f) => f.name);
}

/** What a workflow's steps may use on this deployment. */
export interface Channels {
  sms: boolean;
}

/** Every rule of a whole workflow as it would be saved; throws a 400 listing each broken one. */
function checked(et: EventType, f: WorkflowFields, channels: Channels): WorkflowFields {
  const issues: ErrorIssue[] = [];
  f.steps.forEach((step, i) => {
    if (!step.action.startsWith('sms_')) return;
    if (!channels.sms) issues.push({ path: `steps.${i}.action`, message: 'SMS is off on this deployment (SMS_TRANSPORT)' });
    else if (step.action === 'sms_attendee' && !smsPhoneField(et.bookingFields)) {
      issues.push({ path: `steps.${i}.action`, message: 'sms_attendee needs a phone booking question with sms_consent: true (the attendee must agree to texts)' });
    }
    if (step.body.length > MAX_SMS_TEMPLATE) issues.push({ path: `steps.${i}.body`, message: `An SMS template has at most ${MAX_SMS_TEMPLATE} characters` });
  });
  if (f.trigger === 'before_start' && f.offsetMinutes < MIN_BEFORE_START_MINUTES) {
    issues.push({ path: 'offset_minutes', message: `A before_start reminder is at least ${MIN_BEFORE_START_MINUTES} minutes before the start` });
  }
  if (f.trigger !== 'before_start' && f.trigger !== 'after_end' && f.offsetMinutes !== 0) {
    issues.push({ path: 'offset_minutes', message: `${f.trigger} sends at the change itself: offset_minutes must be 0` });
  }
  const questions = questionNames(et);
  f.steps.forEach((step, i) => {
    for (const key of ['subject', 'body'] as const) {
      const unknown = unknownVariables(step[key], questions);
      if (unknown.length) issues.push({ path: `steps.${i}.${key}`, message: `Unknown template variable${unknown.length > 1 ? 's' : ''}: ${unknown.map((v) => `{${v}}`).join(', ')}` });
    }
  });
  if (issues.length) throw invalid(issues);
  return f;
}

type StepInput = CreateWorkflowBody['steps'][number];

function stepsOf(steps: StepInput[]): WorkflowStep[] {
  return steps.map((s) => {
    if (s.action === 'webhook') return { action: s.action, subject: '', body: '' };
    const sms = s.action.startsWith('sms_');
    return { action: s.action, subject: sms ? '' : (s.subject ?? DEFAULT_REMINDER_SUBJECT), body: s.body ?? (sms ? DEFAULT_SMS_BODY : DEFAULT_REMINDER_BODY) };
  });
}

export function createWorkflow(db: Db, et: EventType, body: CreateWorkflowBody, channels: Channels, now: number): Promise<Workflow> {
  const f = checked(et, {
    name: body.name,
    trigger: body.trigger,
    offsetMinutes: body.offset_minutes ?? (body.trigger === 'before_start' ? 60 : 0),
    timeFormat: body.time_format ?? '12h',
    steps: stepsOf(body.steps),
  }, channels);
  return insertWorkflow(db, et.id, f, now);
}

/**
 * A change applies to the steps not yet scheduled: bookings made before keep the steps they have (a changed offset
 * moves nothing already scheduled; deleting the workflow removes its scheduled steps).
 */
export async function changeWorkflow(db: Db, et: EventType, existing: Workflow, body: UpdateWorkflowBody, channels: Channels, now: number): Promise<Workflow> {
  const f = checked(et, {
    name: body.name ?? existing.name,
    trigger: body.trigger ?? existing.trigger,
    offsetMinutes: body.offset_minutes ?? existing.offsetMinutes,
    timeFormat: body.time_format ?? existing.timeFormat,
    steps: body.steps ? stepsOf(body.steps) : existing.steps,
  }, channels);
  const updated = await updateWorkflow(db, existing.id, f, now);
  if (!updated) throw new ApiError('not_found', 'Workflow not found');
  return updated;
}

// An event type's reminders in the admin (/admin/event-types/{id}/reminders): its workflows listed, one added or
// edited with up to five steps (email, SMS or webhook, each with its template), one deleted. The rules are the API's
// (src/workflows/service.ts): what the API refuses, the form shows beside the field it is about.
import { Hono } from 'hono';
import type { FC } from 'hono/jsx';
import type { EventType, Workflow } from '../db/schema';
import { WORKFLOW_TRIGGERS } from '../db/schema';
import { WORKFLOW_ACTIONS, type WorkflowAction } from '../db/json-types';
import { findOwnedEventType } from '../event-types/repo';
import { ApiError, foundOr404, type ErrorIssue } from '../lib/errors';
import { toIssues } from '../lib/validation';
import { smsEnabled } from '../sms/transports';
import { deleteWorkflow, findWorkflow, listWorkflows } from '../workflows/repo';
import { createWorkflowBody, MAX_STEPS, updateWorkflowBody } from '../workflows/schemas';
import { changeWorkflow, createWorkflow } from '../workflows/service';
import { DEFAULT_REMINDER_BODY, DEFAULT_REMINDER_SUBJECT, TEMPLATE_VARIABLES } from '../workflows/template';
import { formOf, idOf, pageOf, redirectWith, type AdminContext, type AdminEnv, type Page } from './http';
import { CsrfField, Empty, ErrorSummary, Field, Layout, ListTable, PageHead, PostButton } from './layout';

const base = (id: number) => `/admin/event-types/${id}/reminders`;
const MAX_WORKFLOWS_SHOWN = 200;

interface StepValues {
  /** '' leaves the slot unused. */
  action: string;
  subject: string;
  body: string;
}

interface Values {
  name: string;
  trigger: string;
  offset_minutes: string;
  time_format: string;
  steps: StepValues[];
}

const blankStep: StepValues = { action: '', subject: '', body: '' };
const slots = (steps: StepValues[]) => [...steps, ...Array.from({ length: MAX_STEPS - steps.length }, () => ({ ...blankStep }))].slice(0, MAX_STEPS);

const EMPTY: Values = {
  name: '1 hour before',
  trigger: 'before_start',
  offset_minutes: '60',
  time_format: '12h',
  steps: slots([{ action: 'email_attendee', subject: DEFAULT_REMINDER_SUBJECT, body: DEFAULT_REMINDER_BODY }]),
};

const valuesOf = (w: Workflow): Values => ({
  name: w.name,
  trigger: w.trigger,
  offset_minutes: String(w.offsetMinutes),
  time_format: w.timeFormat,
  steps: slots(w.steps.map((s) => ({ action: s.action, subject: s.subject, body: s.body }))),
});

const ACTION_LABELS: Record<WorkflowAction, string> = {
  email_attendee: 'Email the attendee',
  email_host: 'Email the host',
  sms_attendee: 'Text the attendee (with their consent)',
  sms_host: "Text the host's verified number",
  webhook: 'Fire MEETING_REMINDER webhooks',
};

const when = (w: Workflow) =>
  w.trigger === 'before_start' ? `${w.offsetMinutes} min before the start` : w.trigger === 'after_end' ? `${w.offsetMinutes} min after the end` : w.trigger.replace('_', ' ');

const StepFields: FC<{ i: number; step: StepValues; issues: ErrorIssue[] }> = ({ i, step, issues }) => (
  <fieldset class="wide" id={`step-${i}`}>
    <legend>Step {i + 1}</legend>
    <div class="form-grid">
      <Field label="Action" name={`steps.${i}.action`} issues={issues}>
        <select id={`steps.${i}.action`} name={`steps.${i}.action`}>
          <option value="" selected={step.action === ''}>
            {i === 0 ? 'Choose…' : '(no step)'}
          </option>
          {WORKFLOW_ACTIONS.map((a) => (
            <option value={a} selected={step.action === a}>
              {ACTION_LABELS[a]}
            </option>
          ))}
        </select>
      </Field>
      <Field label="Subject (emails)" name={`steps.${i}.subject`} issues={issues} wide>
        <input type="text" id={`steps.${i}.subject`} name={`steps.${i}.subject`} value={step.subject} maxlength={200} />
      </Field>
      <Field label="Message (emails and SMS; empty: the default)" name={`steps.${i}.body`} issues={issues} wide>
        <textarea id={`steps.${i}.body`} name={`steps.${i}.body`} maxlength={5000} rows={i === 0 ? 8 : 4}>
          {step.body}
        </textarea>
      </Field>
    </div>
  </fieldset>
);

const WorkflowForm: FC<{ page: Page; action: string; values: Values; issues: ErrorIssue[]; message?: string; submit: string; backTo: string }> = (p) => {
  const v = p.values;
  return (
    <>
      <ErrorSummary issues={p.issues} message={p.message} />
      <form method="post" action={p.action} class="form-grid">
        <CsrfField token={p.page.csrf} />
        <Field label="Name" name="name" issues={p.issues}>
          <input type="text" id="name" name="name" value={v.name} maxlength={100} required />
        </Field>
        <Field label="When" name="trigger" issues={p.issues}>
          <select id="trigger" name="trigger">
            {WORKFLOW_TRIGGERS.map((t) => (
              <option value={t} selected={v.trigger === t}>
                {t}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Offset (minutes)" name="offset_minutes" issues={p.issues} hint="before_start: 5 to 10080; after_end: 0 to 10080; the others: 0.">
          <input type="number" id="offset_minutes" name="offset_minutes" value={v.offset_minutes} min={0} max={10080} required />
        </Field>
        <Field label="Clock" name="time_format" issues={p.issues} hint="A host's own 12/24-hour preference wins for what they read.">
          <select id="time_format" name="time_format">
            <option value="12h" selected={v.time_format === '12h'}>
              12-hour (1:00 PM)
            </option>
            <option value="24h" selected={v.time_format === '24h'}>
              24-hour (13:00)
            </option>
          </select>
        </Field>
        <p class="hint wide">
          Variables: {TEMPLATE_VARIABLES.map((t) => `{${t}}`).join(' ')} and booking questions by name. SMS go only to an attendee who ticked the
          consent box of a phone question marked for SMS, or to the host's verified number.
        </p>
        {v.steps.map((step, i) => (
          <StepFields i={i} step={step} issues={p.issues} />
        ))}
        <div class="form-actions">
          <button type="submit" class="btn primary">
            {p.submit}
          </button>
          <a href={p.backTo}>Back</a>
        </div>
      </form>
    </>
  );
};

const RemindersPage: FC<{ page: Page; et: EventType; rows: Workflow[]; values: Values; issues: ErrorIssue[]; message?: string }> = (p) => (
  <Layout page={p.page} title={`Reminders · ${p.et.title}`} tab="event-types">
    <PageHead title={`Reminders of “${p.et.title}”`} sub="Emails, texts and webhooks sent around each booking, once, at their time (a reminder already due when the booking is made is skipped)." />
    <ListTable id="reminders" columns={['Name', 'When', 'Steps', '']} count={p.rows.length} empty={<Empty title="No reminders yet" />}>
      {p.rows.map((w) => (
        <tr>
          <td>
            <a href={`${base(p.et.id)}/${w.id}`}>{w.name}</a>
          </td>
          <td>{when(w)}</td>
          <td>{w.steps.map((s) => s.action).join(', ')}</td>
          <td class="actions">
            <a class="btn" href={`${base(p.et.id)}/${w.id}`}>
              Edit
            </a>
            <PostButton action={`${base(p.et.id)}/${w.id}/delete`} csrf={p.page.csrf} label="Delete" class="btn danger" />
          </td>
        </tr>
      ))}
    </ListTable>
    <div class="panel">
      <h2>Add a reminder</h2>
      <WorkflowForm page={p.page} action={base(p.et.id)} values={p.values} issues={p.issues} message={p.message} submit="Add reminder" backTo="/admin/event-types" />
    </div>
  </Layout>
);

const EditPage: FC<{ page: Page; et: EventType; workflow: Workflow; values: Values; issues: ErrorIssue[]; message?: string }> = (p) => (
  <Layout page={p.page} title={`${p.workflow.name} · Reminders · ${p.et.title}`} tab="event-types">
    <PageHead title={`Edit “${p.workflow.name}”`} sub="Changes apply to the steps sent from now on; due times already scheduled stay as they are." />
    <div class="panel">
      <WorkflowForm page={p.page} action={`${base(p.et.id)}/${p.workflow.id}`} values={p.values} issues={p.issues} message={p.message} submit="Save reminder" backTo={base(p.et.id)} />
    </div>
  </Layout>
);

async function loadEventType(c: AdminContext): Promise<EventType> {
  return foundOr404('Event type', findOwnedEventType(c.var.db, c.get('user')!, idOf(c, 'Event type')));
}

async function render(c: AdminContext, et: EventType, values: Values, failure: { issues: ErrorIssue[]; message?: string }, status: 200 | 400) {
  const rows = await listWorkflows(c.var.db, et.id, undefined, MAX_WORKFLOWS_SHOWN);
  return c.html(<RemindersPage page={pageOf(c)} et={et} rows={rows} values={values} {...failure} />, status);
}

/** What was typed, slot by slot (a form only sends strings). */
function valuesFromForm(form: FormData): Values {
  const text = (name: string) => String(form.get(name) ?? '');
  return {
    name: text('name'),
    trigger: text('trigger'),
    offset_minutes: text('offset_minutes'),
    time_format: text('time_format'),
    steps: slots(Array.from({ length: MAX_STEPS }, (_, i) => ({ action: text(`steps.${i}.action`), subject: text(`steps.${i}.subject`), body: text(`steps.${i}.body`) }))),
  };
}

/**
 * The API body from the form: the used slots in order (so issue paths name the step as the API numbers it: the n-th
 * used slot is steps.n-1; the form keeps unused slots last, so a slot keeps its number), an empty template left to
 * its default.
 */
function bodyFromValues(v: Values) {
  const steps = v.steps
    .filter((s) => s.action !== '')
    .map((s) => {
      const email = s.action.startsWith('email_');
      const template = s.action !== 'webhook';
      return { action: s.action, ...(email && s.subject.trim() ? { subject: s.subject } : {}), ...(template && s.body.trim() ? { body: s.body } : {}) };
    });
  return {
    name: v.name,
    trigger: v.trigger,
    offset_minutes: /^\d+$/.test(v.offset_minutes) ? Number(v.offset_minutes) : v.offset_minutes,
    time_format: v.time_format,
    steps,
  };
}

/** Used slots first, so what the API numbers steps.N is slot N on the page. */
const compacted = (v: Values): Values => ({ ...v, steps: slots(v.steps.filter((s) => s.action !== '')) });

async function saved(fail: (failure: { issues: ErrorIssue[]; message?: string }) => Promise<Response> | Response, save: () => Promise<unknown>) {
  try {
    await save();
    return null;
  } catch (error) {
    if (!(error instanceof ApiError) || error.code !== 'validation_failed') throw error;
    return fail({ issues: error.issues ?? [], message: error.message });
  }
}

export const reminderPages = new Hono<AdminEnv>()
  .get('/:id/reminders', async (c) => render(c, await loadEventType(c), EMPTY, { issues: [] }, 200))
  .post('/:id/reminders', async (c) => {
    const et = await loadEventType(c);
    const values = compacted(valuesFromForm((await formOf(c))!));
    const parsed = createWorkflowBody.safeParse(bodyFromValues(values));
    if (!parsed.success) return render(c, et, values, { issues: toIssues(parsed.error) }, 400);
    const failed = await saved((f) => render(c, et, values, f, 400), () => createWorkflow(c.var.db, et, parsed.data, { sms: smsEnabled(c.env) }, Date.now()));
    if (failed) return failed;
    return redirectWith(c, base(et.id), { kind: 'ok', text: `Reminder “${parsed.data.name}” added.` });
  })
  .get('/:id/reminders/:workflowId', async (c) => {
    const et = await loadEventType(c);
    const workflow = await foundOr404('Reminder', findWorkflow(c.var.db, et.id, idOf(c, 'Reminder', 'workflowId')));
    return c.html(<EditPage page={pageOf(c)} et={et} workflow={workflow} values={valuesOf(workflow)} issues={[]} />);
  })
  .post('/:id/reminders/:workflowId', async (c) => {
    const et = await loadEventType(c);
    const workflow = await foundOr404('Reminder', findWorkflow(c.var.db, et.id, idOf(c, 'Reminder', 'workflowId')));
    const values = compacted(valuesFromForm((await formOf(c))!));
    const page = (f: { issues: ErrorIssue[]; message?: string }) => c.html(<EditPage page={pageOf(c)} et={et} workflow={workflow} values={values} {...f} />, 400);
    const parsed = updateWorkflowBody.safeParse(bodyFromValues(values));
    if (!parsed.success) return page({ issues: toIssues(parsed.error) });
    const failed = await saved(page, () => changeWorkflow(c.var.db, et, workflow, parsed.data, { sms: smsEnabled(c.env) }, Date.now()));
    if (failed) return failed;
    return redirectWith(c, base(et.id), { kind: 'ok', text: `Reminder “${parsed.data.name ?? workflow.name}” saved.` });
  })
  .post('/:id/reminders/:workflowId/delete', async (c) => {
    const et = await loadEventType(c);
    const workflow = await foundOr404('Reminder', findWorkflow(c.var.db, et.id, idOf(c, 'Reminder', 'workflowId')));
    await deleteWorkflow(c.var.db, workflow.id);
    return redirectWith(c, base(et.id), { kind: 'ok', text: `Reminder “${workflow.name}” deleted; nothing more is sent for it.` });
  });

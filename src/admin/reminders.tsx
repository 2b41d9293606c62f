// An event type's reminders in the admin (/admin/event-types/{id}/reminders): its workflows listed, one added with a
// single email step (the API takes up to five), one deleted. The rules are the API's (src/workflows/service.ts).
import { Hono } from 'hono';
import type { FC } from 'hono/jsx';
import type { EventType, Workflow } from '../db/schema';
import { WORKFLOW_TRIGGERS } from '../db/schema';
import { findOwnedEventType } from '../event-types/repo';
import { ApiError, foundOr404, type ErrorIssue } from '../lib/errors';
import { toIssues } from '../lib/validation';
import { deleteWorkflow, findWorkflow, listWorkflows } from '../workflows/repo';
import { createWorkflowBody } from '../workflows/schemas';
import { createWorkflow } from '../workflows/service';
import { smsEnabled } from '../sms/transports';
import { DEFAULT_REMINDER_BODY, DEFAULT_REMINDER_SUBJECT, TEMPLATE_VARIABLES } from '../workflows/template';
import { formOf, idOf, pageOf, redirectWith, type AdminContext, type AdminEnv, type Page } from './http';
import { CsrfField, Empty, ErrorSummary, Field, Layout, ListTable, PageHead, PostButton } from './layout';

const base = (id: number) => `/admin/event-types/${id}/reminders`;
const MAX_WORKFLOWS_SHOWN = 200;

type Values = Record<'name' | 'trigger' | 'offset_minutes' | 'time_format' | 'action' | 'subject' | 'body', string>;

const EMPTY: Values = {
  name: '1 hour before',
  trigger: 'before_start',
  offset_minutes: '60',
  time_format: '12h',
  action: 'email_attendee',
  subject: DEFAULT_REMINDER_SUBJECT,
  body: DEFAULT_REMINDER_BODY,
};

const when = (w: Workflow) =>
  w.trigger === 'before_start' ? `${w.offsetMinutes} min before the start` : w.trigger === 'after_end' ? `${w.offsetMinutes} min after the end` : w.trigger.replace('_', ' ');

const RemindersPage: FC<{ page: Page; et: EventType; rows: Workflow[]; values: Values; issues: ErrorIssue[]; message?: string }> = (p) => {
  const v = p.values;
  return (
    <Layout page={p.page} title={`Reminders · ${p.et.title}`} tab="event-types">
      <PageHead title={`Reminders of “${p.et.title}”`} sub="Emails sent around each booking, once, at their time (a reminder already due when the booking is made is skipped)." />
      <ListTable id="reminders" columns={['Name', 'When', 'Steps', '']} count={p.rows.length} empty={<Empty title="No reminders yet" />}>
        {p.rows.map((w) => (
          <tr>
            <td>{w.name}</td>
            <td>{when(w)}</td>
            <td>{w.steps.map((s) => s.action).join(', ')}</td>
            <td>
              <PostButton action={`${base(p.et.id)}/${w.id}/delete`} csrf={p.page.csrf} label="Delete" class="btn danger" />
            </td>
          </tr>
        ))}
      </ListTable>
      <div class="panel">
        <h2>Add a reminder</h2>
        <ErrorSummary issues={p.issues} message={p.message} />
        <form method="post" action={base(p.et.id)} class="form-grid">
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
          <Field label="Send to" name="steps.0.action" issues={p.issues}>
            <select id="steps.0.action" name="action">
              <option value="email_attendee" selected={v.action === 'email_attendee'}>
                The attendee (email)
              </option>
              <option value="email_host" selected={v.action === 'email_host'}>
                The host (email)
              </option>
            </select>
          </Field>
          <Field label="Clock" name="time_format" issues={p.issues}>
            <select id="time_format" name="time_format">
              <option value="12h" selected={v.time_format === '12h'}>
                12-hour (1:00 PM)
              </option>
              <option value="24h" selected={v.time_format === '24h'}>
                24-hour (13:00)
              </option>
            </select>
          </Field>
          <Field label="Subject" name="steps.0.subject" issues={p.issues} wide>
            <input type="text" id="steps.0.subject" name="subject" value={v.subject} maxlength={200} required />
          </Field>
          <Field label="Message" name="steps.0.body" issues={p.issues} wide hint={`Variables: ${TEMPLATE_VARIABLES.map((t) => `{${t}}`).join(' ')} and booking questions by name.`}>
            <textarea id="steps.0.body" name="body" maxlength={5000} rows={8}>
              {v.body}
            </textarea>
          </Field>
          <div class="form-actions">
            <button type="submit" class="btn primary">
              Add reminder
            </button>
            <a href="/admin/event-types">Back to event types</a>
          </div>
        </form>
      </div>
    </Layout>
  );
};

async function loadEventType(c: AdminContext): Promise<EventType> {
  return foundOr404('Event type', findOwnedEventType(c.var.db, c.get('user')!, idOf(c, 'Event type')));
}

async function render(c: AdminContext, et: EventType, values: Values, failure: { issues: ErrorIssue[]; message?: string }, status: 200 | 400) {
  const rows = await listWorkflows(c.var.db, et.id, undefined, MAX_WORKFLOWS_SHOWN);
  return c.html(<RemindersPage page={pageOf(c)} et={et} rows={rows} values={values} {...failure} />, status);
}

export const reminderPages = new Hono<AdminEnv>()
  .get('/:id/reminders', async (c) => render(c, await loadEventType(c), EMPTY, { issues: [] }, 200))
  .post('/:id/reminders', async (c) => {
    const et = await loadEventType(c);
    const form = (await formOf(c))!;
    const values = Object.fromEntries(Object.keys(EMPTY).map((k) => [k, String(form.get(k) ?? '')])) as Values;
    const parsed = createWorkflowBody.safeParse({
      name: values.name,
      trigger: values.trigger,
      offset_minutes: /^\d+$/.test(values.offset_minutes) ? Number(values.offset_minutes) : values.offset_minutes,
      time_format: values.time_format,
      steps: [{ action: values.action, subject: values.subject, body: values.body }],
    });
    if (!parsed.success) return render(c, et, values, { issues: toIssues(parsed.error) }, 400);
    try {
      await createWorkflow(c.var.db, et, parsed.data, { sms: smsEnabled(c.env) }, Date.now());
    } catch (error) {
      if (!(error instanceof ApiError) || error.code !== 'validation_failed') throw error;
      return render(c, et, values, { issues: error.issues ?? [], message: error.message }, 400);
    }
    return redirectWith(c, base(et.id), { kind: 'ok', text: `Reminder “${parsed.data.name}” added.` });
  })
  .post('/:id/reminders/:workflowId/delete', async (c) => {
    const et = await loadEventType(c);
    const workflow = await foundOr404('Reminder', findWorkflow(c.var.db, et.id, idOf(c, 'Reminder', 'workflowId')));
    await deleteWorkflow(c.var.db, workflow.id);
    return redirectWith(c, base(et.id), { kind: 'ok', text: `Reminder “${workflow.name}” deleted; nothing more is sent for it.` });
  });

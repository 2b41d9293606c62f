// Sending workflow steps when they are due. Two callers: the HostCalendar object's alarm (the durable timer, one per
// host, set to the host's next pending step) and the cron sweep (whatever a lost timer missed, a little late).
//
// Exactly once: a step is sent by the run whose claim wins. One D1 batch (one transaction) per run holds, per step,
//   1. the claim: UPDATE ... SET status = 'sent', claim = <this run's token> WHERE id = ? AND status = 'pending' AND
//      due_at = <the due time it read>: only one run can pass it, and a step moved or voided since the read fails it;
//   2. the message: INSERT into the email or SMS outbox (or the webhook deliveries, MEETING_REMINDER) only WHERE
//      claim = <this run's token>, with the idempotency
//      key rem_<step id>_<due time> as its notification id / message key (unique: never two rows for one step and
//      due time).
// Claim and message commit together or not at all, so a crash leaves either a pending step (sent by the next alarm
// or sweep) or a claimed step with its outbox row (the email outbox's queue, or src/sms/sender.ts, with their own
// retries and crash rules, deliver it). The per-recipient email budget and the SMS limits apply to reminders.
import type { D1Queryable } from '../db/client';
import type { BookingField, BookingFieldResponses, WorkflowStep } from '../db/json-types';
import { ownAnswer, SMS_CONSENT, smsPhoneField } from '../event-types/booking-fields';
import type { RecipientRole } from '../db/schema';
import type { Bindings } from '../env';
import { toHex } from '../lib/encoding';
import { locationText } from '../invites/booking-event';
import { bookingPageUrl, hostViewUrl, siteOf, type Site } from '../invites/site';
import { emailsEnabled, enqueueNotifications, notificationIdsOf, reminderNotificationInsert } from '../notifications/outbox';
import type { ReminderPayload } from '../notifications/payload';
import { pendingSmsIds, reminderSmsInsert, smsLimits } from '../sms/outbox';
import { allowedCountries, numberRefusal, smsText } from '../sms/phone';
import { sendSmsNow } from '../sms/sender';
import { smsEnabled } from '../sms/transports';
import { deliveryIdsOf, enqueueDeliveries, reminderWebhookInsert } from '../webhooks/outbox';
import { meetingReminderEnvelope, type Envelope } from '../webhooks/payload';
import { formatStartLocal, renderHtml, renderSubject, renderText, type TemplateValues } from './template';

/** The cron leaves steps due within this long to their alarm; older ones were missed by it. */
export const REMINDER_SWEEP_GRACE_MS = 60_000;
/** Bounds one run; a backlog drains over the next alarms and sweeps, oldest first. */
export const REMINDER_BATCH_MAX = 50;

const TIMED_TRIGGERS = new Set(['before_start', 'after_end']);

/** One due step with what its template reads. */
interface DueRow {
  id: number;
  step: number;
  action: string;
  due_at: number;
  trigger: string;
  time_format: '12h' | '24h';
  steps: string;
  booking_uid: string;
  booking_status: string;
  title: string;
  start_at: number;
  end_at: number;
  location_type: string | null;
  location_value: string | null;
  responses: string | null;
  host_name: string;
  host_email: string;
  host_timezone: string;
  attendee_name: string;
  attendee_email: string;
  attendee_timezone: string;
  host_id: number;
  host_time_format: '12h' | '24h' | null;
  host_phone: string | null;
  host_phone_verified_at: number | null;
  booking_fields: string | null;
  workflow_id: number;
  workflow_name: string;
  event_type_id: number | null;
  event_type_slug: string | null;
  /** A seated booking's seat (its attendee row id and uid), one row per live seat; null otherwise. */
  seat_id: number | null;
  seat_uid: string | null;
}

const DUE_SELECT = `SELECT r.id, r.step, r.action, r.due_at, w.trigger, w.time_format, w.steps,
    b.uid AS booking_uid, b.status AS booking_status, b.title, b.start_at, b.end_at, b.location_type, b.location_value,
    coalesce(a.booking_fields_responses, b.booking_fields_responses) AS responses,
    u.name AS host_name, u.email AS host_email, u.timezone AS host_timezone,
    a.name AS attendee_name, a.email AS attendee_email, a.timezone AS attendee_timezone,
    b.host_id, u.time_format AS host_time_format, u.phone_number AS host_phone, u.phone_verified_at AS host_phone_verified_at,
    e.booking_fields, w.id AS workflow_id, w.name AS workflow_name, e.id AS event_type_id, e.slug AS event_type_slug,
    CASE WHEN a.seat_uid IS NULL THEN NULL ELSE a.id END AS seat_id, a.seat_uid
  FROM booking_reminders r
  JOIN event_type_workflows w ON w.id = r.workflow_id
  JOIN bookings b ON b.id = r.booking_id
  JOIN users u ON u.id = b.host_id
  LEFT JOIN booking_event_types e ON e.id = b.event_type_id
  LEFT JOIN booking_attendees a ON a.booking_id = b.id
    AND ((a.seat_uid IS NULL AND a.id = (SELECT min(a2.id) FROM booking_attendees a2 WHERE a2.booking_id = b.id))
      OR (a.seat_uid IS NOT NULL AND a.cancelled_at IS NULL AND a.payment_expires_at IS NULL))`;

function answerText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.map(String).join(', ');
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return String(value);
}

/** The template's values for one reader: times in their zone, and links they may use. */
export function valuesFor(row: DueRow, role: RecipientRole, site: Site): TemplateValues {
  const zone = role === 'attendee' ? row.attendee_timezone : row.host_timezone;
  // The attendee's links carry the booking uid (their capability); the host's lead to their own view.
  // A seat holder's capability is their seat uid, not the booking's (the host's).
  const own = row.seat_uid ?? row.booking_uid;
  const attendeeLinks = {
    booking_url: bookingPageUrl(site, own),
    reschedule_url: `${site.baseUrl}/reschedule/${own}`,
    cancel_url: `${site.baseUrl}/booking/${own}?cancel=1`,
  };
  const hostView = hostViewUrl(site, row.start_at);
  const links = role === 'attendee' ? attendeeLinks : { booking_url: hostView, reschedule_url: hostView, cancel_url: hostView };
  const answers = row.responses ? (JSON.parse(row.responses) as BookingFieldResponses) : {};
  return {
    ...Object.fromEntries(Object.entries(answers).map(([name, value]) => [name, answerText(value)])),
    attendee_name: row.attendee_name,
    host_name: row.host_name,
    event_title: row.title,
    // The reader's stored 12/24-hour preference (hosts), else the workflow's choice.
    start_local: formatStartLocal(row.start_at, zone, (role === 'host' ? row.host_time_format : null) ?? row.time_format),
    timezone: zone,
    location: locationText(row.location_type, row.location_value) ?? '',
    meeting_url: row.location_value && /^https?:\/\//.test(row.location_value) ? row.location_value : '',
    ...links,
  };
}

/** The email of one step for its reader, rendered from the workflow's current template. */
export function renderStep(row: DueRow, site: Site): { role: RecipientRole; to: { name: string; email: string }; payload: ReminderPayload } | null {
  const step = (JSON.parse(row.steps) as WorkflowStep[])[row.step];
  if (!step) return null;
  const role: RecipientRole = row.action === 'email_host' ? 'host' : 'attendee';
  const values = valuesFor(row, role, site);
  const to = role === 'attendee' ? { name: row.attendee_name, email: row.attendee_email } : { name: row.host_name, email: row.host_email };
  const other = role === 'attendee' ? { name: row.host_name, email: row.host_email } : { name: row.attendee_name, email: row.attendee_email };
  return {
    role,
    to,
    payload: { kind: 'reminder', subject: renderSubject(step.subject, values), text: renderText(step.body, values), html: renderHtml(step.body, values), replyTo: other },
  };
}

/**
 * The SMS of one step: the text for its reader, and where it may go. Only ever to a number we hold: the attendee's
 * answer to the phone question that asks for SMS consent (and only with that consent), or the host's verified number.
 */
export function renderSms(row: DueRow, site: Site, allowed: ReadonlySet<string>): { role: RecipientRole; to: string; body: string; refusal: string | null } | null {
  const step = (JSON.parse(row.steps) as WorkflowStep[])[row.step];
  if (!step) return null;
  const role: RecipientRole = row.action === 'sms_host' ? 'host' : 'attendee';
  const body = smsText(renderText(step.body, valuesFor(row, role, site)));
  if (role === 'host') {
    const to = row.host_phone_verified_at !== null ? row.host_phone : null;
    return { role, to: to ?? '', body, refusal: to ? numberRefusal(to, allowed) : 'Not sent: the host has no verified phone number' };
  }
  const field = smsPhoneField(row.booking_fields ? (JSON.parse(row.booking_fields) as BookingField[]) : null);
  const answers = row.responses ? (JSON.parse(row.responses) as BookingFieldResponses) : {};
  const number = field ? ownAnswer(answers, field.name) : undefined;
  const to = typeof number === 'string' ? number : '';
  const consented = ownAnswer(answers, SMS_CONSENT) === true;
  return { role, to, body, refusal: !field || !consented ? 'Not sent: the attendee did not agree to SMS' : numberRefusal(to, allowed) };
}

/** A `webhook` step's MEETING_REMINDER envelope: the booking as it is now, and which step is due. */
export function reminderEnvelope(row: DueRow, now: number): Envelope {
  return meetingReminderEnvelope(
    {
      booking: { uid: row.booking_uid, title: row.title, startAt: row.start_at, endAt: row.end_at, status: row.booking_status, location: locationText(row.location_type, row.location_value) ?? null },
      eventType: row.event_type_id !== null ? { id: row.event_type_id, slug: row.event_type_slug ?? '' } : null,
      organizer: { id: row.host_id, name: row.host_name, email: row.host_email, timezone: row.host_timezone },
      attendee: { name: row.attendee_name, email: row.attendee_email, timezone: row.attendee_timezone },
      reminder: { workflowId: row.workflow_id, workflowName: row.workflow_name, trigger: row.trigger, step: row.step, dueAt: row.due_at },
    },
    now,
  );
}

/** The idempotency key of a step at one due time: its email's notification id (and so its Message-ID). */
export const reminderKey = (id: number, dueAt: number) => `rem_${id}_${dueAt}`;

export interface DeliveryRun {
  /** Steps this run claimed and handed to the email or SMS outbox or the webhooks. */
  claimed: number;
  /** The host's next pending due time (with `hostId`), for the alarm. */
  next: number | null;
}

/**
 * Sends every pending step due at `now` (of one host, or of all when `hostId` is absent) through the email or SMS
 * outbox (SMS rows are sent right after the commit). Steps that must no longer go out are settled instead: a
 * time-based step of a booking that is no longer accepted is voided; a step whose channel is off
 * (EMAIL_NOTIFICATIONS=false, SMS_TRANSPORT off) is skipped.
 */
export async function deliverDueReminders(env: Bindings, now: number, opts: { hostId?: number; dueBefore?: number } = {}): Promise<DeliveryRun> {
  const d1: D1Queryable = env.DB.withSession('first-primary');
  const dueBefore = opts.dueBefore ?? now;
  // The steps first (bounded), then every row of each: a seated booking's step has one per live seat.
  const due = await (opts.hostId === undefined
    ? d1
        .prepare(`${DUE_SELECT} WHERE r.id IN (SELECT id FROM booking_reminders WHERE status = 'pending' AND due_at <= ? ORDER BY due_at LIMIT ?) ORDER BY r.due_at, r.id, a.id`)
        .bind(dueBefore, REMINDER_BATCH_MAX)
    : d1
        .prepare(
          `${DUE_SELECT} WHERE r.id IN (SELECT id FROM booking_reminders WHERE host_id = ? AND status = 'pending' AND due_at <= ? ORDER BY due_at LIMIT ?) ORDER BY r.due_at, r.id, a.id`,
        )
        .bind(opts.hostId, dueBefore, REMINDER_BATCH_MAX)
  ).all<DueRow>();

  const site = siteOf(env);
  const channels = { email: emailsEnabled(env), sms: smsEnabled(env) };
  const allowed = allowedCountries(env.SMS_ALLOWED_COUNTRIES);
  const limits = smsLimits(env);
  const token = 'clm_' + toHex(crypto.getRandomValues(new Uint8Array(12)));
  const statements: D1PreparedStatement[] = [];
  const emailAt: number[] = [];
  const smsAt: number[] = [];
  const claimAt: number[] = [];
  const hookAt: number[] = [];
  // Rows come grouped by step (ORDER BY r.id within a due time); a seated booking's step has one row per live seat.
  const groups = new Map<number, DueRow[]>();
  for (const row of due.results) groups.set(row.id, [...(groups.get(row.id) ?? []), row]);
  for (const rows of groups.values()) {
    const row = rows[0]!;
    const live = !TIMED_TRIGGERS.has(row.trigger) || row.booking_status === 'accepted';
    const claim = { reminderId: row.id, token };
    const key = reminderKey(row.id, row.due_at);
    // The attendee's actions go to every seat of a seated booking (each with its own key); the others once.
    const perSeat = row.action.endsWith('_attendee') && row.seat_id !== null;
    // A seated booking whose seats all left has no reader (its step is settled without a message).
    const readers = (perSeat ? rows : [row]).filter((r) => r.attendee_email !== null);
    const keyOf = (r: DueRow) => (perSeat ? `${key}_${r.seat_id}` : key);
    // The messages this step writes right after its claim (same batch); none when it must not go out.
    const writes: { at: number[]; statement: D1PreparedStatement }[] = [];
    if (live && row.action.startsWith('email_') && channels.email) {
      for (const r of readers) {
        const rendered = renderStep(r, site);
        if (rendered) writes.push({ at: emailAt, statement: reminderNotificationInsert(d1, env, { reminderId: r.id, claim: token, notificationId: keyOf(r), bookingUid: r.booking_uid, ...rendered }, now) });
      }
    } else if (live && row.action.startsWith('sms_') && channels.sms) {
      for (const r of readers) {
        const sms = renderSms(r, site, allowed);
        if (sms) writes.push({ at: smsAt, statement: reminderSmsInsert(d1, { key: keyOf(r), hostId: r.host_id, kind: 'reminder', ...sms }, limits, claim, now) });
      }
    } else if (live && row.action === 'webhook' && row.attendee_email !== null) {
      writes.push({ at: hookAt, statement: reminderWebhookInsert(d1, { reminderId: row.id, claim: token, key, envelope: reminderEnvelope(row, now) }, now) });
    }
    const settle = writes.length ? 'sent' : live ? 'skipped' : 'voided';
    statements.push(
      d1
        .prepare(
          `UPDATE booking_reminders SET status = ?, claim = ?, sent_at = ?, updated_at = ?
           WHERE id = ? AND status = 'pending' AND due_at = ?`,
        )
        .bind(settle, token, writes.length ? now : null, now, row.id, row.due_at),
    );
    if (writes.length) claimAt.push(statements.length - 1);
    for (const w of writes) {
      w.at.push(statements.length);
      statements.push(w.statement);
    }
  }
  const nextQuery =
    opts.hostId === undefined
      ? null
      : d1.prepare(`SELECT min(due_at) AS next FROM booking_reminders WHERE host_id = ? AND status = 'pending'`).bind(opts.hostId);
  if (nextQuery) statements.push(nextQuery);
  if (statements.length === 0) return { claimed: 0, next: null };
  const results = await d1.batch(statements);
  const ids = notificationIdsOf(emailAt.map((i) => results[i]!));
  if (ids.length) await enqueueNotifications(env, ids, d1);
  const smsIds = pendingSmsIds(smsAt.map((i) => results[i]!));
  if (smsIds.length) await sendSmsNow(env, smsIds, { now: () => now });
  const hookIds = hookAt.flatMap((i) => deliveryIdsOf(results[i]!));
  if (hookIds.length) await enqueueDeliveries(env, hookIds, d1);
  const next = nextQuery ? ((results.at(-1)!.results[0] as { next: number | null } | undefined)?.next ?? null) : null;
  return { claimed: claimAt.filter((i) => (results[i]!.meta.changes ?? 0) > 0).length, next };
}

/** The cron half: steps whose alarm should have fired more than a minute ago (a lost or failing timer). */
export function sweepReminders(env: Bindings, now: number): Promise<DeliveryRun> {
  return deliverDueReminders(env, now, { dueBefore: now - REMINDER_SWEEP_GRACE_MS });
}

// The email outbox, the same pattern as the webhook outbox (src/webhooks/outbox.ts): a booking change and its
// notification rows are written in one D1 batch, so a committed change always has its emails and a refused or
// rolled-back one never does. Queue messages are sent only after the commit; a lost send leaves `enqueued_at` NULL
// for the cron sweep (src/notifications/sweep.ts).
import type { BookingCalendarData, SeriesRef } from '../invites/booking-event';
import type { D1Queryable } from '../db/client';
import type { WebhookTrigger } from '../db/schema';
import { markEnqueued, sendInChunks } from '../db/outbox';
import type { Bindings } from '../env';
import { toHex } from '../lib/encoding';
import { BOOKING_IN_SNAPSHOT_STATE, snapshotStateParams } from '../webhooks/outbox';
import type { BookingEventSnapshot } from '../webhooks/payload';
import { CALENDAR_REAUTH_TRIGGER, RECIPIENTS, recipientOf, REMINDER_TRIGGER, type NotificationPayload, type ReminderPayload } from './payload';
import type { RecipientRole } from '../db/schema';

/** The global switch: only an explicit "false" turns emails off. */
export function emailsEnabled(env: Pick<Bindings, 'EMAIL_NOTIFICATIONS'>): boolean {
  return (env.EMAIL_NOTIFICATIONS ?? '').trim().toLowerCase() !== 'false';
}

export function newNotificationId(): string {
  return 'ntf_' + toHex(crypto.getRandomValues(new Uint8Array(16)));
}

/** What the calendar and the emails need beyond the webhook snapshot: the SEQUENCE after the change and the row's times. */
export interface CalendarState {
  sequence: number;
  createdAt: number;
  updatedAt: number;
  /** An occurrence of a recurring series (with the series' rule when this message invites to the whole series). */
  series?: SeriesRef;
}

/** The reason each change's emails show: the one given with that change. */
const REASON_OF: Partial<Record<WebhookTrigger, (event: BookingEventSnapshot) => string | null>> = {
  BOOKING_CANCELLED: (event) => event.booking.cancellationReason,
  BOOKING_REJECTED: (event) => event.booking.rejectionReason,
  BOOKING_RESCHEDULED: (event) => event.reschedule?.reason ?? null,
};

export function notificationPayload(event: BookingEventSnapshot, state: CalendarState): NotificationPayload {
  const b = event.booking;
  const booking: BookingCalendarData = {
    // A seat's invite is its own calendar event (UID and link by the seat uid): it lists only the host and that attendee.
    uid: event.seat?.uid ?? b.uid,
    title: b.title,
    description: b.description,
    startAt: b.startAt,
    endAt: b.endAt,
    status: b.status,
    sequence: state.sequence,
    locationType: b.locationType,
    locationValue: b.locationValue,
    organizer: { name: event.organizer.name, email: event.organizer.email },
    attendee: { name: event.attendee.name, email: event.attendee.email, notes: event.attendee.notes },
    createdAt: state.createdAt,
    updatedAt: state.updatedAt,
    ...(state.series ? { series: state.series } : {}),
    ...(b.generatedLink ? { generatedLink: b.generatedLink } : {}),
  };
  return {
    trigger: event.trigger,
    booking,
    hostTimezone: event.organizer.timezone,
    attendeeTimezone: event.attendee.timezone,
    previous: event.reschedule ? { startAt: event.reschedule.previousStartAt, endAt: event.reschedule.previousEndAt } : null,
    reason: REASON_OF[event.trigger]?.(event) ?? null,
  };
}

/** The booking's host (`hu`) and, for a team event type, its team (`t`): whose look and default language the emails take. */
const LOOK_JOINS = `LEFT JOIN teams t ON t.id = e.team_id JOIN users hu ON hu.id = b.host_id`;
const OWNER_LOCALE = `CASE WHEN t.id IS NULL THEN hu.locale ELSE t.locale END`;
/** The stored payload with the reader's language and the brand (NotificationPayload.locale etc.): binds the payload first. */
const withLook = (localeSql: string) =>
  `json_set(?, '$.locale', COALESCE(${localeSql}, 'en'), '$.brandColor', CASE WHEN t.id IS NULL THEN hu.brand_color ELSE t.brand_color END,
    '$.logo', CASE WHEN t.id IS NULL THEN hu.logo ELSE t.logo END,
    '$.hideBranding', json(CASE WHEN (CASE WHEN t.id IS NULL THEN hu.hide_branding ELSE t.hide_branding END) = 1 THEN 'true' ELSE 'false' END))`;
/** The attendee's language as they booked (their seat's for a seat), else the owner's default. Binds: seat uid twice. */
const ATTENDEE_LOCALE = `COALESCE((SELECT a.locale FROM booking_attendees a WHERE a.booking_id = b.id
  AND (a.seat_uid = ? OR (? IS NULL AND a.seat_uid IS NULL)) ORDER BY a.id LIMIT 1), ${OWNER_LOCALE})`;

const INSERT_NOTIFICATION = `INSERT INTO booking_email_notifications
  (notification_id, booking_id, booking_uid, trigger_event, recipient_role, recipient_email, recipient_name, payload,
   status, attempts, attempt_log, created_at, updated_at, last_error)`;

/**
 * The per-recipient budget (issue #25): one address gets at most `perHour` emails in any rolling hour and `perDay` in
 * any rolling 24 hours, whoever's bookings they come from and whether they were made through the API or the pages.
 * Counted in the INSERT that writes the row (D1 runs one write at a time, so parallel bookings cannot both squeeze
 * under it); a row beyond it is written `suppressed` with the reason in last_error and never sent, while the change
 * itself happens. It bounds the attendee's emails, the address an anonymous booker chooses; a host's own emails are
 * bounded by what can be booked with them (rate limits and caps).
 */
export function recipientBudget(env: Pick<Bindings, 'EMAIL_RECIPIENT_MAX_PER_HOUR' | 'EMAIL_RECIPIENT_MAX_PER_DAY'>) {
  const read = (v: string | undefined, fallback: number) => (v !== undefined && /^\d+$/.test(v.trim()) ? Number(v) : fallback);
  return { perHour: read(env.EMAIL_RECIPIENT_MAX_PER_HOUR, 10), perDay: read(env.EMAIL_RECIPIENT_MAX_PER_DAY, 30) };
}

const SENT_TO = `SELECT COUNT(*) FROM booking_email_notifications n WHERE lower(n.recipient_email) = lower(?) AND n.created_at > ? AND n.status != 'suppressed'`;

/** `reason` (NULL or why the row is suppressed) for one attendee address, and its binds. */
function budgetCheck(email: string, budget: ReturnType<typeof recipientBudget>, now: number): { sql: string; binds: unknown[] } {
  return {
    sql: `(SELECT CASE WHEN (${SENT_TO}) >= ? THEN ? WHEN (${SENT_TO}) >= ? THEN ? END)`,
    binds: [
      email, now - 3_600_000, budget.perHour, `Not sent: this address already got ${budget.perHour} emails in the last hour (per-recipient budget)`,
      email, now - 86_400_000, budget.perDay, `Not sent: this address already got ${budget.perDay} emails in the last 24 hours (per-recipient budget)`,
    ],
  };
}

/**
 * The booking `b` in the snapshot's state and SEQUENCE (a seat's change: the seat's, in the state), when its event
 * type (if it still exists) has emails on. Binds: `snapshotStateParams`, the SEQUENCE, the seat uid or NULL.
 */
const NOTIFIABLE_BOOKING = `${BOOKING_IN_SNAPSHOT_STATE} AND (b.sequence = ? OR ? IS NOT NULL)
  AND (e.id IS NULL OR e.email_notifications = 1)`;

/**
 * A booking that ended while its confirmation waited for the generated meeting link (src/calendars/meeting-link-settle.ts):
 * that confirmation must never go after the cancellation, so it is not sent at all. Answers no ids.
 */
function suppressHeldConfirmations(d1: D1Queryable, uid: string, now: number): D1PreparedStatement {
  return d1
    .prepare(
      `UPDATE booking_email_notifications SET status = 'suppressed', last_error = 'Not sent: the booking ended before its meeting link was made', updated_at = ?2
       WHERE booking_id = (SELECT id FROM bookings WHERE uid = ?1 AND status IN ('cancelled', 'rejected'))
         AND status = 'pending' AND enqueued_at IS NULL AND json_extract(payload, '$.booking.status') = 'accepted'
         AND json_extract(payload, '$.booking.generatedLink') IS NOT NULL AND json_extract(payload, '$.booking.locationValue') IS NULL`,
    )
    .bind(uid, now);
}

/**
 * Statements to put in the same D1 batch as the booking write (after it, and after a team booking's booking_hosts
 * rows): one pending notification per recipient of this change (RECIPIENTS), each answering its new id (see
 * `notificationIdsOf`). None when emails are off. Where the host hears of a change, so does every other host
 * attending the booking (a team booking's co-hosts, from booking_hosts), each in their own time zone.
 *
 * Each finds the booking by uid inside SQL, and only in the state the snapshot describes (status, times and
 * SEQUENCE), so a guarded write earlier in the batch that changed nothing produces no email; and only when the
 * booking's event type has emails on (a booking whose event type was deleted still notifies).
 */
export function notificationInserts(
  d1: D1Queryable,
  env: Pick<Bindings, 'EMAIL_NOTIFICATIONS' | 'EMAIL_RECIPIENT_MAX_PER_HOUR' | 'EMAIL_RECIPIENT_MAX_PER_DAY'>,
  event: BookingEventSnapshot,
  state: CalendarState,
  now: number,
): D1PreparedStatement[] {
  if (!emailsEnabled(env)) return [];
  const payload = notificationPayload(event, state);
  const body = JSON.stringify(payload);
  // A seat's SEQUENCE is the seat's own, checked with the seat in the snapshot's state.
  const where = [...snapshotStateParams(event), state.sequence, event.seat?.uid ?? null];
  const budget = recipientBudget(env);
  const statements = RECIPIENTS[event.trigger].map((role) => {
    const to = recipientOf(payload, role);
    const check = role === 'attendee' ? budgetCheck(to.email, budget, now) : { sql: 'NULL', binds: [] };
    const seat = event.seat?.uid ?? null;
    const look = role === 'attendee' ? { sql: withLook(ATTENDEE_LOCALE), binds: [body, seat, seat] } : { sql: withLook('hu.locale'), binds: [body] };
    return d1
      .prepare(
        `${INSERT_NOTIFICATION}
         SELECT ?, b.id, b.uid, ?, ?, ?, ?, ${look.sql}, CASE WHEN budget.reason IS NULL THEN 'pending' ELSE 'suppressed' END, 0, '[]', ?, ?, budget.reason
         FROM bookings b LEFT JOIN booking_event_types e ON e.id = b.event_type_id ${LOOK_JOINS}, (SELECT ${check.sql} AS reason) budget
         WHERE ${NOTIFIABLE_BOOKING}
         RETURNING id, status`,
      )
      .bind(newNotificationId(), event.trigger, role, to.email, to.name, ...look.binds, now, now, ...check.binds, ...where);
  });
  if (!event.seat && (event.trigger === 'BOOKING_CANCELLED' || event.trigger === 'BOOKING_REJECTED')) statements.unshift(suppressHeldConfirmations(d1, event.booking.uid, now));
  if (!RECIPIENTS[event.trigger].includes('host')) return statements;
  // The co-hosts: the host's message, read in each one's own zone (the payload's hostTimezone is the reader's).
  const coHosts = d1
    .prepare(
      `${INSERT_NOTIFICATION}
       SELECT ? || '_' || u.id, b.id, b.uid, ?, 'host', u.email, u.name, json_set(${withLook('u.locale')}, '$.hostTimezone', u.timezone), 'pending', 0, '[]', ?, ?, NULL
       FROM bookings b LEFT JOIN booking_event_types e ON e.id = b.event_type_id ${LOOK_JOINS}
       JOIN booking_hosts bh ON bh.booking_id = b.id AND bh.user_id != b.host_id
       JOIN users u ON u.id = bh.user_id AND u.is_active = 1
       WHERE ${NOTIFIABLE_BOOKING}
       ORDER BY u.id
       RETURNING id, status`,
    )
    .bind(newNotificationId(), event.trigger, body, now, now, ...where);
  return [...statements, coHosts];
}

/**
 * A workflow step's email (src/workflows/delivery.ts), to run in the same batch right after the statement that claimed
 * the step: written only when that claim won (`booking_reminders.claim` holds this run's token), and never twice for
 * one step and due time (`notificationId` is that idempotency key; the unique index refuses a second row). The
 * attendee's address counts against the per-recipient budget like any other email. Answers `id, status` like
 * `notificationInserts` (read with `notificationIdsOf`).
 */
export function reminderNotificationInsert(
  d1: D1Queryable,
  env: Pick<Bindings, 'EMAIL_RECIPIENT_MAX_PER_HOUR' | 'EMAIL_RECIPIENT_MAX_PER_DAY'>,
  m: { reminderId: number; claim: string; notificationId: string; bookingUid: string; role: RecipientRole; to: { name: string; email: string }; payload: ReminderPayload },
  now: number,
): D1PreparedStatement {
  const check = m.role === 'attendee' ? budgetCheck(m.to.email, recipientBudget(env), now) : { sql: 'NULL', binds: [] };
  return d1
    .prepare(
      `${INSERT_NOTIFICATION}
       SELECT ?, r.booking_id, ?, '${REMINDER_TRIGGER}', ?, ?, ?, ?, CASE WHEN budget.reason IS NULL THEN 'pending' ELSE 'suppressed' END, 0, '[]', ?, ?, budget.reason
       FROM booking_reminders r, (SELECT ${check.sql} AS reason) budget
       WHERE r.id = ? AND r.claim = ? AND r.status = 'sent'
       ON CONFLICT (notification_id) DO NOTHING
       RETURNING id, status`,
    )
    .bind(m.notificationId, m.bookingUid, m.role, m.to.email, m.to.name, JSON.stringify(m.payload), now, now, ...check.binds, m.reminderId, m.claim);
}

/**
 * The host's one email about a calendar account that must be connected again (issue #28), to run in the same batch
 * right after the statement that marked the connection: written only when that statement marked it first
 * (`reauth_notified_at` is this run's `now`), so the host hears of it once until they reconnect. Answers `id, status`.
 */
export function calendarReauthInsert(d1: D1Queryable, m: { connectionId: number; notificationId: string; payload: ReminderPayload }, now: number): D1PreparedStatement {
  return d1
    .prepare(
      `${INSERT_NOTIFICATION}
       SELECT ?, NULL, 'calendar-' || c.id, '${CALENDAR_REAUTH_TRIGGER}', 'host', u.email, u.name, ?, 'pending', 0, '[]', ?, ?, NULL
       FROM calendar_connections c JOIN users u ON u.id = c.owner_id AND u.is_active = 1
       WHERE c.id = ? AND c.reauth_notified_at = ?
       ON CONFLICT (notification_id) DO NOTHING
       RETURNING id, status`,
    )
    .bind(m.notificationId, JSON.stringify(m.payload), now, now, m.connectionId, now);
}

/** The ids to send from the D1 batch results of `notificationInserts` statements (suppressed rows are never sent). */
export function notificationIdsOf(results: D1Result[]): number[] {
  return results.flatMap((r) => (r.results as { id: number; status: string }[]).filter((row) => row.status === 'pending').map((row) => row.id));
}

/**
 * After the batch committed: one queue message per notification, then `enqueued_at` on those rows. Never throws:
 * a booking that was written must not fail because of its emails; the sweep re-sends what was not enqueued.
 */
export async function enqueueNotifications(env: Pick<Bindings, 'DB' | 'EMAILS'>, ids: number[], d1: D1Queryable = env.DB): Promise<void> {
  await sendInChunks(
    env.EMAILS,
    ids,
    (id) => ({ notification_id: id }),
    (chunk) => markEnqueued(d1, 'booking_email_notifications', chunk, Date.now()),
    { message: 'email enqueue failed; the outbox sweep will retry', idsKey: 'notificationIds' },
  );
}

// The email queue consumer: sends one outbox row per message, logs every attempt, retries transient failures with
// backoff and gives up at once on permanent ones.
//
// Never sent twice: a consumer first claims the row (a lease, taken in one UPDATE that only a pending, unclaimed row
// passes), so two copies of its message cannot send at the same time, and a settled row is never sent again. If the
// Worker dies between the send and the record, the retry sends the very same message again (same Message-ID, same
// bytes), which receiving servers and clients treat as one message.
import { siteOf } from '../invites/site';
import type { D1Queryable } from '../db/client';
import type { EmailAttempt, EmailNotification, NotificationStatus } from '../db/schema';
import type { Bindings, EmailQueueMessage } from '../env';
import { isPositiveInt } from '../lib/pagination';
import { retryAfterFailure, retrySettingsOf, type RetrySettings } from '../webhooks/backoff';
import { renderNotification } from './content';
import { buildMime, type Address } from './mime';
import { CALENDAR_REAUTH_TRIGGER, REMINDER_TRIGGER, type NotificationPayload, type ReminderPayload } from './payload';
import { transportFor, type EmailTransport } from './transports';

/** Longer than any send may take (the SMTP timeout is 30 s), so a live claim is never taken over. */
export const LEASE_MS = 120_000;

/** Production defaults: 6 attempts, waits doubling from 60 s (about 30 minutes from first to last attempt). */
export function emailSettings(env: Pick<Bindings, 'EMAIL_MAX_ATTEMPTS' | 'EMAIL_RETRY_BASE_SECONDS'>): RetrySettings {
  return retrySettingsOf(env.EMAIL_MAX_ATTEMPTS, env.EMAIL_RETRY_BASE_SECONDS, { maxAttempts: 6, baseSeconds: 60 });
}

/** `Name <address>` or a bare address, as EMAIL_FROM may be written. */
export function parseAddress(raw: string): Address {
  const match = /^\s*"?([^"<]*?)"?\s*<([^<>\s]+@[^<>\s]+)>\s*$/.exec(raw);
  if (match) return { name: match[1]!.trim() || null, email: match[2]! };
  return { name: null, email: raw.trim() };
}

export interface SendOptions {
  transport?: EmailTransport;
  random?: () => number;
}

export type Settlement = { action: 'ack' } | { action: 'retry'; delaySeconds: number };
const ACK: Settlement = { action: 'ack' };

/** Claims a pending, unclaimed row for LEASE_MS; undefined when it is settled, gone, or being sent right now. */
async function claim(d1: D1Queryable, id: number, now: number): Promise<EmailNotification | undefined> {
  const row = await d1.prepare(
    `UPDATE booking_email_notifications SET lease_until = ?, updated_at = ?
     WHERE id = ? AND status = 'pending' AND (lease_until IS NULL OR lease_until <= ?)
     RETURNING *`,
  )
    .bind(now + LEASE_MS, now, id, now)
    .first<Record<string, unknown>>();
  return row ? notificationFromRow(row) : undefined;
}

export function notificationFromRow(row: Record<string, unknown>): EmailNotification {
  return {
    id: row.id as number,
    notificationId: row.notification_id as string,
    bookingId: row.booking_id as number | null,
    bookingUid: row.booking_uid as string,
    triggerEvent: row.trigger_event as EmailNotification['triggerEvent'],
    recipientRole: row.recipient_role as EmailNotification['recipientRole'],
    recipientEmail: row.recipient_email as string,
    recipientName: row.recipient_name as string,
    payload: row.payload as string,
    status: row.status as NotificationStatus,
    attempts: row.attempts as number,
    lastError: row.last_error as string | null,
    attemptLog: JSON.parse((row.attempt_log as string) || '[]') as EmailAttempt[],
    nextAttemptAt: row.next_attempt_at as number | null,
    leaseUntil: row.lease_until as number | null,
    enqueuedAt: row.enqueued_at as number | null,
    sentAt: row.sent_at as number | null,
    createdAt: row.created_at as number,
    updatedAt: row.updated_at as number,
  };
}

/** The whole message of a notification: the same bytes on every attempt (Date and DTSTAMP are the row's creation). */
export async function composeEmail(env: Bindings, n: EmailNotification): Promise<{ from: string; to: string; raw: string; subject: string }> {
  const site = siteOf(env);
  // Pre-rendered messages (a workflow step, a calendar notice): the words were fixed when the row was written.
  if (n.triggerEvent === REMINDER_TRIGGER || n.triggerEvent === CALENDAR_REAUTH_TRIGGER) return composeReminder(env, n, site.domain);
  const payload = JSON.parse(n.payload) as NotificationPayload;
  const content = await renderNotification(payload, n.recipientRole, site, n.createdAt);
  const from = parseAddress(env.EMAIL_FROM || `calflare <bookings@${site.domain}>`);
  // Replies reach the other person of the meeting, not a no-reply box.
  const other = n.recipientRole === 'attendee' ? payload.booking.organizer : payload.booking.attendee;
  const raw = await buildMime({
    from,
    to: { name: n.recipientName, email: n.recipientEmail },
    replyTo: { name: other.name, email: other.email },
    subject: content.subject,
    messageId: `${n.notificationId}@${site.domain}`,
    date: n.createdAt,
    text: content.text,
    html: content.html,
    calendar: content.calendar,
  });
  return { from: from.email, to: n.recipientEmail, raw, subject: content.subject };
}

/** A workflow step's email: the words were rendered when the step was claimed; no calendar part. */
async function composeReminder(env: Bindings, n: EmailNotification, domain: string) {
  const payload = JSON.parse(n.payload) as ReminderPayload;
  const from = parseAddress(env.EMAIL_FROM || `calflare <bookings@${domain}>`);
  const raw = await buildMime({
    from,
    to: { name: n.recipientName, email: n.recipientEmail },
    replyTo: payload.replyTo,
    subject: payload.subject,
    messageId: `${n.notificationId}@${domain}`,
    date: n.createdAt,
    text: payload.text,
    html: payload.html,
    calendar: null,
  });
  return { from: from.email, to: n.recipientEmail, raw, subject: payload.subject };
}

async function record(d1: D1Queryable, id: number, entry: EmailAttempt, status: NotificationStatus): Promise<void> {
  await d1.prepare(
    `UPDATE booking_email_notifications
     SET attempts = attempts + 1, attempt_log = json_insert(attempt_log, '$[#]', json(?)), last_error = ?, status = ?,
         next_attempt_at = ?, sent_at = CASE WHEN ? = 'sent' THEN ? ELSE sent_at END, lease_until = NULL, updated_at = ?
     WHERE id = ?`,
  )
    .bind(JSON.stringify(entry), entry.error, status, entry.next_attempt_at, status, entry.at, entry.at, id)
    .run();
}

/** Sends one outbox row if it still needs it, records the attempt, and says how to settle its message. */
export async function processNotification(env: Bindings, id: number, opts: SendOptions = {}): Promise<Settlement> {
  const started = Date.now();
  // Every statement here writes: on the primary, like every write (docs/DESIGN.md, D1 sessions).
  const d1 = env.DB.withSession('first-primary');
  const n = await claim(d1, id, started);
  if (!n) return ACK;
  const attempt = n.attempts + 1;
  const email = await composeEmail(env, n);
  const result = await (opts.transport ?? transportFor(env)).send(email);
  const at = Date.now();
  const delaySeconds = result.ok ? null : retryAfterFailure(attempt, result.permanent, emailSettings(env), opts.random);
  const status: NotificationStatus = result.ok ? 'sent' : delaySeconds === null ? 'failed' : 'pending';
  const entry: EmailAttempt = {
    attempt,
    at,
    duration_ms: at - started,
    error: result.ok ? null : result.error,
    permanent: !result.ok && result.permanent,
    next_attempt_at: delaySeconds === null ? null : at + delaySeconds * 1000,
  };
  await record(d1, n.id, entry, status);
  // Every attempt is in attempt_log; the Worker's log gets the failures.
  if (!result.ok) console.warn('email attempt failed', { notification: n.notificationId, attempt, status, error: entry.error });
  return delaySeconds === null ? ACK : { action: 'retry', delaySeconds };
}

/** The Worker's `queue` handler for the email queue. */
export async function consumeEmailBatch(batch: MessageBatch<EmailQueueMessage>, env: Bindings, opts: SendOptions = {}): Promise<void> {
  await Promise.all(
    batch.messages.map(async (message) => {
      const id = (message.body as Partial<EmailQueueMessage> | null)?.notification_id;
      if (!isPositiveInt(id)) {
        console.error('email message without a notification id dropped', { messageId: message.id });
        message.ack();
        return;
      }
      try {
        const settlement = await processNotification(env, id, opts);
        if (settlement.action === 'ack') message.ack();
        else message.retry({ delaySeconds: settlement.delaySeconds });
      } catch (error) {
        // Our own failure (D1 unavailable...): the lease lapses and the message comes back.
        console.error('email send crashed; retrying the message', { notificationId: id, error: String(error) });
        message.retry({ delaySeconds: Math.ceil(LEASE_MS / 1000) });
      }
    }),
  );
}

/** wrangler.toml: the email queue and its dead-letter queue, both consumed by this Worker. */
export const EMAIL_QUEUE = 'calflare-emails';
export const EMAIL_DEAD_LETTER_QUEUE = 'calflare-emails-dlq';

/** The queue gave up on these messages: their notifications are failed, never left pending. */
export async function settleEmailDeadLetters(batch: MessageBatch<EmailQueueMessage>, env: Bindings): Promise<void> {
  await Promise.all(
    batch.messages.map(async (message) => {
      const id = (message.body as Partial<EmailQueueMessage> | null)?.notification_id;
      try {
        if (isPositiveInt(id)) {
          await env.DB.withSession('first-primary').prepare(
            `UPDATE booking_email_notifications SET status = 'failed', last_error = ?, lease_until = NULL, updated_at = ?
             WHERE id = ? AND status = 'pending'`,
          )
            .bind('dead-lettered: the queue gave up after repeated consumer failures', Date.now(), id)
            .run();
        }
        message.ack();
      } catch (error) {
        console.error('email dead-letter settlement failed; retrying', { notificationId: id, error: String(error) });
        message.retry({ delaySeconds: 60 });
      }
    }),
  );
}

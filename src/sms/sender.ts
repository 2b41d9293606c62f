// Sending SMS outbox rows: right after the batch that wrote them (the reminder alarm or sweep, the verification
// request), and by the cron for retries and lost attempts. No queue: a text is one HTTPS request, and the cron runs
// every minute, which is the retry granularity SMS needs.
//
// Never twice: a sender first claims the row (one UPDATE that only passes on the state it read), sets it `sending`
// with a lease, then calls the provider, then records the outcome. A row still `sending` when its lease ran out was
// cut short after the claim, before or after its request reached the provider: before sending again, the sender asks
// the provider whether a message with this recipient and text was created since that claim (Twilio has no
// idempotency key on message creation), and records it as sent if so. Retries of transient errors wait with the
// webhook backoff, up to SMS_MAX_ATTEMPTS.
import type { EmailAttempt, SmsMessage } from '../db/schema';
import type { Bindings } from '../env';
import { retryAfterFailure, retrySettingsOf } from '../webhooks/backoff';
import { smsTransportFor, type SmsTransport } from './transports';

/** Longer than a send may take (15 s timeout), so a live claim is never taken over. */
export const SMS_LEASE_MS = 60_000;
/** Bounds one cron run. */
export const SMS_SWEEP_MAX = 50;

export function smsRetrySettings(env: Pick<Bindings, 'SMS_MAX_ATTEMPTS' | 'SMS_RETRY_BASE_SECONDS'>) {
  return retrySettingsOf(env.SMS_MAX_ATTEMPTS, env.SMS_RETRY_BASE_SECONDS, { maxAttempts: 5, baseSeconds: 60 });
}

export interface SmsSendOptions {
  transport?: SmsTransport;
  now?: () => number;
  random?: () => number;
}

type Row = Pick<SmsMessage, 'id' | 'messageKey' | 'toNumber' | 'body' | 'status' | 'attempts' | 'leaseUntil' | 'nextAttemptAt'>;

/** Sends one row if it is due and nobody else holds it; returns its status afterwards (or null if left alone). */
export async function sendSms(env: Bindings, id: number, opts: SmsSendOptions = {}): Promise<string | null> {
  const clock = opts.now ?? Date.now;
  const started = clock();
  const d1 = env.DB.withSession('first-primary');
  const row = await d1
    .prepare(`SELECT id, message_key AS messageKey, to_number AS toNumber, body, status, attempts, lease_until AS leaseUntil, next_attempt_at AS nextAttemptAt FROM sms_messages WHERE id = ?`)
    .bind(id)
    .first<Row>();
  if (!row) return null;
  const leaseFree = row.leaseUntil === null || row.leaseUntil <= started;
  const inDoubt = row.status === 'sending' && leaseFree;
  const due = row.status === 'pending' && leaseFree && (row.nextAttemptAt ?? 0) <= started;
  if (!inDoubt && !due) return null;
  // The claim: passes only on the state just read, so one sender wins.
  const claimed = await d1
    .prepare(
      `UPDATE sms_messages SET status = 'sending', lease_until = ?, updated_at = ?
       WHERE id = ? AND status = ? AND coalesce(lease_until, 0) = ?`,
    )
    .bind(started + SMS_LEASE_MS, started, id, row.status, row.leaseUntil ?? 0)
    .run();
  if ((claimed.meta.changes ?? 0) === 0) return null;

  const transport = opts.transport ?? smsTransportFor(env);
  const sms = { key: row.messageKey, to: row.toNumber, body: row.body };
  if (inDoubt) {
    // The interrupted attempt's claim began one lease before its lease ran out.
    const since = (row.leaseUntil ?? started) - SMS_LEASE_MS;
    const found = await transport.lookup(sms, since);
    if ('error' in found) {
      // Unknown still: leave it `sending` for the next sweep (its lease runs out again), never resend blind.
      await d1.prepare(`UPDATE sms_messages SET last_error = ?, updated_at = ? WHERE id = ?`).bind(`In doubt, lookup failed: ${found.error}`, clock(), id).run();
      return 'sending';
    }
    if (found.found) {
      return record(env, row, started, clock(), { ok: true, providerId: found.providerId }, 'found at the provider after an interrupted attempt', opts);
    }
  }
  const result = await transport.send(sms);
  return record(env, row, started, clock(), result, null, opts);
}

async function record(
  env: Bindings,
  row: Row,
  started: number,
  at: number,
  result: Awaited<ReturnType<SmsTransport['send']>>,
  note: string | null,
  opts: SmsSendOptions,
): Promise<string> {
  const d1 = env.DB.withSession('first-primary');
  const attempt = row.attempts + 1;
  const delaySeconds = result.ok ? null : retryAfterFailure(attempt, result.permanent, smsRetrySettings(env), opts.random);
  const status: 'sent' | 'pending' | 'failed' = result.ok ? 'sent' : delaySeconds === null ? 'failed' : 'pending';
  const entry: EmailAttempt = {
    attempt,
    at,
    duration_ms: at - started,
    error: result.ok ? note : result.error,
    permanent: !result.ok && result.permanent,
    next_attempt_at: delaySeconds === null ? null : at + delaySeconds * 1000,
  };
  const statements = [
    d1
      .prepare(
        `UPDATE sms_messages
         SET attempts = ?, attempt_log = json_insert(attempt_log, '$[#]', json(?)), last_error = ?, status = ?, provider_id = coalesce(?, provider_id),
             next_attempt_at = ?, sent_at = CASE WHEN ? = 'sent' THEN ? ELSE sent_at END, lease_until = NULL, updated_at = ?
         WHERE id = ?`,
      )
      .bind(attempt, JSON.stringify(entry), result.ok ? null : result.error, status, result.ok ? result.providerId : null, entry.next_attempt_at, status, at, at, row.id),
  ];
  // Twilio refused because the number unsubscribed there: we keep the opt-out too.
  if (!result.ok && result.optedOut) {
    statements.push(d1.prepare(`INSERT INTO sms_opt_outs (phone_number, keyword, created_at) VALUES (?, 'PROVIDER', ?) ON CONFLICT DO NOTHING`).bind(row.toNumber, at));
  }
  await d1.batch(statements);
  if (!result.ok) console.warn('sms attempt failed', { message: row.messageKey, attempt, status, error: result.error });
  return status;
}

/** After a batch wrote rows: send them now. Never throws (the cron retries whatever is left). */
export async function sendSmsNow(env: Bindings, ids: number[], opts: SmsSendOptions = {}): Promise<void> {
  for (const id of ids) {
    try {
      await sendSms(env, id, opts);
    } catch (error) {
      console.error('sms send crashed; the cron retries it', { id, error: String(error) });
    }
  }
}

/** The cron half: retries that are due, first attempts never made, and attempts cut short (lease run out). */
export async function sweepSms(env: Bindings, now: number, opts: SmsSendOptions = {}): Promise<number> {
  const rows = await env.DB.withSession('first-primary')
    .prepare(
      `SELECT id FROM sms_messages
       WHERE status IN ('pending', 'sending') AND next_attempt_at <= ? AND (lease_until IS NULL OR lease_until <= ?)
       ORDER BY next_attempt_at LIMIT ?`,
    )
    .bind(now, now, SMS_SWEEP_MAX)
    .all<{ id: number }>();
  await sendSmsNow(env, rows.results.map((r) => r.id), { now: () => now, ...opts });
  return rows.results.length;
}

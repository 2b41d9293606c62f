// The SMS outbox: rows written in the same D1 batch as what causes them (a workflow step's claim, or the host's number
// verification), with every abuse limit decided inside the INSERT, so parallel writers cannot both squeeze under one:
//  - a number that replied STOP is never texted again (sms_opt_outs);
//  - at most SMS_MAX_PER_NUMBER_PER_DAY messages to one number and SMS_MAX_PER_HOST_PER_DAY for one host's bookings
//    and verification, in any rolling 24 hours;
//  - the country allow-list and E.164 validity are checked before (src/sms/phone.ts) and arrive as `refusal`.
// A row over a limit is written `suppressed` with the reason in last_error (the admin's Messages tab shows it) and is
// never sent. The number is always one we hold (the booking's attendee who consented, the host's verified number):
// nothing here takes a number from a request.
import type { D1Queryable } from '../db/client';
import type { Bindings } from '../env';

export interface SmsLimits {
  perNumberPerDay: number;
  perHostPerDay: number;
}

export function smsLimits(env: Pick<Bindings, 'SMS_MAX_PER_NUMBER_PER_DAY' | 'SMS_MAX_PER_HOST_PER_DAY'>): SmsLimits {
  const read = (v: string | undefined, fallback: number) => (v !== undefined && /^\d+$/.test(v.trim()) ? Number(v) : fallback);
  return { perNumberPerDay: read(env.SMS_MAX_PER_NUMBER_PER_DAY, 5), perHostPerDay: read(env.SMS_MAX_PER_HOST_PER_DAY, 100) };
}

const DAY_MS = 86_400_000;

export interface NewSms {
  key: string;
  hostId: number;
  kind: 'reminder' | 'verification';
  role: 'attendee' | 'host';
  to: string;
  body: string;
  /** Why it may not be sent, decided before (no consent, invalid number, country not allowed); null: the limits decide. */
  refusal: string | null;
}

/**
 * The INSERT of one message. `gate` restricts it to when its cause really happened in this batch (a reminder: the
 * step's claim by this run); it answers `id, status` (pending rows are sent after the commit).
 */
function insertSms(d1: D1Queryable, m: NewSms, limits: SmsLimits, now: number, gate: { from: string; where: string; binds: unknown[]; bookingId: string }) {
  return d1
    .prepare(
      `INSERT INTO sms_messages (message_key, booking_id, host_id, kind, recipient_role, to_number, body, status, attempts, attempt_log, last_error, next_attempt_at, created_at, updated_at)
       SELECT ?1, ${gate.bookingId}, ?2, ?3, ?4, ?5, ?6, CASE WHEN chk.reason IS NULL THEN 'pending' ELSE 'suppressed' END, 0, '[]', chk.reason, ?7, ?7, ?7
       FROM ${gate.from}, (SELECT coalesce(?8,
           CASE WHEN EXISTS (SELECT 1 FROM sms_opt_outs o WHERE o.phone_number = ?5) THEN 'Not sent: this number replied STOP and is opted out'
                WHEN (SELECT count(*) FROM sms_messages s WHERE s.to_number = ?5 AND s.created_at > ?9 AND s.status != 'suppressed') >= ?10
                  THEN ?12
                WHEN (SELECT count(*) FROM sms_messages s WHERE s.host_id = ?2 AND s.created_at > ?9 AND s.status != 'suppressed') >= ?11
                  THEN ?13
           END) AS reason) chk
       WHERE ${gate.where}
       ON CONFLICT (message_key) DO NOTHING
       RETURNING id, status`,
    )
    .bind(
      m.key, m.hostId, m.kind, m.role, m.to, m.body, now, m.refusal, now - DAY_MS, limits.perNumberPerDay, limits.perHostPerDay,
      `Not sent: this number already got ${limits.perNumberPerDay} SMS in the last 24 hours (per-number limit)`,
      `Not sent: this host's messages already reached ${limits.perHostPerDay} SMS in the last 24 hours (per-host limit)`,
      ...gate.binds,
    );
}

/** A workflow step's SMS, written only when this run's claim of the step won (as the step's email). */
export function reminderSmsInsert(d1: D1Queryable, m: NewSms, limits: SmsLimits, claim: { reminderId: number; token: string }, now: number): D1PreparedStatement {
  return insertSms(d1, m, limits, now, { from: 'booking_reminders r', where: `r.id = ?14 AND r.claim = ?15 AND r.status = 'sent'`, binds: [claim.reminderId, claim.token], bookingId: 'r.booking_id' });
}

/** The host's verification code, written with the code's hash on the user row (same batch). */
export function verificationSmsInsert(d1: D1Queryable, m: NewSms, limits: SmsLimits, now: number): D1PreparedStatement {
  return insertSms(d1, m, limits, now, { from: '(SELECT 1)', where: 'true', binds: [], bookingId: 'NULL' });
}

/** The ids to send from batch results of the inserts above. */
export function pendingSmsIds(results: D1Result[]): number[] {
  return results.flatMap((r) => ((r.results ?? []) as { id: number; status: string }[]).filter((row) => row.status === 'pending').map((row) => row.id));
}

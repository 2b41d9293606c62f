// The host's own number for `sms_host` reminders. A number is usable only once the host typed back the code sent to
// it; a code is sent once per number (another goes only when that one expired or its tries ran out), through the SMS
// outbox and its limits (per number, per host, country allow-list, STOP), so this cannot be used to text anyone else.
import type { D1Queryable } from '../db/client';
import type { User } from '../db/schema';
import type { Bindings } from '../env';
import { sha256Hex } from '../lib/crypto';
import { ApiError } from '../lib/errors';
import { pendingSmsIds, smsLimits, verificationSmsInsert } from './outbox';
import { allowedCountries, numberRefusal, toE164 } from './phone';
import { sendSmsNow } from './sender';
import { smsEnabled } from './transports';

export const CODE_TTL_MS = 15 * 60_000;
export const MAX_CODE_TRIES = 5;
/** Codes one host may have texted in any 24 hours: each goes to a number the host typed, so it is bounded hard. */
export const MAX_CODES_PER_DAY = 3;

const invalid = (path: string, message: string) => new ApiError('validation_failed', 'Request validation failed', [{ path, message }]);

export function phoneJson(u: Pick<User, 'phoneNumber' | 'phoneVerifiedAt' | 'phoneCodeExpiresAt' | 'phoneCodeHash'>, now: number) {
  const waiting = u.phoneVerifiedAt === null && u.phoneCodeHash !== null && (u.phoneCodeExpiresAt ?? 0) > now;
  return {
    phone_number: u.phoneNumber,
    verified: u.phoneVerifiedAt !== null,
    verified_at: u.phoneVerifiedAt === null ? null : new Date(u.phoneVerifiedAt).toISOString(),
    code_expires_at: waiting ? new Date(u.phoneCodeExpiresAt!).toISOString() : null,
  };
}

const codeHash = (userId: number, number: string, code: string) => sha256Hex(`${userId}:${number}:${code}`);

/** Sets the host's number (unverified) and texts it a code; refuses a second code to a number while one is live. */
export async function setHostPhone(env: Bindings, d1: D1Queryable, user: User, raw: string, now: number) {
  if (!smsEnabled(env)) throw invalid('phone_number', 'SMS is off on this deployment (SMS_TRANSPORT)');
  const number = toE164(raw);
  if (!number) throw invalid('phone_number', 'Enter the number in E.164 form: + and the country code, like +14155552671');
  const refusal = numberRefusal(number, allowedCountries(env.SMS_ALLOWED_COUNTRIES));
  if (refusal) throw invalid('phone_number', refusal.replace(/^Not sent: /, ''));
  if (user.phoneNumber === number && user.phoneVerifiedAt !== null) throw new ApiError('conflict', 'This number is already verified');
  const live = user.phoneNumber === number && user.phoneCodeHash !== null && (user.phoneCodeExpiresAt ?? 0) > now && user.phoneCodeTries < MAX_CODE_TRIES;
  if (live) throw new ApiError('conflict', 'A code was already sent to this number: enter it (POST /v2/me/phone/verify) or wait until it expires');
  const recent = await d1
    .prepare(`SELECT count(*) AS n FROM sms_messages WHERE host_id = ? AND kind = 'verification' AND created_at > ?`)
    .bind(user.id, now - 86_400_000)
    .first<number>('n');
  if ((recent ?? 0) >= MAX_CODES_PER_DAY) throw new ApiError('rate_limited', `At most ${MAX_CODES_PER_DAY} verification codes a day: try again tomorrow`);
  const code = String(crypto.getRandomValues(new Uint32Array(1))[0]! % 1_000_000).padStart(6, '0');
  const [, inserted] = await d1.batch([
    d1
      .prepare(
        `UPDATE users SET phone_number = ?, phone_verified_at = NULL, phone_code_hash = ?, phone_code_expires_at = ?, phone_code_tries = 0, updated_at = ?
         WHERE id = ?`,
      )
      .bind(number, await codeHash(user.id, number, code), now + CODE_TTL_MS, now, user.id),
    verificationSmsInsert(
      d1,
      { key: `ver_${user.id}_${now}`, hostId: user.id, kind: 'verification', role: 'host', to: number, body: `Your calflare verification code is ${code}. It expires in 15 minutes.`, refusal: null },
      smsLimits(env),
      now,
    ),
  ]);
  const row = (inserted!.results as { id: number; status: string }[])[0];
  if (row?.status === 'suppressed') {
    const reason = await d1.prepare('SELECT last_error FROM sms_messages WHERE id = ?').bind(row.id).first<string>('last_error');
    throw new ApiError('conflict', reason?.replace(/^Not sent: /, 'No code was sent: ') ?? 'No code was sent');
  }
  await sendSmsNow(env, pendingSmsIds([inserted!]));
  return phoneJson({ phoneNumber: number, phoneVerifiedAt: null, phoneCodeHash: 'set', phoneCodeExpiresAt: now + CODE_TTL_MS }, now);
}

/** The code typed back: right, the number is verified; wrong, one try fewer. */
export async function verifyHostPhone(d1: D1Queryable, user: User, code: string, now: number) {
  if (user.phoneVerifiedAt !== null) throw new ApiError('conflict', 'This number is already verified');
  if (!user.phoneNumber || !user.phoneCodeHash || (user.phoneCodeExpiresAt ?? 0) <= now || user.phoneCodeTries >= MAX_CODE_TRIES) {
    throw invalid('code', 'No code is waiting: set the number again (POST /v2/me/phone) to get a new one');
  }
  // A try is taken before the code is compared, in one statement: parallel guesses cannot all read the same count.
  const tries = await d1
    .prepare('UPDATE users SET phone_code_tries = phone_code_tries + 1 WHERE id = ? AND phone_code_hash = ? AND phone_code_tries < ? RETURNING phone_code_tries')
    .bind(user.id, user.phoneCodeHash, MAX_CODE_TRIES)
    .first<number>('phone_code_tries');
  if (tries === null) throw invalid('code', 'No code is waiting: set the number again (POST /v2/me/phone) to get a new one');
  if ((await codeHash(user.id, user.phoneNumber, code)) !== user.phoneCodeHash) throw invalid('code', `Wrong code (${MAX_CODE_TRIES - tries} tries left)`);
  await d1
    .prepare('UPDATE users SET phone_verified_at = ?, phone_code_hash = NULL, phone_code_expires_at = NULL, updated_at = ? WHERE id = ? AND phone_code_hash = ?')
    .bind(now, now, user.id, user.phoneCodeHash)
    .run();
  return phoneJson({ phoneNumber: user.phoneNumber, phoneVerifiedAt: now, phoneCodeHash: null, phoneCodeExpiresAt: null }, now);
}

export async function clearHostPhone(d1: D1Queryable, userId: number, now: number) {
  await d1
    .prepare('UPDATE users SET phone_number = NULL, phone_verified_at = NULL, phone_code_hash = NULL, phone_code_expires_at = NULL, phone_code_tries = 0, updated_at = ? WHERE id = ?')
    .bind(now, userId)
    .run();
}

/** A STOP reply: that number is never texted again (Twilio's inbound webhook, signature checked by the route). */
export async function optOut(d1: D1Queryable, number: string, keyword: string, now: number) {
  await d1.prepare('INSERT INTO sms_opt_outs (phone_number, keyword, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING').bind(number, keyword, now).run();
}

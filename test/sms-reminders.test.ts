// SMS reminders end to end inside the Worker (memory transport): consent on a phone question, only numbers we hold,
// STOP through Twilio's signed inbound webhook, the per-number and per-host limits, the country allow-list, and exactly
// one message through a crash between claim and send.
import { env } from 'cloudflare:test';
import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { memorySms } from '../src/sms/transports';
import { SMS_LEASE_MS, sweepSms } from '../src/sms/sender';
import { twilioSignature } from '../src/sms/twilio';
import { deliverDueReminders } from '../src/workflows/delivery';
import { api, BASE, book, dbRow, expectError, hostWithEventType, issuePaths, upcomingDate } from './helpers';

const PHONE_QUESTION = { name: 'mobile', type: 'phone', label: 'Mobile', required: false, sms_consent: true };

interface SmsRow { id: number; message_key: string; to_number: string; body: string; status: string; last_error: string | null; provider_id: string | null; attempts: number }
const smsOf = async (uid: string) =>
  (await env.DB.prepare(`SELECT s.* FROM sms_messages s JOIN bookings b ON b.id = s.booking_id WHERE b.uid = ? ORDER BY s.id`).bind(uid).all<SmsRow>()).results;
const stepOf = (uid: string) =>
  dbRow<{ id: number; due_at: number; status: string }>(`SELECT r.id, r.due_at, r.status FROM booking_reminders r JOIN bookings b ON b.id = r.booking_id WHERE b.uid = ?`, uid);
const sentTo = (to: string) => memorySms.sent.filter((m) => m.to === to);

/** A host whose event type asks for a mobile number with SMS consent, with a 1 hour SMS reminder to the attendee. */
async function smsHost(action: 'sms_attendee' | 'sms_host' = 'sms_attendee', body?: string) {
  const host = await hostWithEventType({ booking_fields: [PHONE_QUESTION] });
  const res = await api('POST', `/v2/event-types/${host.eventType.id}/workflows`, {
    token: host.token,
    body: { name: 'Text 1 hour before', trigger: 'before_start', offset_minutes: 60, steps: [{ action, ...(body ? { body } : {}) }] },
  });
  expect(res.status).toBe(201);
  return host;
}

/** Books 3 days ahead with these answers and delivers its reminder at its due time (after `before`, if given). */
async function bookAndDeliver(host: Awaited<ReturnType<typeof smsHost>>, responses: Record<string, unknown>, before?: (dueAt: number) => Promise<void>, day = 3) {
  const created = await book(host.eventType.id, `${upcomingDate(day)}T10:00:00Z`, { booking_fields_responses: responses });
  expect(created.status).toBe(201);
  const step = (await stepOf(created.json.uid))!;
  await before?.(step.due_at);
  await deliverDueReminders(env, step.due_at, { hostId: host.user.id });
  return { uid: created.json.uid as string, step };
}

let nextNumber = 2_671;
/** A fresh valid US mobile number per test, so the per-number limit of one test never touches another. */
const freshNumber = () => `+1415555${String(nextNumber++).padStart(4, '0')}`;

describe('SMS reminders to the attendee', () => {
  it('need a phone question that asks for SMS consent', async () => {
    const host = await hostWithEventType();
    const res = await api('POST', `/v2/event-types/${host.eventType.id}/workflows`, {
      token: host.token,
      body: { name: 'Text', trigger: 'before_start', offset_minutes: 60, steps: [{ action: 'sms_attendee' }] },
    });
    expectError(res, 400, 'validation_failed');
    expect(issuePaths(res)).toEqual(['steps.0.action']);
  });

  it('go out once at the due time, in E.164, with consent, and show on the booking', async () => {
    const host = await smsHost();
    const number = freshNumber();
    const { uid, step } = await bookAndDeliver(host, { mobile: number.replace(/^\+1(\d{3})(\d{3})/, '+1 ($1) $2-'), sms_consent: true });
    const [sms] = await smsOf(uid);
    expect(sms).toMatchObject({ message_key: `rem_${step.id}_${step.due_at}`, to_number: number, status: 'sent', attempts: 1 });
    expect(sms!.provider_id).toMatch(/^SM/);
    expect(sentTo(number)).toHaveLength(1);
    expect(sentTo(number)[0]!.body).toMatch(/^Reminder: .* with .*, \w+day, .* \d{1,2}:00 (AM|PM) E[SD]T\. Reschedule: https?:\/\/\S+\/reschedule\//);
    // Nothing more on a second run.
    await deliverDueReminders(env, step.due_at + 1, { hostId: host.user.id });
    await sweepSms(env, step.due_at + 10 * 60_000);
    await deliverDueReminders(env, step.due_at + 10 * 60_000);
    expect(sentTo(number)).toHaveLength(1);
    const read = await api('GET', `/v2/bookings/${uid}`, { token: host.token });
    expect(read.json.reminders).toMatchObject([{ action: 'sms_attendee', status: 'sent' }]);
  });

  it('are never sent without the consent box ticked', async () => {
    const host = await smsHost();
    const number = freshNumber();
    const { uid } = await bookAndDeliver(host, { mobile: number });
    expect(await smsOf(uid)).toMatchObject([{ status: 'suppressed', last_error: 'Not sent: the attendee did not agree to SMS' }]);
    expect(sentTo(number)).toHaveLength(0);
  });

  it('consent needs a number in E.164', async () => {
    const host = await smsHost();
    const res = await book(host.eventType.id, `${upcomingDate(3)}T10:00:00Z`, { booking_fields_responses: { mobile: '415 555 2671', sms_consent: true } });
    expectError(res, 400, 'validation_failed');
    expect(issuePaths(res)).toEqual(['booking_fields_responses.mobile']);
  });

  it('are refused to a country outside SMS_ALLOWED_COUNTRIES', async () => {
    const host = await smsHost();
    const { uid } = await bookAndDeliver(host, { mobile: '+33 6 12 34 56 78', sms_consent: true });
    expect(await smsOf(uid)).toMatchObject([{ status: 'suppressed', last_error: expect.stringMatching(/SMS to FR is not allowed/) }]);
    expect(sentTo('+33612345678')).toHaveLength(0);
  });

  it('stop for good once the number replies STOP through the signed inbound webhook', async () => {
    const host = await smsHost();
    const number = freshNumber();
    const url = `${BASE}/v2/sms/twilio/inbound`;
    const form = new URLSearchParams({ MessageSid: 'SM0001', AccountSid: 'AC0001', From: number, To: '+15017122661', Body: 'Stop' });
    const post = (signature: string) =>
      SELF.fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature }, body: form.toString() });
    // A forged request changes nothing.
    expect((await post('forged=')).status).toBe(403);
    expect(await dbRow(`SELECT 1 AS x FROM sms_opt_outs WHERE phone_number = ?`, number)).toBeNull();
    const res = await post(await twilioSignature('12345', url, form));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/xml/);
    const { uid } = await bookAndDeliver(host, { mobile: number, sms_consent: true });
    expect(await smsOf(uid)).toMatchObject([{ status: 'suppressed', last_error: 'Not sent: this number replied STOP and is opted out' }]);
    expect(sentTo(number)).toHaveLength(0);
  });
});

describe('SMS limits', () => {
  /** `count` sent messages in the last day for a number and a host, as earlier reminders would have left. */
  async function pastMessages(count: number, to: string, hostId: number, now: number) {
    for (let i = 0; i < count; i++) {
      await env.DB.prepare(
        `INSERT INTO sms_messages (message_key, host_id, kind, recipient_role, to_number, body, status, created_at, updated_at) VALUES (?, ?, 'reminder', 'attendee', ?, 'earlier', 'sent', ?, ?)`,
      )
        .bind(`past_${to}_${hostId}_${i}_${Math.random()}`, hostId, to, now - 3_600_000, now)
        .run();
    }
  }

  it('at most SMS_MAX_PER_NUMBER_PER_DAY (5) to one number, whoever the host', async () => {
    const host = await smsHost();
    const number = freshNumber();
    const { uid } = await bookAndDeliver(host, { mobile: number, sms_consent: true }, (dueAt) => pastMessages(5, number, 999_999, dueAt));
    expect(await smsOf(uid)).toMatchObject([{ status: 'suppressed', last_error: 'Not sent: this number already got 5 SMS in the last 24 hours (per-number limit)' }]);
  });

  it('at most SMS_MAX_PER_HOST_PER_DAY (100) for one host', async () => {
    const host = await smsHost();
    const hundred = async (dueAt: number) => {
      await env.DB.prepare(
        `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100)
         INSERT INTO sms_messages (message_key, host_id, kind, recipient_role, to_number, body, status, created_at, updated_at)
         SELECT 'hostcap_' || ? || '_' || i, ?, 'reminder', 'attendee', '+1202555' || printf('%04d', i), 'earlier', 'sent', ?, ?
         FROM n`,
      )
        .bind(host.user.id, host.user.id, dueAt - 3_600_000, dueAt)
        .run();
    };
    const { uid } = await bookAndDeliver(host, { mobile: freshNumber(), sms_consent: true }, hundred);
    expect(await smsOf(uid)).toMatchObject([{ status: 'suppressed', last_error: "Not sent: this host's messages already reached 100 SMS in the last 24 hours (per-host limit)" }]);
  });
});

describe('SMS retries', () => {
  it('a transient failure waits with backoff and is sent by a later sweep; a permanent one fails at once', async () => {
    const host = await smsHost();
    const number = freshNumber();
    memorySms.script.push({ ok: false, permanent: false, error: 'Twilio 503: Service Unavailable' });
    const { uid, step } = await bookAndDeliver(host, { mobile: number, sms_consent: true });
    const [row] = await env.DB.prepare(`SELECT s.* FROM sms_messages s JOIN bookings b ON b.id = s.booking_id WHERE b.uid = ?`).bind(uid).all<SmsRow & { next_attempt_at: number }>().then((r) => r.results);
    expect(row).toMatchObject({ status: 'pending', attempts: 1, last_error: 'Twilio 503: Service Unavailable' });
    // The first wait is 60 s, jittered by 20%.
    expect(row!.next_attempt_at - step.due_at).toBeGreaterThanOrEqual(48_000);
    expect(row!.next_attempt_at - step.due_at).toBeLessThanOrEqual(72_000);
    await sweepSms(env, row!.next_attempt_at - 1);
    expect(sentTo(number)).toHaveLength(0);
    await sweepSms(env, row!.next_attempt_at);
    expect((await smsOf(uid))[0]).toMatchObject({ status: 'sent', attempts: 2 });
    expect(sentTo(number)).toHaveLength(1);

    const other = freshNumber();
    memorySms.script.push({ ok: false, permanent: true, error: "Twilio 400 (21211): The 'To' number is not a valid phone number." });
    const failed = await bookAndDeliver(host, { mobile: other, sms_consent: true }, undefined, 4);
    expect((await smsOf(failed.uid))[0]).toMatchObject({ status: 'failed', attempts: 1 });
  });
});

describe('exactly one SMS through a crash between claim and send', () => {
  /** A reminder row as a crashed sender leaves it: claimed (`sending`) and its lease run out. */
  async function crashedAfterClaim(host: Awaited<ReturnType<typeof smsHost>>, number: string, reachedProvider: boolean) {
    memorySms.script.push({ ok: false, permanent: false, error: 'simulated outage' });
    const { uid, step } = await bookAndDeliver(host, { mobile: number, sms_consent: true });
    const [row] = await smsOf(uid);
    expect(row).toMatchObject({ status: 'pending', attempts: 1 });
    const claimedAt = step.due_at + 1_000;
    await env.DB.prepare(`UPDATE sms_messages SET status = 'sending', lease_until = ?, next_attempt_at = ? WHERE id = ?`).bind(claimedAt + SMS_LEASE_MS, claimedAt, row!.id).run();
    // The provider got the request before the crash: it holds the message (created after the claim).
    if (reachedProvider) memorySms.sent.push({ key: row!.message_key, to: number, body: row!.body, providerId: 'SMcrash0001', at: claimedAt + 1_000 });
    return { uid, after: claimedAt + 2 * SMS_LEASE_MS };
  }

  it('a message the provider already has is recorded as sent, never sent again', async () => {
    const host = await smsHost();
    const number = freshNumber();
    const { uid, after } = await crashedAfterClaim(host, number, true);
    await sweepSms(env, after);
    expect(await smsOf(uid)).toMatchObject([{ status: 'sent', provider_id: 'SMcrash0001', attempts: 2 }]);
    expect(sentTo(number)).toHaveLength(1);
  });

  it('a message the provider never got is sent once by the next sweep', async () => {
    const host = await smsHost();
    const number = freshNumber();
    const { uid, after } = await crashedAfterClaim(host, number, false);
    await Promise.all([sweepSms(env, after), sweepSms(env, after)]);
    expect(await smsOf(uid)).toMatchObject([{ status: 'sent', attempts: 2 }]);
    expect(sentTo(number)).toHaveLength(1);
  });
});

describe("the host's verified number", () => {
  const codeSentTo = (to: string) => /code is (\d{6})/.exec(sentTo(to).at(-1)?.body ?? '')?.[1];

  it('is verified by the one code texted to it, and only then gets sms_host reminders', async () => {
    const host = await smsHost('sms_host');
    const number = freshNumber();
    // Before any number: the host step is recorded as not sent.
    const first = await bookAndDeliver(host, {});
    expect(await smsOf(first.uid)).toMatchObject([{ status: 'suppressed', last_error: 'Not sent: the host has no verified phone number' }]);

    expectError(await api('POST', '/v2/me/phone', { token: host.token, body: { phone_number: '415 555 0000' } }), 400, 'validation_failed');
    expectError(await api('POST', '/v2/me/phone', { token: host.token, body: { phone_number: '+33612345678' } }), 400, 'validation_failed');
    const set = await api('POST', '/v2/me/phone', { token: host.token, body: { phone_number: number } });
    expect(set.status).toBe(202);
    expect(set.json).toMatchObject({ phone_number: number, verified: false });
    const code = codeSentTo(number)!;
    expect(code).toMatch(/^\d{6}$/);
    // Once per number: no second code while this one lives.
    expectError(await api('POST', '/v2/me/phone', { token: host.token, body: { phone_number: number } }), 409, 'conflict');
    expect(sentTo(number)).toHaveLength(1);
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    expectError(await api('POST', '/v2/me/phone/verify', { token: host.token, body: { code: wrong } }), 400, 'validation_failed');
    const ok = await api('POST', '/v2/me/phone/verify', { token: host.token, body: { code } });
    expect(ok.status).toBe(200);
    expect(ok.json).toMatchObject({ phone_number: number, verified: true });

    const second = await bookAndDeliver(host, {}, undefined, 4);
    expect(await smsOf(second.uid)).toMatchObject([{ status: 'sent', to_number: number, recipient_role: 'host' }]);
    expect(sentTo(number).at(-1)!.body).toMatch(/^Reminder: /);
  });

  it('stops after five wrong codes', async () => {
    const host = await smsHost('sms_host');
    const number = freshNumber();
    expect((await api('POST', '/v2/me/phone', { token: host.token, body: { phone_number: number } })).status).toBe(202);
    const code = codeSentTo(number)!;
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    for (let i = 0; i < 5; i++) expectError(await api('POST', '/v2/me/phone/verify', { token: host.token, body: { code: wrong } }), 400, 'validation_failed');
    expectError(await api('POST', '/v2/me/phone/verify', { token: host.token, body: { code } }), 400, 'validation_failed');
    expect((await api('GET', '/v2/me/phone', { token: host.token })).json).toMatchObject({ verified: false });
  });
});

// SMS (#29) inside the Worker: E.164 with libphonenumber-js in workerd, the country allow-list, Twilio's Messages API
// request and answers (checked against Twilio's documented shapes with a stubbed fetch) and the inbound signature
// (Twilio's own documented example); then reminders end to end (memory transport): consent on a phone question, only
// numbers we hold, STOP through the signed inbound webhook, the per-number and per-host limits, the country
// allow-list, retries, and exactly one message through a crash between claim and send.
import { env, SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { allowedCountries, numberRefusal, smsText, toE164 } from '../src/sms/phone';
import { SMS_LEASE_MS, sweepSms } from '../src/sms/sender';
import { memorySms, TwilioTransport } from '../src/sms/transports';
import { findInList, optOutKeyword, readSendResponse, twilioSignature, verifyTwilioSignature, type TwilioSettings } from '../src/sms/twilio';
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

  it('stops after five wrong codes, and texts at most three codes a day', async () => {
    const host = await smsHost('sms_host');
    const number = freshNumber();
    expect((await api('POST', '/v2/me/phone', { token: host.token, body: { phone_number: number } })).status).toBe(202);
    const code = codeSentTo(number)!;
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    for (let i = 0; i < 5; i++) expectError(await api('POST', '/v2/me/phone/verify', { token: host.token, body: { code: wrong } }), 400, 'validation_failed');
    expectError(await api('POST', '/v2/me/phone/verify', { token: host.token, body: { code } }), 400, 'validation_failed');
    expect((await api('GET', '/v2/me/phone', { token: host.token })).json).toMatchObject({ verified: false });
    // A new code for that number now and one more number (three codes today); a fourth in one day is refused.
    for (const n of [number, freshNumber()]) expect((await api('POST', '/v2/me/phone', { token: host.token, body: { phone_number: n } })).status).toBe(202);
    expectError(await api('POST', '/v2/me/phone', { token: host.token, body: { phone_number: freshNumber() } }), 429, 'rate_limited');
  });

  it('checks at most five codes, even sent in parallel', async () => {
    const host = await smsHost('sms_host');
    const number = freshNumber();
    expect((await api('POST', '/v2/me/phone', { token: host.token, body: { phone_number: number } })).status).toBe(202);
    const code = Number(codeSentTo(number)!);
    const guesses = await Promise.all(Array.from({ length: 12 }, (_, i) => api('POST', '/v2/me/phone/verify', { token: host.token, body: { code: String((code + 1 + i) % 1_000_000).padStart(6, '0') } })));
    expect(guesses.map((g) => g.status)).toEqual(Array(12).fill(400));
    expect(guesses.filter((g) => /Wrong code/.test(JSON.stringify(g.json))).length).toBe(5);
  });
});

const SETTINGS: TwilioSettings = { accountSid: 'AC0123456789abcdef0123456789abcdef', authToken: 'secret-token', from: '+15017122661', messagingServiceSid: null, baseUrl: 'https://api.twilio.com' };

/** A fetch that records its one request and answers `status` with `body`. */
function stubFetch(status: number, body: unknown) {
  const calls: { url: string; init: RequestInit }[] = [];
  const fetcher = (async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  }) as unknown as typeof fetch;
  return { calls, fetcher };
}

describe('phone numbers (libphonenumber-js in workerd)', () => {
  it('accepts valid numbers in E.164, formatted or not, and refuses national or impossible ones', () => {
    expect(toE164('+1 415 555 2671')).toBe('+14155552671');
    expect(toE164('+33 6 12 34 56 78')).toBe('+33612345678');
    expect(toE164('415 555 2671')).toBeNull();
    expect(toE164('+1 123')).toBeNull();
    expect(toE164('+999 1234567')).toBeNull();
  });

  it('texts only the countries of SMS_ALLOWED_COUNTRIES (default US and CA)', () => {
    const allowed = allowedCountries(undefined);
    expect(numberRefusal('+14155552671', allowed)).toBeNull();
    expect(numberRefusal('+33612345678', allowed)).toMatch(/SMS to FR is not allowed/);
    expect(numberRefusal('+33612345678', allowedCountries('us, fr'))).toBeNull();
    expect(numberRefusal('', allowed)).toMatch(/no phone number/);
    expect(numberRefusal('12345', allowed)).toMatch(/E\.164/);
  });

  it('strips control characters from SMS text and bounds its length', () => {
    expect(smsText('Hi\u0007 Jane\u001b[31m\r\nsee you\u0085')).toBe('Hi Jane[31m\nsee you');
    expect(smsText('x'.repeat(700))).toHaveLength(640);
  });
});

describe("Twilio's Messages API", () => {
  it('POSTs To, From and Body form-encoded with Basic auth to /2010-04-01/Accounts/{Sid}/Messages.json', async () => {
    const { calls, fetcher } = stubFetch(201, { sid: 'SM1234567890abcdef1234567890abcdef', status: 'queued' });
    const result = await new TwilioTransport(SETTINGS, fetcher).send({ key: 'rem_1_2', to: '+14155552671', body: 'Reminder: call at 9:00 AM' });
    expect(result).toEqual({ ok: true, providerId: 'SM1234567890abcdef1234567890abcdef' });
    const [call] = calls;
    expect(call!.url).toBe('https://api.twilio.com/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Messages.json');
    expect(call!.init.method).toBe('POST');
    const headers = new Headers(call!.init.headers);
    expect(headers.get('authorization')).toBe('Basic ' + btoa('AC0123456789abcdef0123456789abcdef:secret-token'));
    expect(headers.get('content-type')).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(call!.init.body as string))).toEqual({ To: '+14155552671', Body: 'Reminder: call at 9:00 AM', From: '+15017122661' });
  });

  it('sends MessagingServiceSid instead of From when a Messaging Service is configured', async () => {
    const { calls, fetcher } = stubFetch(201, { sid: 'SM00000000000000000000000000000001' });
    await new TwilioTransport({ ...SETTINGS, messagingServiceSid: 'MG0123456789abcdef0123456789abcdef' }, fetcher).send({ key: 'k', to: '+14155552671', body: 'x' });
    const form = new URLSearchParams(calls[0]!.init.body as string);
    expect(form.get('MessagingServiceSid')).toBe('MG0123456789abcdef0123456789abcdef');
    expect(form.has('From')).toBe(false);
  });

  it("reads Twilio's errors: a bad number is permanent, 21610 is an opt-out, 429, 5xx and a network failure are retried", async () => {
    expect(readSendResponse(400, { code: 21211, message: "The 'To' number is not a valid phone number.", status: 400 })).toMatchObject({ ok: false, permanent: true });
    expect(readSendResponse(400, { code: 21610, message: 'Attempt to send to unsubscribed recipient', status: 400 })).toMatchObject({ ok: false, permanent: true, optedOut: true });
    expect(readSendResponse(429, { code: 20429, message: 'Too Many Requests' })).toMatchObject({ ok: false, permanent: false });
    expect(readSendResponse(503, null)).toMatchObject({ ok: false, permanent: false });
    const failing = (async () => {
      throw new Error('connection reset');
    }) as unknown as typeof fetch;
    expect(await new TwilioTransport(SETTINGS, failing).send({ key: 'k', to: '+14155552671', body: 'x' })).toMatchObject({ ok: false, permanent: false, error: 'Twilio: connection reset' });
  });

  it('finds an interrupted message in the list by recipient, text and creation time', async () => {
    const sms = { key: 'rem_1_2', to: '+14155552671', body: 'Reminder' };
    const since = Date.parse('2027-01-04T10:00:00Z');
    const list = {
      messages: [
        { sid: 'SMnew', to: '+14155552671', body: 'Reminder', date_created: 'Mon, 04 Jan 2027 10:00:03 +0000' },
        { sid: 'SMold', to: '+14155552671', body: 'Reminder', date_created: 'Mon, 04 Jan 2027 09:00:00 +0000' },
      ],
    };
    expect(findInList(list, sms, since)).toBe('SMnew');
    expect(findInList(list, { ...sms, body: 'Other' }, since)).toBeNull();
    expect(findInList(list, sms, since + 60_000)).toBeNull();
    const { calls, fetcher } = stubFetch(200, list);
    expect(await new TwilioTransport(SETTINGS, fetcher).lookup(sms, since)).toEqual({ found: true, providerId: 'SMnew' });
    expect(calls[0]!.url).toBe('https://api.twilio.com/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Messages.json?To=%2B14155552671&PageSize=20');
    expect(calls[0]!.init.method).toBe('GET');
  });
});

describe('the inbound webhook signature', () => {
  // Twilio's documented example (webhooks security guide, and its SDKs' tests): auth token 12345.
  const URL = 'https://mycompany.com/myapp.php?foo=1&bar=2';
  const PARAMS: [string, string][] = [
    ['Digits', '1234'],
    ['To', '+18005551212'],
    ['From', '+14158675309'],
    ['Caller', '+14158675309'],
    ['CallSid', 'CA1234567890ABCDE'],
  ];

  it("matches Twilio's documented example and fails on any change", async () => {
    expect(await twilioSignature('12345', URL, PARAMS)).toBe('RSOYDt4T1cUTdK1PDd93/VVr8B8=');
    expect(await verifyTwilioSignature('12345', URL, PARAMS, 'RSOYDt4T1cUTdK1PDd93/VVr8B8=')).toBe(true);
    expect(await verifyTwilioSignature('12345', URL + '&x=1', PARAMS, 'RSOYDt4T1cUTdK1PDd93/VVr8B8=')).toBe(false);
    expect(await verifyTwilioSignature('12345', URL, [...PARAMS.slice(1), ['Digits', '9999']], 'RSOYDt4T1cUTdK1PDd93/VVr8B8=')).toBe(false);
    expect(await verifyTwilioSignature('54321', URL, PARAMS, 'RSOYDt4T1cUTdK1PDd93/VVr8B8=')).toBe(false);
    expect(await verifyTwilioSignature('12345', URL, PARAMS, null)).toBe(false);
  });

  it("knows Twilio's opt-out keywords, whole message only", () => {
    expect(optOutKeyword(' stop ')).toBe('STOP');
    expect(optOutKeyword('Unsubscribe')).toBe('UNSUBSCRIBE');
    expect(optOutKeyword('please stop texting')).toBeNull();
  });
});

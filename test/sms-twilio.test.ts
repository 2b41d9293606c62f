// SMS without the network: E.164 with libphonenumber-js inside workerd, the country allow-list, Twilio's Messages API
// request and answers (checked against Twilio's documented shapes with a stubbed fetch), and the inbound webhook's
// X-Twilio-Signature against Twilio's own documented example.
import { describe, expect, it } from 'vitest';
import { allowedCountries, numberRefusal, smsText, toE164 } from '../src/sms/phone';
import { TwilioTransport } from '../src/sms/transports';
import { findInList, optOutKeyword, readSendResponse, twilioSignature, verifyTwilioSignature, type TwilioSettings } from '../src/sms/twilio';

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

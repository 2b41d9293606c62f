// Standard Webhooks signatures (webhook-signature), verified by the standardwebhooks library's own Webhook.verify:
// a consumer nobody here wrote. Cal.com's X-Cal-Signature-256 stays beside it, unchanged.
import fc from 'fast-check';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { deliveryHeaders, generateSecret, signBody, standardKey, standardSecret } from '../src/webhooks/signing';
import { api, makeUser } from './helpers';
import { runs } from './runs';

const BODY = '{"triggerEvent":"BOOKING_CREATED","createdAt":"2026-01-05T10:00:00.000Z","payload":{"uid":"abc","title":"Café ☕"}}';

afterEach(() => vi.restoreAllMocks());

/** The library verifies against plain header objects. */
const asObject = (headers: Record<string, string> | Headers) =>
  headers instanceof Headers ? Object.fromEntries(headers.entries()) : Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));

describe('secrets and keys', () => {
  it('generates whsec_ and 32 random bytes in padded base64, each one new', () => {
    const a = generateSecret();
    const b = generateSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(a).not.toBe(b);
    expect(standardKey(a)).toHaveLength(32);
    expect(standardSecret(a)).toBe(a);
  });

  it('keys a valid whsec_ secret of at least 24 bytes with its decoded bytes, anything else with its UTF-8 bytes', () => {
    const key24 = `whsec_${btoa('x'.repeat(24))}`;
    expect(Array.from(standardKey(key24))).toEqual(Array.from(new TextEncoder().encode('x'.repeat(24))));
    for (const plain of ['my own passphrase, not base64!', `whsec_${btoa('x'.repeat(23))}`, 'whsec_delivery_test_secret', 'whsec_-_-_base64url-is-not-base64-_-_-_-_-_-_', `whsec_${btoa('x'.repeat(24)).slice(0, -1)}`]) {
      expect(Array.from(standardKey(plain)), plain).toEqual(Array.from(new TextEncoder().encode(plain)));
      expect(standardSecret(plain)).toBe(`whsec_${btoa(String.fromCharCode(...new TextEncoder().encode(plain)))}`);
    }
  });
});

describe('webhook-signature verifies with the standardwebhooks library', () => {
  it('for a generated secret, given to the library as is', async () => {
    const secret = generateSecret();
    const headers = await deliveryHeaders(secret, BODY, 'msg_1', Date.now());
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
    expect(new Webhook(secret).verify(BODY, asObject(headers))).toEqual(JSON.parse(BODY));
  });

  it('for any user-chosen secret, through its signing_secret_standard form; X-Cal-Signature-256 still uses the secret itself', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 16, maxLength: 256, unit: 'binary' }), fc.string({ maxLength: 200 }), async (secret, text) => {
        const body = JSON.stringify({ text });
        const headers = await deliveryHeaders(secret, body, 'msg_prop', Date.now());
        expect(new Webhook(standardSecret(secret)).verify(body, asObject(headers))).toEqual({ text });
        expect(headers['X-Cal-Signature-256']).toBe(await signBody(secret, body));
      }),
      { numRuns: runs(200) },
    );
  });

  it('rejects a tampered body, timestamp or id, and a stale timestamp', async () => {
    const secret = 'my own passphrase, not base64!';
    const receiver = new Webhook(standardSecret(secret));
    const now = Date.now();
    const headers = asObject(await deliveryHeaders(secret, BODY, 'msg_2', now));
    expect(() => receiver.verify(BODY, headers)).not.toThrow();
    expect(() => receiver.verify(BODY.replace('abc', 'abd'), headers)).toThrow(/No matching signature/);
    expect(() => receiver.verify(BODY, { ...headers, 'webhook-timestamp': String(Number(headers['webhook-timestamp']) + 1) })).toThrow(/No matching signature/);
    expect(() => receiver.verify(BODY, { ...headers, 'webhook-id': 'msg_3' })).toThrow(/No matching signature/);
    const stale = asObject(await deliveryHeaders(secret, BODY, 'msg_2', now - 10 * 60_000));
    expect(() => receiver.verify(BODY, stale)).toThrow(/too old/);
    // The library keyed with the raw passphrase as base64 would be a different key: the standard form is needed.
    expect(() => new Webhook(generateSecret()).verify(BODY, headers)).toThrow();
  });
});

/** Stands in for the subscriber of a ping; records the one request. */
function stubSubscriber() {
  const received: { headers: Headers; body: string }[] = [];
  vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const request = new Request(input, init);
    received.push({ headers: request.headers, body: await request.text() });
    return new Response('ok');
  });
  return received;
}

describe('the API hands out the Standard Webhooks secret', () => {
  it('a generated secret: shown once with its (identical) standard form; a real delivery verifies with the library', async () => {
    const { token } = await makeUser();
    const created = await api('POST', '/v2/webhooks', { token, body: { subscriber_url: 'https://hooks.example.com/std-1', event_triggers: ['BOOKING_CREATED'] } });
    expect(created.status).toBe(201);
    expect(created.json.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(created.json.signing_secret_standard).toBe(created.json.secret);
    const shown = await api('GET', `/v2/webhooks/${created.json.id}`, { token });
    expect(shown.json).not.toHaveProperty('signing_secret_standard');
    expect(shown.json).not.toHaveProperty('secret');

    const received = stubSubscriber();
    const ping = await api('POST', `/v2/webhooks/${created.json.id}/ping`, { token });
    expect(ping.json.status).toBe('delivered');
    const [delivery] = received;
    expect(new Webhook(created.json.signing_secret_standard).verify(delivery!.body, asObject(delivery!.headers))).toMatchObject({ triggerEvent: 'PING' });
    expect(delivery!.headers.get('x-cal-signature-256')).toBe(await signBody(created.json.secret, delivery!.body));
  });

  it('a user-chosen non-base64 secret: create and a later PATCH answer its standard form, which the library verifies with', async () => {
    const { token } = await makeUser();
    const secret = 'correct horse battery staple, my own';
    const created = await api('POST', '/v2/webhooks', { token, body: { subscriber_url: 'https://hooks.example.com/std-2', event_triggers: ['BOOKING_CREATED'], secret } });
    expect(created.status).toBe(201);
    expect(created.json).not.toHaveProperty('secret');
    expect(created.json.signing_secret_standard).toBe(standardSecret(secret));
    expect(created.json.signing_secret_standard).not.toBe(secret);

    let received = stubSubscriber();
    await api('POST', `/v2/webhooks/${created.json.id}/ping`, { token });
    expect(() => new Webhook(created.json.signing_secret_standard).verify(received[0]!.body, asObject(received[0]!.headers))).not.toThrow();
    expect(received[0]!.headers.get('x-cal-signature-256')).toBe(await signBody(secret, received[0]!.body));
    vi.restoreAllMocks();

    const rotated = 'a brand new passphrase for this hook';
    const patched = await api('PATCH', `/v2/webhooks/${created.json.id}`, { token, body: { secret: rotated } });
    expect(patched.status).toBe(200);
    expect(patched.json.signing_secret_standard).toBe(standardSecret(rotated));
    const unrelated = await api('PATCH', `/v2/webhooks/${created.json.id}`, { token, body: { active: true } });
    expect(unrelated.json).not.toHaveProperty('signing_secret_standard');

    received = stubSubscriber();
    await api('POST', `/v2/webhooks/${created.json.id}/ping`, { token });
    const headers = asObject(received[0]!.headers);
    expect(() => new Webhook(patched.json.signing_secret_standard).verify(received[0]!.body, headers)).not.toThrow();
    expect(() => new Webhook(created.json.signing_secret_standard).verify(received[0]!.body, headers)).toThrow(/No matching signature/);
    expect(() => new Webhook(patched.json.signing_secret_standard).verify(`${received[0]!.body} `, headers)).toThrow(/No matching signature/);
  });
});

// The Cloudflare Email Service transport and the choice of transport by EMAIL_TRANSPORT.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { CloudflareEmailTransport, isPermanentSendError } from '../src/notifications/transports/cloudflare';
import { transportFor } from '../src/notifications/transports';
import { memoryMailbox } from '../src/notifications/transports/memory';
import { buildMime } from '../src/notifications/mime';

async function raw() {
  return buildMime({
    from: { name: 'calflare', email: 'bookings@calflare.example.com' },
    to: { name: 'Jane', email: 'jane@example.com' },
    replyTo: null,
    subject: 'Hello',
    messageId: 'ntf_test@calflare.example.com',
    date: Date.UTC(2030, 0, 1),
    text: 'hi',
    html: '<p>hi</p>',
    calendar: null,
  });
}

const failingBinding = (error: unknown) => ({ send: async () => Promise.reject(error) }) as unknown as SendEmail;

describe('CloudflareEmailTransport', () => {
  it('hands the raw MIME to the send_email binding (local simulation)', async () => {
    expect(env.EMAIL).toBeDefined();
    const result = await new CloudflareEmailTransport(env.EMAIL!).send({ from: 'bookings@calflare.example.com', to: 'jane@example.com', raw: await raw() });
    expect(result).toEqual({ ok: true });
  });

  it('reports suppressed recipients and unverified senders as permanent, rate limits and unknown errors as transient', async () => {
    const send = async (error: unknown) => new CloudflareEmailTransport(failingBinding(error)).send({ from: 'a@calflare.example.com', to: 'b@example.com', raw: await raw() });
    expect(await send(Object.assign(new Error('recipient suppressed'), { code: 'E_RECIPIENT_SUPPRESSED' }))).toEqual({
      ok: false,
      permanent: true,
      error: 'E_RECIPIENT_SUPPRESSED: recipient suppressed',
    });
    expect(await send(Object.assign(new Error('not verified'), { code: 'E_SENDER_NOT_VERIFIED' }))).toMatchObject({ permanent: true });
    expect(await send(Object.assign(new Error('slow down'), { code: 'E_RATE_LIMIT_EXCEEDED' }))).toMatchObject({ ok: false, permanent: false });
    expect(await send(new Error('internal error'))).toMatchObject({ ok: false, permanent: false });
    expect(isPermanentSendError(new Error('destination address not verified'))).toBe(true);
  });
});

describe('transportFor', () => {
  it('picks the transport EMAIL_TRANSPORT names', async () => {
    expect(transportFor(env)).toBe(memoryMailbox);
    expect(transportFor({ ...env, EMAIL_TRANSPORT: 'cloudflare' }).name).toBe('cloudflare');
    expect(transportFor({ ...env, EMAIL_TRANSPORT: 'smtp' }).name).toBe('smtp');
    const missing = transportFor({ ...env, EMAIL_TRANSPORT: 'cloudflare', EMAIL: undefined });
    expect(await missing.send({ from: 'a@b.c', to: 'd@e.f', raw: '' })).toMatchObject({ ok: false, permanent: false, error: expect.stringContaining('binding') });
    expect(await transportFor({ ...env, EMAIL_TRANSPORT: 'carrier-pigeon' }).send({ from: 'a@b.c', to: 'd@e.f', raw: '' })).toMatchObject({ ok: false });
  });
});

// The SMS transport named by SMS_TRANSPORT, like EMAIL_TRANSPORT: "twilio" (the Messages REST API over fetch; in
// development TWILIO_API_URL points it at the local catcher of `npm run dev`), "memory" (tests), "off" (the default:
// no SMS steps can be saved).
import type { Bindings } from '../env';
import { findInList, readSendResponse, twilioListRequest, twilioSendRequest, type OutgoingSms, type SmsSendResult, type TwilioSettings } from './twilio';

export type { OutgoingSms, SmsSendResult } from './twilio';

/** Whether a message went out in an attempt whose outcome we never learnt (a crash after the request left). */
export type LookupResult = { found: true; providerId: string } | { found: false } | { error: string };

export interface SmsTransport {
  readonly name: string;
  /** Never throws. */
  send(sms: OutgoingSms): Promise<SmsSendResult>;
  /** Our message at the provider, created at or after `since`. Never throws. */
  lookup(sms: OutgoingSms, since: number): Promise<LookupResult>;
}

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

export class TwilioTransport implements SmsTransport {
  readonly name = 'twilio';
  constructor(
    private readonly settings: TwilioSettings,
    private readonly fetcher: typeof fetch = (input, init) => fetch(input, init),
  ) {}

  async send(sms: OutgoingSms): Promise<SmsSendResult> {
    const { url, init } = twilioSendRequest(this.settings, sms);
    try {
      const res = await this.fetcher(url, { ...init, signal: AbortSignal.timeout(15_000) });
      return readSendResponse(res.status, await res.json().catch(() => null));
    } catch (error) {
      return { ok: false, permanent: false, error: `Twilio: ${errorText(error)}` };
    }
  }

  async lookup(sms: OutgoingSms, since: number): Promise<LookupResult> {
    const { url, init } = twilioListRequest(this.settings, sms.to);
    try {
      const res = await this.fetcher(url, { ...init, signal: AbortSignal.timeout(15_000) });
      if (!res.ok) return { error: `Twilio lookup ${res.status}` };
      const sid = findInList(await res.json(), sms, since);
      return sid ? { found: true, providerId: sid } : { found: false };
    } catch (error) {
      return { error: `Twilio lookup: ${errorText(error)}` };
    }
  }
}

/** Tests: keeps what it sends and answers lookups from it, like a provider would. */
export class MemorySmsTransport implements SmsTransport {
  readonly name = 'memory';
  readonly sent: (OutgoingSms & { providerId: string; at: number })[] = [];
  /** Answers for the next sends, in order; when empty, a send succeeds. */
  readonly script: SmsSendResult[] = [];

  async send(sms: OutgoingSms): Promise<SmsSendResult> {
    const result = this.script.shift() ?? { ok: true, providerId: `SM${crypto.randomUUID().replace(/-/g, '')}` };
    if (result.ok) this.sent.push({ ...sms, providerId: result.providerId, at: Date.now() });
    if (this.sent.length > 2_000) this.sent.splice(0, 1_000);
    return result;
  }

  async lookup(sms: OutgoingSms, since: number): Promise<LookupResult> {
    const hit = this.sent.find((m) => m.to === sms.to && m.body === sms.body && m.at >= since);
    return hit ? { found: true, providerId: hit.providerId } : { found: false };
  }
}

/** The isolate's outbox when SMS_TRANSPORT is "memory" (the test configuration). */
export const memorySms = new MemorySmsTransport();

/** A misconfiguration is reported on every attempt (and retried), so fixing it in time still delivers. */
const unavailable = (why: string): SmsTransport => ({
  name: 'unavailable',
  send: async () => ({ ok: false, permanent: false, error: why }),
  lookup: async () => ({ error: why }),
});

export function twilioSettings(env: Bindings): TwilioSettings | null {
  if (!env.TWILIO_ACCOUNT_SID || !env.TWILIO_AUTH_TOKEN || !(env.TWILIO_FROM || env.TWILIO_MESSAGING_SERVICE_SID)) return null;
  return {
    accountSid: env.TWILIO_ACCOUNT_SID,
    authToken: env.TWILIO_AUTH_TOKEN,
    from: env.TWILIO_FROM || null,
    messagingServiceSid: env.TWILIO_MESSAGING_SERVICE_SID || null,
    baseUrl: env.TWILIO_API_URL || 'https://api.twilio.com',
  };
}

/** SMS is on when SMS_TRANSPORT names a transport ("off" or unset: workflows refuse SMS steps). */
export const smsEnabled = (env: Pick<Bindings, 'SMS_TRANSPORT'>) => ['twilio', 'memory'].includes((env.SMS_TRANSPORT ?? '').trim());

export function smsTransportFor(env: Bindings): SmsTransport {
  switch ((env.SMS_TRANSPORT ?? 'off').trim()) {
    case 'twilio': {
      const settings = twilioSettings(env);
      return settings ? new TwilioTransport(settings) : unavailable('SMS_TRANSPORT is "twilio" but TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM or TWILIO_MESSAGING_SERVICE_SID are not all set');
    }
    case 'memory':
      return memorySms;
    default:
      return unavailable(`SMS is off (SMS_TRANSPORT ${JSON.stringify(env.SMS_TRANSPORT ?? '')})`);
  }
}

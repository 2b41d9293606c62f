// The transport named by EMAIL_TRANSPORT: "cloudflare" (production default), "smtp", or "memory" (tests only).
import { connect } from 'cloudflare:sockets';
import type { Bindings } from '../../env';
import { siteOf } from '../../invites/site';
import { CloudflareEmailTransport } from './cloudflare';
import { memoryMailbox } from './memory';
import { SmtpTransport, type SmtpSecurity, type SmtpSettings, type SmtpSocket } from './smtp';
import type { EmailTransport } from './types';

export type { EmailTransport, OutgoingEmail, SendResult } from './types';

const SMTP_TIMEOUT_MS = 30_000;

export function smtpSettings(env: Bindings): SmtpSettings {
  const security: SmtpSecurity = env.SMTP_SECURITY === 'tls' || env.SMTP_SECURITY === 'off' ? env.SMTP_SECURITY : 'starttls';
  const port = Number(env.SMTP_PORT);
  return {
    host: env.SMTP_HOST || '127.0.0.1',
    port: Number.isInteger(port) && port > 0 && port < 65536 ? port : security === 'tls' ? 465 : 587,
    security,
    user: env.SMTP_USER || null,
    password: env.SMTP_PASSWORD || null,
    heloName: siteOf(env).domain,
    timeoutMs: SMTP_TIMEOUT_MS,
  };
}

const socketsConnect = (s: SmtpSettings): SmtpSocket =>
  connect({ hostname: s.host, port: s.port }, { secureTransport: s.security === 'tls' ? 'on' : s.security === 'starttls' ? 'starttls' : 'off', allowHalfOpen: false });

/** A misconfiguration is reported on every attempt (and retried), so fixing it in time still delivers. */
const unavailable = (why: string): EmailTransport => ({ name: 'unavailable', send: async () => ({ ok: false, permanent: false, error: why }) });

export function transportFor(env: Bindings): EmailTransport {
  switch (env.EMAIL_TRANSPORT || 'cloudflare') {
    case 'cloudflare':
      return env.EMAIL ? new CloudflareEmailTransport(env.EMAIL) : unavailable('EMAIL_TRANSPORT is "cloudflare" but the send_email binding EMAIL is missing');
    case 'smtp':
      return new SmtpTransport(smtpSettings(env), socketsConnect);
    case 'memory':
      return memoryMailbox;
    default:
      return unavailable(`Unknown EMAIL_TRANSPORT ${JSON.stringify(env.EMAIL_TRANSPORT)}`);
  }
}

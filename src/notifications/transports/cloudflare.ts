// Cloudflare Email Service through the `send_email` binding, with our own raw MIME (EmailMessage) so the iMIP
// calendar part and the attachment are exactly as built. The production default.
import { EmailMessage } from 'cloudflare:email';
import { errorText, type EmailTransport, type OutgoingEmail, type SendResult } from './types';

/**
 * The binding throws errors with a string `code`. Those about who may send to whom, or about the message itself,
 * will fail again; rate limits and internal errors may pass later. Unknown codes are retried (attempts are bounded).
 */
const PERMANENT_CODES = new Set([
  'E_SENDER_NOT_VERIFIED',
  'E_SENDER_DOMAIN_NOT_AVAILABLE',
  'E_RECIPIENT_NOT_ALLOWED',
  'E_RECIPIENT_SUPPRESSED',
  'E_VALIDATION_ERROR',
  'E_FIELD_MISSING',
  'E_TOO_MANY_RECIPIENTS',
  'E_CONTENT_TOO_LARGE',
  'E_HEADER_NOT_ALLOWED',
  'E_HEADER_USE_API_FIELD',
]);

export function isPermanentSendError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return PERMANENT_CODES.has(code);
  return /not verified|not allowed|suppressed|invalid (sender|recipient|address)/i.test(errorText(error));
}

export class CloudflareEmailTransport implements EmailTransport {
  readonly name = 'cloudflare';
  constructor(private readonly binding: SendEmail) {}

  async send(email: OutgoingEmail): Promise<SendResult> {
    try {
      await this.binding.send(new EmailMessage(email.from, email.to, email.raw));
      return { ok: true };
    } catch (error) {
      const code = (error as { code?: unknown } | null)?.code;
      const message = typeof code === 'string' ? `${code}: ${errorText(error)}` : errorText(error);
      return { ok: false, permanent: isPermanentSendError(error), error: message };
    }
  }
}

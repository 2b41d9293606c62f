// The one small interface every way of sending mail implements.

export interface OutgoingEmail {
  /** Envelope sender and recipient (MAIL FROM / RCPT TO): bare addresses. */
  from: string;
  to: string;
  /** The whole RFC 5322 message, CRLF line ends. */
  raw: string;
}

/**
 * `permanent`: trying again cannot help (suppressed recipient, rejected sender, malformed message), so the
 * notification fails at once; otherwise the consumer retries with backoff.
 */
export type SendResult = { ok: true } | { ok: false; permanent: boolean; error: string };

export interface EmailTransport {
  readonly name: string;
  /** Never throws: every way a send can go wrong is a SendResult. */
  send(email: OutgoingEmail): Promise<SendResult>;
}

export const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

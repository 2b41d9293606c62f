// For tests only: keeps what it is asked to send, answers what it is told to.
import type { EmailTransport, OutgoingEmail, SendResult } from './types';

export class MemoryTransport implements EmailTransport {
  readonly name = 'memory';
  readonly sent: OutgoingEmail[] = [];
  /** Answers for the next sends, in order; when empty, a send succeeds. */
  readonly script: SendResult[] = [];

  async send(email: OutgoingEmail): Promise<SendResult> {
    const result = this.script.shift() ?? { ok: true };
    if (result.ok) {
      this.sent.push(email);
      // A long test run sends thousands; keep the recent ones.
      if (this.sent.length > 2_000) this.sent.splice(0, 1_000);
    }
    return result;
  }
}

/** The isolate's mailbox when EMAIL_TRANSPORT is "memory" (the test configuration). */
export const memoryMailbox = new MemoryTransport();

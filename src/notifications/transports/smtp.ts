// SMTP submission over `cloudflare:sockets`, for self-hosters and local dev (the catcher `npm run dev` starts).
// A small client of our own: it sends the raw MIME we built (libraries for Workers build their own MIME), and the
// protocol needed is short: EHLO, optional STARTTLS, optional AUTH PLAIN, MAIL, RCPT, DATA, QUIT (RFC 5321).
import { errorText, type EmailTransport, type OutgoingEmail, type SendResult } from './types';

export type SmtpSecurity = 'off' | 'starttls' | 'tls';

export interface SmtpSettings {
  host: string;
  port: number;
  security: SmtpSecurity;
  user: string | null;
  password: string | null;
  /** The name we give in EHLO. */
  heloName: string;
  timeoutMs: number;
}

/** The part of a `cloudflare:sockets` Socket this client uses, so tests can stand a scripted server in. */
export interface SmtpSocket {
  readable: ReadableStream<Uint8Array>;
  writable: WritableStream<Uint8Array>;
  startTls(): SmtpSocket;
  close(): Promise<void>;
}

export type Connect = (settings: SmtpSettings) => SmtpSocket;

interface Reply {
  code: number;
  text: string;
}

/** A reply the server gave that we did not want; 5xx is permanent (RFC 5321 4.2.1), 4xx transient. */
class SmtpReplyError extends Error {
  constructor(
    readonly step: string,
    readonly reply: Reply,
  ) {
    super(`${step}: ${reply.code} ${reply.text}`);
  }
}

const encoder = new TextEncoder();

/** Lines from the server, CRLF or LF ended; a reply ends at its first `NNN ` line (multi-line ones use `NNN-`). */
class ReplyReader {
  private buffer = '';
  private readonly decoder = new TextDecoder();
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;

  constructor(readable: ReadableStream<Uint8Array>) {
    this.reader = readable.getReader();
  }

  async reply(): Promise<Reply> {
    const lines: string[] = [];
    for (;;) {
      const line = await this.line();
      const match = /^(\d{3})([ -])(.*)$/.exec(line);
      if (!match) throw new Error(`Malformed SMTP reply line: ${line.slice(0, 200)}`);
      lines.push(match[3]!);
      if (match[2] === ' ') return { code: Number(match[1]), text: lines.join('\n') };
    }
  }

  release() {
    this.reader.releaseLock();
  }

  private async line(): Promise<string> {
    for (;;) {
      const end = this.buffer.indexOf('\n');
      if (end >= 0) {
        const line = this.buffer.slice(0, end).replace(/\r$/, '');
        this.buffer = this.buffer.slice(end + 1);
        return line;
      }
      const { value, done } = await this.reader.read();
      if (done) throw new Error('SMTP server closed the connection');
      this.buffer += this.decoder.decode(value, { stream: true });
    }
  }
}

/** DATA content: CRLF line ends, a dot doubled at the start of a line (RFC 5321 4.5.2), then the end marker. */
export function dataSection(raw: string): string {
  const body = raw.replace(/\r?\n/g, '\r\n').replace(/^\./gm, '..');
  return (body.endsWith('\r\n') ? body : body + '\r\n') + '.\r\n';
}

function authPlain(user: string, password: string): string {
  let binary = '';
  for (const b of encoder.encode(`\u0000${user}\u0000${password}`)) binary += String.fromCharCode(b);
  return btoa(binary);
}

/** Envelope addresses go into commands verbatim: refuse anything that could end a command line. */
const safeAddress = (a: string) => {
  if (/[\r\n<>\s]/.test(a)) throw new SmtpReplyError('address', { code: 501, text: `Unusable address ${JSON.stringify(a)}` });
  return a;
};

class Session {
  private reader: ReplyReader;
  private writer: WritableStreamDefaultWriter<Uint8Array>;

  constructor(private socket: SmtpSocket) {
    this.reader = new ReplyReader(socket.readable);
    this.writer = socket.writable.getWriter();
  }

  async expect(step: string, ok: (code: number) => boolean): Promise<Reply> {
    const reply = await this.reader.reply();
    if (!ok(reply.code)) throw new SmtpReplyError(step, reply);
    return reply;
  }

  async command(step: string, line: string, ok: (code: number) => boolean): Promise<Reply> {
    await this.writer.write(encoder.encode(`${line}\r\n`));
    return this.expect(step, ok);
  }

  async write(text: string) {
    await this.writer.write(encoder.encode(text));
  }

  /** After a 220 to STARTTLS: the same conversation continues over TLS. */
  upgrade() {
    this.reader.release();
    this.writer.releaseLock();
    this.socket = this.socket.startTls();
    this.reader = new ReplyReader(this.socket.readable);
    this.writer = this.socket.writable.getWriter();
  }

  async close() {
    await this.socket.close().catch(() => undefined);
  }
}

const is2xx = (c: number) => c >= 200 && c < 300;

async function converse(session: Session, s: SmtpSettings, email: OutgoingEmail) {
  await session.expect('greeting', (c) => c === 220);
  let ehlo = await session.command('EHLO', `EHLO ${s.heloName}`, (c) => c === 250);
  if (s.security === 'starttls') {
    if (!/^STARTTLS\b/im.test(ehlo.text)) throw new SmtpReplyError('STARTTLS', { code: 530, text: 'The server does not offer STARTTLS' });
    await session.command('STARTTLS', 'STARTTLS', (c) => c === 220);
    session.upgrade();
    ehlo = await session.command('EHLO', `EHLO ${s.heloName}`, (c) => c === 250);
  }
  if (s.user !== null && s.password !== null) {
    await session.command('AUTH', `AUTH PLAIN ${authPlain(s.user, s.password)}`, (c) => c === 235);
  }
  await session.command('MAIL FROM', `MAIL FROM:<${safeAddress(email.from)}>`, is2xx);
  await session.command('RCPT TO', `RCPT TO:<${safeAddress(email.to)}>`, is2xx);
  await session.command('DATA', 'DATA', (c) => c === 354);
  await session.write(dataSection(email.raw));
  await session.expect('message', is2xx);
  await session.command('QUIT', 'QUIT', () => true).catch(() => undefined);
}

export class SmtpTransport implements EmailTransport {
  readonly name = 'smtp';
  constructor(
    private readonly settings: SmtpSettings,
    private readonly connect: Connect,
  ) {}

  async send(email: OutgoingEmail): Promise<SendResult> {
    let session: Session | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      session = new Session(this.connect(this.settings));
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`SMTP timed out after ${this.settings.timeoutMs} ms`)), this.settings.timeoutMs);
      });
      await Promise.race([converse(session, this.settings, email), timeout]);
      return { ok: true };
    } catch (error) {
      if (error instanceof SmtpReplyError) return { ok: false, permanent: error.reply.code >= 500, error: error.message };
      return { ok: false, permanent: false, error: `SMTP: ${errorText(error)}` };
    } finally {
      clearTimeout(timer);
      await session?.close();
    }
  }
}

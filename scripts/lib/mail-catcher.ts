// A local SMTP catcher for development and the e2e tests: accepts every message on 127.0.0.1 (never another
// interface), keeps it in memory, writes it to `<dir>/<n>-<recipient>.eml`, and reports subject and recipients.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import PostalMime from 'postal-mime';
import { SMTPServer } from 'smtp-server';

export interface CaughtMail {
  file: string | null;
  from: string;
  to: string[];
  subject: string;
  raw: string;
}

export interface MailCatcher {
  port: number;
  messages: CaughtMail[];
  close(): Promise<void>;
}

/** Bounded: a runaway sender cannot fill the disk or the memory. */
const MAX_MESSAGE_BYTES = 5 * 1024 * 1024;
const MAX_KEPT = 500;

export async function startMailCatcher(opts: { dir?: string; port?: number; onMail?: (mail: CaughtMail) => void } = {}): Promise<MailCatcher> {
  if (opts.dir) mkdirSync(opts.dir, { recursive: true });
  const messages: CaughtMail[] = [];
  let count = 0;
  const server = new SMTPServer({
    // Local only: no TLS, no auth, and nothing but loopback can reach it.
    secure: false,
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    size: MAX_MESSAGE_BYTES,
    logger: false,
    banner: 'calflare mail catcher',
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', async () => {
        if ((stream as unknown as { sizeExceeded?: boolean }).sizeExceeded) return callback(new Error('Message too large'));
        const raw = Buffer.concat(chunks).toString('utf8');
        const to = session.envelope.rcptTo.map((r) => r.address);
        const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        let subject = '';
        try {
          subject = (await PostalMime.parse(raw)).subject ?? '';
        } catch {
          subject = '(unparsable)';
        }
        count += 1;
        let file: string | null = null;
        if (opts.dir) {
          file = join(opts.dir, `${String(count).padStart(4, '0')}-${(to[0] ?? 'unknown').replace(/[^A-Za-z0-9@._-]/g, '_')}.eml`);
          writeFileSync(file, raw);
        }
        const mail = { file, from, to, subject, raw };
        messages.push(mail);
        if (messages.length > MAX_KEPT) messages.shift();
        opts.onMail?.(mail);
        callback();
      });
    },
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve((server.server.address() as { port: number }).port));
  });
  // A sender that vanishes mid-conversation (a Worker killed while sending) resets its connection: not the catcher's end.
  server.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'ECONNRESET' && error.code !== 'EPIPE') console.error('mail catcher:', error.message);
  });
  return { port, messages, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/**
 * The messages a catcher in another process wrote to `dir` (the e2e suite's one catcher runs in vitest's global
 * setup, the tests in workers): one per file, to the recipient its name carries. Subjects are left to the reader.
 */
export function readCaughtMails(dir: string): CaughtMail[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.eml'))
    .sort()
    .map((name) => {
      const file = join(dir, name);
      return { file, from: '', to: [name.replace(/^\d+-/, '').replace(/\.eml$/, '')], subject: '', raw: readFileSync(file, 'utf8') };
    });
}

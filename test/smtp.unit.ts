// The SMTP client against a scripted server on in-memory streams (the e2e test drives a real one on 127.0.0.1).
import { describe, expect, it } from 'vitest';
import { dataSection, SmtpTransport, type SmtpSettings, type SmtpSocket } from '../src/notifications/transports/smtp';

interface ServerOptions {
  rcptReply?: string;
  mailReply?: string;
  silent?: boolean;
  hangUpAfterGreeting?: boolean;
  offerStartTls?: boolean;
}

function fakeServer(opts: ServerOptions = {}) {
  const toServer = new TransformStream<Uint8Array, Uint8Array>();
  const toClient = new TransformStream<Uint8Array, Uint8Array>();
  const writer = toClient.writable.getWriter();
  const encoder = new TextEncoder();
  const log = { commands: [] as string[], messages: [] as string[], tls: false, closed: false };
  const say = (text: string) => writer.write(encoder.encode(text.replace(/\n/g, '\r\n') + '\r\n'));

  (async () => {
    if (opts.silent) return;
    await say('220 fake.test ESMTP');
    if (opts.hangUpAfterGreeting) {
      await writer.close();
      // Swallow what the client still writes, as a closed socket would.
      await toServer.readable.pipeTo(new WritableStream());
      return;
    }
    const reader = toServer.readable.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    let data: string | null = null;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (data !== null) {
          if (line === '.') {
            log.messages.push(data);
            data = null;
            await say('250 2.0.0 queued');
          } else data += (line.startsWith('.') ? line.slice(1) : line) + '\r\n';
          continue;
        }
        log.commands.push(line);
        const verb = line.split(/[ :]/)[0]!.toUpperCase();
        if (verb === 'EHLO') await say(`250-fake.test\n${opts.offerStartTls === false ? '' : '250-STARTTLS\n'}250 AUTH PLAIN`);
        else if (verb === 'STARTTLS') await say('220 2.0.0 ready');
        else if (verb === 'AUTH') await say('235 2.7.0 ok');
        else if (verb === 'MAIL') await say(opts.mailReply ?? '250 ok');
        else if (verb === 'RCPT') await say(opts.rcptReply ?? '250 ok');
        else if (verb === 'DATA') {
          data = '';
          await say('354 go ahead');
        } else if (verb === 'QUIT') {
          await say('221 bye');
          await writer.close();
          return;
        } else await say('502 unknown');
      }
    }
  })().catch(() => undefined);

  const socket: SmtpSocket = {
    readable: toClient.readable,
    writable: toServer.writable,
    startTls() {
      log.tls = true;
      return socket;
    },
    async close() {
      log.closed = true;
    },
  };
  return { socket, log };
}

const settings = (over: Partial<SmtpSettings> = {}): SmtpSettings => ({
  host: '127.0.0.1',
  port: 2525,
  security: 'starttls',
  user: 'mailer',
  password: 'secret',
  heloName: 'calflare.example.com',
  timeoutMs: 2000,
  ...over,
});

const RAW = 'Subject: hi\r\n\r\nline one\r\n.starts with a dot\r\n..two dots\r\nend\r\n';
const email = { from: 'bookings@calflare.example.com', to: 'jane@example.com', raw: RAW };

describe('SmtpTransport', () => {
  it('EHLO, STARTTLS, EHLO again, AUTH PLAIN, MAIL, RCPT, DATA with dot-stuffing, QUIT', async () => {
    const server = fakeServer();
    const result = await new SmtpTransport(settings(), () => server.socket).send(email);
    expect(result).toEqual({ ok: true });
    expect(server.log.tls).toBe(true);
    expect(server.log.commands).toEqual([
      'EHLO calflare.example.com',
      'STARTTLS',
      'EHLO calflare.example.com',
      `AUTH PLAIN ${btoa('\u0000mailer\u0000secret')}`,
      'MAIL FROM:<bookings@calflare.example.com>',
      'RCPT TO:<jane@example.com>',
      'DATA',
      'QUIT',
    ]);
    expect(server.log.messages).toEqual([RAW]);
    expect(server.log.closed).toBe(true);
  });

  it('plain SMTP without credentials skips STARTTLS and AUTH (the local catcher)', async () => {
    const server = fakeServer({ offerStartTls: false });
    expect(await new SmtpTransport(settings({ security: 'off', user: null, password: null }), () => server.socket).send(email)).toEqual({ ok: true });
    expect(server.log.commands[1]).toBe('MAIL FROM:<bookings@calflare.example.com>');
  });

  it('a 5xx reply is a permanent failure, a 4xx a transient one', async () => {
    const rejected = fakeServer({ rcptReply: '550 5.1.1 no such user' });
    expect(await new SmtpTransport(settings(), () => rejected.socket).send(email)).toEqual({ ok: false, permanent: true, error: 'RCPT TO: 550 5.1.1 no such user' });
    const busy = fakeServer({ mailReply: '451 4.3.0 try again later' });
    expect(await new SmtpTransport(settings(), () => busy.socket).send(email)).toEqual({ ok: false, permanent: false, error: 'MAIL FROM: 451 4.3.0 try again later' });
  });

  it('refuses to go on in the clear when STARTTLS is required but not offered', async () => {
    const server = fakeServer({ offerStartTls: false });
    const result = await new SmtpTransport(settings(), () => server.socket).send(email);
    expect(result).toMatchObject({ ok: false, permanent: true, error: expect.stringContaining('STARTTLS') });
    expect(server.log.commands).not.toContain('AUTH PLAIN');
  });

  it('a dropped connection, a refused connect or a silent server are transient failures', async () => {
    const hangUp = fakeServer({ hangUpAfterGreeting: true });
    expect(await new SmtpTransport(settings(), () => hangUp.socket).send(email)).toMatchObject({ ok: false, permanent: false, error: expect.stringContaining('closed') });
    const refused = await new SmtpTransport(settings(), () => {
      throw new Error('connection refused');
    }).send(email);
    expect(refused).toMatchObject({ ok: false, permanent: false, error: 'SMTP: connection refused' });
    const silent = fakeServer({ silent: true });
    expect(await new SmtpTransport(settings({ timeoutMs: 150 }), () => silent.socket).send(email)).toMatchObject({ ok: false, permanent: false, error: expect.stringContaining('timed out') });
  });

  it('never lets an address end a command line', async () => {
    const server = fakeServer();
    const result = await new SmtpTransport(settings(), () => server.socket).send({ ...email, to: 'jane@example.com>\r\nRCPT TO:<evil@example.com' });
    expect(result).toMatchObject({ ok: false, permanent: true });
    expect(server.log.commands.some((c) => c.includes('evil'))).toBe(false);
  });
});

describe('dataSection', () => {
  it('normalizes line ends, doubles leading dots and ends with CRLF.CRLF', () => {
    expect(dataSection('a\n.b\r\nc')).toBe('a\r\n..b\r\nc\r\n.\r\n');
  });
});

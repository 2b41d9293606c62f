// A local stand-in for Twilio's Messages API, for development and the e2e tests (as the mail catcher is for SMTP):
// listens on 127.0.0.1 only, takes POST /2010-04-01/Accounts/{Sid}/Messages.json as Twilio documents it (Basic auth
// with the Account SID, form-encoded To, Body and From or MessagingServiceSid), answers a Message resource with an
// "SM..." sid, prints it, and saves it as `<dir>/<n>-<to>.json`. GET on the same path lists them (newest first,
// filtered by To), which the Worker uses to settle an interrupted send. Point the Worker at it with
// SMS_TRANSPORT=twilio and TWILIO_API_URL=http://127.0.0.1:<port>.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';

export interface CaughtSms {
  sid: string;
  to: string;
  from: string;
  body: string;
  date_created: string;
  file: string | null;
}

export interface SmsCatcher {
  port: number;
  /** The credentials it accepts (any Basic auth when none were given). */
  accountSid: string;
  authToken: string;
  messages: CaughtSms[];
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 64 * 1024;
const MAX_KEPT = 500;

function twilioError(res: ServerResponse, status: number, code: number, message: string) {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status }));
}

export async function startSmsCatcher(opts: { dir?: string; port?: number; accountSid?: string; authToken?: string; onSms?: (sms: CaughtSms) => void } = {}): Promise<SmsCatcher> {
  if (opts.dir) mkdirSync(opts.dir, { recursive: true });
  const accountSid = opts.accountSid ?? 'AC' + 'd'.repeat(32);
  const authToken = opts.authToken ?? 'dev-auth-token';
  const messages: CaughtSms[] = [];
  const path = `/2010-04-01/Accounts/${accountSid}/Messages.json`;
  const expectedAuth = 'Basic ' + Buffer.from(`${accountSid}:${authToken}`).toString('base64');

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== path) return twilioError(res, 404, 20404, 'The requested resource was not found');
    if (req.headers.authorization !== expectedAuth) return twilioError(res, 401, 20003, 'Authenticate');
    if (req.method === 'GET') {
      const to = url.searchParams.get('To');
      const list = messages.filter((m) => !to || m.to === to).reverse().slice(0, Number(url.searchParams.get('PageSize') ?? 50));
      return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ messages: list }));
    }
    if (req.method !== 'POST') return twilioError(res, 405, 20004, 'Method not allowed');
    if (!(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) return twilioError(res, 400, 20001, 'Expected a form');
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > MAX_BODY_BYTES) return twilioError(res, 413, 20001, 'Too large');
      chunks.push(chunk as Buffer);
    }
    const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
    const to = form.get('To') ?? '';
    const body = form.get('Body') ?? '';
    const from = form.get('From') ?? form.get('MessagingServiceSid') ?? '';
    if (!/^\+[1-9]\d{6,14}$/.test(to)) return twilioError(res, 400, 21211, `The 'To' number ${to} is not a valid phone number.`);
    if (!from) return twilioError(res, 400, 21603, "A 'From' or 'MessagingServiceSid' parameter is required to send a message.");
    if (!body) return twilioError(res, 400, 21602, 'Message body is required.');
    const sid = 'SM' + randomBytes(16).toString('hex');
    const sms: CaughtSms = { sid, to, from, body, date_created: new Date().toUTCString(), file: null };
    if (opts.dir) {
      sms.file = join(opts.dir, `${String(messages.length + 1).padStart(4, '0')}-${to.replace(/[^0-9+]/g, '')}.json`);
      writeFileSync(sms.file, JSON.stringify(sms, null, 2));
    }
    messages.push(sms);
    if (messages.length > MAX_KEPT) messages.shift();
    opts.onSms?.(sms);
    res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ ...sms, account_sid: accountSid, status: 'queued', num_segments: '1' }));
  };

  const server = createServer((req, res) => void handle(req, res).catch(() => twilioError(res, 500, 20500, 'Internal error')));
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
  });
  return { port, accountSid, authToken, messages, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** The Worker's vars that send through a catcher. */
export const catcherVars = (c: Pick<SmsCatcher, 'port' | 'accountSid' | 'authToken'>): Record<string, string> => ({
  SMS_TRANSPORT: 'twilio',
  TWILIO_API_URL: `http://127.0.0.1:${c.port}`,
  TWILIO_ACCOUNT_SID: c.accountSid,
  TWILIO_AUTH_TOKEN: c.authToken,
  TWILIO_FROM: '+15005550006',
});

/** The messages a catcher in another process saved to `dir`, in arrival order. */
export function readCaughtSms(dir: string): CaughtSms[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => JSON.parse(readFileSync(join(dir, name), 'utf8')) as CaughtSms);
}

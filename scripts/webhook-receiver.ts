// A tiny local webhook subscriber for trying deliveries end to end:
//   npx tsx scripts/webhook-receiver.ts --secret whsec_... [--port 8790] [--fail 2]
// It listens on 127.0.0.1 only, checks X-Cal-Signature-256 and the Standard Webhooks webhook-signature with the same
// code the Worker signs with, prints every
// delivery, and answers 200 (401 for a bad signature). `--fail N` answers 500 to the first N deliveries, to watch the
// retries and their backoff in the delivery log. Subscriber URLs on 127.0.0.1 need WEBHOOK_ALLOW_PRIVATE_URLS=true,
// which `npm run dev` sets.
import { createServer } from 'node:http';
import { argValue } from './lib/d1';
import { SIGNATURE_HEADER, signStandard, STANDARD_SIGNATURE_HEADER, verifyBody } from '../src/webhooks/signing';

const args = process.argv.slice(2);
const secret = argValue(args, 'secret') ?? process.env.WEBHOOK_SECRET;
const port = Number(argValue(args, 'port') ?? 8790);
let failuresLeft = Number(argValue(args, 'fail') ?? 0);

if (!secret) {
  console.error('usage: npx tsx scripts/webhook-receiver.ts --secret <webhook secret> [--port 8790] [--fail N]');
  process.exit(2);
}

const server = createServer((req, res) => {
  // Deliveries are POSTs; a GET is someone checking that the receiver is up (the README waits for it so).
  if (req.method === 'GET') {
    res.writeHead(200, { 'content-type': 'text/plain' }).end('webhook receiver: POST deliveries here\n');
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', async () => {
    // Verify the bytes as received; a re-serialized JSON.parse result would not match the signature.
    const body = Buffer.concat(chunks).toString('utf8');
    const signature = String(req.headers[SIGNATURE_HEADER.toLowerCase()] ?? '');
    const calValid = await verifyBody(secret, body, signature);
    const id = req.headers['webhook-id'];
    const timestamp = Number(req.headers['webhook-timestamp']);
    const standard = String(req.headers[STANDARD_SIGNATURE_HEADER] ?? '').split(' ');
    const standardValid = standard.includes(await signStandard(secret, String(id), String(req.headers['webhook-timestamp']), body));
    const valid = calValid && standardValid;
    let trigger = '?';
    try {
      trigger = (JSON.parse(body) as { triggerEvent?: string }).triggerEvent ?? '?';
    } catch {
      // not JSON: printed as is below
    }
    let status = valid ? 200 : 401;
    if (valid && failuresLeft > 0) {
      failuresLeft--;
      status = 500;
    }
    console.log(
      `\n${new Date().toISOString()} ${req.method} ${req.url} ${trigger}\n` +
        `  webhook-id        ${id}\n` +
        `  webhook-timestamp ${timestamp} (${Number.isFinite(timestamp) ? new Date(timestamp * 1000).toISOString() : 'missing'})\n` +
        `  signature         ${calValid ? 'valid' : 'INVALID'} (X-Cal-Signature-256), ${standardValid ? 'valid' : 'INVALID'} (webhook-signature)\n` +
        `  answered          ${status}${status === 500 ? ' (--fail)' : ''}`,
    );
    try {
      console.log(JSON.stringify(JSON.parse(body), null, 2));
    } catch {
      console.log(body);
    }
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ received: valid }));
  });
});

server.listen(port, '127.0.0.1', () => {
  console.log(`webhook receiver on http://127.0.0.1:${port}/ (any path); verifying with the given secret`);
});

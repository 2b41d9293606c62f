// Stripe Checkout stand-in for the end-to-end case of paid event types (issue #30): a node HTTP server on 127.0.0.1 at
// the port global-setup.ts gave `wrangler dev` as STRIPE_API_BASE. It answers the API calls the Worker makes (Checkout
// Sessions create/retrieve/expire, Refunds create) in Stripe's documented shapes, and serves each session's payment
// page: a "Pay" link to the session's success_url, as Checkout redirects after a payment.
import { createServer, type Server } from 'node:http';

export interface StripeSite {
  sessions: Map<string, Record<string, unknown>>;
  requests: { method: string; path: string; idempotencyKey: string | undefined; form: URLSearchParams }[];
  close: () => Promise<void>;
}

export function startStripeSite(port: number): Promise<StripeSite> {
  const sessions = new Map<string, Record<string, unknown>>();
  const requests: StripeSite['requests'] = [];
  let n = 0;
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
      const form = new URLSearchParams(body);
      const json = (status: number, value: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
      const pay = /^\/c\/pay\/(cs_test_\w+)$/.exec(url.pathname);
      if (req.method === 'GET' && pay) {
        const s = sessions.get(pay[1]!);
        if (!s) return res.writeHead(404).end('No such session');
        return res
          .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
          .end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Fake Checkout</title></head><body><h1>Pay ${s.amount_total} ${s.currency}</h1><a id="pay" href="${s.success_url}">Pay</a></body></html>`);
      }
      requests.push({ method: req.method ?? '', path: url.pathname, idempotencyKey: req.headers['idempotency-key'] as string | undefined, form });
      if (req.method === 'POST' && url.pathname === '/v1/checkout/sessions') {
        const id = `cs_test_e2e${++n}`;
        const session = {
          id,
          object: 'checkout.session',
          url: `http://127.0.0.1:${port}/c/pay/${id}`,
          status: 'open',
          payment_status: 'unpaid',
          amount_total: Number(form.get('line_items[0][price_data][unit_amount]')),
          currency: form.get('line_items[0][price_data][currency]'),
          client_reference_id: form.get('client_reference_id'),
          metadata: { booking_uid: form.get('metadata[booking_uid]') },
          payment_intent: null,
          success_url: form.get('success_url'),
        };
        sessions.set(id, session);
        return json(200, session);
      }
      const session = /^\/v1\/checkout\/sessions\/(cs_test_\w+)(\/expire)?$/.exec(url.pathname);
      if (session) {
        const s = sessions.get(session[1]!);
        if (!s) return json(404, { error: { type: 'invalid_request_error', message: 'No such checkout.session' } });
        if (session[2]) s.status = 'expired';
        return json(200, s);
      }
      if (req.method === 'POST' && url.pathname === '/v1/refunds') return json(200, { id: `re_e2e${++n}`, object: 'refund', amount: Number(form.get('amount')), status: 'succeeded' });
      return json(404, { error: { type: 'invalid_request_error', message: 'Unrecognized request URL' } });
    });
  });
  return new Promise((resolve) =>
    server.listen(port, '127.0.0.1', () => resolve({ sessions, requests, close: () => new Promise<void>((done) => server.close(() => done())) })),
  );
}

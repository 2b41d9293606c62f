// A fake Stripe for the payment tests: it speaks the documented API of the endpoints we use (Checkout Sessions create,
// retrieve and expire; Refunds create; https://docs.stripe.com/api) with its idempotency (same key and same body: the
// same answer; same key, other body: 400 idempotency_error), and checks every request against the published request
// shapes (Bearer auth, form encoding, an Idempotency-Key on every POST, only documented fields). The Worker reaches it
// through STRIPE_API_BASE (vitest.config.ts) and the stubbed global fetch; webhooks are signed with the SDK's own
// test-header helper. Other URLs (webhook subscribers) answer 200.
import Stripe from 'stripe';
import { expect, vi } from 'vitest';
import { api, createEventType, makeUser } from './helpers';
import { makeTeam, teamEventType } from './teams-helpers';

export const STRIPE_HOST = 'stripe.test';
export const HOST_KEY = 'sk_test_51HostKeyForTheFakeStripe0000';
export const WEBHOOK_SECRET = 'whsec_fakeStripeSigningSecret0000';

export interface StripeRequest {
  method: string;
  path: string;
  headers: Headers;
  form: URLSearchParams;
}

/** The fields Stripe documents for each endpoint we call (form keys with array/hash brackets, indices as [n]). */
const DOCUMENTED: Record<string, RegExp[]> = {
  'POST /v1/checkout/sessions': [
    /^mode$/,
    /^line_items\[\d+\]\[quantity\]$/,
    /^line_items\[\d+\]\[price_data\]\[(currency|unit_amount)\]$/,
    /^line_items\[\d+\]\[price_data\]\[product_data\]\[name\]$/,
    /^customer_email$/,
    /^client_reference_id$/,
    /^metadata\[[a-z_]+\]$/,
    /^payment_intent_data\[metadata\]\[[a-z_]+\]$/,
    /^success_url$/,
    /^cancel_url$/,
    /^expires_at$/,
  ],
  'POST /v1/checkout/sessions/:id/expire': [],
  'POST /v1/refunds': [/^payment_intent$/, /^amount$/, /^reason$/, /^metadata\[[a-z_]+\]$/],
  'GET /v1/checkout/sessions/:id': [],
};

type Session = Record<string, any>;

export function fakeStripe() {
  const requests: StripeRequest[] = [];
  const violations: string[] = [];
  const sessions = new Map<string, Session>();
  const refunds: Record<string, any>[] = [];
  const replies = new Map<string, { body: string; status: number; form: string }>();
  let n = 0;
  let down = false;

  const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', 'request-id': `req_${++n}` } });
  const error = (status: number, type: string, message: string) => json({ error: { type, message } }, status);

  function check(route: string, req: StripeRequest) {
    if (!/^Bearer sk_test_\w+$/.test(req.headers.get('authorization') ?? '')) violations.push(`${route}: Authorization`);
    if (req.method === 'POST') {
      if (!(req.headers.get('content-type') ?? '').startsWith('application/x-www-form-urlencoded')) violations.push(`${route}: Content-Type`);
      if (!req.headers.get('idempotency-key')) violations.push(`${route}: no Idempotency-Key`);
    }
    const allowed = DOCUMENTED[route];
    if (!allowed) return violations.push(`${route}: not an endpoint we use`);
    for (const key of req.form.keys()) if (!allowed.some((re) => re.test(key))) violations.push(`${route}: undocumented field ${key}`);
  }

  function handle(req: StripeRequest): Response {
    const f = req.form;
    const sessionPath = /^\/v1\/checkout\/sessions\/(cs_test_\w+)(\/expire)?$/.exec(req.path);
    if (req.method === 'POST' && req.path === '/v1/checkout/sessions') {
      check('POST /v1/checkout/sessions', req);
      for (const required of ['mode', 'success_url', 'line_items[0][price_data][currency]', 'line_items[0][price_data][unit_amount]']) {
        if (!f.get(required)) return error(400, 'invalid_request_error', `Missing required param: ${required}.`);
      }
      const expiresAt = Number(f.get('expires_at'));
      const created = Math.floor(Date.now() / 1000);
      if (expiresAt && (expiresAt < created + 1800 || expiresAt > created + 86400)) return error(400, 'invalid_request_error', 'expires_at must be 30 minutes to 24 hours from now');
      const id = `cs_test_${++n}`;
      const s: Session = {
        id,
        object: 'checkout.session',
        url: `https://checkout.stripe.com/c/pay/${id}`,
        status: 'open',
        payment_status: 'unpaid',
        mode: f.get('mode'),
        amount_total: Number(f.get('line_items[0][price_data][unit_amount]')) * Number(f.get('line_items[0][quantity]') ?? 1),
        currency: f.get('line_items[0][price_data][currency]'),
        client_reference_id: f.get('client_reference_id'),
        customer_email: f.get('customer_email'),
        metadata: { booking_uid: f.get('metadata[booking_uid]') },
        payment_intent: null,
        success_url: f.get('success_url'),
        expires_at: expiresAt,
      };
      sessions.set(id, s);
      return json(s);
    }
    if (sessionPath && req.method === 'GET') {
      check('GET /v1/checkout/sessions/:id', req);
      const s = sessions.get(sessionPath[1]!);
      return s ? json(s) : error(404, 'invalid_request_error', 'No such checkout.session');
    }
    if (sessionPath && sessionPath[2] && req.method === 'POST') {
      check('POST /v1/checkout/sessions/:id/expire', req);
      const s = sessions.get(sessionPath[1]!);
      if (!s) return error(404, 'invalid_request_error', 'No such checkout.session');
      if (s.status !== 'open') return error(400, 'invalid_request_error', `Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a status of "${s.status}".`);
      s.status = 'expired';
      return json(s);
    }
    if (req.method === 'POST' && req.path === '/v1/refunds') {
      check('POST /v1/refunds', req);
      const intent = f.get('payment_intent');
      const paid = [...sessions.values()].find((s) => s.payment_intent === intent);
      if (!paid) return error(400, 'invalid_request_error', `No such payment_intent: '${intent}'`);
      const amount = Number(f.get('amount') ?? paid.amount_total);
      const already = refunds.filter((r) => r.payment_intent === intent).reduce((a, r) => a + r.amount, 0);
      if (amount + already > paid.amount_total) return error(400, 'invalid_request_error', `Refund amount (${amount}) is greater than unrefunded amount on charge`);
      const refund = { id: `re_${++n}`, object: 'refund', amount, currency: paid.currency, payment_intent: intent, status: 'succeeded', metadata: { booking_uid: f.get('metadata[booking_uid]') } };
      refunds.push(refund);
      return json(refund);
    }
    violations.push(`${req.method} ${req.path}: not an endpoint we use`);
    return error(404, 'invalid_request_error', 'Unrecognized request URL');
  }

  vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    if (url.hostname !== STRIPE_HOST) return new Response('ok');
    if (down) throw new TypeError('Network connection lost');
    const body = new TextDecoder().decode(await request.arrayBuffer());
    const req: StripeRequest = { method: request.method, path: url.pathname, headers: request.headers, form: new URLSearchParams(body) };
    requests.push(req);
    // Stripe's idempotency: the first answer again for the same key and body; another body is an error.
    const key = request.headers.get('idempotency-key');
    if (key && request.method === 'POST') {
      const prior = replies.get(key);
      if (prior) return prior.form === body ? new Response(prior.body, { status: prior.status, headers: { 'content-type': 'application/json', 'idempotent-replayed': 'true' } }) : error(400, 'idempotency_error', 'Keys for idempotent requests can only be used with the same parameters they were first used with.');
      const res = handle(req);
      const text = await res.clone().text();
      if (res.status < 500) replies.set(key, { body: text, status: res.status, form: body });
      return res;
    }
    return handle(req);
  });

  return {
    requests,
    violations,
    sessions,
    refunds,
    setDown(value: boolean) {
      down = value;
    },
    /** The invitee pays at Stripe: the session completes; answers the session as its webhook carries it. */
    pay(sessionId: string): Session {
      const s = sessions.get(sessionId)!;
      s.status = 'complete';
      s.payment_status = 'paid';
      s.payment_intent = `pi_${++n}`;
      return { ...s };
    },
    expire(sessionId: string): Session {
      const s = sessions.get(sessionId)!;
      s.status = 'expired';
      return { ...s };
    },
  };
}

let eventCounter = 0;

/** A Stripe event around `object`, signed like Stripe signs it (the SDK's test header), as the webhook request. */
export async function stripeEvent(type: string, object: Record<string, unknown>, opts: { secret?: string; id?: string; signature?: string } = {}) {
  const id = opts.id ?? `evt_test_${Date.now()}_${++eventCounter}`;
  const payload = JSON.stringify({ id, object: 'event', type, api_version: '2026-11-18.endive', created: Math.floor(Date.now() / 1000), data: { object }, livemode: false });
  const signature = opts.signature ?? (await Stripe.webhooks.generateTestHeaderStringAsync({ payload, secret: opts.secret ?? WEBHOOK_SECRET, cryptoProvider: Stripe.createSubtleCryptoProvider() }));
  return { id, payload, signature };
}

export async function sendWebhook(event: { payload: string; signature: string }) {
  return api('POST', '/v2/payments/stripe/webhook', { body: event.payload, headers: { 'stripe-signature': event.signature } });
}

/** A host with Stripe connected through the API and a paid event type (2500 usd, 30-minute deadline by default). */
export async function paidHost(eventType: Record<string, unknown> = {}) {
  const host = await makeUser();
  const connected = await api('POST', '/v2/payments/stripe/account', { token: host.token, body: { secret_key: HOST_KEY, webhook_secret: WEBHOOK_SECRET } });
  if (connected.status !== 200) throw new Error(`connect failed: ${connected.status} ${JSON.stringify(connected.json)}`);
  const et = await createEventType(host.token, { price: 2500, currency: 'USD', ...eventType });
  return { ...host, eventType: et };
}

export const OWNER_KEY = 'sk_test_51TeamOwnerKeyForTheFake000';
export const OWNER_WHSEC = 'whsec_teamOwnerSigningSecret0000';

/** A team whose owner connected Stripe (and whose first member has keys of their own, which must not be used). */
export async function paidTeam(eventType: Record<string, unknown>) {
  const team = await makeTeam([{}, {}]);
  await api('POST', '/v2/payments/stripe/account', { token: team.owner.token, body: { secret_key: OWNER_KEY, webhook_secret: OWNER_WHSEC } });
  await api('POST', '/v2/payments/stripe/account', { token: team.members[0]!.token, body: { secret_key: HOST_KEY, webhook_secret: WEBHOOK_SECRET } });
  const hosts = team.members.map((m) => ({ user_id: m.user.id }));
  return { team, et: await teamEventType(team.id, team.owner.token, { hosts, price: 3000, currency: 'EUR', ...eventType }) };
}

/**
 * Two refunds by hand of 500 each on a paid booking (or seat) `uid`, the second decided and sent while the first one's
 * request to Stripe is on its way: Stripe must get 1000 in all, each refund its own amount.
 */
export async function expectRacingRefundsSendTheirOwnAmounts(stripe: ReturnType<typeof fakeStripe>, token: string, uid: string) {
  const refund = (amount: number) => api('POST', '/v2/payments/refunds', { token, body: { booking_uid: uid, amount } });
  const fake = vi.mocked(globalThis.fetch).getMockImplementation()!;
  let second: Promise<{ status: number }> | null = null;
  vi.mocked(globalThis.fetch).mockImplementation(async (input, init) => {
    if (!second && new Request(input, init).url.endsWith('/v1/refunds')) await (second = refund(500));
    return fake(input, init);
  });
  expect((await refund(500)).status).toBe(200);
  expect((await second!).status).toBe(200);
  expect(stripe.refunds.reduce((sum, r) => sum + r.amount, 0)).toBe(1000);
  expect((await api('GET', `/v2/bookings/${uid}`)).json.payment).toMatchObject({ refunded_amount: 1000, refund_pending: false });
}

import { validate } from '@hyperjump/json-schema/openapi-3-1';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import specMarkdown from '../docs/spec.md?raw';
import verifyExampleSource from '../src/openapi/examples/verify-webhook.ts?raw';
import verifyStandardExampleSource from '../src/openapi/examples/verify-standard-webhook.ts?raw';
import { app } from '../src/app';
import { createBookingBody, rescheduleBody } from '../src/bookings/schemas';
import { createEventTypeBody, updateEventTypeBody } from '../src/event-types/schemas';
import { availableSlotsQuery } from '../src/slots/schemas';
import { buildOpenApiDocument, openApiDocument } from '../src/openapi/document';
import type { OpenApiParameter } from '../src/openapi/types';
import { handleStandardWebhook } from '../src/openapi/examples/verify-standard-webhook';
import { handleBookingWebhook, type WebhookEvent } from '../src/openapi/examples/verify-webhook';
import { OPERATIONS } from '../src/openapi/operations';
import { PYTHON_STANDARD_VERIFY_SNIPPET, PYTHON_VERIFY_SNIPPET, STANDARD_WEBHOOKS_VERIFY_SNIPPET, TYPESCRIPT_VERIFY_SNIPPET } from '../src/openapi/snippets';
import { createWebhookBody, updateWebhookBody } from '../src/webhooks/schemas';
import { deliveryHeaders, generateSecret, signBody, standardSecret } from '../src/webhooks/signing';
import { api, makeUser } from './helpers';
import {
  appRoutes,
  documentedOperation,
  documentRoutes,
  OAS_31_SCHEMA,
  pointer,
  routeDiff,
  servedDocument,
  validateAt,
} from './openapi-helpers';
import { SPEC_EXAMPLES } from './spec-examples';

describe('GET /v2/openapi.json', () => {
  it('answers the document without any session, as application/json', async () => {
    const res = await api('GET', '/v2/openapi.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json\b/);
    expect(res.json.openapi).toBe('3.1.0');
    expect(res.json).toEqual(JSON.parse(JSON.stringify(buildOpenApiDocument())));
  });

  it('is built once per isolate and then served from the cache', () => {
    expect(openApiDocument()).toBe(openApiDocument());
  });

  it('is a valid OpenAPI 3.1 document, schemas included (OAS 3.1 meta-schema with its JSON Schema dialect)', async () => {
    const doc = await servedDocument();
    const output = await validate(OAS_31_SCHEMA, doc as never, 'BASIC');
    expect(output).toEqual({ valid: true });
  });

  it('the validator does reject a broken document, so the check above can fail', async () => {
    const broken = structuredClone(await servedDocument()) as any;
    delete broken.paths['/v2/bookings'].post.responses['201'].description;
    broken.components.schemas.Booking.type = 'thing';
    expect((await validate(OAS_31_SCHEMA, broken, 'FLAG')).valid).toBe(false);
  });
});

describe('route coverage', () => {
  it('documents every /v2 route of the app, and nothing the app does not serve', async () => {
    const diff = routeDiff(appRoutes(app), documentRoutes(await servedDocument()));
    expect(diff).toEqual({ undocumented: [], notInApp: [] });
  });

  it('the comparison catches a route missing on either side', () => {
    const extra = new Hono()
      .use(async (_c, next) => next())
      .route('/v2', new Hono().get('/things/:id', (c) => c.text('')).post('/things', (c) => c.text('')));
    const doc = { paths: { '/v2/things/{id}': { get: {} }, '/v2/gone': { delete: {} } } };
    expect(routeDiff(appRoutes(extra), documentRoutes(doc))).toEqual({
      undocumented: ['POST /v2/things'],
      notInApp: ['DELETE /v2/gone'],
    });
  });

  it('has one operationId per operation, all unique', async () => {
    const doc = await servedDocument();
    const ids = Object.values(doc.paths).flatMap((item) => Object.values(item).map((op) => op.operationId));
    expect(ids).toHaveLength(OPERATIONS.length);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('security', () => {
  it('declares the Bearer header and the session cookie as security schemes', async () => {
    const doc = await servedDocument();
    expect(doc.components.securitySchemes).toMatchObject({
      bearerAuth: { type: 'http', scheme: 'bearer' },
      sessionCookie: { type: 'apiKey', in: 'cookie', name: 'session' },
    });
  });

  /** A request that reaches the route's auth check: path parameters of a valid shape, an empty JSON body. */
  function callWithoutSession(method: string, path: string) {
    const url = path.replace('{uid}', 'AAAAAAAAAAAAAAAAAAAAAA').replace(/\{[a-z_]+\}/g, '1');
    return api(method.toUpperCase(), url, method === 'get' ? {} : { body: {} });
  }

  it('every operation documented as needing a session answers 401 without one', async () => {
    const doc = await servedDocument();
    const guarded = OPERATIONS.filter((o) => o.auth === 'session' || o.auth === 'super_admin');
    expect(guarded.length).toBeGreaterThan(20);
    for (const o of guarded) {
      const op = documentedOperation(doc, o.method, o.path);
      expect(op.security, `${o.method} ${o.path}`).toEqual([{ bearerAuth: [] }, { sessionCookie: [] }]);
      const res = await callWithoutSession(o.method, o.path);
      expect(res.status, `${o.method} ${o.path}`).toBe(401);
    }
  });

  it('every operation documented as public or session-optional answers without one (never 401)', async () => {
    const doc = await servedDocument();
    const open = OPERATIONS.filter((o) => o.auth === 'public' || o.auth === 'optional');
    expect(open.map((o) => `${o.method} ${o.path}`)).toEqual([
      'get /v2/openapi.json',
      'post /v2/auth/login',
      'get /v2/event-types',
      'get /v2/slots/available',
      'post /v2/slots/reservations',
      'get /v2/slots/reservations/{uid}',
      'patch /v2/slots/reservations/{uid}',
      'delete /v2/slots/reservations/{uid}',
      'post /v2/bookings',
      'get /v2/bookings/{uid}',
      'get /v2/bookings/{uid}/ics',
      'patch /v2/bookings/{uid}',
      'delete /v2/bookings/{uid}',
      'post /v2/payments/stripe/webhook',
      // The calendar providers' push notifications: each carries its channel's secret instead of a session.
      'post /v2/calendar-push/google',
      'post /v2/calendar-push/microsoft',
      // Signed by Twilio instead of a session (403 without a valid X-Twilio-Signature).
      'post /v2/sms/twilio/inbound',
    ]);
    for (const o of open) {
      const op = documentedOperation(doc, o.method, o.path);
      expect(op.security, `${o.method} ${o.path}`).toEqual(o.auth === 'public' ? [] : [{}, { bearerAuth: [] }, { sessionCookie: [] }]);
      const res = await callWithoutSession(o.method, o.path);
      expect(res.status, `${o.method} ${o.path}`).not.toBe(401);
    }
  });

  it('super admin routes are told apart and document 403', async () => {
    const doc = await servedDocument();
    const op = documentedOperation(doc, 'get', '/v2/users');
    expect(op['x-auth']).toBe('super_admin');
    expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['200', '401', '403', '500']));
  });
});

describe('documented statuses and headers', () => {
  const statusesOf = async (method: string, path: string) => Object.keys(documentedOperation(await servedDocument(), method, path).responses);

  it('POST /v2/bookings documents every way it can answer and the Idempotency-Key header', async () => {
    expect(await statusesOf('post', '/v2/bookings')).toEqual(['201', '400', '403', '404', '409', '413', '415', '422', '429', '500']);
    const op = documentedOperation(await servedDocument(), 'post', '/v2/bookings');
    const header = op.parameters?.find((p) => p.in === 'header');
    expect(header).toMatchObject({ name: 'Idempotency-Key', required: false, schema: { type: 'string', minLength: 1, maxLength: 200 } });
    const conflict = op.responses['409'] as { content: Record<string, { examples: Record<string, unknown> }> };
    // conflict: a seated event type's email that already has a seat in the slot.
    expect(Object.keys(conflict.content['application/json']!.examples)).toEqual(['conflict', 'slot_unavailable', 'too_many_bookings', 'booker_limit_reached']);
  });

  it('a reschedule documents both kinds of 409: conflict and slot_unavailable', async () => {
    const op = documentedOperation(await servedDocument(), 'patch', '/v2/bookings/{uid}');
    const conflict = op.responses['409'] as { description: string; content: Record<string, { examples: Record<string, unknown> }> };
    expect(Object.keys(conflict.content['application/json']!.examples).sort()).toEqual(['conflict', 'slot_unavailable']);
  });

  it('the error shape has code, message and optional issues, with every error code', async () => {
    const error = (await servedDocument()).components.schemas.Error as any;
    expect(error.required).toEqual(['error']);
    expect(error.properties.error.required).toEqual(['code', 'message']);
    expect(error.properties.error.properties.code.enum).toEqual(
      expect.arrayContaining(['validation_failed', 'unauthorized', 'forbidden', 'not_found', 'conflict', 'slot_unavailable', 'payload_too_large', 'unsupported_media_type', 'idempotency_key_reused', 'internal']),
    );
    expect(error.properties.error.properties.issues.items.required).toEqual(['path', 'message']);
  });

  it('shared error responses carry their status code family', async () => {
    const doc = await servedDocument();
    const op = documentedOperation(doc, 'delete', '/v2/webhooks/{id}');
    expect(op.responses).toMatchObject({
      '204': { description: 'Deleted' },
      '401': { $ref: '#/components/responses/unauthorized' },
      '404': { $ref: '#/components/responses/not_found' },
      '500': { $ref: '#/components/responses/internal' },
    });
    expect(op.requestBody).toBeUndefined();
  });
});

const SPEC = SPEC_EXAMPLES;

const bodySchema = (method: string, path: string) => pointer('paths', path, method, 'requestBody', 'content', 'application/json', 'schema');

describe("the spec's example requests match the documented request schemas", () => {
  const cases = [
    { name: 'create booking', method: 'post', path: '/v2/bookings', body: SPEC.createBooking, zod: createBookingBody },
    { name: 'reschedule', method: 'patch', path: '/v2/bookings/{uid}', body: SPEC.reschedule, zod: rescheduleBody },
    { name: 'create event type', method: 'post', path: '/v2/event-types', body: SPEC.createEventType, zod: createEventTypeBody },
    { name: 'Coffee Chat', method: 'post', path: '/v2/event-types', body: SPEC.coffeeChat, zod: createEventTypeBody },
    { name: 'update event type', method: 'patch', path: '/v2/event-types/{id}', body: SPEC.updateEventType, zod: updateEventTypeBody },
    { name: 'create webhook', method: 'post', path: '/v2/webhooks', body: SPEC.createWebhook, zod: createWebhookBody },
    { name: 'update webhook', method: 'patch', path: '/v2/webhooks/{id}', body: SPEC.updateWebhook, zod: updateWebhookBody },
  ];

  for (const c of cases) {
    it(`${c.name}: valid against the document and the zod schema behind it`, async () => {
      expect(await validateAt(bodySchema(c.method, c.path), c.body)).toEqual({ valid: true });
      expect(c.zod.safeParse(c.body).success).toBe(true);
    });
  }

  it('the documented schemas and zod agree on invalid bodies too', async () => {
    const invalid = [
      { path: '/v2/bookings', method: 'post', body: { ...SPEC.createBooking, surprise: 1 }, zod: createBookingBody },
      { path: '/v2/bookings', method: 'post', body: { ...SPEC.createBooking, attendee: undefined }, zod: createBookingBody },
      { path: '/v2/bookings', method: 'post', body: { ...SPEC.createBooking, start: '2025-11-15 14:00' }, zod: createBookingBody },
      { path: '/v2/event-types', method: 'post', body: { ...SPEC.createEventType, location_type: 'skype' }, zod: createEventTypeBody },
      { path: '/v2/event-types', method: 'post', body: { ...SPEC.createEventType, duration_minutes: 1 }, zod: createEventTypeBody },
      { path: '/v2/event-types', method: 'post', body: { ...SPEC.createEventType, slug: 'Not A Slug' }, zod: createEventTypeBody },
      { path: '/v2/webhooks', method: 'post', body: { ...SPEC.createWebhook, event_triggers: ['MEETING_ENDED'] }, zod: createWebhookBody },
      { path: '/v2/webhooks', method: 'post', body: { ...SPEC.createWebhook, secret: 'short' }, zod: createWebhookBody },
    ];
    for (const c of invalid) {
      const body = JSON.parse(JSON.stringify(c.body));
      expect((await validateAt(bodySchema(c.method, c.path), body)).valid, JSON.stringify(body)).toBe(false);
      expect(c.zod.safeParse(body).success, JSON.stringify(body)).toBe(false);
    }
  });

  /** Query strings carry text; OpenAPI clients convert by the parameter's schema type, as this does. */
  function queryValue(parameter: OpenApiParameter, raw: string): unknown {
    return parameter.schema.type === 'integer' || parameter.schema.type === 'number' ? Number(raw) : raw;
  }

  it("the slots query: every parameter valid, every required one present, nothing undocumented", async () => {
    const op = documentedOperation(await servedDocument(), 'get', '/v2/slots/available');
    const parameters = op.parameters!.filter((p) => p.in === 'query');
    expect(parameters.filter((p) => p.required).map((p) => p.name).sort()).toEqual(['end_time', 'event_type_id', 'start_time']);
    for (const [name, raw] of Object.entries(SPEC.slotsQuery)) {
      const index = op.parameters!.findIndex((p) => p.in === 'query' && p.name === name);
      expect(index, name).toBeGreaterThanOrEqual(0);
      const schema = pointer('paths', '/v2/slots/available', 'get', 'parameters', String(index), 'schema');
      expect(await validateAt(schema, queryValue(op.parameters![index]!, raw)), name).toEqual({ valid: true });
    }
    expect(availableSlotsQuery.safeParse(SPEC.slotsQuery).success).toBe(true);
    const startTime = op.parameters!.findIndex((p) => p.name === 'start_time');
    expect((await validateAt(pointer('paths', '/v2/slots/available', 'get', 'parameters', String(startTime), 'schema'), 'tomorrow')).valid).toBe(false);
  });
});

describe('webhooks section', () => {
  it('documents every trigger and PING with the signature headers', async () => {
    const doc = await servedDocument();
    expect(Object.keys(doc.webhooks).sort()).toEqual(
      ['BOOKING_CANCELLED', 'BOOKING_CONFIRMED', 'BOOKING_CREATED', 'BOOKING_PAID', 'BOOKING_PAYMENT_INITIATED', 'BOOKING_PAYMENT_REFUNDED', 'BOOKING_REJECTED', 'BOOKING_REQUESTED', 'BOOKING_RESCHEDULED', 'MEETING_REMINDER', 'PING'],
    );
    for (const [trigger, item] of Object.entries(doc.webhooks)) {
      expect(item.post.parameters!.map((p) => `${p.in}:${p.name}`)).toEqual([
        'header:X-Cal-Signature-256',
        'header:webhook-id',
        'header:webhook-timestamp',
        'header:webhook-signature',
      ]);
      const ref = (item.post.requestBody!.content['application/json']!.schema as { $ref: string }).$ref;
      const envelope = doc.components.schemas[ref.split('/').pop()!] as any;
      expect(envelope.properties.triggerEvent, trigger).toEqual({ type: 'string', const: trigger });
    }
  });
});

/** Hono escapes these five in text; the page's code blocks read back as the source once they are undone. */
const unescapeHtml = (html: string) =>
  html.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');

describe('GET /docs', () => {
  it('renders the reference as HTML, with every path, every webhook and the signature section', async () => {
    const doc = await servedDocument();
    const res = await api('GET', '/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = res.json as string;
    for (const [path, item] of Object.entries(doc.paths)) {
      expect(html, path).toContain(`<code class="path">${path}</code>`);
      for (const op of Object.values(item)) expect(unescapeHtml(html), op.operationId).toContain(`<p class="summary">${op.summary}</p>`);
    }
    for (const trigger of Object.keys(doc.webhooks)) expect(html).toContain(`id="webhook-${trigger}"`);
    for (const tag of doc.tags) expect(html).toContain(`<h2>${tag.name}</h2>`);
    expect(html).toContain('<h2>Verifying webhook signatures</h2>');
  });

  it('shows each operation with its auth, parameters, request body fields and responses', async () => {
    const html = unescapeHtml((await api('GET', '/docs')).json as string);
    const section = html.slice(html.indexOf('id="op-post-v2-bookings"'), html.indexOf('id="op-get-v2-bookings"'));
    expect(section).toContain('Public: no session needed');
    expect(section).toContain('<code>Idempotency-Key</code>');
    expect(section).toContain('<code>attendee.email</code>');
    expect(section).toContain('<code>string (email)</code>');
    expect(section).toContain('<code>metadata</code>');
    for (const status of ['201', '400', '404', '409', '413', '415', '422', '500']) expect(section).toContain(`>${status}</span>`);
    const schedules = html.slice(html.indexOf('id="op-post-v2-schedules"'), html.indexOf('id="op-get-v2-schedules-id"'));
    expect(schedules).toContain('Session required');
    expect(schedules).toContain('<code>availability[].day_of_week</code>');
  });

  it('works offline: no script, no external stylesheet or image, and a CSP that allows none', async () => {
    const res = await api('GET', '/docs');
    const html = res.json as string;
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<link[^>]+stylesheet/i);
    expect(html).not.toMatch(/\ssrc=/i);
    expect(html).toMatch(/<style>[\s\S]+<\/style>/);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
  });

  it('needs no session', async () => {
    const { token } = await makeUser();
    const anonymous = await api('GET', '/docs');
    const signedIn = await api('GET', '/docs', { token });
    expect(anonymous.status).toBe(200);
    expect(signedIn.json).toBe(anonymous.json);
  });
});

describe('Verifying webhook signatures (the /docs snippets)', () => {
  it('the TypeScript shown is exactly the example module these tests run', async () => {
    expect(TYPESCRIPT_VERIFY_SNIPPET).toBe(verifyExampleSource);
    const html = unescapeHtml((await api('GET', '/docs')).json as string);
    expect(html).toContain(TYPESCRIPT_VERIFY_SNIPPET);
    expect(html).toContain(PYTHON_VERIFY_SNIPPET);
  });

  it('the TypeScript handler accepts a body signed as the server signs it, and rejects tampering or a wrong secret', async () => {
    const secret = 'whsec_your_secret_here';
    const body = JSON.stringify({ triggerEvent: 'BOOKING_CREATED', createdAt: '2025-11-15T14:00:00.000Z', payload: { uid: 'abc', title: 'Café ☕' } });
    const signature = await signBody(secret, body);
    const received: [WebhookEvent, string | null][] = [];
    const onEvent = async (event: WebhookEvent, id: string | null) => void received.push([event, id]);
    const request = (b: string, sig = signature) =>
      new Request('https://receiver.test/webhooks', { method: 'POST', body: b, headers: { 'x-cal-signature-256': sig, 'webhook-id': 'msg_1' } });

    expect((await handleBookingWebhook(request(body), secret, onEvent)).status).toBe(204);
    expect(received).toEqual([[JSON.parse(body), 'msg_1']]);
    expect((await handleBookingWebhook(request(body.replace('abc', 'abd')), secret, onEvent)).status).toBe(401);
    expect((await handleBookingWebhook(request(body), 'whsec_other_secret', onEvent)).status).toBe(401);
    expect((await handleBookingWebhook(request(body, 'not-hex'), secret, onEvent)).status).toBe(401);
    expect(received).toHaveLength(1);
  });

  it('the Standard Webhooks TypeScript shown is the example module, which accepts real deliveries and rejects tampering', async () => {
    expect(STANDARD_WEBHOOKS_VERIFY_SNIPPET).toBe(verifyStandardExampleSource);
    const html = unescapeHtml((await api('GET', '/docs')).json as string);
    expect(html).toContain(STANDARD_WEBHOOKS_VERIFY_SNIPPET);
    expect(html).toContain(PYTHON_STANDARD_VERIFY_SNIPPET);
    const body = JSON.stringify({ triggerEvent: 'BOOKING_CREATED', createdAt: '2025-11-15T14:00:00.000Z', payload: { uid: 'abc' } });
    const received: string[] = [];
    const onEvent = async (_event: unknown, id: string) => void received.push(id);
    for (const secret of [generateSecret(), 'a passphrase the user chose']) {
      const headers = await deliveryHeaders(secret, body, 'msg_std', Date.now());
      const request = (b: string) => new Request('https://receiver.test/webhooks', { method: 'POST', body: b, headers });
      expect((await handleStandardWebhook(request(body), standardSecret(secret), onEvent)).status).toBe(204);
      expect((await handleStandardWebhook(request(body.replace('abc', 'abd')), standardSecret(secret), onEvent)).status).toBe(401);
      expect((await handleStandardWebhook(request(body), generateSecret(), onEvent)).status).toBe(401);
    }
    expect(received).toEqual(['msg_std', 'msg_std']);
  });

  it("the Python shown contains the spec's verify_webhook_signature, unchanged", () => {
    const start = specMarkdown.indexOf('import hmac');
    const end = specMarkdown.indexOf('return hmac.compare_digest(signature, expected_signature)');
    expect(start).toBeGreaterThan(0);
    const specFunction = specMarkdown.slice(start, end + 'return hmac.compare_digest(signature, expected_signature)'.length);
    expect(PYTHON_VERIFY_SNIPPET.startsWith(specFunction)).toBe(true);
  });
});

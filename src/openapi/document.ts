// Builds the OpenAPI 3.1 document from the route table and the zod schemas (zod 4's own JSON Schema output, whose
// 2020-12 dialect is OpenAPI 3.1's). Pure: no bindings, no I/O; `openApiDocument()` builds it once per isolate.
import { z } from 'zod';
import { version } from '../../package.json';
import { WEBHOOK_TRIGGERS } from '../db/schema';
import type { ErrorCode } from '../lib/errors';
import { timeZoneSchema } from '../lib/validation';
import { OPERATIONS, REQUEST_SCHEMAS, RESPONSE_SCHEMAS, TAGS, type Auth, type Operation } from './operations';
import {
  bookingEnvelopeSchemas,
  pingEnvelopeSchema,
  statusOf,
  WEBHOOK_HEADERS,
  WEBHOOK_TRIGGER_SUMMARIES,
} from './schemas';

export type JsonSchema = Record<string, unknown>;
export type OpenApiDocument = Record<string, unknown> & {
  openapi: string;
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: {
    schemas: Record<string, JsonSchema>;
    responses: Record<string, OpenApiResponse>;
    securitySchemes: Record<string, unknown>;
  };
  webhooks: Record<string, { post: OpenApiOperation }>;
  tags: { name: string; description: string }[];
};
export interface OpenApiParameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  description?: string;
  schema: JsonSchema;
}
export interface OpenApiResponse {
  description: string;
  headers?: Record<string, { description: string; schema: JsonSchema; required?: boolean }>;
  content?: Record<string, { schema: JsonSchema; examples?: Record<string, { summary?: string; value: unknown }> }>;
}
export interface OpenApiOperation {
  operationId: string;
  tags?: string[];
  summary: string;
  description?: string;
  security?: Record<string, string[]>[];
  parameters?: OpenApiParameter[];
  requestBody?: { required: boolean; content: Record<string, { schema: JsonSchema }> };
  responses: Record<string, OpenApiResponse | { $ref: string }>;
  'x-auth'?: Auth;
}

const COMPONENT_PREFIX = '#/components/schemas/';

/** Generic meaning of each error code; a route's own `errors` say more where it matters. */
const ERROR_MEANINGS: Record<ErrorCode, string> = {
  validation_failed: 'The request failed validation (also malformed JSON and unknown fields); `issues` lists each problem',
  unauthorized: 'No valid session token (`Authorization: Bearer` or the `session` cookie)',
  forbidden: 'Signed in, but your role does not allow this',
  not_found: 'Not found, or not yours (someone else’s resource looks missing)',
  conflict: 'The request clashes with the current state; the message says how',
  slot_unavailable: 'The time is not an offered slot; the message says why',
  too_many_holds: 'This client (IP) or signed-in holder already has the most live slot reservations allowed with this host',
  too_many_bookings: 'This attendee email already has the most future bookings allowed with this host',
  booker_limit_reached: "This attendee email already has the event type's max_active_bookings_per_booker future bookings of it",
  payload_too_large: 'The request body exceeds the size limit',
  unsupported_media_type: 'A request body that is not JSON (send `Content-Type: application/json`)',
  idempotency_key_reused: 'The Idempotency-Key was already used with a different request',
  rate_limited: 'Too many requests; try again later',
  internal: 'Unexpected server error (no details are exposed)',
};

/** Where zod's JSON Schema says less than the schema knows. */
function enrich(ctx: { zodSchema: z.core.$ZodType; jsonSchema: JsonSchema }) {
  const def = ctx.zodSchema._zod.def as { type: string; out?: z.core.$ZodType };
  // An input-side pipe (e.g. trim, then z.email(), then lowercase) is described by its first stage; the format
  // the later stage checks is worth telling.
  if (def.type === 'pipe') {
    const format = formatAfter(def.out);
    if (format && ctx.jsonSchema.format === undefined) ctx.jsonSchema.format = format;
  }
  if (ctx.zodSchema === timeZoneSchema) {
    ctx.jsonSchema.description = 'IANA time zone name';
    ctx.jsonSchema.examples = ['America/New_York', 'UTC'];
  }
}

function formatAfter(schema: z.core.$ZodType | undefined): string | undefined {
  if (!schema) return undefined;
  const def = schema._zod.def as { type: string; format?: string; in?: z.core.$ZodType; out?: z.core.$ZodType };
  if (def.type === 'string' && def.format) return def.format;
  if (def.type === 'pipe') return formatAfter(def.in) ?? formatAfter(def.out);
  return undefined;
}

type Io = 'input' | 'output';

/** `$schema` and `$id` are for standalone schemas; inside the document they would mislead validators. */
function embedded(schema: JsonSchema): JsonSchema {
  const { $schema: _s, $id: _i, ...rest } = schema;
  return rest;
}

/** Named schemas: each becomes a component, and references between them become `$ref`s. */
function components(named: Record<string, z.ZodType>, io: Io): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(named)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, { io, uri: (id) => COMPONENT_PREFIX + id, override: enrich });
  return Object.fromEntries(Object.entries(schemas).map(([id, s]) => [id, embedded(s as JsonSchema)]));
}

function inline(schema: z.ZodType, io: Io): JsonSchema {
  return embedded(z.toJSONSchema(schema, { io, override: enrich }) as JsonSchema);
}

/** A `$ref` for a named schema, else the schema inline. */
function schemaRef(schema: z.ZodType, named: Record<string, z.ZodType>, io: Io): JsonSchema {
  const name = Object.keys(named).find((id) => named[id] === schema);
  return name ? { $ref: COMPONENT_PREFIX + name } : inline(schema, io);
}

/** Path and query schemas are objects; OpenAPI wants one parameter per property. */
function parametersOf(schema: z.ZodType, where: 'path' | 'query'): OpenApiParameter[] {
  const json = inline(schema, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => {
    const { description, ...rest } = property;
    const parameter: OpenApiParameter = {
      name,
      in: where,
      required: where === 'path' || (json.required ?? []).includes(name),
      schema: rest,
    };
    if (typeof description === 'string') parameter.description = description;
    return parameter;
  });
}

const SESSION: Record<string, string[]>[] = [{ bearerAuth: [] }, { sessionCookie: [] }];
const SECURITY: Record<Auth, Record<string, string[]>[]> = {
  public: [],
  // The empty requirement makes the session optional.
  optional: [{}, ...SESSION],
  session: SESSION,
  super_admin: SESSION,
};

/** The route's own errors plus those that follow from its shape, as code -> when. */
export function errorsOf(op: Operation): Map<ErrorCode, string> {
  const errors = new Map<ErrorCode, string>();
  const add = (code: ErrorCode, when = ERROR_MEANINGS[code]) => {
    if (!errors.has(code)) errors.set(code, when);
  };
  for (const [code, when] of Object.entries(op.errors ?? {})) add(code as ErrorCode, when);
  if (op.body || op.query || op.headers) add('validation_failed');
  if (op.auth === 'session' || op.auth === 'super_admin') add('unauthorized');
  if (op.auth === 'super_admin') add('forbidden', 'Signed in, but not a super admin');
  if (op.params) add('not_found');
  if (op.body) {
    add('payload_too_large');
    add('unsupported_media_type');
  }
  add('internal');
  return errors;
}

function errorResponse(entries: [ErrorCode, string][]): OpenApiResponse {
  return {
    description: entries.map(([code, when]) => `\`${code}\`: ${when}`).join('. '),
    content: {
      'application/json': {
        schema: { $ref: `${COMPONENT_PREFIX}Error` },
        examples: Object.fromEntries(entries.map(([code, when]) => [code, { value: { error: { code, message: when } } }])),
      },
    },
  };
}

const RESPONSE_PREFIX = '#/components/responses/';

/** One shared response per error code with its generic meaning; routes refer to it unless they say more. */
const ERROR_RESPONSES = Object.fromEntries(
  (Object.keys(ERROR_MEANINGS) as ErrorCode[]).map((code) => [code, errorResponse([[code, ERROR_MEANINGS[code]]])]),
);

function errorResponses(op: Operation): Record<string, OpenApiResponse | { $ref: string }> {
  const byStatus = new Map<number, [ErrorCode, string][]>();
  for (const [code, when] of errorsOf(op)) {
    const status = statusOf(code);
    byStatus.set(status, [...(byStatus.get(status) ?? []), [code, when]]);
  }
  const responses: Record<string, OpenApiResponse | { $ref: string }> = {};
  for (const [status, entries] of [...byStatus].sort(([a], [b]) => a - b)) {
    const [only] = entries;
    const generic = entries.length === 1 && only && only[1] === ERROR_MEANINGS[only[0]];
    responses[String(status)] = generic ? { $ref: RESPONSE_PREFIX + only[0] } : errorResponse(entries);
  }
  return responses;
}

function operationObject(op: Operation): OpenApiOperation {
  const parameters = [
    ...(op.params ? parametersOf(op.params, 'path') : []),
    ...(op.query ? parametersOf(op.query, 'query') : []),
    ...(op.headers ?? []).map(
      (h): OpenApiParameter => ({
        name: h.name,
        in: 'header',
        required: h.required ?? false,
        description: h.description,
        schema: inline(h.schema, 'input'),
      }),
    ),
  ];
  const success: OpenApiResponse = { description: op.success.description };
  if (op.success.schema) {
    success.content = { 'application/json': { schema: schemaRef(op.success.schema, RESPONSE_SCHEMAS, 'output') } };
  } else if (op.success.mediaType) {
    success.content = { [op.success.mediaType]: { schema: { type: 'string' } } };
  }
  if (op.success.headers) {
    success.headers = Object.fromEntries(
      Object.entries(op.success.headers).map(([name, description]) => [name, { description, schema: { type: 'string' } }]),
    );
  }
  const operation: OpenApiOperation = {
    operationId: op.operationId,
    tags: [op.tag],
    summary: op.summary,
    security: SECURITY[op.auth],
    responses: { [String(op.success.status)]: success, ...errorResponses(op) },
    // Finer than `security` can say (a super admin role); the /docs page shows it.
    'x-auth': op.auth,
  };
  if (op.description) operation.description = op.description;
  if (parameters.length > 0) operation.parameters = parameters;
  if (op.body) {
    operation.requestBody = {
      required: op.body.required ?? true,
      content: { 'application/json': { schema: schemaRef(op.body.schema, REQUEST_SCHEMAS, 'input') } },
    };
  }
  return operation;
}

/** The envelope component of a trigger, e.g. BOOKING_CREATED -> BookingCreatedEnvelope. */
export const envelopeName = (trigger: string) =>
  trigger
    .toLowerCase()
    .split('_')
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('') + 'Envelope';

const ENVELOPE_SCHEMAS: Record<string, z.ZodType> = {
  ...Object.fromEntries(WEBHOOK_TRIGGERS.map((t) => [envelopeName(t), bookingEnvelopeSchemas[t]])),
  [envelopeName('PING')]: pingEnvelopeSchema,
};

function webhookObject(trigger: string): { post: OpenApiOperation } {
  return {
    post: {
      operationId: `webhook${envelopeName(trigger).replace(/Envelope$/, '')}`,
      summary: WEBHOOK_TRIGGER_SUMMARIES[trigger as keyof typeof WEBHOOK_TRIGGER_SUMMARIES],
      description:
        'POSTed to each active subscriber of this trigger. Verify `X-Cal-Signature-256` (or `webhook-signature` with a ' +
        'Standard Webhooks library) over the raw body before parsing it; deduplicate on `webhook-id` (delivery is at ' +
        'least once, with retries and exponential backoff).',
      parameters: Object.entries(WEBHOOK_HEADERS).map(([name, h]) => ({
        name,
        in: 'header',
        required: true,
        description: h.description,
        schema: inline(h.schema, 'input'),
      })),
      requestBody: {
        required: true,
        content: { 'application/json': { schema: { $ref: COMPONENT_PREFIX + envelopeName(trigger) } } },
      },
      responses: {
        '2XX': { description: 'Received. Any other answer, or none within the timeout, is retried.' },
      },
    },
  };
}

export function buildOpenApiDocument(): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {};
  for (const op of OPERATIONS) (paths[op.path] ??= {})[op.method] = operationObject(op);
  return {
    openapi: '3.1.0',
    info: {
      title: 'calflare API',
      version,
      summary: 'A Cal.com-style booking API on Cloudflare Workers',
      description:
        'JSON over HTTPS. Errors are `{"error": {"code", "message", "issues?"}}`. Lists are `{"data": [...], ' +
        '"next_cursor"}` with `limit` (1-200, default 50) and `cursor`. Instants are ISO 8601 in UTC with `Z`, ' +
        'except slot times, which carry the requested zone’s offset. Unknown JSON fields are rejected. Every response ' +
        'carries `x-d1-bookmark` (send it back as a request header and the next read is at least that fresh), ' +
        '`Server-Timing` (D1 round trips and their time, the booking object hop, the total) and `x-request-id` ' +
        '(repeated in a 500 body as `error.request_id`).',
    },
    tags: TAGS.map((t) => ({ ...t })),
    paths,
    webhooks: Object.fromEntries([...WEBHOOK_TRIGGERS, 'PING'].map((t) => [t, webhookObject(t)])),
    components: {
      schemas: {
        ...components(REQUEST_SCHEMAS, 'input'),
        ...components({ ...RESPONSE_SCHEMAS, ...ENVELOPE_SCHEMAS }, 'output'),
      },
      responses: ERROR_RESPONSES,
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          description: 'The token from POST /v2/auth/login',
        },
        sessionCookie: {
          type: 'apiKey',
          in: 'cookie',
          name: 'session',
          description: 'The same token as a cookie; POST /v2/auth/login sets it',
        },
      },
    },
  };
}

let cached: { document: OpenApiDocument; json: string } | undefined;

/** Built on first use and kept for the isolate's life: the schemas cannot change while it runs. */
export function openApiDocument(): { document: OpenApiDocument; json: string } {
  if (!cached) {
    const document = buildOpenApiDocument();
    cached = { document, json: JSON.stringify(document) };
  }
  return cached;
}

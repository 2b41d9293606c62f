// Builds the OpenAPI 3.1 document from the route table and the zod schemas (zod 4's own JSON Schema output, whose
// 2020-12 dialect is OpenAPI 3.1's). Pure: no bindings, no I/O; `openApiDocument()` builds it once per isolate.
import { z } from 'zod';
import { license, version } from '../../package.json';
import { WEBHOOK_TRIGGERS } from '../db/schema';
import { timeZoneSchema } from '../lib/validation';
import { bookingEnvelopeSchemas, meetingReminderEnvelopeSchema, pingEnvelopeSchema } from '../webhooks/envelopes';
import { WEBHOOK_HEADERS, WEBHOOK_TRIGGER_SUMMARIES } from '../webhooks/openapi';
import { errorResponses, usedResponses } from './errors';
import { OPERATIONS, REQUEST_SCHEMAS, RESPONSE_SCHEMAS } from './operations';
import { SECURITY, SECURITY_SCHEMES } from './security';
import { TAGS } from './tags';
import type { JsonSchema, OpenApiDocument, OpenApiOperation, OpenApiParameter, OpenApiResponse, Operation } from './types';

const COMPONENT_PREFIX = '#/components/schemas/';

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
      content: { [op.body.mediaType ?? 'application/json']: { schema: schemaRef(op.body.schema, REQUEST_SCHEMAS, 'input') } },
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
  [envelopeName('MEETING_REMINDER')]: meetingReminderEnvelopeSchema,
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
      // calflare calls the subscriber: no session of ours applies; the receiver checks the signature headers.
      security: [],
    },
  };
}

/**
 * package.json's `license` as OpenAPI's: an SPDX id, or npm's `UNLICENSED` (no license granted to others: the owners
 * have not chosen one) as a custom SPDX reference.
 */
export function licenseOf(spdx: string): { name: string; identifier: string } {
  if (spdx === 'UNLICENSED') return { name: 'Proprietary: no license granted', identifier: 'LicenseRef-UNLICENSED' };
  return { name: spdx, identifier: spdx };
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
      license: licenseOf(license),
      description:
        'JSON over HTTPS. Errors are `{"error": {"code", "message", "issues?"}}`. Lists are `{"data": [...], ' +
        '"next_cursor"}` with `limit` (1-200, default 50) and `cursor`. Instants are ISO 8601 in UTC with `Z`, ' +
        'except slot times, which carry the requested zone’s offset. Unknown JSON fields are rejected. Every response ' +
        'carries `x-d1-bookmark` (send it back as a request header and the next read is at least that fresh), ' +
        '`Server-Timing` (D1 round trips and their time, the booking object hop, the total) and `x-request-id` ' +
        '(repeated in a 500 body as `error.request_id`).',
    },
    // Relative: the paths are absolute from whichever origin serves this document (production, `wrangler dev`).
    servers: [{ url: '/', description: 'The origin that serves this document' }],
    tags: TAGS.map((t) => ({ ...t })),
    paths,
    webhooks: Object.fromEntries([...WEBHOOK_TRIGGERS, 'MEETING_REMINDER', 'PING'].map((t) => [t, webhookObject(t)])),
    components: {
      schemas: {
        ...components(REQUEST_SCHEMAS, 'input'),
        ...components({ ...RESPONSE_SCHEMAS, ...ENVELOPE_SCHEMAS }, 'output'),
      },
      responses: usedResponses(Object.values(paths).flatMap((item) => Object.values(item))),
      securitySchemes: SECURITY_SCHEMES,
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

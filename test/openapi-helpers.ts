// Checks against the SERVED OpenAPI document: @hyperjump/json-schema interprets JSON Schema (2020-12 and OpenAPI 3.1's
// dialect) without generating code, so it runs inside workerd, where eval and new Function are forbidden.
import { hasSchema, registerSchema, unregisterSchema, validate, type OutputUnit } from '@hyperjump/json-schema/openapi-3-1';
import { SELF } from 'cloudflare:test';
import { expect } from 'vitest';
import type { OpenApiDocument, OpenApiOperation, OpenApiResponse } from '../src/openapi/types';
import { errorsOf } from '../src/openapi/errors';
import { OPERATIONS } from '../src/openapi/operations';
import type { Operation } from '../src/openapi/types';
import { errorSchema, statusOf } from '../src/openapi/schemas';
import { BASE } from './helpers';

export const OAS_31_SCHEMA = 'https://spec.openapis.org/oas/3.1/schema-base';
export const DOC_URI = 'https://calflare.test/v2/openapi.json';

let served: Promise<OpenApiDocument> | undefined;

/** GET /v2/openapi.json once per test file, registered with the validator so its schemas can be used by pointer. */
export function servedDocument(): Promise<OpenApiDocument> {
  served ??= (async () => {
    const res = await SELF.fetch(`${BASE}/v2/openapi.json`);
    const doc = (await res.json()) as OpenApiDocument;
    if (hasSchema(DOC_URI)) unregisterSchema(DOC_URI);
    // The same dialect hyperjump uses for a document served as application/openapi+json.
    registerSchema(doc as never, DOC_URI, OAS_31_SCHEMA);
    return doc;
  })();
  return served;
}

/** A JSON Pointer into the document as a URI fragment: `{uid}` and `/` escaped the way RFC 6901 and URIs want. */
export const pointer = (...segments: string[]) =>
  `${DOC_URI}#${encodeURI(segments.map((s) => '/' + s.replace(/~/g, '~0').replace(/\//g, '~1')).join(''))}`;

type Validator = (value: never, format: 'BASIC') => { valid: boolean; errors?: OutputUnit[] };
const validators = new Map<string, Promise<Validator>>();

/** Validates against the schema at `uri`; the compiled validator is kept, the document is large. */
export async function validateAt(uri: string, value: unknown) {
  await servedDocument();
  let validator = validators.get(uri);
  if (!validator) {
    validator = validate(uri) as never;
    validators.set(uri, validator);
  }
  return (await validator)(value as never, 'BASIC');
}

export async function expectValidAt(uri: string, value: unknown) {
  const output = await validateAt(uri, value);
  if (!output.valid) {
    const failures = (output.errors ?? []).map((e) => `${e.instanceLocation} ${e.keyword} (${e.absoluteKeywordLocation})`);
    throw new Error(`not valid against ${uri}:\n${failures.join('\n')}\nvalue: ${JSON.stringify(value).slice(0, 2000)}`);
  }
}

export function documentedOperation(doc: OpenApiDocument, method: string, path: string): OpenApiOperation {
  const op = doc.paths[path]?.[method.toLowerCase()];
  if (!op) throw new Error(`${method} ${path} is not in the document`);
  return op;
}

function tableRow(method: string, path: string): Operation {
  const row = OPERATIONS.find((o) => o.method === method.toLowerCase() && o.path === path);
  if (!row) throw new Error(`${method} ${path} is not in the route table`);
  return row;
}

/**
 * The contract: the answer's status is documented for this operation, and its body validates both against the
 * document's JSON Schema for that status (as served) and against the zod schema the document was generated from.
 * For errors, the code must be one the operation documents under that status.
 */
export async function expectDocumented(method: string, path: string, res: { status: number; json: any }) {
  const doc = await servedDocument();
  const op = documentedOperation(doc, method, path);
  const status = String(res.status);
  const entry = op.responses[status];
  if (!entry) {
    throw new Error(`${method} ${path} answered ${status}, which it does not document: ${JSON.stringify(res.json)}`);
  }
  const m = method.toLowerCase();
  let response: OpenApiResponse;
  let schemaUri: string;
  if ('$ref' in entry) {
    const name = entry.$ref.split('/').pop()!;
    response = doc.components.responses[name]!;
    schemaUri = pointer('components', 'responses', name, 'content', 'application/json', 'schema');
  } else {
    response = entry;
    schemaUri = pointer('paths', path, m, 'responses', status, 'content', 'application/json', 'schema');
  }
  const row = tableRow(method, path);
  if (!response.content) {
    expect(res.json, `${method} ${path} ${status} documents no body`).toBeNull();
    return res.json;
  }
  await expectValidAt(schemaUri, res.json);
  if (res.status < 400) {
    row.success.schema!.parse(res.json);
  } else {
    errorSchema.parse(res.json);
    const code = res.json.error.code;
    const documented = [...errorsOf(row).keys()].filter((c) => String(statusOf(c)) === status);
    expect(documented, `${method} ${path} answered ${status} ${code}`).toContain(code);
  }
  return res.json;
}

/** Every `/v2` route Hono has, as `METHOD /path/{param}`; middleware-only entries (method ALL) are not routes. */
export function appRoutes(hono: { routes: { method: string; path: string }[] }, prefix = '/v2'): Set<string> {
  return new Set(
    hono.routes
      .filter((r) => r.method !== 'ALL' && (r.path === prefix || r.path.startsWith(`${prefix}/`)))
      .map((r) => `${r.method.toUpperCase()} ${r.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`),
  );
}

export function documentRoutes(doc: { paths: Record<string, Record<string, unknown>> }): Set<string> {
  return new Set(Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`)));
}

/** What one set has and the other lacks, both ways; both empty when they match. */
export function routeDiff(app: Set<string>, doc: Set<string>) {
  return {
    undocumented: [...app].filter((r) => !doc.has(r)).sort(),
    notInApp: [...doc].filter((r) => !app.has(r)).sort(),
  };
}

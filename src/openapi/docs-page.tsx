// The API reference at /docs, rendered on the server from the OpenAPI document itself (not from the zod schemas), so
// the page shows exactly what /v2/openapi.json says. No scripts, no external requests: CSS is embedded.
import type { FC } from 'hono/jsx';
import { raw } from 'hono/html';
import type { Auth } from './operations';
import type { JsonSchema, OpenApiDocument, OpenApiOperation, OpenApiParameter, OpenApiResponse } from './document';
import { PYTHON_STANDARD_VERIFY_SNIPPET, PYTHON_VERIFY_SNIPPET, STANDARD_WEBHOOKS_VERIFY_SNIPPET, TYPESCRIPT_VERIFY_SNIPPET } from './snippets';

const AUTH_LABELS: Record<Auth, string> = {
  public: 'Public: no session needed',
  optional: 'Session optional: shows more when signed in',
  session: 'Session required: Bearer token or session cookie',
  super_admin: 'Super admin session required',
};

const REF_PREFIX = '#/components/schemas/';

/** One row of a field table: nested fields read as `attendee.email`, list items as `availability[].day_of_week`. */
export interface FieldRow {
  name: string;
  type: string;
  required: boolean;
  notes: string[];
}

type Schemas = Record<string, JsonSchema>;

const refName = (schema: JsonSchema) =>
  typeof schema.$ref === 'string' && schema.$ref.startsWith(REF_PREFIX) ? schema.$ref.slice(REF_PREFIX.length) : undefined;

function resolve(schema: JsonSchema, schemas: Schemas): JsonSchema {
  const name = refName(schema);
  return name ? (schemas[name] ?? {}) : schema;
}

/** `anyOf: [X, {type: null}]` is zod's nullable; it reads better as `X | null`. */
function variants(schema: JsonSchema): JsonSchema[] {
  return Array.isArray(schema.anyOf) ? (schema.anyOf as JsonSchema[]) : [schema];
}

export function typeLabel(schema: JsonSchema, schemas: Schemas): string {
  if (Array.isArray(schema.anyOf)) return variants(schema).map((s) => typeLabel(s, schemas)).join(' | ');
  const name = refName(schema);
  if (name) return name;
  if ('const' in schema) return JSON.stringify(schema.const);
  if (Array.isArray(schema.enum)) return schema.enum.map((v) => JSON.stringify(v)).join(' | ');
  const types = Array.isArray(schema.type) ? (schema.type as string[]) : schema.type ? [schema.type as string] : [];
  const labels = types.map((t) => {
    if (t === 'array') return `array of ${typeLabel((schema.items as JsonSchema | undefined) ?? {}, schemas)}`;
    if (t === 'object' && schema.additionalProperties && typeof schema.additionalProperties === 'object' && !schema.properties) {
      return `map of ${typeLabel(schema.additionalProperties as JsonSchema, schemas)}`;
    }
    if (t === 'string' && schema.format) return `string (${String(schema.format)})`;
    return t;
  });
  return labels.join(' | ') || 'any';
}

export function constraintNotes(schema: JsonSchema): string[] {
  const notes: string[] = [];
  for (const s of variants(schema)) {
    if (typeof s.description === 'string') notes.push(s.description);
    if (s.minimum !== undefined) notes.push(`min ${String(s.minimum)}`);
    if (s.exclusiveMinimum !== undefined) notes.push(`> ${String(s.exclusiveMinimum)}`);
    if (s.maximum !== undefined && s.maximum !== Number.MAX_SAFE_INTEGER) notes.push(`max ${String(s.maximum)}`);
    if (s.minLength !== undefined && s.minLength !== 0) notes.push(`min length ${String(s.minLength)}`);
    if (s.maxLength !== undefined) notes.push(`max length ${String(s.maxLength)}`);
    if (s.minItems !== undefined) notes.push(`at least ${String(s.minItems)} items`);
    if (s.maxItems !== undefined) notes.push(`at most ${String(s.maxItems)} items`);
    // A format already says what a long generated pattern says.
    if (typeof s.pattern === 'string' && !s.format) notes.push(`pattern ${s.pattern}`);
    if (Array.isArray(s.examples)) notes.push(`e.g. ${s.examples.map((e) => JSON.stringify(e)).join(', ')}`);
  }
  if (schema.default !== undefined) notes.push(`default ${JSON.stringify(schema.default)}`);
  return notes;
}

/** Flattens an object schema into rows, following $refs, list items and map values a few levels down. */
export function fieldRows(schema: JsonSchema, schemas: Schemas, prefix = '', depth = 0): FieldRow[] {
  const resolved = resolve(schema, schemas);
  const properties = resolved.properties as Record<string, JsonSchema> | undefined;
  if (!properties || depth > 4) return [];
  const required = new Set((resolved.required as string[] | undefined) ?? []);
  return Object.entries(properties).flatMap(([key, property]) => {
    const name = prefix + key;
    const row: FieldRow = { name, type: typeLabel(property, schemas), required: required.has(key), notes: constraintNotes(property) };
    return [row, ...nestedRows(property, schemas, name, depth + 1)];
  });
}

function nestedRows(property: JsonSchema, schemas: Schemas, name: string, depth: number): FieldRow[] {
  return variants(property).flatMap((variant) => {
    const s = resolve(variant, schemas);
    if (s.properties) return fieldRows(s, schemas, `${name}.`, depth);
    if (s.type === 'array' && s.items) return fieldRows(s.items as JsonSchema, schemas, `${name}[].`, depth);
    const values = s.additionalProperties;
    if (values && typeof values === 'object') {
      const v = resolve(values as JsonSchema, schemas);
      if (v.type === 'array' && v.items) return fieldRows(v.items as JsonSchema, schemas, `${name}.*[].`, depth);
      return fieldRows(v, schemas, `${name}.*.`, depth);
    }
    return [];
  });
}

const FieldTable: FC<{ rows: FieldRow[] }> = ({ rows }) => (
  <table>
    <thead>
      <tr>
        <th>Field</th>
        <th>Type</th>
        <th>Required</th>
        <th>Notes</th>
      </tr>
    </thead>
    <tbody>
      {rows.map((r) => (
        <tr>
          <td>
            <code>{r.name}</code>
          </td>
          <td>
            <code>{r.type}</code>
          </td>
          <td>{r.required ? 'yes' : ''}</td>
          <td>{r.notes.join('; ')}</td>
        </tr>
      ))}
    </tbody>
  </table>
);

/** A schema as a field table when it is an object, else its type in a sentence. */
const SchemaView: FC<{ schema: JsonSchema; schemas: Schemas }> = ({ schema, schemas }) => {
  const rows = fieldRows(schema, schemas);
  const name = refName(schema);
  return (
    <>
      {name && (
        <p class="schema-name">
          Schema <a href={`#schema-${name}`}>{name}</a>
        </p>
      )}
      {rows.length > 0 ? <FieldTable rows={rows} /> : <p><code>{typeLabel(schema, schemas)}</code></p>}
    </>
  );
};

const ParametersTable: FC<{ parameters: OpenApiParameter[]; schemas: Schemas }> = ({ parameters, schemas }) => (
  <table class="params">
    <thead>
      <tr>
        <th>Name</th>
        <th>In</th>
        <th>Type</th>
        <th>Required</th>
        <th>Notes</th>
      </tr>
    </thead>
    <tbody>
      {parameters.map((p) => (
        <tr>
          <td>
            <code>{p.name}</code>
          </td>
          <td>{p.in}</td>
          <td>
            <code>{typeLabel(p.schema, schemas)}</code>
          </td>
          <td>{p.required ? 'yes' : ''}</td>
          <td>{[...(p.description ? [p.description] : []), ...constraintNotes(p.schema)].join('; ')}</td>
        </tr>
      ))}
    </tbody>
  </table>
);

type ResponseOrRef = OpenApiResponse | { $ref: string };

/** Error responses are shared components unless an operation says more. */
function resolveResponse(r: ResponseOrRef, doc: OpenApiDocument): OpenApiResponse {
  if ('$ref' in r) return doc.components.responses[r.$ref.split('/').pop()!] ?? { description: '' };
  return r;
}

const Responses: FC<{ responses: Record<string, ResponseOrRef>; doc: OpenApiDocument }> = ({ responses, doc }) => (
  <dl class="responses">
    {Object.entries(responses).map(([status, entry]) => {
      const schemas = doc.components.schemas;
      const r = resolveResponse(entry, doc);
      const schema = r.content?.['application/json']?.schema;
      const isError = refName(schema ?? {}) === 'Error';
      return (
        <>
          <dt>
            <span class={`status s${status[0]}`}>{status}</span>
          </dt>
          <dd>
            <Markdownish text={r.description} />
            {r.headers &&
              Object.entries(r.headers).map(([name, h]) => (
                <p class="note">
                  Header <code>{name}</code>: {h.description}
                </p>
              ))}
            {schema && !isError && (
              <details>
                <summary>Response body</summary>
                <SchemaView schema={schema} schemas={schemas} />
              </details>
            )}
          </dd>
        </>
      );
    })}
  </dl>
);

/** Inline `code` spans only: descriptions are short and the page carries no markdown engine. */
const Markdownish: FC<{ text: string }> = ({ text }) => (
  <span>{text.split(/(`[^`]+`)/).map((part) => (part.startsWith('`') && part.endsWith('`') && part.length > 1 ? <code>{part.slice(1, -1)}</code> : part))}</span>
);

const anchor = (method: string, path: string) => `op-${method}-${path.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '')}`;

const OperationView: FC<{ method: string; path: string; op: OpenApiOperation; doc: OpenApiDocument }> = ({ method, path, op, doc }) => {
  const schemas = doc.components.schemas;
  const body = op.requestBody?.content['application/json']?.schema;
  return (
    <section class="op" id={anchor(method, path)}>
      <h3>
        <span class={`method m-${method}`}>{method.toUpperCase()}</span> <code class="path">{path}</code>
      </h3>
      <p class="summary">{op.summary}</p>
      {op.description && (
        <p>
          <Markdownish text={op.description} />
        </p>
      )}
      <p class="auth">{op['x-auth'] ? AUTH_LABELS[op['x-auth']] : 'Public'}</p>
      {op.parameters && op.parameters.length > 0 && (
        <>
          <h4>Parameters</h4>
          <ParametersTable parameters={op.parameters} schemas={schemas} />
        </>
      )}
      {body && (
        <>
          <h4>Request body{op.requestBody?.required ? '' : ' (optional)'}</h4>
          <SchemaView schema={body} schemas={schemas} />
        </>
      )}
      <h4>Responses</h4>
      <Responses responses={op.responses} doc={doc} />
    </section>
  );
};

const ErrorCodes: FC<{ doc: OpenApiDocument }> = ({ doc }) => {
  // Every code a route can answer, with its status, collected from the operations themselves.
  const seen = new Map<string, string>();
  for (const item of Object.values(doc.paths)) {
    for (const op of Object.values(item)) {
      for (const [status, entry] of Object.entries(op.responses)) {
        const examples = resolveResponse(entry, doc).content?.['application/json']?.examples ?? {};
        for (const code of Object.keys(examples)) seen.set(code, status);
      }
    }
  }
  return (
    <table>
      <thead>
        <tr>
          <th>Code</th>
          <th>Status</th>
        </tr>
      </thead>
      <tbody>
        {[...seen].sort(([, a], [, b]) => Number(a) - Number(b)).map(([code, status]) => (
          <tr>
            <td>
              <code>{code}</code>
            </td>
            <td>{status}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
};

const WebhookView: FC<{ trigger: string; op: OpenApiOperation; schemas: Schemas }> = ({ trigger, op, schemas }) => {
  const body = op.requestBody?.content['application/json']?.schema;
  return (
    <section class="op" id={`webhook-${trigger}`}>
      <h3>
        <span class="method m-post">POST</span> <code class="path">{trigger}</code>
      </h3>
      <p class="summary">{op.summary}</p>
      {body && (
        <details>
          <summary>Body</summary>
          <SchemaView schema={body} schemas={schemas} />
        </details>
      )}
    </section>
  );
};

export const DocsPage: FC<{ doc: OpenApiDocument }> = ({ doc }) => {
  const schemas = doc.components.schemas;
  const info = doc.info as { title: string; version: string; description: string };
  const byTag = doc.tags.map((tag) => ({
    ...tag,
    ops: Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([, op]) => op.tags?.includes(tag.name))
        .map(([method, op]) => ({ method, path, op })),
    ),
  }));
  return (
    <>
      {raw('<!doctype html>')}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>{`${info.title} reference`}</title>
          <style>{raw(DOCS_CSS)}</style>
        </head>
        <body>
          <nav class="toc" aria-label="Contents">
            <p class="brand">{info.title}</p>
            <a href="#overview">Overview</a>
            {byTag.map((t) => (
              <>
                <a href={`#tag-${t.name.replace(/\W+/g, '-')}`} class="toc-tag">
                  {t.name}
                </a>
                {t.ops.map(({ method, path }) => (
                  <a href={`#${anchor(method, path)}`} class="toc-op">
                    <span class={`method m-${method}`}>{method.toUpperCase()}</span> {path.replace(/^\/v2/, '')}
                  </a>
                ))}
              </>
            ))}
            <a href="#webhook-events" class="toc-tag">
              Webhook events
            </a>
            <a href="#verifying-webhook-signatures" class="toc-tag">
              Verifying webhook signatures
            </a>
            <a href="#schemas" class="toc-tag">
              Schemas
            </a>
          </nav>
          <main>
            <section id="overview">
              <h1>
                {info.title} <span class="version">{info.version}</span>
              </h1>
              <p>
                <Markdownish text={info.description} />
              </p>
              <p>
                Machine-readable: <a href="/v2/openapi.json">/v2/openapi.json</a> (OpenAPI {doc.openapi}).
              </p>
              <h2>Authentication</h2>
              <p>
                Sign in with <code>POST /v2/auth/login</code>. Send the token as <code>Authorization: Bearer &lt;token&gt;</code>{' '}
                or as the <code>session</code> cookie. Each operation below says whether it needs a session.
              </p>
              <h2>Errors</h2>
              <p>Every error answers the same JSON shape; the code tells what happened.</p>
              <SchemaView schema={{ $ref: `${REF_PREFIX}Error` }} schemas={schemas} />
              <ErrorCodes doc={doc} />
            </section>
            {byTag.map((t) => (
              <section class="tag" id={`tag-${t.name.replace(/\W+/g, '-')}`}>
                <h2>{t.name}</h2>
                <p>
                  <Markdownish text={t.description} />
                </p>
                {t.ops.map(({ method, path, op }) => (
                  <OperationView method={method} path={path} op={op} doc={doc} />
                ))}
              </section>
            ))}
            <section class="tag" id="webhook-events">
              <h2>Webhook events</h2>
              <p>
                Subscribe with <code>POST /v2/webhooks</code>. Each event is POSTed as JSON in Cal.com’s envelope{' '}
                <code>{'{"triggerEvent", "createdAt", "payload"}'}</code>, signed, and retried with exponential backoff until
                your endpoint answers 2xx.
              </p>
              <h3>Headers of every delivery</h3>
              <ParametersTable parameters={Object.values(doc.webhooks)[0]?.post.parameters ?? []} schemas={schemas} />
              {Object.entries(doc.webhooks).map(([trigger, item]) => (
                <WebhookView trigger={trigger} op={item.post} schemas={schemas} />
              ))}
            </section>
            <section class="tag" id="verifying-webhook-signatures">
              <h2>Verifying webhook signatures</h2>
              <p>
                <code>X-Cal-Signature-256</code> is the lowercase hex HMAC-SHA256 of the exact request body bytes, keyed
                with the webhook’s secret. Verify it over the raw body before parsing, compare in constant time, and
                deduplicate on <code>webhook-id</code>; <code>webhook-timestamp</code> (unix seconds) lets you refuse old
                replays.
              </p>
              <h3>TypeScript (WebCrypto)</h3>
              <pre>
                <code class="snippet-ts">{TYPESCRIPT_VERIFY_SNIPPET}</code>
              </pre>
              <h3>Python</h3>
              <pre>
                <code class="snippet-py">{PYTHON_VERIFY_SNIPPET}</code>
              </pre>
              <h3>Standard Webhooks</h3>
              <p>
                Every delivery is also signed the <a href="https://www.standardwebhooks.com/">Standard Webhooks</a> way:{' '}
                <code>webhook-signature: v1,&lt;base64&gt;</code> is the HMAC-SHA256 of{' '}
                <code>{'{webhook-id}.{webhook-timestamp}.{body}'}</code>. Any Standard Webhooks library verifies it with the{' '}
                <code>signing_secret_standard</code> the API answers when a webhook is created or its secret is set: the
                secret itself when it is a <code>whsec_</code> base64 key of at least 24 bytes (as generated ones are),
                otherwise the same secret re-encoded that way.
              </p>
              <pre>
                <code class="snippet-ts">{STANDARD_WEBHOOKS_VERIFY_SNIPPET}</code>
              </pre>
              <pre>
                <code class="snippet-py">{PYTHON_STANDARD_VERIFY_SNIPPET}</code>
              </pre>
            </section>
            <section class="tag" id="schemas">
              <h2>Schemas</h2>
              {Object.keys(schemas).map((name) => (
                <details id={`schema-${name}`}>
                  <summary>
                    <code>{name}</code>
                  </summary>
                  <SchemaView schema={schemas[name]!} schemas={schemas} />
                </details>
              ))}
            </section>
          </main>
        </body>
      </html>
    </>
  );
};

const DOCS_CSS = `
:root { --bg: #fff; --ink: #1c2330; --muted: #5f6b7a; --line: #e2e6eb; --soft: #f4f6f8; --accent: #2357d9; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: var(--bg); line-height: 1.5; display: flex;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; font-size: 15px; }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .86em; }
.toc { position: sticky; top: 0; height: 100vh; overflow-y: auto; width: 300px; flex: none; padding: 1rem;
  border-right: 1px solid var(--line); background: var(--soft); font-size: .85rem; }
.toc a { display: block; padding: .12rem 0; color: var(--ink); }
.toc .brand { font-weight: 700; font-size: 1.05rem; margin: 0 0 .6rem; }
.toc .toc-tag { font-weight: 600; margin-top: .7rem; }
.toc .toc-op { padding-left: .4rem; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
main { padding: 1.5rem 2rem 4rem; max-width: 1000px; min-width: 0; }
h1 { margin: 0 0 .5rem; font-size: 1.6rem; }
h1 .version { color: var(--muted); font-size: .9rem; font-weight: 500; }
h2 { font-size: 1.3rem; margin: 2.2rem 0 .5rem; padding-bottom: .3rem; border-bottom: 1px solid var(--line); }
h3 { font-size: 1.05rem; margin: 0 0 .3rem; }
h4 { font-size: .9rem; margin: 1rem 0 .3rem; color: var(--muted); text-transform: uppercase; letter-spacing: .03em; }
.op { border: 1px solid var(--line); border-radius: 8px; padding: 1rem 1.1rem; margin: 1rem 0; }
.op .summary { font-weight: 600; margin: .2rem 0; }
.op .auth { display: inline-block; font-size: .8rem; background: var(--soft); border-radius: 4px; padding: .1rem .5rem; }
.method { display: inline-block; min-width: 3.6em; text-align: center; border-radius: 4px; padding: .05rem .35rem;
  font-size: .72rem; font-weight: 700; color: #fff; font-family: ui-monospace, Menlo, Consolas, monospace; }
.m-get { background: #1f7a4d; } .m-post { background: #2357d9; } .m-patch { background: #9a6200; } .m-delete { background: #c62f2f; }
.path { font-size: .95rem; }
table { border-collapse: collapse; width: 100%; margin: .3rem 0 .6rem; font-size: .86rem; }
th, td { text-align: left; border-bottom: 1px solid var(--line); padding: .3rem .5rem; vertical-align: top; }
th { background: var(--soft); font-weight: 600; }
td:nth-child(2) { word-break: break-word; }
.params td:nth-child(2) { white-space: nowrap; word-break: normal; }
dl.responses { display: grid; grid-template-columns: 3.5rem 1fr; gap: .35rem .6rem; margin: .3rem 0; }
dl.responses dd { margin: 0; }
.status { font-weight: 700; font-family: ui-monospace, Menlo, Consolas, monospace; }
.s2 { color: #1f7a4d; } .s4 { color: #9a6200; } .s5 { color: #c62f2f; }
.note, .schema-name { margin: .2rem 0; font-size: .86rem; color: var(--muted); }
details { margin: .3rem 0; }
summary { cursor: pointer; color: var(--accent); }
pre { background: #0f1720; color: #e6edf3; padding: 1rem; border-radius: 8px; overflow-x: auto; line-height: 1.45; }
pre code { font-size: .82rem; }
@media (max-width: 800px) { body { display: block; } .toc { position: static; width: auto; height: auto; } main { padding: 1rem; } }
`;

let cachedHtml: Promise<string> | undefined;

/** Rendered once per isolate, like the document it shows. */
export function docsHtml(doc: OpenApiDocument): Promise<string> {
  cachedHtml ??= Promise.resolve((<DocsPage doc={doc} />).toString());
  return cachedHtml;
}

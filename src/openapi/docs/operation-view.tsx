// One operation (or webhook delivery) of the /docs page: method and path, who may call, parameters, body and responses.
import type { FC } from 'hono/jsx';
import type { OpenApiDocument, OpenApiOperation, OpenApiResponse } from '../types';
import type { Auth } from '../types';
import { Markdownish } from './markdownish';
import { FieldTable, parameterRows, refName, SchemaView, type Schemas } from './schema-table';

const AUTH_LABELS: Record<Auth, string> = {
  public: 'Public: no session needed',
  optional: 'Session optional: shows more when signed in',
  session: 'Session required: Bearer token or session cookie',
  super_admin: 'Super admin session required',
};

export type ResponseOrRef = OpenApiResponse | { $ref: string };

/** Error responses are shared components unless an operation says more. */
export function resolveResponse(r: ResponseOrRef, doc: OpenApiDocument): OpenApiResponse {
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

export const anchor = (method: string, path: string) => `op-${method}-${path.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '')}`;

export const OperationView: FC<{ method: string; path: string; op: OpenApiOperation; doc: OpenApiDocument }> = ({ method, path, op, doc }) => {
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
          <FieldTable rows={parameterRows(op.parameters, schemas)} parameters />
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

export const WebhookView: FC<{ trigger: string; op: OpenApiOperation; schemas: Schemas }> = ({ trigger, op, schemas }) => {
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

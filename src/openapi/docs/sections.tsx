// The sections of the /docs page, top to bottom: contents, overview (auth and errors), one section per tag, webhook
// events, how to verify their signatures, and every named schema.
import type { FC } from 'hono/jsx';
import type { OpenApiDocument, OpenApiOperation } from '../types';
import { PYTHON_STANDARD_VERIFY_SNIPPET, PYTHON_VERIFY_SNIPPET, STANDARD_WEBHOOKS_VERIFY_SNIPPET, TYPESCRIPT_VERIFY_SNIPPET } from '../snippets';
import { Markdownish } from './markdownish';
import { anchor, OperationView, resolveResponse, WebhookView } from './operation-view';
import { FieldTable, parameterRows, REF_PREFIX, SchemaView } from './schema-table';

export interface DocsInfo {
  title: string;
  version: string;
  description: string;
}

/** A tag with its operations, in document order. */
export interface TagGroup {
  name: string;
  description: string;
  ops: { method: string; path: string; op: OpenApiOperation }[];
}

export function tagGroups(doc: OpenApiDocument): TagGroup[] {
  return doc.tags.map((tag) => ({
    ...tag,
    ops: Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([, op]) => op.tags?.includes(tag.name))
        .map(([method, op]) => ({ method, path, op })),
    ),
  }));
}

const tagId = (name: string) => `tag-${name.replace(/\W+/g, '-')}`;

export const Contents: FC<{ title: string; groups: TagGroup[] }> = ({ title, groups }) => (
  <nav class="toc" aria-label="Contents">
    <p class="brand">{title}</p>
    <a href="#overview">Overview</a>
    {groups.map((t) => (
      <>
        <a href={`#${tagId(t.name)}`} class="toc-tag">
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
);

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

export const Overview: FC<{ info: DocsInfo; doc: OpenApiDocument }> = ({ info, doc }) => (
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
    <SchemaView schema={{ $ref: `${REF_PREFIX}Error` }} schemas={doc.components.schemas} />
    <ErrorCodes doc={doc} />
  </section>
);

export const TagSection: FC<{ group: TagGroup; doc: OpenApiDocument }> = ({ group, doc }) => (
  <section class="tag" id={tagId(group.name)}>
    <h2>{group.name}</h2>
    <p>
      <Markdownish text={group.description} />
    </p>
    {group.ops.map(({ method, path, op }) => (
      <OperationView method={method} path={path} op={op} doc={doc} />
    ))}
  </section>
);

export const WebhookEvents: FC<{ doc: OpenApiDocument }> = ({ doc }) => {
  const schemas = doc.components.schemas;
  return (
    <section class="tag" id="webhook-events">
      <h2>Webhook events</h2>
      <p>
        Subscribe with <code>POST /v2/webhooks</code>. Each event is POSTed as JSON in Cal.com’s envelope{' '}
        <code>{'{"triggerEvent", "createdAt", "payload"}'}</code>, signed, and retried with exponential backoff until
        your endpoint answers 2xx.
      </p>
      <h3>Headers of every delivery</h3>
      <FieldTable rows={parameterRows(Object.values(doc.webhooks)[0]?.post.parameters ?? [], schemas)} parameters />
      {Object.entries(doc.webhooks).map(([trigger, item]) => (
        <WebhookView trigger={trigger} op={item.post} schemas={schemas} />
      ))}
    </section>
  );
};

/**
 * A code sample that may scroll sideways: focusable, so a keyboard can scroll it, and a named region, so a screen
 * reader says what it is when it gets focus.
 */
const CodeBlock: FC<{ class: string; label: string; code: string }> = (props) => (
  <pre tabindex={0} role="region" aria-label={props.label}>
    <code class={props.class}>{props.code}</code>
  </pre>
);

export const VerifyingSignatures: FC = () => (
  <section class="tag" id="verifying-webhook-signatures">
    <h2>Verifying webhook signatures</h2>
    <p>
      <code>X-Cal-Signature-256</code> is the lowercase hex HMAC-SHA256 of the exact request body bytes, keyed
      with the webhook’s secret. Verify it over the raw body before parsing, compare in constant time, and
      deduplicate on <code>webhook-id</code>; <code>webhook-timestamp</code> (unix seconds) lets you refuse old
      replays.
    </p>
    <h3>TypeScript (WebCrypto)</h3>
    <CodeBlock class="snippet-ts" label="Verifying the signature in TypeScript" code={TYPESCRIPT_VERIFY_SNIPPET} />
    <h3>Python</h3>
    <CodeBlock class="snippet-py" label="Verifying the signature in Python" code={PYTHON_VERIFY_SNIPPET} />
    <h3>Standard Webhooks</h3>
    <p>
      Every delivery is also signed the <a href="https://www.standardwebhooks.com/">Standard Webhooks</a> way:{' '}
      <code>webhook-signature: v1,&lt;base64&gt;</code> is the HMAC-SHA256 of{' '}
      <code>{'{webhook-id}.{webhook-timestamp}.{body}'}</code>. Any Standard Webhooks library verifies it with the{' '}
      <code>signing_secret_standard</code> the API answers when a webhook is created or its secret is set: the
      secret itself when it is a <code>whsec_</code> base64 key of at least 24 bytes (as generated ones are),
      otherwise the same secret re-encoded that way.
    </p>
    <CodeBlock class="snippet-ts" label="Verifying with a Standard Webhooks library in TypeScript" code={STANDARD_WEBHOOKS_VERIFY_SNIPPET} />
    <CodeBlock class="snippet-py" label="Verifying with a Standard Webhooks library in Python" code={PYTHON_STANDARD_VERIFY_SNIPPET} />
  </section>
);

export const SchemasSection: FC<{ doc: OpenApiDocument }> = ({ doc }) => {
  const schemas = doc.components.schemas;
  return (
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
  );
};

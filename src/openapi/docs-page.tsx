// The API reference at /docs, rendered on the server from the OpenAPI document itself (not from the zod schemas), so
// the page shows exactly what /v2/openapi.json says. No scripts, no external requests: CSS is embedded. The sections
// are in src/openapi/docs/.
import type { FC } from 'hono/jsx';
import { raw } from 'hono/html';
import type { OpenApiDocument } from './types';
import { Contents, Overview, SchemasSection, TagSection, tagGroups, VerifyingSignatures, WebhookEvents, type DocsInfo } from './docs/sections';
import { DOCS_CSS } from './docs/styles';

export const DocsPage: FC<{ doc: OpenApiDocument }> = ({ doc }) => {
  const info = doc.info as DocsInfo;
  const groups = tagGroups(doc);
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
          <Contents title={info.title} groups={groups} />
          <main>
            <Overview info={info} doc={doc} />
            {groups.map((group) => (
              <TagSection group={group} doc={doc} />
            ))}
            <WebhookEvents doc={doc} />
            <VerifyingSignatures />
            <SchemasSection doc={doc} />
          </main>
        </body>
      </html>
    </>
  );
};

let cachedHtml: Promise<string> | undefined;

/** Rendered once per isolate, like the document it shows. */
export function docsHtml(doc: OpenApiDocument): Promise<string> {
  cachedHtml ??= Promise.resolve((<DocsPage doc={doc} />).toString());
  return cachedHtml;
}

import { Hono } from 'hono';
import type { AppEnv } from '../env';
import { openApiDocument } from './document';
import { docsHtml } from './docs-page';

/** GET /v2/openapi.json: public, served from the per-isolate cache. */
export const openApiRoutes = new Hono<AppEnv>().get('/', (c) =>
  c.body(openApiDocument().json, 200, { 'content-type': 'application/json; charset=utf-8' }),
);

// The page runs no script and loads nothing: this policy keeps it that way (and blocks injected markup from doing so).
const DOCS_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** GET /docs: the API reference, rendered from the same document. */
export const docsRoutes = new Hono<AppEnv>().get('/', async (c) =>
  c.html(await docsHtml(openApiDocument().document), 200, {
    'content-security-policy': DOCS_CSP,
    'x-content-type-options': 'nosniff',
  }),
);

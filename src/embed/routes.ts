// GET /embed.js: the embed script (src/embed/script.ts), for any site to load. Not content-addressed (the snippet's
// URL never changes), so it is cached for an hour only.
import { Hono } from 'hono';
import type { AppEnv } from '../env';
import { EMBED_JS } from './script';

export const embedRoutes = new Hono<AppEnv>().get('/embed.js', (c) =>
  c.body(EMBED_JS, 200, {
    'Content-Type': 'text/javascript; charset=utf-8',
    'Cache-Control': 'public, max-age=3600',
    // Loaded by other sites' pages, including ones that require every subresource to opt in (COEP).
    'Cross-Origin-Resource-Policy': 'cross-origin',
  }),
);

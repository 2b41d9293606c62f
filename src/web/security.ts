// The response headers every server-rendered page shares: a strict CSP whose only allowed style (and, where a page
// needs one, script) is the nonce'd inline block, no framing, no referrer beyond the origin, and no caching.
import { createMiddleware } from 'hono/factory';
import { NONCE, secureHeaders } from 'hono/secure-headers';

/** Strict CSP: nothing loads but the page's own nonce'd <style> (and <script> with `scripts`); forms post to us only. */
export function pageSecurityHeaders(opts: { scripts?: boolean } = {}) {
  return secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'none'"],
      styleSrc: [NONCE],
      ...(opts.scripts ? { scriptSrc: [NONCE] } : {}),
      imgSrc: ['data:'],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
      baseUri: ["'none'"],
    },
    xFrameOptions: 'DENY',
    referrerPolicy: 'same-origin',
  });
}

/** For pages that show personal data or carry per-visitor tokens: never kept in any cache. */
export const noStore = createMiddleware(async (c, next) => {
  await next();
  c.res.headers.set('Cache-Control', 'no-store');
});

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
      // data: for the favicon, 'self' for a host's logo (/logos/..., src/branding/logo-routes.ts).
      imgSrc: ['data:', "'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
      baseUri: ["'none'"],
    },
    xFrameOptions: 'DENY',
    referrerPolicy: 'same-origin',
  });
}

/**
 * Lets the listed origins frame this response (an embedded booking page): its CSP `frame-ancestors` becomes `sources`
 * and X-Frame-Options goes, which would otherwise still refuse every frame in older browsers.
 */
export function allowFramingBy(headers: Headers, sources: string): void {
  const csp = headers.get('Content-Security-Policy');
  if (!csp) return;
  headers.set('Content-Security-Policy', csp.replace(/frame-ancestors [^;]*/, `frame-ancestors ${sources}`));
  headers.delete('X-Frame-Options');
}

/**
 * Lets this page's forms end on the listed origins as well as ours: the booking form of a paid event type answers
 * with a redirect to Stripe Checkout, and browsers hold a form's redirects to `form-action` too.
 */
export function allowFormsTo(headers: Headers, origins: string[]): void {
  const csp = headers.get('Content-Security-Policy');
  if (!csp || !origins.length) return;
  headers.set('Content-Security-Policy', csp.replace(/form-action [^;]*/, (directive) => `${directive} ${origins.join(' ')}`));
}

/** For pages that show personal data or carry per-visitor tokens: never kept in any cache. */
export const noStore = createMiddleware(async (c, next) => {
  await next();
  c.res.headers.set('Cache-Control', 'no-store');
});

// Logos (issue #31): uploaded through the API as the request body itself (any Content-Type: the type is read from the
// bytes), served same-origin under their content hash.
//   PUT/DELETE /v2/me/logo            the signed-in user's
//   PUT/DELETE /v2/users/{id}/logo    a user's, by a super admin
//   PUT/DELETE /v2/teams/{id}/logo    a team's, by its owners and admins
//   GET /logos/{sha-256}.{png|jpg|webp|svg}
// The uploads are mounted by src/app.ts before the JSON API so that its JSON-only body rule and 64 KiB cap do not
// apply to them; each route therefore names the API middleware it needs itself.
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { currentUser, loadUser, requireSuperAdmin, requireUser, sameOriginCookieWrites } from '../auth/middleware';
import type { AppEnv } from '../env';
import { ApiError, errorResponse, foundOr404 } from '../lib/errors';
import { idParam, validate } from '../lib/validation';
import { logoPath, MAX_LOGO_BYTES } from '../branding/logo';
import { readLogo, readUpload, setTeamLogo, setUserLogo, storeLogo } from './service';

const signedIn = [
  bodyLimit({ maxSize: MAX_LOGO_BYTES, onError: (c) => errorResponse(c, 'payload_too_large', `A logo may be at most ${MAX_LOGO_BYTES / 1024} KiB`) }),
  loadUser,
  sameOriginCookieWrites,
  requireUser,
] as const;

const answer = (key: string | null) => ({ logo_url: key ? logoPath(key) : null });

export const logoUploadRoutes = new Hono<AppEnv>()
  .put('/me/logo', ...signedIn, async (c) => {
    const key = await storeLogo(c.env, await readUpload(c.req.raw.body));
    await setUserLogo(c.var.db, currentUser(c).id, key);
    return c.json(answer(key));
  })
  .delete('/me/logo', ...signedIn, async (c) => {
    await setUserLogo(c.var.db, currentUser(c).id, null);
    return c.json(answer(null));
  })
  .put('/users/:id/logo', ...signedIn, requireSuperAdmin, validate('param', idParam), async (c) => {
    const key = await storeLogo(c.env, await readUpload(c.req.raw.body));
    await foundOr404('User', setUserLogo(c.var.db, c.req.valid('param').id, key));
    return c.json(answer(key));
  })
  .delete('/users/:id/logo', ...signedIn, requireSuperAdmin, validate('param', idParam), async (c) => {
    await foundOr404('User', setUserLogo(c.var.db, c.req.valid('param').id, null));
    return c.json(answer(null));
  })
  .put('/teams/:id/logo', ...signedIn, validate('param', idParam), async (c) => {
    return c.json(answer(await setTeamLogo(c.var.db, c.env, currentUser(c), c.req.valid('param').id, await readUpload(c.req.raw.body))));
  })
  .delete('/teams/:id/logo', ...signedIn, validate('param', idParam), async (c) => {
    return c.json(answer(await setTeamLogo(c.var.db, c.env, currentUser(c), c.req.valid('param').id, null)));
  });

// A logo is only ever an image: never run, never sniffed, never rendered as a page of ours. An SVG opened directly is
// downloaded (attachment), and if a browser rendered it anyway, its CSP allows no script, no load and no same-origin
// access (sandbox). The name is the content hash, so the answer never changes: cached for a year.
const LOGO_HEADERS = {
  'Cache-Control': 'public, max-age=31536000, immutable',
  'X-Content-Type-Options': 'nosniff',
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; sandbox",
  'Cross-Origin-Resource-Policy': 'cross-origin',
};

export const logoRoutes = new Hono<AppEnv>().get('/:key', async (c) => {
  const logo = await readLogo(c.env, c.req.param('key'));
  if (!logo) throw new ApiError('not_found', 'No such logo');
  return c.body(logo.body, 200, {
    ...LOGO_HEADERS,
    'Content-Type': logo.contentType,
    'Content-Disposition': `attachment; filename="logo.${logo.ext}"`,
    ETag: `"${c.req.param('key').slice(0, 64)}"`,
  });
});

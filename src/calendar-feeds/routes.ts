import { Hono } from 'hono';
import { currentUser, requireUser } from '../auth/middleware';
import { siteOf } from '../invites/site';
import type { CalendarFeed } from '../db/schema';
import type { AppEnv } from '../env';
import { foundOr404, notFound } from '../lib/errors';
import { pageById } from '../lib/pagination';
import { idParam, validate } from '../lib/validation';
import { deleteFeed, listFeeds } from './repo';
import { createFeedBody, feedFileParam, listFeedsQuery } from './schemas';
import { createFeed, feedUrl, renderFeed } from './service';

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

export function feedJson(f: CalendarFeed) {
  return { id: f.id, user_id: f.userId, name: f.name, last_used_at: iso(f.lastUsedAt), created_at: iso(f.createdAt)! };
}

/** `/v2/calendar-feeds`: the signed-in user's feeds. */
export const calendarFeedRoutes = new Hono<AppEnv>()
  .use(requireUser)
  .get('/', validate('query', listFeedsQuery), async (c) => {
    const { limit, cursor } = c.req.valid('query');
    const result = await pageById({ limit, cursor }, (afterId = 0, take) => listFeeds(c.var.db, currentUser(c), { afterId, limit: take }));
    return c.json({ data: result.data.map(feedJson), next_cursor: result.next_cursor });
  })
  .post('/', validate('json', createFeedBody), async (c) => {
    const { feed, token } = await createFeed(c.var.db, currentUser(c).id, c.req.valid('json').name ?? null);
    // The token is shown once: only its hash is kept.
    return c.json({ ...feedJson(feed), token, url: feedUrl(siteOf(c.env), token) }, 201);
  })
  .delete('/:id', validate('param', idParam), async (c) => {
    if (!(await deleteFeed(c.var.db, currentUser(c), c.req.valid('param').id))) throw notFound('Calendar feed');
    return c.body(null, 204);
  });

/** `/feeds/{token}.ics`: public, the token is the key. */
export const feedRoutes = new Hono<AppEnv>().get('/:file', validate('param', feedFileParam), async (c) => {
  const token = c.req.valid('param').file.slice(0, -'.ics'.length);
  const doc = await foundOr404('Calendar feed', renderFeed(c.var.db, siteOf(c.env), token, Date.now()));
  const headers = { etag: doc.etag, 'cache-control': 'private, max-age=300' };
  const match = c.req.header('if-none-match');
  if (match && match.split(',').some((t) => t.trim().replace(/^W\//, '') === doc.etag)) return c.body(null, 304, headers);
  return c.body(doc.body, 200, { ...headers, 'content-type': 'text/calendar; charset=utf-8' });
});

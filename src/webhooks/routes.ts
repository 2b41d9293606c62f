import { Hono } from 'hono';
import { currentUser, requireUser } from '../auth/middleware';
import type { AppEnv, Bindings } from '../env';
import { ApiError, foundOr404, notFound } from '../lib/errors';
import { pageById } from '../lib/pagination';
import { idParam, validate } from '../lib/validation';
import { findUserById } from '../users/repo';
import { pingWebhook } from './consumer';
import {
  deleteWebhook,
  deliveryJson,
  findOwnedWebhook,
  listDeliveries,
  listWebhooks,
  updateWebhook,
  webhookJson,
} from './repo';
import { createWebhook } from './service';
import { createWebhookBody, listDeliveriesQuery, listWebhooksQuery, updateWebhookBody } from './schemas';
import { generateSecret, standardSecret } from './signing';
import { checkSubscriberUrl, privateUrlsAllowed } from './url-guard';

/** The scheme and host rules of url-guard.ts, reported like any other validation issue. */
function assertAllowedUrl(env: Bindings, url: string): void {
  const verdict = checkSubscriberUrl(url, { allowPrivate: privateUrlsAllowed(env) });
  if (!verdict.ok) {
    throw new ApiError('validation_failed', 'Request validation failed', [{ path: 'subscriber_url', message: verdict.reason }]);
  }
}

export const webhookRoutes = new Hono<AppEnv>()
  .use(requireUser)
  .get('/', validate('query', listWebhooksQuery), async (c) => {
    const { limit, cursor } = c.req.valid('query');
    const result = await pageById({ limit, cursor }, (afterId = 0, take) => listWebhooks(c.var.db, currentUser(c), { afterId, limit: take }));
    return c.json({ data: result.data.map(webhookJson), next_cursor: result.next_cursor });
  })
  .post('/', validate('json', createWebhookBody), async (c) => {
    const body = c.req.valid('json');
    assertAllowedUrl(c.env, body.subscriber_url);
    const generated = body.secret === undefined ? generateSecret() : undefined;
    const secret = body.secret ?? generated!;
    const created = await createWebhook(c.var.db, c.env, currentUser(c), {
      subscriberUrl: body.subscriber_url,
      eventTriggers: body.event_triggers,
      active: body.active,
      secret,
    });
    // The secret is write-only; a generated one has to be shown once or nobody could verify signatures.
    const shown = { ...(generated ? { secret: generated } : {}), signing_secret_standard: standardSecret(secret) };
    return c.json({ ...webhookJson(created), ...shown }, 201);
  })
  .get('/:id', validate('param', idParam), async (c) => {
    const found = await foundOr404('Webhook', findOwnedWebhook(c.var.db, currentUser(c), c.req.valid('param').id));
    return c.json(webhookJson(found));
  })
  .patch('/:id', validate('param', idParam), validate('json', updateWebhookBody), async (c) => {
    const body = c.req.valid('json');
    const db = c.var.db;
    const found = await foundOr404('Webhook', findOwnedWebhook(db, currentUser(c), c.req.valid('param').id));
    if (body.subscriber_url !== undefined) assertAllowedUrl(c.env, body.subscriber_url);
    const updated = await updateWebhook(db, found.id, {
      subscriberUrl: body.subscriber_url,
      eventTriggers: body.event_triggers,
      active: body.active,
      secret: body.secret,
    });
    if (!updated) throw notFound('Webhook');
    return c.json(body.secret === undefined ? webhookJson(updated) : { ...webhookJson(updated), signing_secret_standard: standardSecret(body.secret) });
  })
  .delete('/:id', validate('param', idParam), async (c) => {
    const db = c.var.db;
    const found = await foundOr404('Webhook', findOwnedWebhook(db, currentUser(c), c.req.valid('param').id));
    await deleteWebhook(db, found.id);
    return c.body(null, 204);
  })
  .get('/:id/deliveries', validate('param', idParam), validate('query', listDeliveriesQuery), async (c) => {
    const { limit, cursor, status } = c.req.valid('query');
    const db = c.var.db;
    const found = await foundOr404('Webhook', findOwnedWebhook(db, currentUser(c), c.req.valid('param').id));
    const result = await pageById({ limit, cursor }, (beforeId, take) => listDeliveries(db, found.id, { beforeId: beforeId ?? null, status, limit: take }));
    return c.json({ data: result.data.map(deliveryJson), next_cursor: result.next_cursor });
  })
  .post('/:id/ping', validate('param', idParam), async (c) => {
    const db = c.var.db;
    const found = await foundOr404('Webhook', findOwnedWebhook(db, currentUser(c), c.req.valid('param').id));
    const owner = await foundOr404('Webhook', findUserById(db, found.ownerId));
    // 200, not 201: the answer is the outcome of the test send (status, status code, error), logged as a delivery.
    return c.json(deliveryJson(await pingWebhook(db, c.env, found, owner)));
  });

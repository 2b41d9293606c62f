import { Hono } from 'hono';
import { currentUser, requireUser } from '../auth/middleware';
import type { AppEnv } from '../env';
import { foundOr404 } from '../lib/errors';
import { pageById } from '../lib/pagination';
import { idParam, validate } from '../lib/validation';
import { deleteEventType, eventTypeJson, eventTypeJsonFor, findOwnedEventType, listEventTypes } from './repo';
import { createEventTypeBody, listEventTypesQuery, updateEventTypeBody } from './schemas';
import { changeEventType, createEventType } from './service';

export const eventTypeRoutes = new Hono<AppEnv>()
  .get('/', validate('query', listEventTypesQuery), async (c) => {
    const { limit, cursor, owner_id } = c.req.valid('query');
    const result = await pageById({ limit, cursor }, (afterId = 0, take) => listEventTypes(c.var.db, c.get('user'), { ownerId: owner_id, afterId, limit: take }));
    const viewer = c.get('user');
    return c.json({ data: result.data.map((et) => eventTypeJsonFor(viewer, et)), next_cursor: result.next_cursor });
  })
  .post('/', requireUser, validate('json', createEventTypeBody), async (c) => {
    const created = await createEventType(c.var.db, currentUser(c), c.req.valid('json'));
    return c.json(eventTypeJson(created), 201);
  })
  .get('/:id', requireUser, validate('param', idParam), async (c) => {
    const found = await foundOr404('Event type', findOwnedEventType(c.var.db, currentUser(c), c.req.valid('param').id));
    return c.json(eventTypeJson(found));
  })
  .patch('/:id', requireUser, validate('param', idParam), validate('json', updateEventTypeBody), async (c) => {
    const db = c.var.db;
    const found = await foundOr404('Event type', findOwnedEventType(db, currentUser(c), c.req.valid('param').id));
    return c.json(eventTypeJson(await changeEventType(db, found, c.req.valid('json'))));
  })
  .delete('/:id', requireUser, validate('param', idParam), async (c) => {
    const db = c.var.db;
    const found = await foundOr404('Event type', findOwnedEventType(db, currentUser(c), c.req.valid('param').id));
    await deleteEventType(db, found.id);
    return c.body(null, 204);
  });

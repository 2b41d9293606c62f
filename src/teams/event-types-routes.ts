import { Hono } from 'hono';
import { currentUser, requireUser } from '../auth/middleware';
import type { AppEnv } from '../env';
import { decodeCursor, isPositiveInt, page } from '../lib/pagination';
import { idParam, validate } from '../lib/validation';
import { teamFor } from './service';
import { createTeamEventTypeBody, listTeamEventTypesQuery, teamEventTypeParam, updateTeamEventTypeBody } from './event-type-schemas';
import { listTeamEventTypes } from './event-types-repo';
import { changeTeamEventType, createTeamEventType, getTeamEventType, removeTeamEventType, teamEventTypesJson } from './event-types-service';

export const teamEventTypeRoutes = new Hono<AppEnv>()
  .use(requireUser)
  .get('/:id/event-types', validate('param', idParam), validate('query', listTeamEventTypesQuery), async (c) => {
    const db = c.var.db;
    const { id } = c.req.valid('param');
    await teamFor(db, currentUser(c), id);
    const { limit, cursor } = c.req.valid('query');
    const afterId = cursor ? decodeCursor(cursor, isPositiveInt) : 0;
    const result = page(await listTeamEventTypes(db, id, afterId, limit + 1), limit, (et) => et.id);
    return c.json({ data: await teamEventTypesJson(db, id, result.data), next_cursor: result.next_cursor });
  })
  .post('/:id/event-types', validate('param', idParam), validate('json', createTeamEventTypeBody), async (c) => {
    return c.json(await createTeamEventType(c.var.db, currentUser(c), c.req.valid('param').id, c.req.valid('json')), 201);
  })
  .get('/:id/event-types/:event_type_id', validate('param', teamEventTypeParam), async (c) => {
    const { id, event_type_id } = c.req.valid('param');
    return c.json(await getTeamEventType(c.var.db, currentUser(c), id, event_type_id));
  })
  .patch('/:id/event-types/:event_type_id', validate('param', teamEventTypeParam), validate('json', updateTeamEventTypeBody), async (c) => {
    const { id, event_type_id } = c.req.valid('param');
    return c.json(await changeTeamEventType(c.var.db, currentUser(c), id, event_type_id, c.req.valid('json')));
  })
  .delete('/:id/event-types/:event_type_id', validate('param', teamEventTypeParam), async (c) => {
    const { id, event_type_id } = c.req.valid('param');
    await removeTeamEventType(c.var.db, currentUser(c), id, event_type_id);
    return c.body(null, 204);
  });

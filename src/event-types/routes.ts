import { Hono } from 'hono';
import { currentUser, requireUser } from '../auth/middleware';
import { getDb, type Db } from '../db/client';
import { isUniqueViolation } from '../db/errors';
import type { AppEnv } from '../env';
import { ApiError, notFound } from '../lib/errors';
import { decodeCursor, isPositiveInt, page } from '../lib/pagination';
import { idParam, validate } from '../lib/validation';
import { defaultScheduleId, scheduleBelongsTo } from '../schedules/repo';
import { findUserById } from '../users/repo';
import {
  deleteEventType,
  eventTypeJson,
  findOwnedEventType,
  insertEventType,
  listEventTypes,
  slugTaken,
  updateEventType,
} from './repo';
import { createEventTypeBody, listEventTypesQuery, updateEventTypeBody } from './schemas';

const slugConflict = () => new ApiError('conflict', 'You already have an event type with this slug');

async function assertScheduleOfOwner(db: Db, scheduleId: number, ownerId: number) {
  if (!(await scheduleBelongsTo(db, scheduleId, ownerId))) {
    throw new ApiError('validation_failed', 'Request validation failed', [
      { path: 'schedule_id', message: "Schedule not found among the owner's schedules" },
    ]);
  }
}

export const eventTypeRoutes = new Hono<AppEnv>()
  .get('/', validate('query', listEventTypesQuery), async (c) => {
    const { limit, cursor, owner_id } = c.req.valid('query');
    const afterId = cursor ? decodeCursor(cursor, isPositiveInt) : 0;
    const rows = await listEventTypes(getDb(c.env.DB), c.get('user'), { ownerId: owner_id, afterId, limit: limit + 1 });
    const result = page(rows, limit, (et) => et.id);
    return c.json({ data: result.data.map(eventTypeJson), next_cursor: result.next_cursor });
  })
  .post('/', requireUser, validate('json', createEventTypeBody), async (c) => {
    const { owner_id, schedule_id, ...body } = c.req.valid('json');
    const viewer = currentUser(c);
    const db = getDb(c.env.DB);
    const ownerId = owner_id ?? viewer.id;
    if (ownerId !== viewer.id) {
      if (viewer.role !== 'super_admin') throw new ApiError('forbidden', 'Only super admins may set owner_id');
      if (!(await findUserById(db, ownerId))) {
        throw new ApiError('validation_failed', 'Request validation failed', [{ path: 'owner_id', message: 'User not found' }]);
      }
    }
    if (schedule_id !== undefined) await assertScheduleOfOwner(db, schedule_id, ownerId);
    const scheduleId = schedule_id ?? (await defaultScheduleId(db, ownerId));
    if (scheduleId === undefined) throw new ApiError('conflict', 'The owner has no default schedule');
    if (await slugTaken(db, ownerId, body.slug)) throw slugConflict();
    const created = await insertEventType(db, ownerId, scheduleId, body).catch(rethrowSlugConflict);
    return c.json(eventTypeJson(created), 201);
  })
  .get('/:id', requireUser, validate('param', idParam), async (c) => {
    const found = await findOwnedEventType(getDb(c.env.DB), currentUser(c), c.req.valid('param').id);
    if (!found) throw notFound('Event type');
    return c.json(eventTypeJson(found));
  })
  .patch('/:id', requireUser, validate('param', idParam), validate('json', updateEventTypeBody), async (c) => {
    const body = c.req.valid('json');
    const db = getDb(c.env.DB);
    const found = await findOwnedEventType(db, currentUser(c), c.req.valid('param').id);
    if (!found) throw notFound('Event type');
    if (body.schedule_id !== undefined) await assertScheduleOfOwner(db, body.schedule_id, found.ownerId);
    if (body.slug !== undefined && (await slugTaken(db, found.ownerId, body.slug, found.id))) throw slugConflict();
    const updated = await updateEventType(db, found.id, body).catch(rethrowSlugConflict);
    if (!updated) throw notFound('Event type');
    return c.json(eventTypeJson(updated));
  })
  .delete('/:id', requireUser, validate('param', idParam), async (c) => {
    const db = getDb(c.env.DB);
    const found = await findOwnedEventType(db, currentUser(c), c.req.valid('param').id);
    if (!found) throw notFound('Event type');
    await deleteEventType(db, found.id);
    return c.body(null, 204);
  });

/** Two concurrent creates can both pass the pre-check; the unique index decides, and the loser gets a 409. */
function rethrowSlugConflict(error: unknown): never {
  if (isUniqueViolation(error)) throw slugConflict();
  throw error;
}

import { Hono } from 'hono';
import { currentUser, requireUser } from '../auth/middleware';
import { resolveOwner } from '../auth/ownership';
import type { Db } from '../db/client';
import { isForeignKeyViolation } from '../db/errors';
import type { AppEnv } from '../env';
import { ApiError, foundOr404, notFound } from '../lib/errors';
import { pageById } from '../lib/pagination';
import { idParam, validate } from '../lib/validation';
import {
  addOverride,
  countOverrides,
  createSchedule,
  deleteOverride,
  deleteSchedule,
  eventTypesUsing,
  findOwnedSchedule,
  listSchedules,
  loadSchedule,
  overrideJson,
  overridesOnDate,
  scheduleJson,
  updateSchedule,
  withDetails,
} from './repo';
import { MAX_DATE_OVERRIDES, overrideClash } from './rules';
import { createOverrideBody, createScheduleBody, listSchedulesQuery, overrideParam, updateScheduleBody } from './schemas';

const defaultConflict = () =>
  new ApiError('conflict', 'This is the default schedule: make another schedule the default instead');

/** Reads back what was just written, so the answer shows exactly what is stored. */
async function scheduleResponse(db: Db, id: number) {
  return scheduleJson(await foundOr404('Schedule', loadSchedule(db, id)));
}

/** Names the event types that still point at a schedule (the foreign key forbids deleting it under them). */
async function inUseConflict(db: Db, scheduleId: number): Promise<ApiError | undefined> {
  const shown = 5;
  const dependents = await eventTypesUsing(db, scheduleId, shown + 1);
  if (dependents.length === 0) return undefined;
  const names = dependents.slice(0, shown).map((et) => `${et.slug} (id ${et.id})`);
  if (dependents.length > shown) names.push('and more');
  return new ApiError(
    'conflict',
    `This schedule is still used by event types: ${names.join(', ')}. Move them to another schedule first`,
  );
}

export const scheduleRoutes = new Hono<AppEnv>()
  .use(requireUser)
  .get('/', validate('query', listSchedulesQuery), async (c) => {
    const { limit, cursor, user_id } = c.req.valid('query');
    const db = c.var.db;
    const result = await pageById({ limit, cursor }, (afterId = 0, take) => listSchedules(db, currentUser(c), { userId: user_id, afterId, limit: take }));
    const details = await withDetails(db, result.data);
    return c.json({ data: details.map(scheduleJson), next_cursor: result.next_cursor });
  })
  .post('/', validate('json', createScheduleBody), async (c) => {
    const { user_id, ...body } = c.req.valid('json');
    const viewer = currentUser(c);
    const db = c.var.db;
    const userId = (await resolveOwner(db, viewer, user_id, { field: 'user_id', notAllowed: 'forbidden' })).id;
    const id = await createSchedule(db, {
      userId,
      name: body.name,
      timezone: body.timezone,
      isDefault: body.is_default,
      availability: body.availability,
      overrides: body.date_overrides,
    });
    return c.json(await scheduleResponse(db, id), 201);
  })
  .get('/:id', validate('param', idParam), async (c) => {
    const db = c.var.db;
    const found = await foundOr404('Schedule', findOwnedSchedule(db, currentUser(c), c.req.valid('param').id));
    return c.json(await scheduleResponse(db, found.id));
  })
  .patch('/:id', validate('param', idParam), validate('json', updateScheduleBody), async (c) => {
    const body = c.req.valid('json');
    const db = c.var.db;
    const found = await foundOr404('Schedule', findOwnedSchedule(db, currentUser(c), c.req.valid('param').id));
    // A user always has exactly one default; it moves by making another one the default.
    if (body.is_default === false && found.isDefault) throw defaultConflict();
    await updateSchedule(db, found, body);
    return c.json(await scheduleResponse(db, found.id));
  })
  .delete('/:id', validate('param', idParam), async (c) => {
    const db = c.var.db;
    const found = await foundOr404('Schedule', findOwnedSchedule(db, currentUser(c), c.req.valid('param').id));
    if (found.isDefault) throw defaultConflict();
    const inUse = await inUseConflict(db, found.id);
    if (inUse) throw inUse;
    let deleted: boolean;
    try {
      deleted = await deleteSchedule(db, found.id);
    } catch (error) {
      // An event type was pointed at it after the check above.
      if (isForeignKeyViolation(error)) throw (await inUseConflict(db, found.id)) ?? error;
      throw error;
    }
    // Nothing deleted: it became the default (or vanished) after it was read.
    if (!deleted) throw (await findOwnedSchedule(db, currentUser(c), found.id)) ? defaultConflict() : notFound('Schedule');
    return c.body(null, 204);
  })
  .post('/:id/overrides', validate('param', idParam), validate('json', createOverrideBody), async (c) => {
    const body = c.req.valid('json');
    const db = c.var.db;
    const found = await foundOr404('Schedule', findOwnedSchedule(db, currentUser(c), c.req.valid('param').id));
    const [sameDate, count] = await Promise.all([overridesOnDate(db, found.id, body.date), countOverrides(db, found.id)]);
    const clash = overrideClash(
      sameDate.map((o) => ({ id: o.id, date: o.date, start_time: o.startTime, end_time: o.endTime })),
      body,
    );
    if (clash) throw new ApiError('conflict', clash);
    if (count >= MAX_DATE_OVERRIDES) {
      throw new ApiError('conflict', `A schedule has at most ${MAX_DATE_OVERRIDES} date overrides; delete some first`);
    }
    const added = await addOverride(db, found.id, body);
    if (!added) throw new ApiError('conflict', 'Another change to this date was made at the same time; reload and try again');
    return c.json(overrideJson(added), 201);
  })
  .delete('/:id/overrides/:override_id', validate('param', overrideParam), async (c) => {
    const { id, override_id } = c.req.valid('param');
    const db = c.var.db;
    const found = await foundOr404('Schedule', findOwnedSchedule(db, currentUser(c), id));
    if (!(await deleteOverride(db, found.id, override_id))) throw notFound('Date override');
    return c.body(null, 204);
  });

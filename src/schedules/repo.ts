import { and, asc, eq, gt, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client';
import { ownedBy } from '../auth/ownership';
import { availability, dateOverrides, eventTypes, schedules, type Schedule, type User } from '../db/schema';
import { MAX_DATE_OVERRIDES } from './rules';
import type { OverrideBody, UpdateScheduleBody, WeeklyRangeBody } from './schemas';

export type AvailabilityRow = typeof availability.$inferSelect;
export type OverrideRow = typeof dateOverrides.$inferSelect;

export interface ScheduleDetails {
  schedule: Schedule;
  availability: AvailabilityRow[];
  overrides: OverrideRow[];
}

export async function defaultScheduleId(db: Db, userId: number): Promise<number | undefined> {
  const row = await db
    .select({ id: schedules.id })
    .from(schedules)
    .where(and(eq(schedules.userId, userId), eq(schedules.isDefault, true)))
    .get();
  return row?.id;
}

export async function scheduleBelongsTo(db: Db, scheduleId: number, userId: number): Promise<boolean> {
  const row = await db
    .select({ id: schedules.id })
    .from(schedules)
    .where(and(eq(schedules.id, scheduleId), eq(schedules.userId, userId)))
    .get();
  return row !== undefined;
}

export async function findOwnedSchedule(db: Db, viewer: User, id: number): Promise<Schedule | undefined> {
  return db.select().from(schedules).where(and(eq(schedules.id, id), ownedBy(schedules.userId, viewer))).get();
}

export async function listSchedules(
  db: Db,
  viewer: User,
  opts: { userId?: number; afterId: number; limit: number },
): Promise<Schedule[]> {
  return db
    .select()
    .from(schedules)
    .where(
      and(
        ownedBy(schedules.userId, viewer),
        gt(schedules.id, opts.afterId),
        opts.userId === undefined ? undefined : eq(schedules.userId, opts.userId),
      ),
    )
    .orderBy(asc(schedules.id))
    .limit(opts.limit)
    .all();
}

// Ids travel as one JSON parameter: D1 binds at most 100 parameters per statement, and a page holds up to 200.
const idsIn = (column: typeof availability.scheduleId | typeof dateOverrides.scheduleId, ids: number[]) =>
  sql`${column} IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`;

/** The weekly ranges and overrides of the given schedules, in the order the API shows them. */
export async function withDetails(db: Db, rows: Schedule[]): Promise<ScheduleDetails[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((s) => s.id);
  const [ranges, overrides] = await db.batch([
    db
      .select()
      .from(availability)
      .where(idsIn(availability.scheduleId, ids))
      .orderBy(asc(availability.dayOfWeek), asc(availability.startTime), asc(availability.id)),
    // SQLite sorts NULL first: a whole-day block comes before ranges of its date (the two never coexist anyway).
    db
      .select()
      .from(dateOverrides)
      .where(idsIn(dateOverrides.scheduleId, ids))
      .orderBy(asc(dateOverrides.date), asc(dateOverrides.startTime), asc(dateOverrides.id)),
  ]);
  const rangesOf = groupBy(ranges, (r) => r.scheduleId);
  const overridesOf = groupBy(overrides, (o) => o.scheduleId);
  return rows.map((schedule) => ({
    schedule,
    availability: rangesOf.get(schedule.id) ?? [],
    overrides: overridesOf.get(schedule.id) ?? [],
  }));
}

/** Keeps the order of `items` within each group. */
function groupBy<T>(items: T[], key: (item: T) => number): Map<number, T[]> {
  const groups = new Map<number, T[]>();
  for (const item of items) {
    const group = groups.get(key(item));
    if (group) group.push(item);
    else groups.set(key(item), [item]);
  }
  return groups;
}

export async function loadSchedule(db: Db, id: number): Promise<ScheduleDetails | undefined> {
  const schedule = await db.select().from(schedules).where(eq(schedules.id, id)).get();
  return schedule ? (await withDetails(db, [schedule]))[0] : undefined;
}

// Write batches go to D1 directly: drizzle 0.45 cannot put a raw `sql` statement that has parameters into
// a D1 batch (SQLiteRaw carries no prepared statement). Builders contribute their SQL through toSQL().
interface Statement {
  sql: string;
  params: unknown[];
}

function runBatch(db: Db, statements: Statement[]): Promise<D1Result[]> {
  const d1 = db.$client;
  return d1.batch(statements.map((s) => d1.prepare(s.sql).bind(...s.params)));
}

/** Where a list insert finds its schedule id: a known id, or a subquery for a row inserted in the same batch. */
type ScheduleRef = Statement;
const scheduleRef = (id: number): ScheduleRef => ({ sql: '?', params: [id] });

// List writes insert every row with one statement from a JSON parameter (see idsIn). Each joins the
// schedule row, so a schedule deleted in the meantime gets no orphan rows (and no foreign key error).
function insertRanges(ref: ScheduleRef, ranges: WeeklyRangeBody[]): Statement {
  return {
    sql: `INSERT INTO booking_availability (schedule_id, day_of_week, start_time, end_time)
          SELECT s.id, json_extract(j.value, '$[0]'), json_extract(j.value, '$[1]'), json_extract(j.value, '$[2]')
          FROM json_each(?) j JOIN booking_schedules s ON s.id = ${ref.sql}`,
    params: [JSON.stringify(ranges.map((r) => [r.day_of_week, r.start_time, r.end_time])), ...ref.params],
  };
}

function insertOverrides(ref: ScheduleRef, overrides: OverrideBody[]): Statement {
  return {
    sql: `INSERT INTO booking_date_overrides (schedule_id, date, start_time, end_time)
          SELECT s.id, json_extract(j.value, '$[0]'), json_extract(j.value, '$[1]'), json_extract(j.value, '$[2]')
          FROM json_each(?) j JOIN booking_schedules s ON s.id = ${ref.sql}`,
    params: [JSON.stringify(overrides.map((o) => [o.date, o.start_time ?? null, o.end_time ?? null])), ...ref.params],
  };
}

/**
 * The partial unique index checks each statement, so the old default is cleared before the new one is set.
 * `onlyIf` keeps the old default when the statement meant to replace it would find nothing to change.
 */
function clearDefault(db: Db, userId: number, now: number, onlyIf?: SQL): Statement {
  return db
    .update(schedules)
    .set({ isDefault: false, updatedAt: now })
    .where(and(eq(schedules.userId, userId), eq(schedules.isDefault, true), onlyIf))
    .toSQL();
}

export interface NewSchedule {
  userId: number;
  name: string;
  timezone: string;
  /** undefined: default only when it is the user's first schedule. */
  isDefault: boolean | undefined;
  availability: WeeklyRangeBody[];
  overrides: OverrideBody[];
}

/** The schedule with its weekly ranges and overrides, in one atomic batch; returns the new id. */
export async function createSchedule(db: Db, input: NewSchedule): Promise<number> {
  const now = Date.now();
  const statements: Statement[] = [];
  if (input.isDefault) statements.push(clearDefault(db, input.userId, now));
  const insertIndex = statements.length;
  statements.push(
    db
      .insert(schedules)
      .values({
        userId: input.userId,
        name: input.name,
        timezone: input.timezone,
        // Decided inside the batch, so two concurrent "first" schedules cannot both become default.
        isDefault: input.isDefault
          ? true
          : sql`NOT EXISTS (SELECT 1 FROM booking_schedules WHERE user_id = ${input.userId})`,
        createdAt: now,
        updatedAt: now,
      })
      .returning({ id: schedules.id })
      .toSQL(),
  );
  // AUTOINCREMENT ids only grow and a batch runs alone, so the user's highest id is the row just inserted.
  const newId = { sql: '(SELECT max(id) FROM booking_schedules WHERE user_id = ?)', params: [input.userId] };
  if (input.availability.length > 0) statements.push(insertRanges(newId, input.availability));
  if (input.overrides.length > 0) statements.push(insertOverrides(newId, input.overrides));
  const results = await runBatch(db, statements);
  return (results[insertIndex]!.results[0] as { id: number }).id;
}

/** Applies a PATCH in one atomic batch: given lists replace the stored ones entirely. */
export async function updateSchedule(db: Db, schedule: Schedule, body: UpdateScheduleBody): Promise<void> {
  const now = Date.now();
  const ref = scheduleRef(schedule.id);
  const makeDefault = body.is_default === true && !schedule.isDefault;
  const statements: Statement[] = [];
  if (makeDefault) {
    // Were it deleted since it was read, the user must not be left without any default.
    const stillThere = sql`EXISTS (SELECT 1 FROM booking_schedules WHERE id = ${schedule.id})`;
    statements.push(clearDefault(db, schedule.userId, now, stillThere));
  }
  statements.push(
    db
      .update(schedules)
      .set({
        name: body.name,
        timezone: body.timezone,
        isDefault: makeDefault ? true : undefined,
        updatedAt: now,
      })
      .where(eq(schedules.id, schedule.id))
      .toSQL(),
  );
  if (body.availability) {
    statements.push(db.delete(availability).where(eq(availability.scheduleId, schedule.id)).toSQL());
    if (body.availability.length > 0) statements.push(insertRanges(ref, body.availability));
  }
  if (body.date_overrides) {
    statements.push(db.delete(dateOverrides).where(eq(dateOverrides.scheduleId, schedule.id)).toSQL());
    if (body.date_overrides.length > 0) statements.push(insertOverrides(ref, body.date_overrides));
  }
  await runBatch(db, statements);
}

/** Deletes a non-default schedule (its ranges and overrides cascade); false when nothing was deleted. */
export async function deleteSchedule(db: Db, id: number): Promise<boolean> {
  const deleted = await db
    .delete(schedules)
    .where(and(eq(schedules.id, id), eq(schedules.isDefault, false)))
    .returning({ id: schedules.id });
  return deleted.length > 0;
}

/** Event types that would lose their schedule, for the conflict message. */
export async function eventTypesUsing(db: Db, scheduleId: number, limit: number) {
  return db
    .select({ id: eventTypes.id, slug: eventTypes.slug })
    .from(eventTypes)
    .where(eq(eventTypes.scheduleId, scheduleId))
    .orderBy(asc(eventTypes.id))
    .limit(limit)
    .all();
}

export async function overridesOnDate(db: Db, scheduleId: number, date: string): Promise<OverrideRow[]> {
  return db
    .select()
    .from(dateOverrides)
    .where(and(eq(dateOverrides.scheduleId, scheduleId), eq(dateOverrides.date, date)))
    .all();
}

export async function countOverrides(db: Db, scheduleId: number): Promise<number> {
  const row = await db
    .select({ n: sql<number>`count(*)` })
    .from(dateOverrides)
    .where(eq(dateOverrides.scheduleId, scheduleId))
    .get();
  return row?.n ?? 0;
}

/** Bumps updated_at only when the previous statement of the batch changed a row (changes() still counts it). */
function touchIfChanged(db: Db, scheduleId: number): Statement {
  return db
    .update(schedules)
    .set({ updatedAt: Date.now() })
    .where(and(eq(schedules.id, scheduleId), sql`changes() > 0`))
    .toSQL();
}

/**
 * Adds one override unless it would clash with a stored one of its date or exceed the limit. The route
 * checks both first to explain why; the same conditions in SQL keep two concurrent requests from
 * slipping past the check together. Returns undefined when the guard refused the row.
 */
export async function addOverride(db: Db, scheduleId: number, o: OverrideBody): Promise<OverrideRow | undefined> {
  const start = o.start_time ?? null;
  const end = o.end_time ?? null;
  // Text comparison is time comparison here: every time is zero-padded HH:MM, and "24:00" sorts last.
  const insert: Statement = {
    sql: `INSERT INTO booking_date_overrides (schedule_id, date, start_time, end_time)
          SELECT ?1, ?2, ?3, ?4
          WHERE (SELECT count(*) FROM booking_date_overrides WHERE schedule_id = ?1) < ?5
            AND NOT EXISTS (
              SELECT 1 FROM booking_date_overrides d
              WHERE d.schedule_id = ?1 AND d.date = ?2
                AND (d.start_time IS NULL OR ?3 IS NULL OR (d.start_time < ?4 AND ?3 < d.end_time)))`,
    params: [scheduleId, o.date, start, end, MAX_DATE_OVERRIDES],
  };
  const [inserted] = await runBatch(db, [insert, touchIfChanged(db, scheduleId)]);
  if (!inserted?.meta.changes) return undefined;
  return { id: Number(inserted.meta.last_row_id), scheduleId, date: o.date, startTime: start, endTime: end };
}

export async function deleteOverride(db: Db, scheduleId: number, overrideId: number): Promise<boolean> {
  const [deleted] = await runBatch(db, [
    db
      .delete(dateOverrides)
      .where(and(eq(dateOverrides.id, overrideId), eq(dateOverrides.scheduleId, scheduleId)))
      .toSQL(),
    touchIfChanged(db, scheduleId),
  ]);
  return (deleted?.meta.changes ?? 0) > 0;
}

export function overrideJson(o: OverrideRow) {
  return { id: o.id, date: o.date, start_time: o.startTime, end_time: o.endTime };
}

export function scheduleJson({ schedule, availability: ranges, overrides }: ScheduleDetails) {
  return {
    id: schedule.id,
    user_id: schedule.userId,
    name: schedule.name,
    timezone: schedule.timezone,
    is_default: schedule.isDefault,
    availability: ranges.map((r) => ({ day_of_week: r.dayOfWeek, start_time: r.startTime, end_time: r.endTime })),
    date_overrides: overrides.map(overrideJson),
    created_at: new Date(schedule.createdAt).toISOString(),
    updated_at: new Date(schedule.updatedAt).toISOString(),
  };
}

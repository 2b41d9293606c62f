import { and, eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { schedules } from '../db/schema';

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

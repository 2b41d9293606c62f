// The event_type_workflows and booking_reminders tables: reads and plain writes. The writes that go with a booking
// change are statements for its batch (src/workflows/schedule.ts); delivery's claim is in src/workflows/delivery.ts.
import { and, asc, eq, gt } from 'drizzle-orm';
import type { Db } from '../db/client';
import { bookingReminders, workflows, type BookingReminder, type ReminderStatus, type Workflow, type WorkflowTrigger } from '../db/schema';
import type { WorkflowStep } from '../db/json-types';

export interface WorkflowFields {
  name: string;
  trigger: WorkflowTrigger;
  offsetMinutes: number;
  timeFormat: '12h' | '24h';
  steps: WorkflowStep[];
}

export function listWorkflows(db: Db, eventTypeId: number, afterId: number | undefined, limit: number): Promise<Workflow[]> {
  return db
    .select()
    .from(workflows)
    .where(and(eq(workflows.eventTypeId, eventTypeId), afterId === undefined ? undefined : gt(workflows.id, afterId)))
    .orderBy(asc(workflows.id))
    .limit(limit)
    .all();
}

export function findWorkflow(db: Db, eventTypeId: number, id: number): Promise<Workflow | undefined> {
  return db.select().from(workflows).where(and(eq(workflows.id, id), eq(workflows.eventTypeId, eventTypeId))).get();
}

export function insertWorkflow(db: Db, eventTypeId: number, f: WorkflowFields, now: number): Promise<Workflow> {
  return db
    .insert(workflows)
    .values({ eventTypeId, ...f, createdAt: now, updatedAt: now })
    .returning()
    .get();
}

export function updateWorkflow(db: Db, id: number, f: WorkflowFields, now: number): Promise<Workflow | undefined> {
  return db.update(workflows).set({ ...f, updatedAt: now }).where(eq(workflows.id, id)).returning().get();
}

/** Deleting a workflow deletes its scheduled steps (foreign key cascade): nothing more is sent for it. */
export async function deleteWorkflow(db: Db, id: number): Promise<void> {
  await db.delete(workflows).where(eq(workflows.id, id)).run();
}

export interface ReminderJson {
  workflow_id: number;
  step: number;
  action: string;
  due_at: string;
  status: ReminderStatus;
}

/** The scheduled steps of a booking, in due order (the host's view of GET /v2/bookings/{uid}). */
/** The booking's steps by due time (a query, so a caller may batch it with its other reads). */
export function remindersQuery(db: Db, bookingId: number) {
  return db.select().from(bookingReminders).where(eq(bookingReminders.bookingId, bookingId)).orderBy(asc(bookingReminders.dueAt), asc(bookingReminders.id));
}

export const reminderJson = (r: BookingReminder): ReminderJson => ({
  workflow_id: r.workflowId,
  step: r.step,
  action: r.action,
  due_at: new Date(r.dueAt).toISOString(),
  status: r.status,
});

export function workflowJson(w: Workflow) {
  return {
    id: w.id,
    event_type_id: w.eventTypeId,
    name: w.name,
    trigger: w.trigger,
    offset_minutes: w.offsetMinutes,
    time_format: w.timeFormat,
    steps: w.steps,
    created_at: new Date(w.createdAt).toISOString(),
    updated_at: new Date(w.updatedAt).toISOString(),
  };
}

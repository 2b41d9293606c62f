// Scheduled workflow steps as rows, written in the SAME D1 batch as the booking change that creates, moves or voids
// them (the outbox pattern of src/webhooks/outbox.ts and src/notifications/outbox.ts): a committed change always has
// its steps right, a refused or rolled-back one touches none. Each statement finds the booking by uid inside SQL and
// only in the state the change leaves it in (status, times, SEQUENCE), so a guarded write earlier in the batch that
// changed nothing schedules nothing. The workflows themselves are read in SQL too: no extra round trip.
//
// The rules (docs/DESIGN.md, "Reminders"):
//  - an accepted booking (booked, or a request confirmed) gets one row per step of its event type's workflows;
//  - `before_start` is due at start - offset, `after_end` at end + offset, in real time (UTC instants: a DST change
//    between now and the meeting does not move "1 hour before");
//  - a time-based step already due when it is scheduled is `skipped`: never sent late, never at booking time;
//  - `on_booked` / `on_rescheduled` / `on_cancelled` steps are due at the change itself;
//  - a reschedule moves every time-based step to the new times: due in the future again is `pending` (a reminder
//    already sent for the old time is sent again for the new one), already due is `skipped` (or stays `sent`);
//  - a cancel voids every pending step.
import type { D1Queryable } from '../db/client';
import type { WorkflowTrigger } from '../db/schema';

/** The booking as the change leaves it: the statements act only if the batch's booking write really happened. */
export interface BookingState {
  uid: string;
  status: 'accepted' | 'cancelled';
  startAt: number;
  endAt: number;
  sequence: number;
}

/** A row a statement scheduled or moved, for the HostCalendar alarm (the earliest pending one). */
export interface ScheduledStep {
  due_at: number;
  status: string;
  host_id: number;
}

const TIMED = `('before_start', 'after_end')`;

/** The due time of workflow `w`'s steps for booking `b`; ?1 is now. */
const DUE = `CASE w.trigger WHEN 'before_start' THEN b.start_at - w.offset_minutes * 60000
  WHEN 'after_end' THEN b.end_at + w.offset_minutes * 60000 ELSE ?1 END`;

/** ?2..?6: the booking in the state of `BookingState`. */
const IN_STATE = `b.uid = ?2 AND b.status = ?3 AND b.start_at = ?4 AND b.end_at = ?5 AND b.sequence = ?6`;
const stateBinds = (s: BookingState) => [s.uid, s.status, s.startAt, s.endAt, s.sequence];

/** One row per step of the booking's workflows with one of `triggers`. */
export function scheduleSteps(d1: D1Queryable, state: BookingState, triggers: readonly WorkflowTrigger[], now: number): D1PreparedStatement {
  return d1
    .prepare(
      `INSERT INTO booking_reminders (booking_id, host_id, workflow_id, step, action, due_at, status, created_at, updated_at)
       SELECT x.booking_id, x.host_id, x.workflow_id, x.step, x.action, x.due,
         CASE WHEN x.trigger IN ${TIMED} AND x.due <= ?1 THEN 'skipped' ELSE 'pending' END, ?1, ?1
       FROM (SELECT b.id AS booking_id, b.host_id, w.id AS workflow_id, s.key AS step, json_extract(s.value, '$.action') AS action,
               w.trigger, ${DUE} AS due
             FROM bookings b
             JOIN event_type_workflows w ON w.event_type_id = b.event_type_id AND w.trigger IN (SELECT value FROM json_each(?7))
             JOIN json_each(w.steps) s
             WHERE ${IN_STATE}) x
       WHERE true
       RETURNING due_at, status, host_id`,
    )
    .bind(now, ...stateBinds(state), JSON.stringify(triggers));
}

/** A reschedule: every time-based step of the booking follows its new times. */
export function moveSteps(d1: D1Queryable, state: BookingState, now: number): D1PreparedStatement {
  return d1
    .prepare(
      `UPDATE booking_reminders AS r
       SET due_at = x.due,
           status = CASE WHEN x.due > ?1 THEN 'pending' WHEN r.status = 'sent' THEN 'sent' ELSE 'skipped' END,
           claim = CASE WHEN x.due > ?1 THEN NULL ELSE r.claim END,
           updated_at = ?1
       FROM (SELECT r2.id, ${DUE} AS due
             FROM booking_reminders r2
             JOIN bookings b ON b.id = r2.booking_id
             JOIN event_type_workflows w ON w.id = r2.workflow_id AND w.trigger IN ${TIMED}
             WHERE ${IN_STATE} AND r2.status IN ('pending', 'skipped', 'sent')) x
       WHERE r.id = x.id
       RETURNING due_at, status, host_id`,
    )
    .bind(now, ...stateBinds(state));
}

/** A cancel: every pending step of the booking is voided (its `on_cancelled` steps are scheduled after this). */
export function voidSteps(d1: D1Queryable, state: BookingState, now: number): D1PreparedStatement {
  return d1
    .prepare(
      `UPDATE booking_reminders SET status = 'voided', updated_at = ?1
       WHERE status = 'pending' AND booking_id = (SELECT b.id FROM bookings b WHERE ${IN_STATE})`,
    )
    .bind(now, ...stateBinds(state));
}

/**
 * A seated booking whose last seat left (or that its host cancelled) in this batch: its pending steps are voided. Seats
 * joining or leaving a booking that stays need nothing: a step goes to the seats live when it is due.
 */
export function voidStepsOfCancelled(d1: D1Queryable, bookingId: number, now: number): D1PreparedStatement {
  return d1
    .prepare(
      `UPDATE booking_reminders SET status = 'voided', updated_at = ?1
       WHERE status = 'pending' AND booking_id = ?2 AND EXISTS (SELECT 1 FROM bookings b WHERE b.id = ?2 AND b.status = 'cancelled')`,
    )
    .bind(now, bookingId);
}

/** The statements of one booking change, to append to its batch (after the booking write). */
export function stepStatements(
  d1: D1Queryable,
  change: 'entered' | 'rescheduled' | 'cancelled',
  state: BookingState,
  now: number,
): D1PreparedStatement[] {
  if (change === 'entered') return [scheduleSteps(d1, state, ['before_start', 'after_end', 'on_booked'], now)];
  if (change === 'rescheduled') return [moveSteps(d1, state, now), scheduleSteps(d1, state, ['on_rescheduled'], now)];
  return [voidSteps(d1, state, now), scheduleSteps(d1, state, ['on_cancelled'], now)];
}

/** The pending steps the batch wrote or moved, from the results of `stepStatements`. */
export function pendingStepsOf(results: D1Result[]): ScheduledStep[] {
  return results.flatMap((r) => ((r.results ?? []) as unknown as ScheduledStep[]).filter((s) => s.status === 'pending' && typeof s.due_at === 'number'));
}

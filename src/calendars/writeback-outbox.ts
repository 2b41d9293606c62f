// The write-back outbox (issue #28), the send half: statements a booking change appends to its own D1 batch, as the
// webhook and email outboxes do. ONE row per (booking, destination connection) carries the event as it should now be
// (`payload`, SEQUENCE `target_sequence`); every change upserts it back to `pending`. So a refused or rolled-back change
// writes nothing, and however changes race the consumer (src/calendars/writeback.ts), the provider ends at the latest.
//
// Each statement finds the booking by uid inside SQL, only in the state the change produced (status, times, SEQUENCE).
// The destinations are read in SQL too, for every host attending the booking (booking_hosts): no extra round trip.
import type { D1Queryable } from '../db/client';
import { markEnqueued, sendInChunks } from '../db/outbox';
import type { Bindings } from '../env';
import { notificationPayload, type CalendarState } from '../notifications/outbox';
import type { CalendarWritePayload } from './caldav-write';
import { BOOKING_IN_SNAPSHOT_STATE, snapshotStateParams, type BookingEventSnapshot } from '../webhooks/outbox';

const LIVE = new Set(['accepted', 'pending']);

const IN_STATE = `${BOOKING_IN_SNAPSHOT_STATE} AND b.sequence = ?`;

/**
 * The statements of one booking change, to append to its batch after the booking write (and after a team booking's
 * booking_hosts rows). Each answers the ids it made pending (`writeIdsOf`). None for a seat's change: a seated slot is
 * one event in the host's calendar, not one per seat (`seatedWriteStatements`, called by src/bookings/seats.ts).
 *  1. every row the booking already has (whatever destination it went to) takes the new payload: a cancel deletes the
 *     event where it was written, even if the host has chosen another destination since; a host who no longer attends
 *     (a round robin re-assigned by a reschedule) gets it as cancelled, so the event leaves their calendar;
 *  2. a live booking gets a row for each attending host's destination that has none yet.
 */
export function calendarWriteStatements(d1: D1Queryable, event: BookingEventSnapshot, state: CalendarState, now: number): D1PreparedStatement[] {
  if (event.seat) return [];
  const { series: _occurrence, ...payload } = notificationPayload(event, state).booking;
  const json = JSON.stringify(payload satisfies CalendarWritePayload);
  const where = [...snapshotStateParams(event), state.sequence];
  const statements = [
    d1
      .prepare(
        `UPDATE calendar_writes SET target_sequence = ?2, status = 'pending', attempts = 0, next_attempt_at = ?3,
           enqueued_at = NULL, last_error = NULL, updated_at = ?3,
           payload = CASE WHEN EXISTS (SELECT 1 FROM booking_hosts bh WHERE bh.booking_id = calendar_writes.booking_id AND bh.user_id = calendar_writes.host_id)
             THEN ?1 ELSE json_set(?1, '$.status', 'cancelled') END
         WHERE booking_id = (SELECT b.id FROM bookings b WHERE ${IN_STATE})
         RETURNING id`,
      )
      .bind(json, state.sequence, now, ...where),
  ];
  if (LIVE.has(event.booking.status)) {
    statements.push(
      d1
        .prepare(
          `INSERT INTO calendar_writes (booking_id, host_id, connection_id, calendar_id, payload, target_sequence, status, attempts, next_attempt_at, created_at, updated_at)
           SELECT b.id, d.host_id, d.connection_id, d.calendar_id, ?, ?, 'pending', 0, ?, ?, ?
           FROM bookings b
           JOIN booking_hosts bh ON bh.booking_id = b.id
           JOIN calendar_destinations d ON d.host_id = bh.user_id
           WHERE ${IN_STATE}
           ON CONFLICT (booking_id, connection_id) DO NOTHING
           RETURNING id`,
        )
        .bind(json, state.sequence, now, now, now, ...where),
    );
  }
  return statements;
}

/** The live seats of booking `b`, in the order they were taken (a paid seat once paid: src/bookings/paid-seats.ts). */
const LIVE_SEATS = `FROM booking_attendees a WHERE a.booking_id = b.id AND a.seat_uid IS NOT NULL AND a.cancelled_at IS NULL AND a.payment_expires_at IS NULL`;

/**
 * The seated slot's event as it should now be, from the rows the batch has written so far (binds ?1: a seat's
 * payload, for what every seat shares: title, description, location, organizer): the booking's uid and times, every
 * live seat as an attendee (`seats`), and cancelled once the booking stops holding time or no seat is left.
 */
const SEATED_EVENT = `json_set(?1, '$.uid', b.uid, '$.startAt', b.start_at, '$.endAt', b.end_at, '$.createdAt', b.created_at,
  '$.status', CASE WHEN b.status IN ('accepted', 'pending') AND EXISTS (SELECT 1 ${LIVE_SEATS}) THEN b.status ELSE 'cancelled' END,
  '$.attendee', json(coalesce((SELECT json_object('name', a.name, 'email', a.email, 'notes', NULL) ${LIVE_SEATS} ORDER BY a.id LIMIT 1), json_extract(?1, '$.attendee'))),
  '$.seats', json((SELECT json_group_array(json_object('name', s.name, 'email', s.email)) FROM (SELECT a.name, a.email ${LIVE_SEATS} ORDER BY a.id) s)))`;

/** What a seated event's content is, whatever its SEQUENCE and when it was produced. */
const CONTENT = (payload: string) => `json_remove(${payload}, '$.sequence', '$.updatedAt')`;

/**
 * A seat's change (taken, moved, cancelled; the host cancelling the slot): the slot's ONE event in each destination,
 * for the booking `booking` (by id or uid), to append to the seat's batch after its writes. The event is computed in
 * SQL from the seats as the batch left them, so:
 *  1. an existing row is rewritten only when the event's content changed (a refused or repeated seat write changes
 *     none: nothing to write), with its own SEQUENCE one higher (a seated booking's SEQUENCE does not move as seats
 *     come and go); the last seat leaving makes it cancelled, and the event is deleted;
 *  2. a slot holding time with a live seat gets a row (SEQUENCE 0) for each attending host's destination without one:
 *     the first seat creates the event, later ones update it.
 * The provider keys (event id, transactionId, resource name) come from the booking's uid, so it is one event, once.
 */
export function seatedWriteStatements(d1: D1Queryable, booking: { id: number } | { uid: string }, event: BookingEventSnapshot, now: number): D1PreparedStatement[] {
  const { series: _occurrence, ...payload } = notificationPayload(event, { sequence: 0, createdAt: now, updatedAt: now }).booking;
  const json = JSON.stringify(payload satisfies CalendarWritePayload);
  const key = 'id' in booking ? booking.id : booking.uid;
  const where = 'id' in booking ? 'b.id = ?3' : 'b.uid = ?3';
  return [
    d1
      .prepare(
        `UPDATE calendar_writes AS w SET target_sequence = w.target_sequence + 1, payload = json_set(x.event, '$.sequence', w.target_sequence + 1),
           status = 'pending', attempts = 0, next_attempt_at = ?2, enqueued_at = NULL, last_error = NULL, updated_at = ?2
         FROM (SELECT b.id AS booking_id, ${SEATED_EVENT} AS event FROM bookings b WHERE ${where}) AS x
         WHERE w.booking_id = x.booking_id AND ${CONTENT('w.payload')} IS NOT ${CONTENT('x.event')}
         RETURNING id`,
      )
      .bind(json, now, key),
    d1
      .prepare(
        `INSERT INTO calendar_writes (booking_id, host_id, connection_id, calendar_id, payload, target_sequence, status, attempts, next_attempt_at, created_at, updated_at)
         SELECT b.id, d.host_id, d.connection_id, d.calendar_id, ${SEATED_EVENT}, 0, 'pending', 0, ?2, ?2, ?2
         FROM bookings b
         JOIN booking_hosts bh ON bh.booking_id = b.id
         JOIN calendar_destinations d ON d.host_id = bh.user_id
         WHERE ${where} AND b.status IN ('accepted', 'pending') AND EXISTS (SELECT 1 ${LIVE_SEATS})
         ON CONFLICT (booking_id, connection_id) DO NOTHING
         RETURNING id`,
      )
      .bind(json, now, key),
  ];
}

/** The row ids the statements of `calendarWriteStatements` made pending. */
export function writeIdsOf(results: D1Result[]): number[] {
  return results.flatMap((r) => ((r.results ?? []) as { id?: unknown }[]).map((row) => Number(row.id)).filter((id) => Number.isSafeInteger(id) && id > 0));
}

/** After the batch committed: one message per row. A lost send leaves `enqueued_at` NULL for the cron sweep. */
export async function enqueueCalendarWrites(env: Pick<Bindings, 'CALENDAR_WRITES'>, ids: number[], d1: D1Queryable): Promise<void> {
  await sendInChunks(env.CALENDAR_WRITES, ids, (id) => ({ write_id: id }), (chunk) => markEnqueued(d1, 'calendar_writes', chunk, Date.now()), {
    message: 'calendar write enqueue failed; the sweep will retry',
    idsKey: 'writeIds',
  });
}

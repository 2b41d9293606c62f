import { DurableObject } from 'cloudflare:workers';
import type { D1Queryable, Db } from '../db/client';
import { RequestDb, type D1Report } from '../db/session';
import { isForeignKeyViolation, isUniqueViolation } from '../db/errors';
import type { Booking, WebhookTrigger } from '../db/schema';
import type { Bindings } from '../env';
import type { ErrorCode, ErrorIssue, OccurrenceConflict } from '../lib/errors';
import { Mutex } from '../lib/mutex';
import { LeaseHolder } from '../lib/lease';
import { checkBookable } from '../slots/context';
import { loadSlotContext } from '../slots/repo';
import { enqueueNotifications, notificationIdsOf, notificationInserts, type CalendarState } from '../notifications/outbox';
import { deliveryIdsOf, enqueueDeliveries, outboxInsert } from '../webhooks/outbox';
import { pendingStepsOf, stepStatements, type BookingState, type ScheduledStep } from '../workflows/schedule';
import { deliverDueReminders } from '../workflows/delivery';
import { calendarWriteStatements, enqueueCalendarWrites, writeIdsOf } from '../calendars/writeback-outbox';
import { heldForMeetingLink } from '../calendars/meeting-links';
import { snapshotOf } from './snapshot';
import { deleteHold, deleteHoldIfBooked } from '../reservations/repo';
import { changeHold, holdForBooking, takeHold, type HoldChangeRequest, type HoldEnv, type HoldReply, type HoldRequest } from '../reservations/holds';
import { DEFAULT_MAX_ACTIVE_HOLDS_PER_CLIENT, DEFAULT_MAX_FUTURE_BOOKINGS_PER_ATTENDEE, positiveIntVar } from '../reservations/rules';
import {
  acceptedLocation,
  bookingFromRow,
  bookingJson,
  findBookingForWrite,
  futureBookingsOfAttendee,
  guardedInsert,
  guardedMove,
  insertAttendee,
  isSeriesIncomplete,
  liveSeriesForWrite,
  markRecurrenceStarts,
  seriesForWrite,
  seriesComplete,
  transition,
  type BookingForWrite,
  type BookingJson,
} from './repo';
import { KEY_REUSED_MESSAGE, priorAnswer } from './replay';
import { draftBooking, type BookRequest } from './draft';
import { spanAt } from './occupancy';
import { hasStarted } from './status';
import { newBookingUid } from './uid';
import { occurrenceStarts } from '../slots/recurrence';
import { seriesConflicts, seriesNeedsConfirmation, seriesRefusal } from './series';
import { seriesRefOf } from './calendar';
import type { SlotContext } from '../slots/context';
import { bookSeat, cancelSeat, cancelSeatedBooking, rescheduleSeat, type SeatEnv } from './seats';
import { findSeat } from './seat-repo';
import { applySeatPaymentEvent } from './paid-seats';
import { applyPaymentEvent, applyToSeries, bookPaid, cancelRefund, isPaidEventType, paidSeries, unpaidAgain, type PaidEnv } from './paid';
import { paidTerms } from './paid-repo';
import type { PaymentWork } from '../payments/machine';

/** A payment event from Stripe (webhook or the expiry sweep) or the host's refund by hand. */
export type PaymentCall =
  | { type: 'pay'; paymentIntentId: string | null }
  | { type: 'expire' }
  | { type: 'host_refund'; amount: number };

/** `DELETE /v2/bookings/{uid}` on an occurrence of a series: it alone, it and the later ones, or every future one. */
export type CancelScope = 'this' | 'following' | 'all';

/** RPC results are plain data: class instances such as ApiError do not survive the trip out of the object. */
export type Outcome =
  | { ok: true; booking: BookingJson; replayed?: boolean; occurrences?: BookingJson[]; paymentWork?: PaymentWork[] }
  | { ok: false; code: ErrorCode; message: string; issues?: ErrorIssue[]; conflicts?: OccurrenceConflict[] };

/** What each RPC method answers: the outcome, plus the object's D1 cost and bookmark for the caller's response. */
export type CalendarReply = Outcome & { d1: D1Report };

type Written = Outcome & { deliveryIds?: number[]; notificationIds?: number[]; steps?: ScheduledStep[]; writeIds?: number[] };

/** Storage key: the host whose reminders this object's alarm delivers (the object's name is not readable inside it). */
const REMINDER_HOST_KEY = 'reminderHostId';

/** The workflow-step statements of a booking change (src/workflows/schedule.ts); none for a pending request. */
function stepsFor(d1: D1Queryable, change: 'entered' | 'rescheduled' | 'cancelled', b: { uid: string; status: string; startAt: number; endAt: number }, sequence: number, now: number) {
  if (b.status !== 'accepted' && b.status !== 'cancelled') return [];
  return stepStatements(d1, change, { uid: b.uid, status: b.status, startAt: b.startAt, endAt: b.endAt, sequence } satisfies BookingState, now);
}

const fail = (code: ErrorCode, message: string): Written => ({ ok: false, code, message });
const invalid = (path: string, message: string): Written => ({ ok: false, code: 'validation_failed', message: 'Request validation failed', issues: [{ path, message }] });

/**
 * One instance per host (`idFromName("host:" + hostId)`). Every write that changes the host's occupied time runs
 * here, one at a time under `lock`; the SQL of each write is guarded as well, so the database never holds two live
 * bookings of one host whose occupied spans overlap.
 */
export class HostCalendar extends DurableObject<Bindings> {
  private readonly lock = new Mutex();
  /** Multi-host bookings (src/teams/booking.ts) hold this host's lock across calls, with an expiring lease. */
  private readonly leases = new LeaseHolder(this.lock);

  acquireLease(id: string, ttlMs: number, waitMs: number): Promise<boolean> {
    return this.leases.acquire(id, ttlMs, waitMs);
  }

  releaseLease(id: string): boolean {
    return this.leases.release(id);
  }

  /** The object's clock: holds and bookings compare expiries with it. Tests move it (runInDurableObject). */
  clock: () => number = () => Date.now();

  book(req: BookRequest): Promise<CalendarReply> {
    return this.write((db) => this.bookLocked(db, req));
  }

  reschedule(uid: string, start: number, reason: string | null): Promise<CalendarReply> {
    return this.write((db) => this.rescheduleLocked(db, uid, start, reason));
  }

  /**
   * `byHost`: the host or a super admin, who may still mark a booking that has started as cancelled. `scope` (an
   * occurrence of a series only): `following` also cancels the series' later live occurrences, `all` every live
   * occurrence that has not started; all in one batch.
   */
  cancel(uid: string, reason: string | null, byHost = false, scope: CancelScope = 'this'): Promise<CalendarReply> {
    return this.write(async (db) => {
      const current = await findBookingForWrite(db, uid);
      if (!current) return fail('not_found', 'Booking not found');
      // A seated booking's uid is the host's: it cancels every seat (each seat holder cancels by their seat_uid).
      const seated = current.attendee.seatUid !== null;
      if (seated && !byHost) return fail('not_found', 'Booking not found');
      // Cancelling twice (or cancelling a declined request) is harmless: answer the booking as it is.
      if (current.booking.status === 'cancelled' || current.booking.status === 'rejected') {
        return { ok: true, booking: bookingJson(current) };
      }
      if (seated) return cancelSeatedBooking(this.seatEnv(db, Date.now(), current.booking.hostId, null), current, reason);
      if (current.booking.status === 'expired') return { ok: true, booking: bookingJson(current) };
      if (!byHost && hasStarted(current.booking, Date.now())) {
        return fail('conflict', 'A booking that has already started cannot be cancelled by the attendee; ask the host');
      }
      if (current.booking.payment) {
        // A paid booking: refunded by the event type's policy (the host's cancel refunds everything). An occurrence of
        // a paid series refunds its own share; its series (`following`, `all`) each occurrence its share. An unpaid
        // series has one checkout: cancelling any of it cancels all of it (nothing was paid to split).
        const now = this.clock();
        const series = current.booking.recurringBookingUid;
        let targets = [current];
        if (series && current.booking.status === 'awaiting_payment') {
          targets = [current, ...(await seriesForWrite(db, series)).filter((o) => o.booking.id !== current.booking.id && o.booking.status === 'awaiting_payment')];
        } else if (series && scope !== 'this') {
          const others = await liveSeriesForWrite(db, series, scope === 'all' ? now + 1 : current.booking.startAt);
          targets = [current, ...others.filter((o) => o.booking.id !== current.booking.id && o.booking.payment)];
        }
        const refundOf = (b: Booking) => cancelRefund(b, byHost, now);
        return applyToSeries(this.paidEnv(db, now), targets, { type: 'cancel', refund: refundOf(current.booking) }, { reason }, refundOf);
      }
      const series = current.booking.recurringBookingUid;
      if (scope !== 'this' && series) {
        const now = Date.now();
        const others = await liveSeriesForWrite(db, series, scope === 'all' ? now + 1 : current.booking.startAt);
        return this.applyTransitions(db, [current, ...others.filter((o) => o.booking.id !== current.booking.id)], { to: 'cancelled', reason }, 'BOOKING_CANCELLED');
      }
      return this.applyTransition(db, current, { to: 'cancelled', reason }, 'BOOKING_CANCELLED');
    });
  }

  /** DELETE /v2/bookings/{seat_uid}: one seat leaves (src/bookings/seats.ts). */
  cancelSeat(seatUid: string, reason: string | null, byHost: boolean): Promise<CalendarReply> {
    return this.write((db) => cancelSeat(this.seatEnv(db, Date.now(), 0, null), seatUid, reason, byHost));
  }

  /** PATCH /v2/bookings/{seat_uid}: one seat moves to another slot, atomically (src/bookings/seats.ts). */
  rescheduleSeat(seatUid: string, start: number, reason: string | null): Promise<CalendarReply> {
    return this.write((db) => rescheduleSeat(this.seatEnv(db, Date.now(), 0, null), seatUid, start, reason));
  }

  private seatEnv(db: Db, now: number, hostId: number, et: { id: number; maxActiveBookingsPerBooker: number | null } | null): SeatEnv {
    return {
      db,
      env: this.env,
      now,
      attendeeCap: (email) => (et ? this.attendeeCap(et, email) : { email, max: Number.MAX_SAFE_INTEGER }),
      capFailure: (cap) => this.attendeeCapFailure(db, hostId, cap, now),
    };
  }

  confirm(uid: string): Promise<CalendarReply> {
    return this.write(async (db) => {
      const current = await findBookingForWrite(db, uid);
      if (!current) return fail('not_found', 'Booking not found');
      if (current.booking.status !== 'pending') return fail('conflict', `Only pending bookings can be confirmed; this one is ${current.booking.status}`);
      if (hasStarted(current.booking, Date.now())) return fail('conflict', 'This request has expired: its start has passed, so it can no longer be confirmed');
      if (current.booking.payment) return applyPaymentEvent(this.paidEnv(db, this.clock()), current, { type: 'confirm' });
      return this.applyTransition(db, current, { to: 'accepted', location: acceptedLocation(current) }, 'BOOKING_CONFIRMED');
    });
  }

  decline(uid: string, reason: string | null): Promise<CalendarReply> {
    return this.write(async (db) => {
      const current = await findBookingForWrite(db, uid);
      if (!current) return fail('not_found', 'Booking not found');
      if (current.booking.status !== 'pending') return fail('conflict', `Only pending bookings can be declined; this one is ${current.booking.status}`);
      // A paid request declined is refunded in full.
      if (current.booking.payment) return applyPaymentEvent(this.paidEnv(db, this.clock()), current, { type: 'decline' }, { reason });
      return this.applyTransition(db, current, { to: 'rejected', reason }, 'BOOKING_REJECTED');
    });
  }

  /**
   * A payment event on a paid booking (src/bookings/paid.ts): Stripe's checkout completed or expired (webhook or the
   * expiry sweep), or the host's refund by hand. The machine decides under the lock; Stripe work is answered back.
   */
  payment(uid: string, call: PaymentCall): Promise<CalendarReply> {
    return this.write(async (db) => {
      const current = await findBookingForWrite(db, uid);
      if (!current) {
        // A paid seat: its checkout names its seat_uid (src/bookings/paid-seats.ts).
        const seat = await findSeat(db, uid);
        if (!seat?.attendee.payment) return fail('not_found', 'Booking not found');
        const capacity = seat.seatsPerTimeSlot ?? Number.MAX_SAFE_INTEGER;
        const e = this.seatEnv(db, this.clock(), seat.booking.hostId, null);
        const event = call.type === 'pay' ? { type: 'pay' as const, requiresConfirmation: false } : call;
        return applySeatPaymentEvent(e, seat, event, { capacity, paymentIntentId: call.type === 'pay' ? call.paymentIntentId : null });
      }
      const e = this.paidEnv(db, this.clock());
      // A paid series is paid (and expires) as a whole: its one checkout names its first occurrence.
      const series = current.booking.recurringBookingUid;
      const targets =
        series && call.type !== 'host_refund' && current.booking.payment?.series_amount !== undefined
          ? [current, ...(await seriesForWrite(db, series)).filter((o) => o.booking.id !== current.booking.id && o.booking.payment)]
          : [current];
      if (call.type === 'pay') {
        const terms = await paidTerms(db, current.booking.eventTypeId);
        return applyToSeries(e, targets, { type: 'pay', requiresConfirmation: terms?.requiresConfirmation ?? false }, { paymentIntentId: call.paymentIntentId });
      }
      return applyToSeries(e, targets, call);
    });
  }

  private paidEnv(db: Db, now: number, et: { id: number; maxActiveBookingsPerBooker: number | null } | null = null): PaidEnv {
    return {
      db,
      env: this.env,
      now,
      attendeeCap: (email) => (et ? this.attendeeCap(et, email) : { email, max: Number.MAX_SAFE_INTEGER }),
      capFailure: async () => null,
    };
  }

  /**
   * Runs a write under the lock on its own D1 session, started on the primary (the object is placed next to it, see
   * D1_PRIMARY_LOCATION), then hands its webhook deliveries and email notifications to the queues outside the lock.
   */
  private async write(fn: (db: Db) => Promise<Written>): Promise<CalendarReply> {
    const d1 = new RequestDb(this.env.DB, 'first-primary');
    const { deliveryIds, notificationIds, steps, writeIds, ...outcome } = await this.lock.run(() => fn(d1.db));
    if (deliveryIds?.length) await enqueueDeliveries(this.env, deliveryIds, d1.db.$client);
    if (notificationIds?.length) await enqueueNotifications(this.env, notificationIds, d1.db.$client);
    if (writeIds?.length) await enqueueCalendarWrites(this.env, writeIds, d1.db.$client);
    if (steps?.length) await this.armReminders(steps);
    return { ...outcome, d1: d1.report() };
  }

  /**
   * Reminders (src/workflows/): one alarm per host, always at or before its next pending step. A write that scheduled
   * or moved steps brings the alarm forward when one is due earlier (object storage only, no D1 round trip); the alarm
   * itself sets the next one after delivering. A step moved later leaves an early alarm that finds nothing and re-arms.
   * Also called over RPC by team bookings (src/teams/booking.ts), which are written under leases outside the object.
   */
  async armReminders(steps: ScheduledStep[]): Promise<void> {
    if (steps.length === 0) return;
    const next = Math.min(...steps.map((s) => s.due_at));
    await this.ctx.storage.put(REMINDER_HOST_KEY, steps[0]!.host_id);
    const current = await this.ctx.storage.getAlarm();
    if (current === null || next < current) await this.ctx.storage.setAlarm(next);
  }

  /** The durable timer: delivers this host's due steps, then waits for the next one. Throwing retries the alarm. */
  override async alarm(): Promise<void> {
    const hostId = await this.ctx.storage.get<number>(REMINDER_HOST_KEY);
    if (hostId === undefined) return;
    const { next } = await deliverDueReminders(this.env, this.clock(), { hostId });
    if (next !== null) await this.ctx.storage.setAlarm(next);
  }

  private async bookLocked(db: Db, req: BookRequest): Promise<Written> {
    if (req.idempotencyKey) {
      const replay = await this.replay(db, req.idempotencyKey, req.idempotencyHash);
      if (replay) return replay;
    }
    const now = this.clock();
    const holdUid = req.reservationUid ?? null;
    if (holdUid && !(await holdForBooking(db, holdUid, req.eventTypeId, req.start, now))) {
      return fail('not_found', 'Reservation not found for this event type and start (it may have expired or been released)');
    }
    const ctx = await loadSlotContext(db, req.eventTypeId, { from: req.start, to: req.start + 1 }, undefined, now, holdUid);
    if (!ctx) return fail('not_found', 'Event type not found');
    if (isPaidEventType(ctx.eventType)) {
      const e = { ...this.paidEnv(db, now, ctx.eventType), capFailure: (cap: { email: string; max: number; eventTypeId?: number }) => this.attendeeCapFailure(db, ctx.host.id, cap, now) };
      // The same email's open checkout for this start comes back; too many open ones is a 409 (series or not).
      const again = await unpaidAgain(e, req, ctx);
      if (again) return again;
      if (!ctx.eventType.recurringEvent && ctx.eventType.seatsPerTimeSlot === null) return bookPaid(e, req, ctx, holdUid);
    }
    if (ctx.eventType.recurringEvent) return this.bookSeriesLocked(db, req, ctx, now, holdUid);
    if (req.recurrenceCount !== undefined) return invalid('recurrence_count', 'This event type is not recurring');
    if (ctx.eventType.seatsPerTimeSlot !== null) return bookSeat(this.seatEnv(db, now, ctx.host.id, ctx.eventType), req, ctx);
    const draft = draftBooking(ctx, req, newBookingUid(), now);
    if (!draft.ok) return draft;
    const { booking, snapshot } = draft;

    // One atomic batch: the guarded booking insert, its webhook outbox rows (only if the insert happened), the
    // attendee, the consumed hold (only if the booking was written), then the email outbox rows.
    const d1 = db.$client;
    const writes = [
      guardedInsert(d1, booking, { consumedHoldUid: holdUid, attendeeCap: this.attendeeCap(ctx.eventType, req.attendee.email) }),
      outboxInsert(d1, snapshot, now),
      insertAttendee(d1, booking.uid, req.attendee),
      ...(holdUid ? [deleteHoldIfBooked(d1, holdUid, booking.uid)] : []),
    ];
    const created = { sequence: 0, createdAt: now, updatedAt: now };
    const emails = notificationInserts(d1, this.env, snapshot, created, now);
    const steps = stepsFor(d1, 'entered', booking, 0, now);
    const calendarWrites = calendarWriteStatements(d1, snapshot, created, now);
    let results: D1Result[];
    try {
      results = await d1.batch([...writes, ...emails, ...steps, ...calendarWrites]);
    } catch (error) {
      // The same Idempotency-Key raced in through another host's object: the unique index let only one through.
      if (req.idempotencyKey && isUniqueViolation(error)) {
        const replay = await this.replay(db, req.idempotencyKey, req.idempotencyHash);
        if (replay) return replay;
      }
      // The event type was deleted between the check and the write.
      if (isForeignKeyViolation(error)) return fail('not_found', 'Event type not found');
      throw error;
    }
    const inserted = results[0]?.results[0] as Record<string, unknown> | undefined;
    if (!inserted) {
      return (await this.attendeeCapFailure(db, ctx.host.id, this.attendeeCap(ctx.eventType, req.attendee.email), now)) ?? fail('slot_unavailable', 'This time overlaps another booking or a reservation of the host');
    }
    const writeIds = writeIdsOf(results.slice(writes.length + emails.length + steps.length));
    // A link the host's calendar makes: the confirmation and the webhook go with it (src/calendars/meeting-link-settle.ts).
    const held = heldForMeetingLink(snapshot.booking, writeIds);
    return {
      ok: true,
      booking: bookingJson({ booking: bookingFromRow(inserted), attendee: req.attendee }),
      deliveryIds: held ? [] : deliveryIdsOf(results[1]!),
      notificationIds: held ? [] : notificationIdsOf(results.slice(writes.length, writes.length + emails.length)),
      steps: pendingStepsOf(results.slice(writes.length + emails.length, writes.length + emails.length + steps.length)),
      writeIds,
    };
  }

  /**
   * A recurring event type books its series (the first `recurrence_count` occurrences, default all), all or nothing:
   * every occurrence is checked by the slot rules against the host's time and the series' own earlier occurrences
   * (src/bookings/series.ts), then all are written in one batch whose last statement fails unless every guarded insert
   * wrote its row. The attendee caps count every occurrence (issue #25): the first occurrence's guarded INSERT checks
   * that the email's upcoming bookings plus the whole series fit. An anonymous series longer than
   * ANONYMOUS_SERIES_AT_ONCE waits for the host's confirmation.
   */
  private async bookSeriesLocked(db: Db, req: BookRequest, first: SlotContext, now: number, holdUid: string | null): Promise<Written> {
    const rule = first.eventType.recurringEvent!;
    const count = req.recurrenceCount ?? rule.count;
    if (count > rule.count) return invalid('recurrence_count', `This event type's series has at most ${rule.count} occurrences`);
    const starts = occurrenceStarts(req.start, rule, count, first.scheduleTimeZone);
    // Occurrences past the booking window are refused by the rules whatever is busy, so the read stops there.
    const readTo = Math.max(req.start, Math.min(starts.at(-1)!, now + first.eventType.bookingWindowDays * 86_400_000)) + 1;
    const ctx = count > 1 ? await loadSlotContext(db, req.eventTypeId, { from: req.start, to: readTo }, undefined, now, holdUid) : first;
    if (!ctx) return fail('not_found', 'Event type not found');
    const conflicts = seriesConflicts(ctx, now, starts);
    if (conflicts.length) return { ok: false, code: 'slot_unavailable', message: seriesRefusal(conflicts, count), conflicts };

    const seriesUid = newBookingUid();
    // A paid series (price per series) waits for its one payment: its payment is the commitment, so the anonymous
    // long-series rule does not hold it for confirmation (the event type's own requires_confirmation does, once paid).
    const paid = isPaidEventType(ctx.eventType) ? paidSeries(ctx, starts, now, req.clientHash ?? null) : null;
    const needsConfirmation = paid ? true : seriesNeedsConfirmation(count, req.signedIn === true);
    const master = { rule, count, zone: ctx.scheduleTimeZone, lastStart: starts.at(-1)! };
    const drafts = [];
    for (const [index, start] of starts.entries()) {
      // The key (and its replay) belongs to the first occurrence: the unique index allows it on one row only.
      const key = index === 0 ? { idempotencyKey: req.idempotencyKey, idempotencyHash: req.idempotencyHash } : { idempotencyKey: null, idempotencyHash: null };
      const draft = draftBooking(ctx, { ...req, ...key, start, recurringBookingUid: seriesUid, needsConfirmation }, newBookingUid(), now);
      if (!draft.ok) return draft;
      drafts.push(paid ? paid.awaiting(draft, index, master) : draft);
    }
    const d1 = db.$client;
    const cap = this.attendeeCap(ctx.eventType, req.attendee.email);
    // The first occurrence's INSERT admits the series only while the email's upcoming bookings plus all of it fit.
    const seriesCap = { ...cap, max: cap.max - (count - 1) };
    const writes = [
      ...drafts.flatMap(({ booking }, index) => [
        guardedInsert(d1, booking, { consumedHoldUid: holdUid, ...(index === 0 ? { attendeeCap: seriesCap } : {}) }),
        insertAttendee(d1, booking.uid, req.attendee),
      ]),
      markRecurrenceStarts(d1, seriesUid),
      seriesComplete(d1, seriesUid, count),
      ...(holdUid ? [deleteHoldIfBooked(d1, holdUid, drafts[0]!.booking.uid)] : []),
    ];
    const outboxes = drafts.map(({ snapshot }) => outboxInsert(d1, snapshot, now));
    // One invitation for the whole series: the first occurrence's emails carry the RRULE (src/invites/); the other
    // occurrences are in it, so they send none of their own. Later changes go out per occurrence (RECURRENCE-ID).
    const emails = paid ? [] : notificationInserts(d1, this.env, drafts[0]!.snapshot, { sequence: 0, createdAt: now, updatedAt: now, series: { uid: seriesUid, recurrenceStart: starts[0]!, master } }, now);
    const steps = drafts.flatMap(({ booking }) => stepsFor(d1, 'entered', booking, 0, now));
    // Each occurrence is its own event in the host's calendar (as in the host feed); a paid series' once it is paid.
    const calendarWrites = paid ? [] : drafts.flatMap(({ snapshot }) => calendarWriteStatements(d1, snapshot, { sequence: 0, createdAt: now, updatedAt: now }, now));
    let results: D1Result[];
    try {
      results = await d1.batch([...writes, ...outboxes, ...emails, ...steps, ...calendarWrites]);
    } catch (error) {
      if (req.idempotencyKey && isUniqueViolation(error)) {
        const replay = await this.replay(db, req.idempotencyKey, req.idempotencyHash);
        if (replay) return replay;
      }
      if (isForeignKeyViolation(error)) return fail('not_found', 'Event type not found');
      if (!isSeriesIncomplete(error)) throw error;
      return (await this.attendeeCapFailure(db, ctx.host.id, cap, now, count)) ?? fail('slot_unavailable', 'An occurrence of the series overlaps another booking or a reservation of the host, so the series was not booked');
    }
    const occurrences = drafts.map(({ booking }, index) => {
      const row = results[index * 2]!.results[0] as Record<string, unknown>;
      return bookingJson({ booking: bookingFromRow(row), attendee: req.attendee });
    });
    return {
      ok: true,
      booking: occurrences[0]!,
      occurrences,
      deliveryIds: results.slice(writes.length, writes.length + outboxes.length).flatMap(deliveryIdsOf),
      notificationIds: notificationIdsOf(results.slice(writes.length + outboxes.length, writes.length + outboxes.length + emails.length)),
      steps: pendingStepsOf(results.slice(writes.length + outboxes.length + emails.length, writes.length + outboxes.length + emails.length + steps.length)),
      writeIds: writeIdsOf(results.slice(writes.length + outboxes.length + emails.length + steps.length)),
    };
  }

  /** The first answer for an Idempotency-Key, or a 422 when the key comes back with a different request. */
  private async replay(db: Db, key: string, hash: string | null): Promise<Written | null> {
    const prior = await priorAnswer(db, key, hash);
    if (prior === 'reused') return fail('idempotency_key_reused', KEY_REUSED_MESSAGE);
    return prior && { ok: true, booking: prior, replayed: true };
  }

  private async rescheduleLocked(db: Db, uid: string, start: number, reason: string | null): Promise<Written> {
    const current = await findBookingForWrite(db, uid);
    if (!current) return fail('not_found', 'Booking not found');
    const { booking } = current;
    const now = this.clock();
    if (booking.status === 'cancelled' || booking.status === 'rejected' || booking.status === 'expired') {
      return fail('conflict', `A${booking.status === 'expired' ? 'n' : ''} ${booking.status} booking cannot be rescheduled`);
    }
    // Moving a paid booking never charges again; an unpaid one is paid for first (src/payments/machine.ts).
    if (booking.status === 'awaiting_payment') return fail('conflict', 'Pay for this booking before rescheduling it');
    if (booking.startAt <= now) return fail('conflict', 'A booking that has already started cannot be rescheduled');
    if (!current.eventType) return fail('conflict', 'The event type of this booking no longer exists');
    if (current.attendee.seatUid !== null) return fail('conflict', 'A seated booking moves seat by seat: PATCH /v2/bookings/{seat_uid}');

    const ctx = await loadSlotContext(db, current.eventType.id, { from: start, to: start + 1 }, booking.id);
    if (!ctx) return fail('conflict', 'The event type of this booking is no longer bookable');
    const check = checkBookable(ctx, now, start);
    if (!check.ok) return fail('slot_unavailable', check.message);

    const move = { ...spanAt(ctx.eventType, start), reason };
    const snapshot = snapshotOf(
      'BOOKING_RESCHEDULED',
      { ...current, booking: { ...booking, startAt: move.startAt, endAt: move.endAt } },
      { previousStartAt: booking.startAt, previousEndAt: booking.endAt, reason },
    );
    const d1 = db.$client;
    const state = nextCalendarState(booking, now);
    const emailInserts = notificationInserts(d1, this.env, snapshot, state, now);
    const steps = stepsFor(d1, 'rescheduled', { ...booking, startAt: move.startAt, endAt: move.endAt }, booking.sequence + 1, now);
    const [moved, outbox, ...rest] = await d1.batch([
      guardedMove(d1, booking, move, now),
      outboxInsert(d1, snapshot, now),
      ...emailInserts,
      ...steps,
      ...calendarWriteStatements(d1, snapshot, state, now),
    ]);
    const row = moved?.results[0] as Record<string, unknown> | undefined;
    if (!row) return fail('slot_unavailable', 'This time overlaps another booking of the host');
    return {
      ok: true,
      booking: bookingJson({ booking: bookingFromRow(row), attendee: current.attendee }),
      deliveryIds: deliveryIdsOf(outbox!),
      notificationIds: notificationIdsOf(rest.slice(0, emailInserts.length)),
      steps: pendingStepsOf(rest.slice(emailInserts.length, emailInserts.length + steps.length)),
      writeIds: writeIdsOf(rest.slice(emailInserts.length + steps.length)),
    };
  }

  private async applyTransition(
    db: Db,
    current: BookingForWrite,
    t: Parameters<typeof transition>[2],
    trigger: WebhookTrigger,
  ): Promise<Written> {
    const now = this.clock();
    const after = {
      ...current.booking,
      status: t.to,
      cancellationReason: t.to === 'cancelled' ? t.reason : current.booking.cancellationReason,
      rejectionReason: t.to === 'rejected' ? t.reason : current.booking.rejectionReason,
      locationValue: t.to === 'accepted' ? (t.location ?? current.booking.locationValue) : current.booking.locationValue,
    };
    const snapshot = snapshotOf(trigger, { ...current, booking: after });
    const d1 = db.$client;
    const state = nextCalendarState(current.booking, now);
    const emailInserts = notificationInserts(d1, this.env, snapshot, state, now);
    const steps = transitionSteps(d1, after, current.booking.sequence + 1, now);
    const [changed, outbox, ...rest] = await d1.batch([
      transition(d1, current.booking.id, t, now),
      outboxInsert(d1, snapshot, now),
      ...emailInserts,
      ...steps,
      ...calendarWriteStatements(d1, snapshot, state, now),
    ]);
    const row = changed?.results[0] as Record<string, unknown> | undefined;
    if (!row) return fail('conflict', 'The booking changed meanwhile; reload it and try again');
    const writeIds = writeIdsOf(rest.slice(emailInserts.length + steps.length));
    // An accepted request whose link the host's calendar makes: the confirmation waits for it, as a new booking's does.
    const held = heldForMeetingLink(snapshot.booking, writeIds);
    return {
      ok: true,
      booking: bookingJson({ booking: bookingFromRow(row), attendee: current.attendee }),
      deliveryIds: held ? [] : deliveryIdsOf(outbox!),
      notificationIds: held ? [] : notificationIdsOf(rest.slice(0, emailInserts.length)),
      steps: pendingStepsOf(rest.slice(emailInserts.length, emailInserts.length + steps.length)),
      writeIds,
    };
  }

  /** One transition of several bookings (a series' occurrences) in one batch; answers the first one. */
  private async applyTransitions(db: Db, targets: BookingForWrite[], t: Parameters<typeof transition>[2], trigger: WebhookTrigger): Promise<Written> {
    const now = this.clock();
    const d1 = db.$client;
    const statements = targets.map((current) => {
      const after = { ...current.booking, status: t.to, cancellationReason: t.to === 'cancelled' ? t.reason : current.booking.cancellationReason };
      const snapshot = snapshotOf(trigger, { ...current, booking: after });
      const state = nextCalendarState(current.booking, now);
      const emails = notificationInserts(d1, this.env, snapshot, state, now);
      const steps = transitionSteps(d1, after, current.booking.sequence + 1, now);
      const calendarWrites = calendarWriteStatements(d1, snapshot, state, now);
      return {
        emails: emails.length,
        steps: steps.length,
        all: [transition(d1, current.booking.id, t, now), outboxInsert(d1, snapshot, now), ...emails, ...steps, ...calendarWrites],
      };
    });
    const results = await d1.batch(statements.flatMap((g) => g.all));
    let at = 0;
    const deliveryIds: number[] = [];
    const notificationIds: number[] = [];
    const steps: ScheduledStep[] = [];
    const writeIds: number[] = [];
    let first: Record<string, unknown> | undefined;
    statements.forEach((group, index) => {
      if (index === 0) first = results[at]!.results[0] as Record<string, unknown> | undefined;
      deliveryIds.push(...deliveryIdsOf(results[at + 1]!));
      notificationIds.push(...notificationIdsOf(results.slice(at + 2, at + 2 + group.emails)));
      steps.push(...pendingStepsOf(results.slice(at + 2 + group.emails, at + 2 + group.emails + group.steps)));
      writeIds.push(...writeIdsOf(results.slice(at + 2 + group.emails + group.steps, at + group.all.length)));
      at += group.all.length;
    });
    if (!first) return fail('conflict', 'The booking changed meanwhile; reload it and try again');
    return { ok: true, booking: bookingJson({ booking: bookingFromRow(first), attendee: targets[0]!.attendee }), deliveryIds, notificationIds, steps, writeIds };
  }

  // --- Abuse caps and slot reservations (issue #14): same lock, same SQL guard, logic in src/reservations/ ---

  /**
   * The cap on one attendee's future bookings: the event type's `max_active_bookings_per_booker` (its bookings only)
   * when set, which supersedes the host-wide MAX_FUTURE_BOOKINGS_PER_ATTENDEE; else that host-wide cap.
   */
  private attendeeCap(et: { id: number; maxActiveBookingsPerBooker: number | null }, email: string) {
    if (et.maxActiveBookingsPerBooker !== null) return { email, max: et.maxActiveBookingsPerBooker, eventTypeId: et.id };
    return { email, max: positiveIntVar(this.env.MAX_FUTURE_BOOKINGS_PER_ATTENDEE, DEFAULT_MAX_FUTURE_BOOKINGS_PER_ATTENDEE) };
  }

  /**
   * Why a guarded insert wrote nothing, when the reason is the attendee cap (checked in the INSERT itself; asked again
   * only on this failure path): 409 booker_limit_reached for the event type's own cap, too_many_bookings for the host's.
   */
  private async attendeeCapFailure(db: Db, hostId: number, cap: { email: string; max: number; eventTypeId?: number }, now: number, occurrences = 1): Promise<Written | null> {
    const upcoming = await futureBookingsOfAttendee(db, hostId, cap.email, now, cap.eventTypeId);
    if (upcoming + occurrences <= cap.max) return null;
    if (occurrences > 1) {
      const which = cap.eventTypeId !== undefined ? 'of this event type' : 'with this host';
      const message = `This email has ${upcoming} upcoming booking${upcoming === 1 ? '' : 's'} ${which}; a series of ${occurrences} meetings would pass the limit of ${cap.max} (every meeting counts)`;
      return fail(cap.eventTypeId !== undefined ? 'booker_limit_reached' : 'too_many_bookings', message);
    }
    if (cap.eventTypeId !== undefined) {
      return fail('booker_limit_reached', `This email already has ${cap.max} upcoming booking${cap.max === 1 ? '' : 's'} of this event type; cancel one to book another`);
    }
    return fail('too_many_bookings', `This email already has ${cap.max} upcoming bookings with this host; cancel one to book another`);
  }

  /** Runs a hold operation under the lock on its own primary D1 session, like `write`, and reports its D1 cost. */
  private async holdWrite<T extends object>(fn: (e: HoldEnv) => Promise<T>): Promise<T & { d1: D1Report }> {
    const d1 = new RequestDb(this.env.DB, 'first-primary');
    const result = await this.lock.run(() =>
      fn({
        d1: d1.db.$client,
        db: d1.db,
        now: this.clock(),
        maxHoldsPerClient: positiveIntVar(this.env.MAX_ACTIVE_HOLDS_PER_CLIENT, DEFAULT_MAX_ACTIVE_HOLDS_PER_CLIENT),
      }),
    );
    return { ...result, d1: d1.report() };
  }

  reserve(req: HoldRequest): Promise<HoldReply> {
    return this.holdWrite((e) => takeHold(e, req));
  }

  changeReservation(uid: string, change: HoldChangeRequest): Promise<HoldReply> {
    return this.holdWrite((e) => changeHold(e, uid, change));
  }

  /** Freeing time cannot overlap anything, but it still queues behind a write in progress, like every change. */
  releaseReservation(uid: string): Promise<{ released: boolean; d1: D1Report }> {
    return this.holdWrite(async (e) => ({ released: await deleteHold(e.db, uid) }));
  }
}

/** Workflow steps of a status change: a confirmed request schedules them, a cancel voids them (a decline has none). */
function transitionSteps(d1: D1Queryable, after: Booking, sequence: number, now: number) {
  if (after.status === 'accepted') return stepsFor(d1, 'entered', after, sequence, now);
  if (after.status === 'cancelled') return stepsFor(d1, 'cancelled', after, sequence, now);
  return [];
}

/** Reschedule, cancel, confirm and decline each raise the calendar SEQUENCE by one (the SQL does the same). */
/** The calendar state after a change of the booking: SEQUENCE raised; an occurrence of a series is named in it. */
function nextCalendarState(b: Pick<Booking, 'sequence' | 'createdAt' | 'recurringBookingUid' | 'recurrenceStart'>, now: number): CalendarState {
  return { sequence: b.sequence + 1, createdAt: b.createdAt, updatedAt: now, ...seriesRefOf(b) };
}

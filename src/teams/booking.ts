/**
 * Booking a team event type: every attending host is guarded, and the hosts are locked in one global order.
 *
 * - Who attends: collective, every host; round robin, the fixed hosts plus one rotating host, tried in the order of
 *   `rankHosts` (a candidate whose write loses a race is followed by the next before answering 409).
 * - Locking: a lease on each attending host's HostCalendar, taken in ascending user id. Every multi-host booking
 *   takes its locks in that one order and a personal write takes only its own host's, so no cycle of waits (a
 *   deadlock) can form. A lease expires by itself after LEASE_TTL_MS, so a request that dies while holding leases
 *   never leaves a host locked; waiting is bounded by LEASE_WAIT_MS.
 * - Under the leases the hosts are read again (one statement), checked with the slot engine, and written in ONE D1
 *   batch: the booking row, guarded in SQL against any live booking or hold of ANY attending host (booking_hosts),
 *   its attendee, one booking_hosts row per attending host (the organizer's by the table's trigger), the webhook and
 *   email outbox rows. The guard is the last word: a lease that expired mid-write costs the serialization, never the
 *   guarantee, and the batch is all or nothing.
 */
import type { Db } from '../db/client';
import type { RequestDb } from '../db/session';
import { isUniqueViolation } from '../db/errors';
import type { Bindings } from '../env';
import { ApiError, notFound } from '../lib/errors';
import { checkAnswers, completeFields } from '../event-types/booking-fields';
import type { BookRequest } from '../bookings/draft';
import { spanAt } from '../bookings/occupancy';
import { snapshotOf } from '../bookings/snapshot';
import { attendeeLocation, storedLocation } from '../bookings/location';
import { KEY_REUSED_MESSAGE, priorAnswer } from '../bookings/replay';
import {
  bookingFromRow,
  bookingJson,
  findBookingForWrite,
  futureBookingsOfAttendee,
  guardedTeamInsert,
  guardedTeamMove,
  hostIdsOfBooking,
  insertAttendee,
  insertBookingHost,
  replaceBookingHosts,
  type BookingJson,
} from '../bookings/repo';
import { hostCalendar } from '../bookings/stub';
import { newBookingUid } from '../bookings/uid';
import { enqueueNotifications, notificationIdsOf, notificationInserts } from '../notifications/outbox';
import { deliveryIdsOf, enqueueDeliveries, outboxInsert } from '../webhooks/outbox';
import { pendingStepsOf, stepStatements, type ScheduledStep } from '../workflows/schedule';
import { calendarWriteStatements, enqueueCalendarWrites, writeIdsOf } from '../calendars/writeback-outbox';
import { rankHosts } from './assignment';
import { loadTeamSlotContext, type TeamHost, type TeamSlotContext } from './slots-repo';
import { checkHost, checkTeamStart, checkWindow, splitHosts } from './slots';
import { holdForBooking } from '../reservations/holds';
import { deleteHoldIfBooked } from '../reservations/repo';
import { clientCapFailure, DEFAULT_MAX_OPEN_UNPAID, isPaidEventType, openCheckoutsOf } from '../bookings/paid';
import { positiveIntVar } from '../reservations/rules';
import { newPaymentRecord, paymentDeadline } from '../payments/checkout';
import { DEFAULT_REFUND_POLICY } from '../payments/money';
import { teamPayee } from './repo';

export const LEASE_TTL_MS = 5_000;
export const LEASE_WAIT_MS = 10_000;

export interface Attempt {
  /** Ascending user id. */
  hosts: TeamHost[];
  organizer: TeamHost;
  reason: string | null;
}

export const unavailable = (message: string) => new ApiError('slot_unavailable', message);

/** The host sets to try, in order: one for a collective, one per free rotating host for a round robin. */
export function attemptsFor(ctx: TeamSlotContext, now: number, start: number, keep?: number): Attempt[] {
  const attempts = hostSetsFor(ctx, now, start);
  // Decided over the team's answer, so after the hosts' own rules have said who is free.
  const team = checkTeamStart(ctx, now, start);
  if (!team.ok) throw unavailable(team.message);
  if (keep === undefined || ctx.hosts.every((h) => h.isFixed)) return attempts;
  // Rescheduling: the same host when free at the new time, else a re-assignment that says so.
  const same = attempts.find((a) => a.organizer.id === keep);
  const others = attempts.filter((a) => a !== same).map((a) => ({ ...a, reason: `re-assigned (the previous host is not free then): ${a.reason}` }));
  return same ? [{ ...same, reason: 'kept the same host' }, ...others] : others;
}

function hostSetsFor(ctx: TeamSlotContext, now: number, start: number): Attempt[] {
  if (ctx.hosts.length === 0) throw unavailable('This team event type has no hosts');
  const { fixed } = splitHosts(ctx);
  for (const host of fixed) {
    const check = checkHost(ctx, host, now, start);
    if (!check.ok) throw unavailable(check.reason === 'overlap' ? 'A host of this meeting is busy at that time.' : check.message);
  }
  if (ctx.eventType.schedulingType === 'collective') return [{ hosts: fixed, organizer: fixed[0]!, reason: null }];
  const rotating = ctx.hosts.filter((h) => !h.isFixed);
  if (rotating.length === 0) return [{ hosts: fixed, organizer: fixed[0]!, reason: 'fixed hosts only' }];
  const free = new Set(rotating.filter((h) => checkHost(ctx, h, now, start).ok).map((h) => h.id));
  const ranked = rankHosts(rotating, free, { distribution: ctx.eventType.distribution, weightsEnabled: ctx.eventType.weightsEnabled });
  if (ranked.length === 0) {
    // Which rule refused it, for the message: the first rotating host's own check.
    const first = checkHost(ctx, rotating[0]!, now, start);
    throw unavailable(!first.ok && first.reason !== 'overlap' ? first.message : 'No host of this team is free at that time.');
  }
  return ranked.map(({ host, reason }) => ({ hosts: [...fixed, host].sort((a, b) => a.id - b.id), organizer: host, reason }));
}

/**
 * Under the leases, with the hosts read again: whether this attempt's hosts may still take `start` (every host's own
 * rules and the team-wide one), and if not, why.
 */
export function recheck(ctx: TeamSlotContext, attempt: Attempt, now: number, start: number): { ok: true } | { ok: false; message: string } {
  for (const h of attempt.hosts) {
    const host = ctx.hosts.find((c) => c.id === h.id);
    if (!host) return { ok: false, message: 'A host left the team' };
    const check = checkHost(ctx, host, now, start);
    if (!check.ok) return { ok: false, message: check.reason === 'overlap' ? 'That time was just taken by another booking.' : check.message };
  }
  const team = checkTeamStart(ctx, now, start);
  return team.ok ? team : { ok: false, message: team.message };
}

export async function withLeases<T>(env: Bindings, hostIds: number[], fn: () => Promise<T>): Promise<T> {
  const leaseId = crypto.randomUUID();
  const taken: number[] = [];
  try {
    // Ascending user id, one after the other: the one global order that rules out deadlocks.
    for (const id of [...hostIds].sort((a, b) => a - b)) {
      if (!(await hostCalendar(env, id).acquireLease(leaseId, LEASE_TTL_MS, LEASE_WAIT_MS))) {
        throw unavailable('The hosts are busy with other bookings right now; try again');
      }
      taken.push(id);
    }
    return await fn();
  } finally {
    await Promise.all(taken.map((id) => hostCalendar(env, id).releaseLease(leaseId).catch(() => false)));
  }
}

async function replay(db: Db, key: string, hash: string | null): Promise<{ booking: BookingJson; replayed: boolean } | null> {
  const prior = await priorAnswer(db, key, hash);
  if (prior === 'reused') throw new ApiError('idempotency_key_reused', KEY_REUSED_MESSAGE);
  return prior && { booking: prior, replayed: true };
}

/** The alarm of each host whose reminder steps the batch wrote or moved (their HostCalendar objects deliver them). */
async function armReminders(env: Bindings, steps: ScheduledStep[]): Promise<void> {
  const hosts = [...new Set(steps.map((s) => s.host_id))];
  await Promise.all(hosts.map((hostId) => hostCalendar(env, hostId).armReminders(steps.filter((s) => s.host_id === hostId))));
}

/** POST /v2/bookings for a team event type. */
export async function bookTeamEventType(d1: RequestDb, env: Bindings, req: BookRequest): Promise<{ booking: BookingJson; replayed: boolean }> {
  const db = d1.db;
  if (req.recurrenceCount !== undefined) {
    throw new ApiError('validation_failed', 'Request validation failed', [{ path: 'recurrence_count', message: 'This event type is not recurring' }]);
  }
  if (req.idempotencyKey) {
    const prior = await replay(db, req.idempotencyKey, req.idempotencyHash);
    if (prior) return prior;
  }
  // Booking through a hold (src/teams/holds.ts): its rows, one per host it blocks, do not stand in its own way.
  const hold = req.reservationUid ? await holdForBooking(db, req.reservationUid, req.eventTypeId, req.start, Date.now()) : null;
  if (req.reservationUid && !hold) throw notFound('Reservation');
  const holdUid = hold?.uid ?? null;
  const window = checkWindow(req.start);
  const first = await loadTeamSlotContext(db, req.eventTypeId, window, Date.now(), 0, holdUid);
  if (!first) throw notFound('Event type');
  const et = first.eventType;
  const answers = checkAnswers(completeFields(et.bookingFields), req.attendee.notes, req.responses);
  if (!answers.ok) throw new ApiError('validation_failed', 'Request validation failed', answers.issues);
  const location = attendeeLocation(et, req.location);
  if (!location.ok) throw new ApiError('validation_failed', 'Request validation failed', [{ path: 'location', message: location.message }]);
  const paid = isPaidEventType(et) ? await paidBookingTerms(d1, env, req, et, first.team.id) : null;
  if (paid && 'resumed' in paid) return { booking: paid.resumed, replayed: true };

  let lastMessage = 'That time was just taken by another booking.';
  // A round-robin hold was taken on the host the assignment picked then: that host goes first.
  const attempts = attemptsFor(first, Date.now(), req.start).sort((a, b) => Number(b.organizer.id === hold?.hostId) - Number(a.organizer.id === hold?.hostId));
  for (const attempt of attempts) {
    const written = await withLeases(env, attempt.hosts.map((h) => h.id), async () => {
      // Read again under the leases: what the check sees now cannot change until the write is done.
      const now = Date.now();
      const ctx = await loadTeamSlotContext(db, req.eventTypeId, window, now, 0, holdUid);
      if (!ctx) throw notFound('Event type');
      const check = recheck(ctx, attempt, now, req.start);
      if (!check.ok) return check;
      return { ok: true as const, result: await write(d1, env, req, ctx, attempt, { value: location.value, responses: answers.responses, holdUid, payee: paid?.payee ?? null }, now) };
    });
    if (written.ok && written.result) return { booking: written.result, replayed: false };
    if (!written.ok) lastMessage = written.message;
  }
  throw unavailable(lastMessage);
}

/**
 * A paid team event type (src/payments/): the attendee's open unpaid booking of this event type at this start is
 * answered again (an abandoned checkout resumed), an email with PAYMENT_MAX_OPEN_PER_ATTENDEE open unpaid bookings of
 * it gets 409, and the payment goes to the team owner's Stripe account (`payee`). Read before the leases: the cap is
 * a brake on squatting, the overlap guard is what keeps the time.
 */
async function paidBookingTerms(
  d1: RequestDb,
  env: Bindings,
  req: BookRequest,
  et: Parameters<typeof openCheckoutsOf>[3],
  teamId: number,
): Promise<{ resumed: BookingJson } | { payee: number }> {
  const now = Date.now();
  // Resumed only to the same form, as a personal one (openCheckoutsOf): an email and a start are easy to know.
  const { open, resumed } = await openCheckoutsOf(d1.db, { eventTypeId: et.id }, req, et, now);
  if (resumed) return { resumed: bookingJson(resumed) };
  const maxOpen = positiveIntVar(env.PAYMENT_MAX_OPEN_PER_ATTENDEE, DEFAULT_MAX_OPEN_UNPAID);
  if (open.length >= maxOpen) {
    throw new ApiError('too_many_bookings', `This email already has ${maxOpen} unpaid booking${maxOpen === 1 ? '' : 's'} of this event type; pay for one or let it expire to book another`);
  }
  const squatting = await clientCapFailure(d1.db, env, { eventTypeId: et.id }, req.clientHash, now);
  if (squatting) throw new ApiError('too_many_bookings', squatting);
  const payee = await teamPayee(d1.db, teamId);
  if (payee === undefined) throw new ApiError('conflict', 'This team cannot take payments: it has no owner');
  return { payee };
}

async function write(
  d1: RequestDb,
  env: Bindings,
  req: BookRequest,
  ctx: TeamSlotContext,
  attempt: Attempt,
  extra: { value: string | null; responses: Record<string, unknown>; holdUid: string | null; payee: number | null },
  now: number,
): Promise<BookingJson | null> {
  const et = ctx.eventType;
  const organizer = ctx.hosts.find((h) => h.id === attempt.organizer.id)!;
  // A paid one waits for its payment (as a personal one, src/bookings/paid.ts): no host location, email, reminder or
  // calendar write before it; only BOOKING_PAYMENT_INITIATED. Paying it runs in the organizer's object.
  const paid = extra.payee !== null;
  const booking = {
    uid: newBookingUid(),
    eventTypeId: et.id,
    hostId: organizer.id,
    title: `${et.title} between ${ctx.team.name} and ${req.attendee.name}`,
    ...spanAt(et, req.start),
    status: paid ? ('awaiting_payment' as const) : et.requiresConfirmation ? ('pending' as const) : ('accepted' as const),
    locationType: et.locationType,
    locationValue: storedLocation(paid || et.requiresConfirmation, req.location !== null, extra.value),
    metadata: req.metadata,
    bookingFieldsResponses: Object.keys(extra.responses).length ? (extra.responses as never) : null,
    idempotencyKey: req.idempotencyKey,
    idempotencyHash: req.idempotencyHash,
    assignmentReason: attempt.reason,
    paymentExpiresAt: paid ? paymentDeadline(now, et.paymentDeadlineMinutes, req.start) : null,
    payment: paid ? newPaymentRecord(et.price!, et.currency!, extra.payee!, et.refundPolicy ?? DEFAULT_REFUND_POLICY, req.clientHash ?? null) : null,
    now,
  };
  const trigger = paid ? 'BOOKING_PAYMENT_INITIATED' : booking.status === 'pending' ? 'BOOKING_REQUESTED' : 'BOOKING_CREATED';
  const snapshot = snapshotOf(trigger, {
    booking: { ...booking, id: 0, recurringBookingUid: null, recurrenceStart: null, cancellationReason: null, rejectionReason: null, rescheduleReason: null, previousStartAt: null, sequence: 0, createdAt: now, updatedAt: now },
    attendee: req.attendee,
    host: { id: organizer.id, name: organizer.name, email: organizer.email, timezone: organizer.timezone },
    eventType: et,
  });
  const client = d1.db.$client;
  const others = attempt.hosts.filter((h) => h.id !== organizer.id);
  const cap = et.maxActiveBookingsPerBooker === null ? null : { email: req.attendee.email, max: et.maxActiveBookingsPerBooker };
  const created = { sequence: 0, createdAt: now, updatedAt: now };
  // Every attending host's destination calendar gets the booking (after the booking_hosts rows, which say who attends).
  const calendarWrites = paid ? [] : calendarWriteStatements(client, snapshot, created, now);
  const steps = booking.status === 'accepted' ? stepStatements(client, 'entered', { uid: booking.uid, status: 'accepted', startAt: booking.startAt, endAt: booking.endAt, sequence: 0 }, now) : [];
  let all: D1Result[];
  try {
    all = await client.batch([
      guardedTeamInsert(client, booking, attempt.hosts.map((h) => h.id), cap, extra.holdUid),
      insertAttendee(client, booking.uid, req.attendee),
      // Before the outbox rows: their recipients and the webhooks' `team` are read from booking_hosts.
      ...others.map((h) => insertBookingHost(client, booking.uid, h.id)),
      outboxInsert(client, snapshot, now),
      // The consumed hold goes with the booking (only if the booking row was written), like a personal one's.
      ...(extra.holdUid ? [deleteHoldIfBooked(client, extra.holdUid, booking.uid)] : []),
      ...(paid ? [] : notificationInserts(client, env, snapshot, created, now)),
      ...calendarWrites,
      // Reminder steps (src/workflows/), read from the workflows in SQL: no extra round trip.
      ...steps,
    ]);
  } catch (error) {
    if (req.idempotencyKey && isUniqueViolation(error)) {
      const prior = await replay(d1.db, req.idempotencyKey, req.idempotencyHash);
      if (prior) return prior.booking;
    }
    throw error;
  }
  const results = all.slice(0, all.length - steps.length);
  const inserted = results[0]?.results[0] as Record<string, unknown> | undefined;
  if (!inserted) {
    // The guard refused it: the attendee cap (asked again only on this path), else a host's time was taken.
    if (cap && (await futureBookingsOfAttendee(d1.db, null, cap.email, now, et.id)) >= cap.max) {
      throw new ApiError('booker_limit_reached', `This email already has ${cap.max} upcoming booking${cap.max === 1 ? '' : 's'} of this event type; cancel one to book another`);
    }
    return null;
  }
  const deliveryIds = deliveryIdsOf(results[2 + others.length]!);
  const notificationIds = notificationIdsOf(results.slice(3 + others.length + (extra.holdUid ? 1 : 0), results.length - calendarWrites.length));
  const writeIds = writeIdsOf(results.slice(results.length - calendarWrites.length));
  if (deliveryIds.length) await enqueueDeliveries(env, deliveryIds, client);
  if (notificationIds.length) await enqueueNotifications(env, notificationIds, client);
  if (writeIds.length) await enqueueCalendarWrites(env, writeIds, client);
  await armReminders(env, pendingStepsOf(all.slice(results.length)));
  return bookingJson({ booking: bookingFromRow(inserted), attendee: req.attendee });
}

/**
 * PATCH /v2/bookings/{uid} for a team booking: the same rules as a new booking at the new time, with the booking's
 * own span left out. A round robin keeps its host when they are free then, otherwise re-assigns and records why in
 * `assignment_reason`. Locks the leases of every host involved, old and new, in ascending user id.
 */
export async function rescheduleTeamBooking(d1: RequestDb, env: Bindings, uid: string, start: number, reason: string | null): Promise<BookingJson> {
  const db = d1.db;
  const current = await findBookingForWrite(db, uid);
  if (!current) throw notFound('Booking');
  const { booking } = current;
  if (booking.status === 'cancelled' || booking.status === 'rejected' || booking.status === 'expired') throw new ApiError('conflict', `A${booking.status === 'expired' ? 'n' : ''} ${booking.status} booking cannot be rescheduled`);
  // Moving a paid booking never charges again; an unpaid one is paid for first (src/payments/machine.ts).
  if (booking.status === 'awaiting_payment') throw new ApiError('conflict', 'Pay for this booking before rescheduling it');
  if (booking.startAt <= Date.now()) throw new ApiError('conflict', 'A booking that has already started cannot be rescheduled');
  if (!current.eventType) throw new ApiError('conflict', 'The event type of this booking no longer exists');
  const eventTypeId = current.eventType.id;
  const window = checkWindow(start);
  const first = await loadTeamSlotContext(db, eventTypeId, window, Date.now(), booking.id);
  if (!first) throw new ApiError('conflict', 'The event type of this booking is no longer bookable');
  const oldHosts = await hostIdsOfBooking(db, booking.id);

  let lastMessage = 'That time was just taken by another booking.';
  for (const attempt of attemptsFor(first, Date.now(), start, booking.hostId)) {
    const involved = [...new Set([...oldHosts, ...attempt.hosts.map((h) => h.id)])];
    const moved = await withLeases(env, involved, async () => {
      const now = Date.now();
      const ctx = await loadTeamSlotContext(db, eventTypeId, window, now, booking.id);
      if (!ctx) throw new ApiError('conflict', 'The event type of this booking is no longer bookable');
      const check = recheck(ctx, attempt, now, start);
      if (!check.ok) return check;
      const organizer = ctx.hosts.find((h) => h.id === attempt.organizer.id)!;
      const span = spanAt(ctx.eventType, start);
      const hostIds = attempt.hosts.map((h) => h.id);
      const after = { ...booking, startAt: span.startAt, endAt: span.endAt, hostId: organizer.id };
      const snapshot = snapshotOf(
        'BOOKING_RESCHEDULED',
        { ...current, booking: after, host: { id: organizer.id, name: organizer.name, email: organizer.email, timezone: organizer.timezone } },
        { previousStartAt: booking.startAt, previousEndAt: booking.endAt, reason },
      );
      const client = db.$client;
      const hostWrites = replaceBookingHosts(client, booking.id, booking.sequence + 1, hostIds);
      const state = { sequence: booking.sequence + 1, createdAt: booking.createdAt, updatedAt: now };
      const calendarWrites = calendarWriteStatements(client, snapshot, state, now);
      const steps =
        booking.status === 'accepted'
          ? stepStatements(client, 'rescheduled', { uid: booking.uid, status: 'accepted', startAt: span.startAt, endAt: span.endAt, sequence: booking.sequence + 1 }, now)
          : [];
      const all = await client.batch([
        guardedTeamMove(client, booking, { ...span, reason, hostId: organizer.id, assignmentReason: attempt.reason ?? booking.assignmentReason }, hostIds, now),
        ...hostWrites,
        outboxInsert(client, snapshot, now),
        ...notificationInserts(client, env, snapshot, state, now),
        ...calendarWrites,
        ...steps,
      ]);
      const results = all.slice(0, all.length - steps.length);
      const row = results[0]?.results[0] as Record<string, unknown> | undefined;
      if (!row) return { ok: true as const, row: null };
      const deliveryIds = deliveryIdsOf(results[1 + hostWrites.length]!);
      const notificationIds = notificationIdsOf(results.slice(2 + hostWrites.length, results.length - calendarWrites.length));
      const writeIds = writeIdsOf(results.slice(results.length - calendarWrites.length));
      if (deliveryIds.length) await enqueueDeliveries(env, deliveryIds, client);
      if (notificationIds.length) await enqueueNotifications(env, notificationIds, client);
      if (writeIds.length) await enqueueCalendarWrites(env, writeIds, client);
      await armReminders(env, pendingStepsOf(all.slice(results.length)));
      return { ok: true as const, row };
    });
    if (moved.ok && moved.row) return bookingJson({ booking: bookingFromRow(moved.row), attendee: current.attendee });
    if (!moved.ok) lastMessage = moved.message;
  }
  throw unavailable(lastMessage);
}

// Paid bookings (issue #30) inside HostCalendar, under the host's lock: booking one (status `awaiting_payment`, which
// holds the time like a booking until `payment_expires_at`), and applying a payment event (paid, expired, cancelled,
// declined, confirmed, refunded by hand) decided by the pure state machine (src/payments/machine.ts), in ONE D1 batch:
// the guarded UPDATE, then the webhook and email rows of the effects it announces, which find the booking only in the
// state the UPDATE produced. The Stripe effects (refund, close the checkout) are answered to the caller, which
// performs them after the commit (src/payments/service.ts).
import type { D1Queryable, Db } from '../db/client';
import { isForeignKeyViolation } from '../db/errors';
import type { Booking, WebhookTrigger } from '../db/schema';
import type { Bindings } from '../env';
import type { ErrorCode } from '../lib/errors';
import type { SlotContext } from '../slots/context';
import { notificationIdsOf, notificationInserts } from '../notifications/outbox';
import { deliveryIdsOf, outboxInsert } from '../webhooks/outbox';
import { calendarWriteStatements, writeIdsOf } from '../calendars/writeback-outbox';
import { pendingStepsOf, stepStatements, type ScheduledStep } from '../workflows/schedule';
import { deleteHoldIfBooked } from '../reservations/repo';
import { attendeeCancelRefund, DEFAULT_REFUND_POLICY, refundTotalsOf, seriesShares } from '../payments/money';
import { next, refundable, type PaidBookingStatus, type PaymentEvent, type PaymentState, type PaymentWork, type Transition } from '../payments/machine';
import { seriesRefOf } from './calendar';
import { newPaymentRecord, paymentDeadline } from '../payments/checkout';
import { snapshotOf } from './snapshot';
import { draftBooking, type BookRequest } from './draft';
import { checkAnswers, completeFields } from '../event-types/booking-fields';
import { bookingFromRow, bookingJson, findBookingForWrite, guardedInsert, insertAttendee, acceptedLocation, seriesForWrite, type BookingForWrite, type BookingJson, type NewBooking } from './repo';
import type { PaymentRecord } from '../db/json-types';
import type { BookingEventSnapshot } from '../webhooks/payload';
import { openSeatAt, openUnpaidOf, openUnpaidOfClient, openUnpaidSeatsOf, paymentUpdate, spanFreeFor } from './paid-repo';
import { findSeat } from './seat-repo';
import { seatJson } from './seat-views';
import { newBookingUid } from './uid';
import { positiveIntVar } from '../reservations/rules';

export type PaidWritten =
  | {
      ok: true;
      booking: BookingJson;
      replayed?: boolean;
      deliveryIds?: number[];
      notificationIds?: number[];
      steps?: ScheduledStep[];
      /** Calendar write-back rows made pending (src/calendars/writeback-outbox.ts). */
      writeIds?: number[];
      /** Stripe work for the caller after the commit, per booking: refunds and closing the checkout. */
      paymentWork?: PaymentWork[];
      /** A paid series' occurrences after the change. */
      occurrences?: BookingJson[];
    }
  | { ok: false; code: ErrorCode; message: string };

export interface PaidEnv {
  db: Db;
  env: Bindings;
  now: number;
  attendeeCap: (email: string) => { email: string; max: number; eventTypeId?: number };
  capFailure: (cap: { email: string; max: number; eventTypeId?: number }) => Promise<PaidWritten | null>;
}

const fail = (code: ErrorCode, message: string): PaidWritten => ({ ok: false, code, message });

export const DEFAULT_MAX_OPEN_UNPAID = 2;
/** Open unpaid checkouts one client network may hold with one host (many emails from one place squat no more). */
export const DEFAULT_MAX_OPEN_UNPAID_PER_CLIENT = 5;

/** The per-client cap (null: go on). Read under the host's lock (or, for a team, before its leases). */
export async function clientCapFailure(db: Db, env: Pick<Bindings, 'PAYMENT_MAX_OPEN_PER_CLIENT'>, scope: { hostId: number } | { eventTypeId: number }, client: string | null | undefined, now: number) {
  if (!client) return null;
  const max = positiveIntVar(env.PAYMENT_MAX_OPEN_PER_CLIENT, DEFAULT_MAX_OPEN_UNPAID_PER_CLIENT);
  if ((await openUnpaidOfClient(db, scope, client, now)) < max) return null;
  return `This network already has ${max} unpaid booking${max === 1 ? '' : 's'} here; pay for one or let it expire to book another`;
}

export const isPaidEventType = (et: { price: number | null; currency: string | null }) => et.price !== null && et.currency !== null;

/**
 * Before a new paid booking (or series): the same email's open unpaid booking of this event type at this start, asked
 * with the same form (`sameForm`), is answered again with its checkout (a series with all its occurrences); an email with PAYMENT_MAX_OPEN_PER_ATTENDEE
 * open unpaid bookings with this host (a series counts once: one checkout) gets 409 too_many_bookings. Null: go on.
 */
export async function unpaidAgain(e: PaidEnv, req: BookRequest, ctx: SlotContext): Promise<PaidWritten | null> {
  // A paid seat: the same email's open seat in this slot (asked before the slot rules, which see the slot full).
  const seatUid = ctx.eventType.seatsPerTimeSlot !== null ? await openSeatAt(e.db, ctx.eventType.id, req.start, req.attendee.email, e.now) : null;
  const seat = seatUid ? await findSeat(e.db, seatUid) : undefined;
  if (seat && sameForm(req, ctx.eventType.bookingFields, seat.attendee, seat.attendee.bookingFieldsResponses)) return { ok: true, booking: seatJson(seat.booking, seat.attendee, null, e.now), replayed: true };
  const { open, resumed } = await openCheckoutsOf(e.db, { hostId: ctx.host.id }, req, ctx.eventType, e.now);
  if (resumed) {
    const series = resumed.booking.recurringBookingUid;
    const occurrences = series ? (await seriesForWrite(e.db, series)).map((o) => bookingJson(o)) : undefined;
    return { ok: true, booking: bookingJson(resumed), replayed: true, ...(occurrences ? { occurrences } : {}) };
  }
  const maxOpen = positiveIntVar(e.env.PAYMENT_MAX_OPEN_PER_ATTENDEE, DEFAULT_MAX_OPEN_UNPAID);
  const seats = await openUnpaidSeatsOf(e.db, ctx.host.id, req.attendee.email, e.now);
  if (new Set(open.map((b) => b.recurringBookingUid ?? b.uid)).size + seats >= maxOpen) {
    return fail('too_many_bookings', `This email already has ${maxOpen} unpaid booking${maxOpen === 1 ? '' : 's'} with this host; pay for one or let it expire to book another`);
  }
  const squatting = await clientCapFailure(e.db, e.env, { hostId: ctx.host.id }, req.clientHash, e.now);
  return squatting ? fail('too_many_bookings', squatting) : null;
}

/**
 * The same email's open unpaid bookings in `scope` (a host's, or a team event type's), and among them the one at this
 * start of this event type that the request may resume: only asked with the same form (`sameForm`). Both booking
 * paths (personal and team) resume through here, so neither can answer a booking to someone else.
 */
export async function openCheckoutsOf(
  db: Db,
  scope: { hostId: number } | { eventTypeId: number },
  req: BookRequest,
  et: { id: number; bookingFields: SlotContext['eventType']['bookingFields'] },
  now: number,
) {
  const open = await openUnpaidOf(db, scope, req.attendee.email, now);
  const same = open.find((b) => b.eventTypeId === et.id && b.startAt === req.start);
  const found = same && (await findBookingForWrite(db, same.uid));
  const resumed = found && sameForm(req, et.bookingFields, found.attendee, found.booking.bookingFieldsResponses) ? found : undefined;
  return { open, resumed };
}

/**
 * The open checkout comes back only to the same form: an email and a start are easy to know, and the answer carries
 * the booking's uid (which cancels it) and what its invitee wrote. The name, time zone, notes and answers must be the
 * ones stored (a retried request and the browser's back button send them again); any other asker meets a taken slot.
 */
function sameForm(
  req: BookRequest,
  bookingFields: SlotContext['eventType']['bookingFields'],
  stored: { name: string; timezone: string; notes: string | null } | null | undefined,
  storedAnswers: unknown,
): boolean {
  if (!stored) return false;
  const answers = checkAnswers(completeFields(bookingFields), req.attendee.notes, req.responses);
  if (!answers.ok) return false;
  const asked = Object.keys(answers.responses).length ? answers.responses : null;
  return (
    req.attendee.name === stored.name &&
    req.attendee.timezone === stored.timezone &&
    (req.attendee.notes ?? null) === (stored.notes ?? null) &&
    JSON.stringify(asked) === JSON.stringify(storedAnswers ?? null)
  );
}

/**
 * A paid recurring series (price per series): every occurrence `awaiting_payment` until one deadline (never after the
 * first start), each with its share of the price (`seriesShares`) and the series' price; the first occurrence carries
 * the checkout and the invitation's series master for when it is paid. Only BOOKING_PAYMENT_INITIATED goes out.
 */
export function paidSeries(ctx: SlotContext, starts: number[], now: number, client: string | null) {
  const et = ctx.eventType;
  const shares = seriesShares(et.price!, starts.length, et.currency!);
  const expiresAt = paymentDeadline(now, et.paymentDeadlineMinutes, starts[0]!);
  return {
    awaiting<D extends { booking: NewBooking; snapshot: BookingEventSnapshot }>(draft: D, index: number, master: NonNullable<PaymentRecord['series_master']>): D {
      const payment: PaymentRecord = {
        ...newPaymentRecord(shares[index]!, et.currency!, ctx.host.id, et.refundPolicy ?? DEFAULT_REFUND_POLICY, client),
        series_amount: et.price!,
        ...(index === 0 ? { series_master: { rule: { freq: master.rule.freq, interval: master.rule.interval }, count: master.count, zone: master.zone, lastStart: master.lastStart } } : {}),
      };
      const booking = { ...draft.booking, status: 'awaiting_payment' as const, paymentExpiresAt: expiresAt, payment };
      const snapshot = {
        ...draft.snapshot,
        trigger: 'BOOKING_PAYMENT_INITIATED' as const,
        booking: { ...draft.snapshot.booking, status: booking.status },
        payment: { status: 'unpaid', amount: payment.amount, currency: payment.currency, refundedAmount: 0 },
      };
      return { ...draft, booking, snapshot };
    },
  };
}

/**
 * A new paid booking: `awaiting_payment` until its deadline, behind the same guarded INSERT as any booking. No email
 * and no BOOKING_CREATED before payment; a BOOKING_PAYMENT_INITIATED webhook. The same attendee booking the same
 * slot again while its checkout is open gets that booking back (never a second one, never a 409 dead end); an
 * attendee with PAYMENT_MAX_OPEN_PER_ATTENDEE open unpaid bookings with this host gets 409 too_many_bookings.
 */
export async function bookPaid(e: PaidEnv, req: BookRequest, ctx: SlotContext, holdUid: string | null): Promise<PaidWritten> {
  const et = ctx.eventType;
  // A paid booking is written as a request as far as the location goes: no host link before payment.
  const draft = draftBooking(ctx, { ...req, needsConfirmation: true }, newBookingUid(), e.now);
  if (!draft.ok) return draft;
  const booking = {
    ...draft.booking,
    status: 'awaiting_payment' as const,
    paymentExpiresAt: paymentDeadline(e.now, et.paymentDeadlineMinutes, req.start),
    payment: newPaymentRecord(et.price!, et.currency!, ctx.host.id, et.refundPolicy ?? DEFAULT_REFUND_POLICY, req.clientHash ?? null),
  };
  const snapshot = { ...draft.snapshot, trigger: 'BOOKING_PAYMENT_INITIATED' as const, booking: { ...draft.snapshot.booking, status: booking.status } };
  const d1 = e.db.$client;
  const cap = e.attendeeCap(req.attendee.email);
  let results: D1Result[];
  try {
    results = await d1.batch([
      guardedInsert(d1, booking, { consumedHoldUid: holdUid, attendeeCap: cap }),
      outboxInsert(d1, { ...snapshot, payment: { status: 'unpaid', amount: booking.payment.amount, currency: booking.payment.currency, refundedAmount: 0 } }, e.now),
      insertAttendee(d1, booking.uid, req.attendee),
      ...(holdUid ? [deleteHoldIfBooked(d1, holdUid, booking.uid)] : []),
    ]);
  } catch (error) {
    if (isForeignKeyViolation(error)) return fail('not_found', 'Event type not found');
    throw error;
  }
  const inserted = results[0]?.results[0] as Record<string, unknown> | undefined;
  if (!inserted) return (await e.capFailure(cap)) ?? fail('slot_unavailable', 'This time overlaps another booking or a reservation of the host');
  return { ok: true, booking: bookingJson({ booking: bookingFromRow(inserted), attendee: req.attendee }), deliveryIds: deliveryIdsOf(results[1]!) };
}

/** The machine's state of a paid booking as stored (an unpaid booking past its deadline is still awaiting until swept). */
export function paymentStateOf(b: Booking): PaymentState {
  const p = b.payment!;
  return { booking: b.status as PaidBookingStatus, payment: p.status, amount: p.amount, refunded: p.refunded_amount };
}

/**
 * What a cancel refunds now: by the policy the booking was made under when the attendee cancels; everything when the
 * host (or a super admin) does.
 */
export function cancelRefund(b: Booking, byHost: boolean, now: number): number {
  const left = refundable(paymentStateOf(b));
  return byHost ? left : attendeeCancelRefund(b.payment!.refund_policy, left, b.startAt, now);
}

export interface EventDetails {
  reason?: string | null;
  paymentIntentId?: string | null;
}

/**
 * Applies one payment event to a paid booking: the machine decides, one batch writes. A `pay` asks whether the time is
 * still free (the booking's own row left out), and a revival is guarded in SQL too. Unchanged: answers the booking.
 */
export async function applyPaymentEvent(e: PaidEnv, current: BookingForWrite, event: PaymentEvent | { type: 'pay'; requiresConfirmation: boolean }, details: EventDetails = {}): Promise<PaidWritten> {
  return applyToSeries(e, [current], event, details);
}

/**
 * A payment event on several paid bookings at once, in ONE batch, each through the machine: the occurrences of a
 * paid series (price per series, one checkout; `targets[0]` is the one the event names). A payment books the series
 * only when every occurrence's time is free, else all of it is refunded (booked all or nothing, like a free series);
 * only the first occurrence's emails go out for it (its invitation carries the whole series, as a free series').
 * Other events (cancel, expire) apply to each occurrence by its own state and share.
 */
export async function applyToSeries(
  e: PaidEnv,
  targets: BookingForWrite[],
  event: PaymentEvent | { type: 'pay'; requiresConfirmation: boolean },
  details: EventDetails = {},
  /** A cancel: what each booking gets back (its own share, by the policy at its own start). */
  refundOf?: (b: Booking) => number,
): Promise<PaidWritten> {
  if (targets.some((x) => !x.booking.payment)) return fail('conflict', 'This booking has no payment');
  let decided: PaymentEvent = event as PaymentEvent;
  if (event.type === 'pay' && !('slotFree' in event)) {
    let slotFree = true;
    for (const x of targets) if (slotFree && !(await spanFreeFor(e.db, x.booking, e.now))) slotFree = false;
    decided = { ...event, slotFree };
  }
  const plans: Plan[] = [];
  for (const [index, current] of targets.entries()) {
    const t = next(paymentStateOf(current.booking), decided.type === 'cancel' && refundOf ? { type: 'cancel', refund: refundOf(current.booking) } : decided);
    if (!t.ok) {
      if (index === 0) return fail('conflict', t.message);
      continue;
    }
    if (t.changed) plans.push(planChange(e, current, t, decided, details, targets.length === 1 ? 'single' : index === 0 ? 'series-first' : 'series-other'));
  }
  if (plans.length === 0) return { ok: true, booking: bookingJson(targets[0]!) };

  const results = await e.db.$client.batch(plans.flatMap((p) => [p.update, ...p.groups.flatMap((g) => [...g.webhooks, ...g.emails, ...g.steps, ...g.writes])]));
  const out = { deliveryIds: [] as number[], notificationIds: [] as number[], steps: [] as ScheduledStep[], writeIds: [] as number[] };
  const rows: (Record<string, unknown> | undefined)[] = [];
  let at = 0;
  for (const plan of plans) {
    rows.push(results[at]?.results[0] as Record<string, unknown> | undefined);
    at += 1;
    for (const g of plan.groups) {
      out.deliveryIds.push(...results.slice(at, at + g.webhooks.length).flatMap(deliveryIdsOf));
      at += g.webhooks.length;
      out.notificationIds.push(...notificationIdsOf(results.slice(at, at + g.emails.length)));
      at += g.emails.length;
      out.steps.push(...pendingStepsOf(results.slice(at, at + g.steps.length)));
      at += g.steps.length;
      out.writeIds.push(...writeIdsOf(results.slice(at, at + g.writes.length)));
      at += g.writes.length;
    }
  }
  if (rows.some((row) => !row)) {
    // A revival whose time was taken meanwhile cannot happen under the lock; a write outside it could (a team
    // booking's other hosts): refund then. (The whole batch is one transaction: a failed guard wrote nothing.)
    if (decided.type === 'pay' && decided.slotFree) return applyToSeries(e, targets, { ...decided, slotFree: false }, details, refundOf);
    return fail('conflict', 'The booking changed meanwhile; reload it and try again');
  }
  const named = plans.findIndex((p) => p.current.booking.id === targets[0]!.booking.id);
  const first = named >= 0 ? bookingJson({ booking: bookingFromRow(rows[named]!), attendee: targets[0]!.attendee }) : bookingJson(targets[0]!);
  return {
    ok: true,
    booking: first,
    ...(targets.length > 1 ? { occurrences: targets.map((x) => { const k = plans.findIndex((p) => p.current.booking.id === x.booking.id); return k >= 0 ? bookingJson({ booking: bookingFromRow(rows[k]!), attendee: x.attendee }) : bookingJson(x); }) } : {}),
    ...out,
    paymentWork: plans
      .map((p) => ({ uid: p.current.booking.uid, effects: p.t.effects.filter((x) => x.kind === 'refund' || x.kind === 'close_checkout') }))
      .filter((w) => w.effects.length > 0),
  };
}

type Group = { webhooks: D1PreparedStatement[]; emails: D1PreparedStatement[]; steps: D1PreparedStatement[]; writes: D1PreparedStatement[] };
type Plan = { current: BookingForWrite; t: Extract<Transition, { ok: true }>; update: D1PreparedStatement; groups: Group[] };

/**
 * The statements of one booking's transition: the guarded UPDATE, then the webhook, email, reminder and calendar rows
 * of what it announces. `role`: a single booking; or in a paid series, the first occurrence (its emails carry the
 * series, as a free series' invitation) or another one (no emails of its own when the series is paid into being).
 */
function planChange(e: PaidEnv, current: BookingForWrite, t: Extract<Transition, { ok: true }>, decided: PaymentEvent, details: EventDetails, role: 'single' | 'series-first' | 'series-other'): Plan {
  const b = current.booking;
  const to = t.state;
  const entering = to.booking === 'accepted' || to.booking === 'pending';
  // A booking paid into being is announced for the first time (SEQUENCE 0); a change of a booking already announced
  // (cancel, decline, confirm) raises it like any change.
  const bumpSequence = b.status !== 'awaiting_payment' && b.status !== 'expired' && to.booking !== b.status;
  // A refund decided here is kept as its own step (src/payments/money.ts refundSteps): each is sent as its own request.
  const refundTotals = to.refunded > b.payment!.refunded_amount ? [...refundTotalsOf(b.payment!), to.refunded] : null;
  const after: Booking = {
    ...b,
    status: to.booking,
    sequence: b.sequence + (bumpSequence ? 1 : 0),
    updatedAt: e.now,
    cancellationReason: to.booking === 'cancelled' ? (details.reason ?? null) : b.cancellationReason,
    rejectionReason: to.booking === 'rejected' ? (details.reason ?? null) : b.rejectionReason,
    locationValue: to.booking === 'accepted' ? acceptedLocation(current) : b.locationValue,
    payment: { ...b.payment!, status: to.payment, refunded_amount: to.refunded, ...(refundTotals ? { refund_totals: refundTotals } : {}), payment_intent_id: details.paymentIntentId ?? b.payment!.payment_intent_id },
  };
  const d1 = e.db.$client;
  const tellPayer = t.effects.some((x) => x.kind === 'tell_payer_refunded');
  const update = paymentUpdate(
    d1,
    b,
    {
      from: b.status as PaidBookingStatus,
      to,
      bumpSequence,
      location: to.booking === 'accepted' ? acceptedLocation(current) : null,
      reason: details.reason ?? null,
      paymentIntentId: details.paymentIntentId ?? null,
      lateRefund: tellPayer,
      refundTotals,
      guardSpan: entering && b.status === 'expired',
    },
    e.now,
  );
  const state2 = { ...current, booking: after };
  const paidInto = decided.type === 'pay';
  // The first occurrence of a series paid into being sends the series' invitation (RRULE); other changes name their
  // occurrence (RECURRENCE-ID), as a free series' do.
  const master = role === 'series-first' && paidInto ? b.payment!.series_master : undefined;
  const series = master && b.recurringBookingUid ? { series: { uid: b.recurringBookingUid, recurrenceStart: b.recurrenceStart ?? b.startAt, master } } : seriesRefOf(b);
  const calendar = { sequence: after.sequence, createdAt: b.createdAt, updatedAt: e.now, ...series };
  const quiet = role === 'series-other' && paidInto;
  const groups: Group[] = [];
  for (const effect of t.effects) {
    if (effect.kind === 'refund') {
      // Every refund is announced (BOOKING_PAYMENT_REFUNDED, with its amount); only a late payment's is emailed to the
      // payer (once for a series): a cancel or decline has its own email, and a refund by hand is the host's word to give.
      const snapshot = { ...snapshotOf('BOOKING_PAYMENT_REFUNDED', state2), refundAmount: effect.amount };
      groups.push({ webhooks: [outboxInsert(d1, snapshot, e.now)], emails: tellPayer && !quiet ? notificationInserts(d1, e.env, snapshot, calendar, e.now) : [], steps: [], writes: [] });
      continue;
    }
    if (effect.kind !== 'announce') continue;
    const trigger = effect.trigger;
    const snapshot = snapshotOf(trigger as WebhookTrigger, state2);
    // BOOKING_PAID is a webhook only: the BOOKING_CREATED/REQUESTED that follows carries the emails.
    const emails = trigger === 'BOOKING_PAID' || quiet ? [] : notificationInserts(d1, e.env, snapshot, calendar, e.now);
    const steps = trigger === 'BOOKING_CREATED' || trigger === 'BOOKING_CONFIRMED' ? stepsOf(d1, 'entered', after, e.now) : trigger === 'BOOKING_CANCELLED' ? stepsOf(d1, 'cancelled', after, e.now) : [];
    // The host's calendar gets the booking once it is paid for (never before), and every change after that.
    const writes = trigger === 'BOOKING_PAID' ? [] : calendarWriteStatements(d1, snapshot, { sequence: after.sequence, createdAt: b.createdAt, updatedAt: e.now }, e.now);
    groups.push({ webhooks: [outboxInsert(d1, snapshot, e.now)], emails, steps, writes });
  }
  return { current, t, update, groups };
}

function stepsOf(d1: D1Queryable, change: 'entered' | 'cancelled', b: Booking, now: number) {
  if (b.status !== 'accepted' && b.status !== 'cancelled') return [];
  return stepStatements(d1, change, { uid: b.uid, status: b.status, startAt: b.startAt, endAt: b.endAt, sequence: b.sequence }, now);
}

// The payment state machine of a paid booking (issue #30), in one place: (booking status, payment status) × event
// -> new statuses and side effects, as data. Pure: HostCalendar applies a transition in ONE D1 batch (status, payment
// record, webhook and email rows) under the host's lock, and the payments service performs the Stripe effects after
// the commit with idempotency keys derived from the booking uid. test/payments-machine.unit.ts walks every
// (status, event) pair of the table in docs/DESIGN.md and a fast-check property runs random interleavings.
//
// Invariants it keeps (given `slotFree` true only when no other booking holds the time, which the overlap guard
// decides): a booking that holds time is never created by a payment unless the slot is free; money received for a
// booking that is not accepted/pending is refunded in full (or kept only as the attendee's cancel policy says); a
// booking becomes accepted/pending through a payment only, and a paid booking never asks to be paid again.

/** A paid booking's statuses: `awaiting_payment` holds the time until the deadline; `expired` no longer does. */
export const PAID_BOOKING_STATUSES = ['awaiting_payment', 'accepted', 'pending', 'expired', 'cancelled', 'rejected'] as const;
export type PaidBookingStatus = (typeof PAID_BOOKING_STATUSES)[number];

/**
 * `unpaid`: a checkout is open. `void`: it closed without a payment (expired, or the booking was cancelled first).
 * `paid`: charged, nothing refunded. `partially_refunded` / `refunded`: some / all of the charge decided to go back.
 */
export const PAYMENT_STATUSES = ['unpaid', 'void', 'paid', 'partially_refunded', 'refunded'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

export interface PaymentState {
  booking: PaidBookingStatus;
  payment: PaymentStatus;
  /** The price charged, minor units. */
  amount: number;
  /** Refunds decided so far (minor units); Stripe's answer to each is recorded beside it (`refund_settled_amount`). */
  refunded: number;
}

export type PaymentEvent =
  /** checkout.session.completed. `slotFree`: no other booking holds the time (the guard's answer, read under the lock). */
  | { type: 'pay'; slotFree: boolean; requiresConfirmation: boolean }
  /** checkout.session.expired, or the cron at payment_expires_at. */
  | { type: 'expire' }
  /** Cancel by the attendee (`refund` from the event type's policy) or the host (`refund` = everything refundable). */
  | { type: 'cancel'; refund: number }
  | { type: 'decline' }
  | { type: 'confirm' }
  | { type: 'reschedule' }
  /** A refund the host gives by hand (admin). */
  | { type: 'host_refund'; amount: number };
export type PaymentEventType = PaymentEvent['type'];
export const PAYMENT_EVENT_TYPES = ['pay', 'expire', 'cancel', 'decline', 'confirm', 'reschedule', 'host_refund'] as const satisfies readonly PaymentEventType[];

export type PaymentEffect =
  /** Webhooks (and for CREATED/REQUESTED/CANCELLED/REJECTED/CONFIRMED/RESCHEDULED the usual emails) of the change. */
  | { kind: 'announce'; trigger: 'BOOKING_PAID' | 'BOOKING_CREATED' | 'BOOKING_REQUESTED' | 'BOOKING_CANCELLED' | 'BOOKING_REJECTED' | 'BOOKING_CONFIRMED' | 'BOOKING_RESCHEDULED' }
  /** stripe.refunds.create for this many minor units (idempotency key: booking uid + refunded total). */
  | { kind: 'refund'; amount: number }
  /** A payment arrived for a booking that cannot happen: the payer is told it is refunded. */
  | { kind: 'tell_payer_refunded' }
  /** stripe.checkout.sessions.expire: nobody can pay for this booking any more. */
  | { kind: 'close_checkout' };

/** The Stripe effects one committed change asks for, per booking (a paid series' occurrences each have their own). */
export type PaymentWork = { uid: string; effects: PaymentEffect[] };

export type Transition =
  | { ok: true; changed: boolean; state: PaymentState; effects: PaymentEffect[] }
  | { ok: false; message: string };

const refuse = (message: string): Transition => ({ ok: false, message });
const same = (state: PaymentState): Transition => ({ ok: true, changed: false, state, effects: [] });
const to = (state: PaymentState, patch: Partial<PaymentState>, effects: PaymentEffect[]): Transition => ({ ok: true, changed: true, state: { ...state, ...patch }, effects });

/** What was charged and not yet decided to go back. */
export const refundable = (s: PaymentState) => (s.payment === 'paid' || s.payment === 'partially_refunded' ? s.amount - s.refunded : 0);

const afterRefund = (s: PaymentState, amount: number): Pick<PaymentState, 'payment' | 'refunded'> => {
  const refunded = s.refunded + amount;
  return { refunded, payment: refunded >= s.amount ? 'refunded' : refunded > 0 ? 'partially_refunded' : s.payment };
};

const refundAll = (s: PaymentState): PaymentEffect[] => (refundable(s) > 0 ? [{ kind: 'refund', amount: refundable(s) }] : []);

/** True when the booking takes the host's time (awaiting_payment only until its deadline, which the caller's clock judges). */
export const holdsSlot = (b: PaidBookingStatus) => b === 'awaiting_payment' || b === 'accepted' || b === 'pending';

export function next(s: PaymentState, e: PaymentEvent): Transition {
  const charged = s.payment === 'paid' || s.payment === 'partially_refunded' || s.payment === 'refunded';
  switch (e.type) {
    case 'pay': {
      // A checkout is paid once: a repeated or late duplicate of the same payment changes nothing.
      if (charged) return same(s);
      const paid: PaymentState = { ...s, payment: 'paid' };
      const live = (s.booking === 'awaiting_payment' || s.booking === 'expired') && e.slotFree;
      if (live) {
        const booking = e.requiresConfirmation ? 'pending' : 'accepted';
        return to(paid, { booking }, [{ kind: 'announce', trigger: 'BOOKING_PAID' }, { kind: 'announce', trigger: booking === 'pending' ? 'BOOKING_REQUESTED' : 'BOOKING_CREATED' }]);
      }
      // Money for a meeting that cannot happen (expired and the time taken, or cancelled before paying): all of it back.
      const booking = s.booking === 'awaiting_payment' ? 'expired' : s.booking;
      return to(paid, { booking, ...afterRefund(paid, s.amount) }, [{ kind: 'refund', amount: s.amount }, { kind: 'tell_payer_refunded' }]);
    }
    case 'expire':
      if (s.booking !== 'awaiting_payment') return same(s);
      return to(s, { booking: 'expired', payment: 'void' }, [{ kind: 'close_checkout' }]);
    case 'cancel': {
      if (s.booking === 'cancelled' || s.booking === 'rejected' || s.booking === 'expired') return same(s);
      if (s.booking === 'awaiting_payment') return to(s, { booking: 'cancelled', payment: 'void' }, [{ kind: 'close_checkout' }]);
      const amount = Math.max(0, Math.min(e.refund, refundable(s)));
      return to(s, { booking: 'cancelled', ...afterRefund(s, amount) }, [{ kind: 'announce', trigger: 'BOOKING_CANCELLED' }, ...(amount > 0 ? [{ kind: 'refund', amount } as const] : [])]);
    }
    case 'decline':
      if (s.booking !== 'pending') return refuse(`Only pending bookings can be declined; this one is ${s.booking}`);
      return to(s, { booking: 'rejected', ...afterRefund(s, refundable(s)) }, [{ kind: 'announce', trigger: 'BOOKING_REJECTED' }, ...refundAll(s)]);
    case 'confirm':
      if (s.booking !== 'pending') return refuse(`Only pending bookings can be confirmed; this one is ${s.booking}`);
      return to(s, { booking: 'accepted' }, [{ kind: 'announce', trigger: 'BOOKING_CONFIRMED' }]);
    case 'reschedule':
      // Moving never charges again: the payment stays with the booking.
      if (s.booking === 'awaiting_payment') return refuse('Pay for this booking before rescheduling it');
      if (s.booking !== 'accepted' && s.booking !== 'pending') return refuse(`A ${s.booking} booking cannot be rescheduled`);
      return to(s, {}, [{ kind: 'announce', trigger: 'BOOKING_RESCHEDULED' }]);
    case 'host_refund': {
      if (!Number.isSafeInteger(e.amount) || e.amount <= 0) return refuse('The refund must be a positive amount in minor units');
      if (e.amount > refundable(s)) return refuse(`At most ${refundable(s)} can be refunded`);
      return to(s, afterRefund(s, e.amount), [{ kind: 'refund', amount: e.amount }]);
    }
  }
}

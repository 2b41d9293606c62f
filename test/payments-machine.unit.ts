// The payment state machine of paid bookings (src/payments/machine.ts), pure: every (state, event) pair against a
// hand-written table, which must also be the table printed in docs/DESIGN.md, and random interleavings of book, pay,
// expire, cancel, reschedule, decline and repeated (late) webhooks over one slot that never end with two bookings
// holding it, a charge without a booking or a refund, or a paid booking that is not accepted/pending.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { holdsSlot, next, refundable, type PaymentEffect, type PaymentEvent, type PaymentState, type Transition } from '../src/payments/machine';
import { refundSteps, seriesShares } from '../src/payments/money';
import { runs } from './runs';

// ---- The state machine, pure ----

const DESIGN = Object.values(import.meta.glob('../docs/DESIGN.md', { query: '?raw', import: 'default', eager: true }))[0] as string;

const AMOUNT = 1000;
const state = (booking: PaymentState['booking'], payment: PaymentState['payment'], refunded = 0): PaymentState => ({ booking, payment, amount: AMOUNT, refunded });

const STATES: Record<string, PaymentState> = {
  'awaiting_payment/unpaid': state('awaiting_payment', 'unpaid'),
  'expired/void': state('expired', 'void'),
  'accepted/paid': state('accepted', 'paid'),
  'pending/paid': state('pending', 'paid'),
  'accepted/partially_refunded (300)': state('accepted', 'partially_refunded', 300),
  'cancelled/void': state('cancelled', 'void'),
  'cancelled/paid': state('cancelled', 'paid'),
  'cancelled/refunded': state('cancelled', 'refunded', AMOUNT),
  'rejected/refunded': state('rejected', 'refunded', AMOUNT),
  'expired/refunded': state('expired', 'refunded', AMOUNT),
};

const EVENTS: Record<string, PaymentEvent> = {
  'pay (slot free)': { type: 'pay', slotFree: true, requiresConfirmation: false },
  'pay (free, confirmation)': { type: 'pay', slotFree: true, requiresConfirmation: true },
  'pay (slot taken)': { type: 'pay', slotFree: false, requiresConfirmation: false },
  expire: { type: 'expire' },
  'cancel (policy: full)': { type: 'cancel', refund: AMOUNT },
  'cancel (policy: none)': { type: 'cancel', refund: 0 },
  decline: { type: 'decline' },
  confirm: { type: 'confirm' },
  reschedule: { type: 'reschedule' },
  'host refund 300': { type: 'host_refund', amount: 300 },
};

// '=' unchanged, '✗' refused; else booking/payment, then the effects in order.
const TABLE: Record<string, string[]> = {
  'awaiting_payment/unpaid': ['accepted/paid: PAID, CREATED', 'pending/paid: PAID, REQUESTED', 'expired/refunded: refund 1000, tell payer', 'expired/void: close checkout', 'cancelled/void: close checkout', 'cancelled/void: close checkout', '✗', '✗', '✗', '✗'],
  'expired/void': ['accepted/paid: PAID, CREATED', 'pending/paid: PAID, REQUESTED', 'expired/refunded: refund 1000, tell payer', '=', '=', '=', '✗', '✗', '✗', '✗'],
  'accepted/paid': ['=', '=', '=', '=', 'cancelled/refunded: CANCELLED, refund 1000', 'cancelled/paid: CANCELLED', '✗', '✗', 'accepted/paid: RESCHEDULED', 'accepted/partially_refunded: refund 300'],
  'pending/paid': ['=', '=', '=', '=', 'cancelled/refunded: CANCELLED, refund 1000', 'cancelled/paid: CANCELLED', 'rejected/refunded: REJECTED, refund 1000', 'accepted/paid: CONFIRMED', 'pending/paid: RESCHEDULED', 'pending/partially_refunded: refund 300'],
  'accepted/partially_refunded (300)': ['=', '=', '=', '=', 'cancelled/refunded: CANCELLED, refund 700', 'cancelled/partially_refunded: CANCELLED', '✗', '✗', 'accepted/partially_refunded: RESCHEDULED', 'accepted/partially_refunded: refund 300'],
  'cancelled/void': ['cancelled/refunded: refund 1000, tell payer', 'cancelled/refunded: refund 1000, tell payer', 'cancelled/refunded: refund 1000, tell payer', '=', '=', '=', '✗', '✗', '✗', '✗'],
  'cancelled/paid': ['=', '=', '=', '=', '=', '=', '✗', '✗', '✗', 'cancelled/partially_refunded: refund 300'],
  'cancelled/refunded': ['=', '=', '=', '=', '=', '=', '✗', '✗', '✗', '✗'],
  'rejected/refunded': ['=', '=', '=', '=', '=', '=', '✗', '✗', '✗', '✗'],
  'expired/refunded': ['=', '=', '=', '=', '=', '=', '✗', '✗', '✗', '✗'],
};

const effectText = (e: PaymentEffect) =>
  e.kind === 'announce' ? e.trigger.replace('BOOKING_', '') : e.kind === 'refund' ? `refund ${e.amount}` : e.kind === 'tell_payer_refunded' ? 'tell payer' : 'close checkout';

function cell(t: Transition): string {
  if (!t.ok) return '✗';
  if (!t.changed) return '=';
  return `${t.state.booking}/${t.state.payment}${t.effects.length ? `: ${t.effects.map(effectText).join(', ')}` : ''}`;
}

/** The table as docs/DESIGN.md prints it (section "Payments"). */
function markdownTable(): string {
  const head = `| state \\ event | ${Object.keys(EVENTS).join(' | ')} |`;
  const rule = `|${' --- |'.repeat(Object.keys(EVENTS).length + 1)}`;
  const rows = Object.entries(TABLE).map(([name, cells]) => `| ${name} | ${cells.join(' | ')} |`);
  return [head, rule, ...rows].join('\n');
}

describe('the payment state machine, pair by pair', () => {
  for (const [name, s] of Object.entries(STATES)) {
    it(`from ${name}`, () => {
      const got = Object.values(EVENTS).map((e) => cell(next(s, e)));
      expect(got).toEqual(TABLE[name]);
    });
  }

  it('is the table docs/DESIGN.md prints', () => {
    expect(DESIGN).toContain(markdownTable());
  });

  it('never refunds more than is refundable, and refunds only positive amounts', () => {
    for (const s of Object.values(STATES)) {
      for (const e of [...Object.values(EVENTS), { type: 'host_refund', amount: 5000 } as const, { type: 'host_refund', amount: 0 } as const]) {
        const t = next(s, e);
        if (!t.ok) continue;
        const refunds = t.effects.filter((x) => x.kind === 'refund').reduce((a, x) => a + x.amount, 0);
        expect(refunds).toBeLessThanOrEqual(e.type === 'pay' ? AMOUNT : refundable(s));
        expect(t.effects.every((x) => x.kind !== 'refund' || x.amount > 0)).toBe(true);
        expect(t.state.refunded - s.refunded).toBe(refunds);
      }
    }
  });
});

// --- Random interleavings over one slot ---

type Step =
  | { op: 'book'; i: number }
  | { op: 'pay'; i: number }
  | { op: 'redeliver'; i: number }
  | { op: 'expire'; i: number }
  | { op: 'cancel'; i: number; refund: 'full' | 'none' }
  | { op: 'decline' | 'confirm' | 'reschedule'; i: number }
  | { op: 'host_refund'; i: number; amount: number };

const N = 3;
const idx = fc.integer({ min: 0, max: N - 1 });
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ op: fc.constant('book' as const), i: idx }),
  fc.record({ op: fc.constant('pay' as const), i: idx }),
  fc.record({ op: fc.constant('redeliver' as const), i: idx }),
  fc.record({ op: fc.constant('expire' as const), i: idx }),
  fc.record({ op: fc.constant('cancel' as const), i: idx, refund: fc.constantFrom('full' as const, 'none' as const) }),
  fc.record({ op: fc.constantFrom('decline' as const, 'confirm' as const, 'reschedule' as const), i: idx }),
  fc.record({ op: fc.constant('host_refund' as const), i: idx, amount: fc.integer({ min: 1, max: 1200 }) }),
);

interface Sim {
  state: PaymentState;
  /** The Checkout Session was paid at Stripe (once at most); `charged` is what Stripe took. */
  charged: number;
  refunds: number;
  /** Accepted or pending at some point after paying: only then may a cancel keep money (by the attendee's policy). */
  wasLive: boolean;
}

describe('random interleavings over one slot', () => {
  it('never two bookings holding the slot, no charge without a booking or a refund, no paid booking left unbooked', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 30 }), fc.boolean(), (steps, confirmFirst) => {
        const sims: (Sim | undefined)[] = Array.from({ length: N }, () => undefined);
        const holder = (except: number) => sims.some((s, j) => j !== except && s !== undefined && holdsSlot(s.state.booking));
        const apply = (sim: Sim, e: PaymentEvent) => {
          const t = next(sim.state, e);
          if (!t.ok) return;
          for (const fx of t.effects) if (fx.kind === 'refund') sim.refunds += fx.amount;
          sim.state = t.state;
          if (sim.state.booking === 'accepted' || sim.state.booking === 'pending') sim.wasLive = true;
        };
        for (const s of steps) {
          const sim = sims[s.i];
          if (s.op === 'book') {
            // A booking is written only while nobody holds the slot (the overlap guard).
            if (!sim && !holder(s.i)) sims[s.i] = { state: state('awaiting_payment', 'unpaid'), charged: 0, refunds: 0, wasLive: false };
            continue;
          }
          if (!sim) continue;
          if (s.op === 'pay' || s.op === 'redeliver') {
            // Stripe charges a session once; a redelivered or late webhook repeats the same event.
            if (s.op === 'pay' && sim.charged === 0) sim.charged = AMOUNT;
            if (sim.charged === 0) continue;
            apply(sim, { type: 'pay', slotFree: !holder(s.i), requiresConfirmation: confirmFirst });
          } else if (s.op === 'cancel') apply(sim, { type: 'cancel', refund: s.refund === 'full' ? refundable(sim.state) : 0 });
          else if (s.op === 'host_refund') apply(sim, { type: 'host_refund', amount: s.amount });
          else apply(sim, { type: s.op } as PaymentEvent);

          expect(sims.filter((x) => x && holdsSlot(x.state.booking)).length).toBeLessThanOrEqual(1);
          for (const x of sims) {
            if (!x) continue;
            const kept = x.charged - x.refunds;
            expect(x.refunds).toBeLessThanOrEqual(x.charged);
            expect(x.state.refunded).toBe(x.refunds);
            const live = x.state.booking === 'accepted' || x.state.booking === 'pending';
            if (live) expect(x.charged).toBe(AMOUNT);
            if (x.state.booking === 'expired' || x.state.booking === 'rejected' || x.state.booking === 'awaiting_payment') expect(kept).toBe(0);
            if (x.state.booking === 'cancelled' && !x.wasLive) expect(kept).toBe(0);
            if (x.state.payment === 'paid') expect(live || (x.state.booking === 'cancelled' && x.wasLive)).toBe(true);
            if (x.charged > 0) expect(x.state.payment).not.toMatch(/unpaid|void/);
          }
        }
      }),
      { numRuns: runs(300) },
    );
  });
});

describe("a paid series' price split over its occurrences", () => {
  it('equal shares in chargeable units, the remainder to the earliest, adding up to the price', () => {
    expect(seriesShares(1000, 3, 'usd')).toEqual([334, 333, 333]);
    expect(seriesShares(1000, 3, 'kwd')).toEqual([340, 330, 330]);
    expect(seriesShares(5, 3, 'jpy')).toEqual([2, 2, 1]);
    expect(seriesShares(2500, 1, 'eur')).toEqual([2500]);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 99_999_999 }), fc.integer({ min: 1, max: 60 }), fc.constantFrom('usd', 'kwd', 'jpy'), (price, count, currency) => {
        const shares = seriesShares(currency === 'kwd' ? price * 10 : price, count, currency);
        expect(shares.reduce((a, b) => a + b, 0)).toBe(currency === 'kwd' ? price * 10 : price);
        expect(Math.max(...shares) - Math.min(...shares)).toBeLessThanOrEqual(currency === 'kwd' ? 10 : 1);
        if (currency === 'kwd') expect(shares.every((x) => x % 10 === 0)).toBe(true);
      }),
      { numRuns: runs(100) },
    );
  });
});

describe('refundSteps', () => {
  it('sends each refund decided as its own amount under its own total; a record from before the ledger sends what is unconfirmed', () => {
    expect(refundSteps({ refunded_amount: 1000, refund_settled_amount: 0, refund_totals: [500, 1000] })).toEqual([{ total: 500, amount: 500 }, { total: 1000, amount: 500 }]);
    expect(refundSteps({ refunded_amount: 2500, refund_settled_amount: 1000, refund_totals: [1000, 2500] })).toEqual([{ total: 2500, amount: 1500 }]);
    expect(refundSteps({ refunded_amount: 700, refund_settled_amount: 700, refund_totals: [700] })).toEqual([]);
    expect(refundSteps({ refunded_amount: 900, refund_settled_amount: 400 })).toEqual([{ total: 900, amount: 500 }]);
    expect(refundSteps({ refunded_amount: 0, refund_settled_amount: 0, refund_totals: [] })).toEqual([]);
  });
});

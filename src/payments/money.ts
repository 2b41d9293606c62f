// Prices, currencies and refund policies of paid event types (issue #30). Pure: the API schema, the Checkout Session
// request, the cancel page and the payment state machine all take their arithmetic from here.

/**
 * ISO 4217 codes Stripe charges in (lower case, as Stripe writes them). A currency outside this list is a 400: an
 * unknown code would only fail later, at checkout, in front of the invitee.
 */
export const CURRENCIES = [
  'aed', 'afn', 'all', 'amd', 'ang', 'aoa', 'ars', 'aud', 'awg', 'azn', 'bam', 'bbd', 'bdt', 'bgn', 'bhd', 'bif', 'bmd',
  'bnd', 'bob', 'brl', 'bsd', 'bwp', 'byn', 'bzd', 'cad', 'cdf', 'chf', 'clp', 'cny', 'cop', 'crc', 'cve', 'czk', 'djf',
  'dkk', 'dop', 'dzd', 'egp', 'etb', 'eur', 'fjd', 'fkp', 'gbp', 'gel', 'gip', 'gmd', 'gnf', 'gtq', 'gyd', 'hkd', 'hnl',
  'htg', 'huf', 'idr', 'ils', 'inr', 'isk', 'jmd', 'jod', 'jpy', 'kes', 'kgs', 'khr', 'kmf', 'krw', 'kwd', 'kyd', 'kzt',
  'lak', 'lbp', 'lkr', 'lrd', 'lsl', 'mad', 'mdl', 'mga', 'mkd', 'mmk', 'mnt', 'mop', 'mur', 'mvr', 'mwk', 'mxn', 'myr',
  'mzn', 'nad', 'ngn', 'nio', 'nok', 'npr', 'nzd', 'omr', 'pab', 'pen', 'pgk', 'php', 'pkr', 'pln', 'pyg', 'qar', 'ron',
  'rsd', 'rub', 'rwf', 'sar', 'sbd', 'scr', 'sek', 'sgd', 'shp', 'sle', 'sos', 'srd', 'std', 'szl', 'thb', 'tjs', 'tnd',
  'top', 'try', 'ttd', 'twd', 'tzs', 'uah', 'ugx', 'usd', 'uyu', 'uzs', 'vnd', 'vuv', 'wst', 'xaf', 'xcd', 'xof', 'xpf',
  'yer', 'zar', 'zmw',
] as const;
export type Currency = (typeof CURRENCIES)[number];

/** Currencies without a minor unit (Stripe's list): an amount of 500 JPY is ¥500, not ¥5.00. */
export const ZERO_DECIMAL = new Set<string>(['bif', 'clp', 'djf', 'gnf', 'jpy', 'kmf', 'krw', 'mga', 'pyg', 'rwf', 'ugx', 'vnd', 'vuv', 'xaf', 'xof', 'xpf']);
/** Three-decimal currencies: Stripe requires their amounts to end in 0 (a multiple of 10 minor units). */
export const THREE_DECIMAL = new Set<string>(['bhd', 'jod', 'kwd', 'omr', 'tnd']);

export const isCurrency = (code: string): code is Currency => (CURRENCIES as readonly string[]).includes(code);

export const minorDigits = (currency: string) => (ZERO_DECIMAL.has(currency) ? 0 : THREE_DECIMAL.has(currency) ? 3 : 2);

/** The price as people read it: 2500 usd is "$25.00", 500 jpy "¥500", in the given locale. */
export function formatMoney(amount: number, currency: string, locale = 'en'): string {
  const digits = minorDigits(currency);
  return new Intl.NumberFormat(locale, { style: 'currency', currency: currency.toUpperCase(), minimumFractionDigits: digits, maximumFractionDigits: digits }).format(amount / 10 ** digits);
}

/** Why a price cannot be charged in a currency, or null. */
export function priceProblem(price: number, currency: string): string | null {
  if (THREE_DECIMAL.has(currency) && price % 10 !== 0) return `${currency.toUpperCase()} amounts must be a multiple of 10 minor units (Stripe rounds the last digit)`;
  return null;
}

export const PAYMENT_DEADLINE_MINUTES = { min: 10, max: 1440, default: 30 } as const;

/** What a cancelled paid booking gives back. Cal.com has none of these; they are the three policies the issue names. */
export type RefundPolicy = { type: 'full_until_hours_before'; hours: number } | { type: 'none' } | { type: 'always_full' };
export const DEFAULT_REFUND_POLICY: RefundPolicy = { type: 'full_until_hours_before', hours: 24 };

/**
 * The amount an ATTENDEE's cancel refunds, of what is still refundable: everything with `always_full`, nothing with
 * `none`, everything until `hours` before the start and nothing after. A host's cancel, a decline, a late payment and
 * a payment for a booking that expired refund in full whatever the policy (the invitee did nothing wrong).
 */
export function attendeeCancelRefund(policy: RefundPolicy, refundable: number, startAt: number, now: number): number {
  switch (policy.type) {
    case 'always_full':
      return refundable;
    case 'none':
      return 0;
    case 'full_until_hours_before':
      return now <= startAt - policy.hours * 3_600_000 ? refundable : 0;
  }
}

/**
 * The policy a paid booking keeps when it moves (null: unchanged). A refund window that has closed stays closed: moving
 * the meeting later does not open it again (else a reschedule, then a cancel, would refund in full after the cutoff).
 */
export function policyAfterMove(policy: RefundPolicy, startAt: number, now: number): RefundPolicy | null {
  return policy.type === 'full_until_hours_before' && attendeeCancelRefund(policy, 1, startAt, now) === 0 ? { type: 'none' } : null;
}

/** The policy in words, for the cancel page and the API's description. */
export function policyText(policy: RefundPolicy): string {
  switch (policy.type) {
    case 'always_full':
      return 'Cancelling refunds the full price.';
    case 'none':
      return 'Cancelling refunds nothing.';
    case 'full_until_hours_before':
      return `Cancelling up to ${policy.hours} hour${policy.hours === 1 ? '' : 's'} before the start refunds the full price; later, nothing.`;
  }
}

/**
 * A recurring series' price split over its occurrences (the price is per series, one checkout): equal shares in
 * chargeable units (a multiple of 10 for three-decimal currencies), the remainder one unit each to the earliest
 * occurrences. Each occurrence's share is what cancelling it can refund; the shares add up to the price.
 */
export function seriesShares(price: number, count: number, currency: string): number[] {
  const unit = THREE_DECIMAL.has(currency) ? 10 : 1;
  const units = Math.floor(price / unit);
  const base = Math.floor(units / count);
  const extra = units % count;
  const shares = Array.from({ length: count }, (_, i) => (base + (i < extra ? 1 : 0)) * unit);
  shares[0]! += price - units * unit;
  return shares;
}

/**
 * What is wrong with an event type's payment fields as they would be after a change (API and admin share it), or
 * null. A seated event type's price is per seat; a recurring one's per series.
 */
export function paymentConflict(et: { price: number | null; currency: string | null; seatsPerTimeSlot: number | null; recurringEvent: unknown }): { path: string; message: string } | null {
  if (et.price === null) return null;
  if (et.currency === null) return { path: 'currency', message: 'A price needs its currency' };
  const problem = priceProblem(et.price, et.currency);
  if (problem) return { path: 'price', message: problem };
  return null;
}

type RefundLedger = { refunded_amount: number; refund_settled_amount: number; refund_totals?: number[] };

/** The refunded totals decided so far (a record from before `refund_totals`: what was confirmed, then the rest). */
export function refundTotalsOf(p: RefundLedger): number[] {
  if (p.refund_totals?.length) return p.refund_totals;
  const settled = p.refund_settled_amount;
  return [...(settled > 0 && settled < p.refunded_amount ? [settled] : []), ...(p.refunded_amount > 0 ? [p.refunded_amount] : [])];
}

/**
 * The refunds Stripe has not confirmed, each as its own request: the refunded total it brought the booking to (the
 * idempotency key) and its own amount. Every sender (the request that decided it, a racing one, the cron) sends the
 * same request for the same refund, so Stripe makes each once, whatever the order or overlap.
 */
export function refundSteps(p: RefundLedger): { total: number; amount: number }[] {
  const steps: { total: number; amount: number }[] = [];
  let before = 0;
  for (const total of refundTotalsOf(p)) {
    if (total > p.refund_settled_amount) steps.push({ total, amount: total - before });
    before = total;
  }
  return steps;
}

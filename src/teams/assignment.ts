/**
 * Round-robin host assignment (pure; no I/O). Among the rotating hosts free at the chosen time:
 * 1. load balancing (when the event type's distribution is `load_balancing`): a host more than 3 bookings ahead of
 *    the least-booked rotating host in the counting period is left out (as Cal.com and Calendly do);
 * 2. with weights on, the largest weighted shortfall first: target share = weight / Σ weights, shortfall = target
 *    share × the period's bookings − the host's bookings;
 * 3. the highest priority (0-4);
 * 4. the least recently booked (never booked first);
 * 5. the lowest user id, so the order is deterministic.
 * The answer is the whole ranking: when the first host's write loses a race, the next one is tried.
 */

export const LOAD_BALANCING_LEAD = 3;

export interface RotatingHost {
  userId: number;
  /** 0 (lowest) .. 4 (highest). */
  priority: number;
  /** 1..1000. */
  weight: number;
  /** Live bookings of this event type assigned to the host in the counting period. */
  bookings: number;
  /** When the host was last assigned a booking of this event type (epoch ms), or null (ranks as long ago). */
  lastBookedAt: number | null;
}

export interface AssignmentSettings {
  distribution: 'maximize_availability' | 'load_balancing';
  weightsEnabled: boolean;
}

/**
 * The rotating hosts the load-balancing filter leaves in (all of them under `maximize_availability`). Computed over
 * every rotating host, free or not: a host far ahead is hidden even when the least-booked one is busy.
 */
export function eligibleHosts<T extends RotatingHost>(hosts: readonly T[], settings: AssignmentSettings): T[] {
  if (settings.distribution !== 'load_balancing' || hosts.length === 0) return [...hosts];
  const least = Math.min(...hosts.map((h) => h.bookings));
  return hosts.filter((h) => h.bookings - least <= LOAD_BALANCING_LEAD);
}

export interface RankedHost<T extends RotatingHost> {
  host: T;
  /** Why this host comes before the next one (or, for the last, why it is here at all). */
  reason: string;
}

function shortfalls(all: readonly RotatingHost[]): Map<number, number> {
  const totalWeight = all.reduce((s, h) => s + h.weight, 0);
  const totalBookings = all.reduce((s, h) => s + h.bookings, 0);
  return new Map(all.map((h) => [h.userId, totalWeight === 0 ? 0 : (h.weight / totalWeight) * totalBookings - h.bookings]));
}

/**
 * Ranks the free hosts (`free`: user ids) among `all` rotating hosts. The load-balancing filter and the shares are
 * computed over `all`; only free, eligible hosts are ranked.
 */
export function rankHosts<T extends RotatingHost>(all: readonly T[], free: ReadonlySet<number>, settings: AssignmentSettings): RankedHost<T>[] {
  const eligible = eligibleHosts(all, settings);
  const shortfall = shortfalls(all);
  const EPSILON = 1e-9;
  const criteria: { name: (a: T) => string; compare: (a: T, b: T) => number }[] = [
    ...(settings.weightsEnabled
      ? [{ name: (a: T) => `largest weighted shortfall (weight ${a.weight}, ${a.bookings} bookings this period)`, compare: (a: T, b: T) => {
          const d = shortfall.get(b.userId)! - shortfall.get(a.userId)!;
          return Math.abs(d) < EPSILON ? 0 : d;
        } }]
      : []),
    { name: (a) => `highest priority (${a.priority})`, compare: (a, b) => b.priority - a.priority },
    { name: () => 'least recently booked', compare: (a, b) => (a.lastBookedAt ?? 0) - (b.lastBookedAt ?? 0) },
    { name: () => 'lowest user id', compare: (a, b) => a.userId - b.userId },
  ];
  const compare = (a: T, b: T) => {
    for (const c of criteria) {
      const d = c.compare(a, b);
      if (d !== 0) return d;
    }
    return 0;
  };
  const ranked = eligible.filter((h) => free.has(h.userId)).sort(compare);
  const prefix = settings.distribution === 'load_balancing' ? 'load balancing, ' : '';
  return ranked.map((host, i) => {
    const next = ranked[i + 1];
    if (!next) return { host, reason: `${prefix}${ranked.length === 1 ? 'the only free host' : 'last free host'}` };
    const decisive = criteria.find((c) => c.compare(host, next) !== 0)!;
    return { host, reason: `${prefix}${decisive.name(host)}` };
  });
}

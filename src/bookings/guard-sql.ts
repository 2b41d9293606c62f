// The overlap guard's SQL, in one home: every write that takes a host's time (a booking, a team booking, a move, a
// hold) refuses a span that overlaps a live booking (through booking_hosts, so a team booking counts for each host
// attending it) or a live slot reservation of a host. Spans are half-open: touching is fine.
import { holdsTimeSql } from './occupancy';

/** `IN (...)` of `n` bind slots: the hosts a guard looks at. */
export const hostMarks = (n: number) => `(${Array.from({ length: n }, () => '?').join(', ')})`;

/**
 * A booking holding time at `now` in which one of `hosts` (an SQL set: `hostMarks(n)` or a subquery) takes time
 * overlapping [?, ?). Binds: the hosts' binds, span end, span start. The booking's alias is `o` (callers may add
 * `AND o.id != ?`).
 */
export const bookedOverlap = (now: number, hosts = hostMarks(1)) =>
  `SELECT 1 FROM booking_hosts oh JOIN bookings o ON o.id = oh.booking_id
   WHERE oh.user_id IN ${hosts} AND ${holdsTimeSql(now, 'o')}
     AND oh.occupied_start < ? AND oh.occupied_end > ?`;

/**
 * A live hold (`expires_at > now`: an expired hold stops counting at once, sweep or no sweep) of one of `hosts`
 * overlapping [?, ?), other than the one named by uid (NULL excludes none). Binds: the hosts' binds, now, span end,
 * span start, excluded uid.
 */
export const heldOverlap = (hosts = hostMarks(1)) =>
  `SELECT 1 FROM slot_reservations h WHERE h.host_id IN ${hosts} AND h.expires_at > ?
     AND h.occupied_start < ? AND h.occupied_end > ? AND h.uid IS NOT ?`;

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
 * A team event type's hold is one row per host it blocks (src/teams/holds.ts), so every guard and busy read counts it
 * for each of them like any hold: the organizer's row carries the holder's uid, the others `<uid>~<host id>` (`~` is
 * never in a uid the API accepts). `holdGroupSql(alias)` matches every row of one hold (a personal hold is a group of
 * one); bind `holdGroupParams(uid)` (for NULL it matches nothing). The `<uid>~` prefix is a range of the uid index
 * (from `<uid>~` up to `<uid>` followed by the character after `~`), so releasing a hold never scans the table.
 */
export const holdGroupSql = (alias = '') => `(${alias}uid = ? OR (${alias}uid >= ? AND ${alias}uid < ?))`;
export const holdGroupParams = (uid: string | null) => (uid === null ? [null, null, null] : [uid, `${uid}~`, `${uid}\x7f`]);

/**
 * A live hold (`expires_at > now`: an expired hold stops counting at once, sweep or no sweep) of one of `hosts`
 * overlapping [?, ?), other than the one named by uid (NULL excludes none). Binds: the hosts' binds, now, span end,
 * span start, excluded uid; with `except: 'group'`, every row of the named hold is left out instead (a team hold) and
 * the last binds are `holdGroupParams(uid)`.
 */
export const heldOverlap = (hosts = hostMarks(1), except: 'uid' | 'group' = 'uid') =>
  `SELECT 1 FROM slot_reservations h WHERE h.host_id IN ${hosts} AND h.expires_at > ?
     AND h.occupied_start < ? AND h.occupied_end > ? AND ${except === 'uid' ? 'h.uid IS NOT ?' : `NOT COALESCE(${holdGroupSql('h.')}, 0)`}`;

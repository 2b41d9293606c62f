// Who may hold a slot for how long, and how many holds one client may keep. Pure: no I/O, no bindings.
import type { ErrorCode } from '../lib/errors';

/** Anonymous holds (Cal.com's default): long enough to fill in a booking form. */
export const ANONYMOUS_HOLD_MINUTES = 5;
/** What the event type's host or a super admin may choose, at most. */
export const MAX_HOLD_MINUTES = 60;
export const DEFAULT_MAX_ACTIVE_HOLDS_PER_CLIENT = 3;
export const DEFAULT_MAX_FUTURE_BOOKINGS_PER_ATTENDEE = 10;

/** `privileged`: the event type's host or a super admin; `signed_in`: any other session; `anonymous`: none. */
export type HoldCaller = 'anonymous' | 'signed_in' | 'privileged';

export type Decision<T> = { ok: true; value: T } | { ok: false; code: ErrorCode; message: string };

/**
 * How long a new or extended hold lasts. Anyone gets the 5-minute default; choosing a duration is the host's or a
 * super admin's privilege (1-60 minutes, range checked by the schema), so an anonymous client cannot park a slot.
 */
export function holdMinutes(requested: number | undefined, caller: HoldCaller): Decision<number> {
  if (requested === undefined) return { ok: true, value: ANONYMOUS_HOLD_MINUTES };
  // 403 even without a session: the route itself is public, and a session only unlocks this one field.
  if (caller !== 'privileged') {
    return { ok: false, code: 'forbidden', message: "Only the event type's host or a super admin (signed in) may choose reservation_duration_minutes" };
  }
  return { ok: true, value: requested };
}

export const holdCapMessage = (cap: number) => `At most ${cap} live reservations per client with one host; book or release one first`;

/** The per-client cap: by IP hash always, and by holder too when signed in. */
export function holdCapReached(counts: { byClient: number; byHolder: number }, signedIn: boolean, cap: number): boolean {
  return counts.byClient >= cap || (signedIn && counts.byHolder >= cap);
}

/** A positive integer from a [vars] string, or the default when it is missing or malformed. */
export function positiveIntVar(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return Number.isSafeInteger(n) && n > 0 ? n : fallback;
}

/**
 * Slot reservations (holds) on team event types, with the guarantees of a personal hold (src/reservations/holds.ts):
 *
 * - Which hosts: a collective hold blocks every host; a round-robin hold blocks the fixed hosts and the rotating host
 *   the assignment would pick at that moment (the first of `attemptsFor`; when its write loses a race, the next), so
 *   the other rotating hosts stay bookable by others. Booking through the hold tries that host first.
 * - Storage: one `slot_reservations` row per blocked host, so every busy read and SQL guard counts it for each host
 *   like any hold; the organizer's row carries the holder's uid, the others `<uid>~<host id>` (src/reservations/repo.ts
 *   `holdGroupSql`). Releasing, expiring and booking through the hold remove or ignore every row at once.
 * - Taken like a team booking: the leases of the hosts in ascending id, the hosts read again and checked with the
 *   same rules as the slots answer, each host's per-client cap, then ONE guarded INSERT that writes every row or none.
 * - Moving (PATCH) a team hold is refused (409): release it and take another, which is what the booking form does.
 */
import type { RequestDb } from '../db/session';
import type { User } from '../db/schema';
import type { Bindings } from '../env';
import { ApiError, notFound } from '../lib/errors';
import { newBookingUid } from '../bookings/uid';
import { spanAt } from '../bookings/occupancy';
import { holdFromRow, holdJson, liveHoldCounts, type HoldJson } from '../reservations/repo';
import { DEFAULT_MAX_ACTIVE_HOLDS_PER_CLIENT, holdCapMessage, holdCapReached, holdMinutes, positiveIntVar } from '../reservations/rules';
import { attemptsFor, recheck, unavailable, withLeases } from './booking';
import { guardedTeamHoldInsert } from './holds-repo';
import { loadTeamSlotContext } from './slots-repo';
import { checkWindow } from './slots';

export interface TeamHoldInput {
  eventTypeId: number;
  slotStart: number;
  durationMinutes?: number;
}

export async function reserveTeamSlot(d1: RequestDb, env: Bindings, actor: User | null, clientHash: string, input: TeamHoldInput): Promise<HoldJson> {
  const db = d1.db;
  const window = checkWindow(input.slotStart);
  const first = await loadTeamSlotContext(db, input.eventTypeId, window, Date.now());
  if (!first) throw notFound('Event type');
  // Choosing a duration is a host's (any host of the event type) or a super admin's privilege.
  const privileged = actor !== null && (actor.role === 'super_admin' || first.hosts.some((h) => h.id === actor.id));
  const minutes = holdMinutes(input.durationMinutes, privileged ? 'privileged' : actor ? 'signed_in' : 'anonymous');
  if (!minutes.ok) throw new ApiError(minutes.code, minutes.message);
  const cap = positiveIntVar(env.MAX_ACTIVE_HOLDS_PER_CLIENT, DEFAULT_MAX_ACTIVE_HOLDS_PER_CLIENT);
  const holderId = actor?.id ?? null;

  let lastMessage = 'That time was just taken by another booking or reservation.';
  for (const attempt of attemptsFor(first, Date.now(), input.slotStart)) {
    const outcome = await withLeases(env, attempt.hosts.map((h) => h.id), async () => {
      const now = Date.now();
      const ctx = await loadTeamSlotContext(db, input.eventTypeId, window, now);
      if (!ctx) throw notFound('Event type');
      const check = recheck(ctx, attempt, now, input.slotStart);
      if (!check.ok) return check;
      for (const host of attempt.hosts) {
        if (holdCapReached(await liveHoldCounts(db, host.id, clientHash, holderId, now), holderId !== null, cap)) {
          throw new ApiError('too_many_holds', holdCapMessage(cap));
        }
      }
      const { startAt, endAt, occupiedStart, occupiedEnd } = spanAt(ctx.eventType, input.slotStart);
      const hold = {
        uid: newBookingUid(),
        hostId: attempt.organizer.id,
        eventTypeId: ctx.eventType.id,
        slotStart: startAt,
        slotEnd: endAt,
        occupiedStart,
        occupiedEnd,
        expiresAt: now + minutes.value * 60_000,
        clientHash,
        holderId,
      };
      const [written] = await db.$client.batch([guardedTeamHoldInsert(db.$client, hold, attempt.hosts.map((h) => h.id), now)]);
      const row = (written?.results as Record<string, unknown>[] | undefined)?.find((r) => r.uid === hold.uid);
      return row ? { ok: true as const, hold: holdJson(holdFromRow(row)) } : { ok: false as const, message: 'That time was just taken by another booking or reservation.' };
    });
    if (outcome.ok) return outcome.hold;
    lastMessage = outcome.message;
  }
  throw unavailable(lastMessage);
}

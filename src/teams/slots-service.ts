// The one way to answer "which start times does this team event type offer": one D1 read (slots-repo.ts) -> each
// host's slots from the slot engine -> the team's set algebra -> grouped by local date. Used by
// GET /v2/slots/available (for a team event type id) and the team booking pages.
import type { Db } from '../db/client';
import { DAY_MS } from '../lib/time';
import { monthWindow } from '../slots/service';
import { groupSlotsByLocalDate, type Slot } from '../slots/engine';
import { loadTeamSlotContext, type TeamEventTypeKey, type TeamSlotContext } from './slots-repo';
import { computeTeamSlots } from './slots';

export interface AvailableTeamSlots {
  ctx: TeamSlotContext;
  /** The requested zone, else UTC (a team has no single schedule zone). */
  timezone: string;
  slots: Slot[];
  byDate: Record<string, { start: string; end: string }[]>;
}

export interface TeamSlotOptions {
  now?: number;
  /** The caller's own hold (every row of it), which does not block its own slot. */
  ownHoldUid?: string | null;
  /** Rescheduling: the booking being moved does not block its new time. */
  ignoreBookingId?: number;
}

/** Null when the team event type does not exist or is inactive. */
export async function availableTeamSlots(
  db: Db,
  key: TeamEventTypeKey,
  range: { from: number; to: number },
  timezone?: string,
  opts: TeamSlotOptions = {},
): Promise<AvailableTeamSlots | null> {
  const now = opts.now ?? Date.now();
  // A day wider each side: "first slot of the day" looks at whole local dates around the range.
  const ctx = await loadTeamSlotContext(db, key, { from: range.from - DAY_MS, to: range.to + DAY_MS }, now, opts.ignoreBookingId ?? 0, opts.ownHoldUid ?? null);
  if (!ctx) return null;
  return answer(ctx, timezone ?? 'UTC', range, now);
}

/** One local month in a zone known only after the read (the team booker's default is `teamDayZone`); one read. */
export async function availableTeamMonth(
  db: Db,
  key: TeamEventTypeKey,
  month: string,
  zoneOf: (ctx: TeamSlotContext) => string,
  opts: TeamSlotOptions = {},
): Promise<AvailableTeamSlots | null> {
  const now = opts.now ?? Date.now();
  const window = monthWindow(month);
  const ctx = await loadTeamSlotContext(db, key, window.read, now, opts.ignoreBookingId ?? 0, opts.ownHoldUid ?? null);
  if (!ctx) return null;
  const zone = zoneOf(ctx);
  return answer(ctx, zone, window.in(zone), now);
}

function answer(ctx: TeamSlotContext, zone: string, range: { from: number; to: number }, now: number): AvailableTeamSlots {
  const { slots } = computeTeamSlots(ctx, range, now);
  return { ctx, timezone: zone, slots, byDate: groupSlotsByLocalDate(slots, zone) };
}

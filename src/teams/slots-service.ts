// The one way to answer "which start times does this team event type offer": one D1 read (slots-repo.ts) -> each
// host's slots from the slot engine -> the team's set algebra -> grouped by local date. Used by
// GET /v2/slots/available (for a team event type id) and the team booking pages.
import type { Db } from '../db/client';
import { DAY_MS } from '../lib/time';
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

/** Null when the team event type does not exist or is inactive. */
export async function availableTeamSlots(
  db: Db,
  key: TeamEventTypeKey,
  range: { from: number; to: number },
  timezone?: string,
  now = Date.now(),
  ownHoldUid: string | null = null,
): Promise<AvailableTeamSlots | null> {
  // A day wider each side: "first slot of the day" looks at whole local dates around the range.
  const ctx = await loadTeamSlotContext(db, key, { from: range.from - DAY_MS, to: range.to + DAY_MS }, now, 0, ownHoldUid);
  if (!ctx) return null;
  const zone = timezone ?? 'UTC';
  const { slots } = computeTeamSlots(ctx, range, now);
  return { ctx, timezone: zone, slots, byDate: groupSlotsByLocalDate(slots, zone) };
}

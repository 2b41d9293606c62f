// Who hosts a team event type: its listed hosts, or every member when it assigns all. Pure: the team reads
// (src/teams/repo.ts) and the event type reads (src/teams/event-types-repo.ts) share it.
import type { EventType } from '../db/schema';
import { DEFAULT_PRIORITY, DEFAULT_WEIGHT } from './event-type-schemas';

export interface HostRow {
  userId: number;
  name: string;
  isFixed: boolean;
  priority: number;
  weight: number;
}

/** The hosts of a team event type as of now (hostsOf in event-types-repo.ts and the team reads in repo.ts). */
export function hostRowsOf(
  et: EventType,
  members: { userId: number; name: string }[],
  listed: { eventTypeId: number; userId: number; isFixed: boolean; priority: number; weight: number }[],
  names: Map<number, string>,
): HostRow[] {
  if (et.assignAllTeamMembers) {
    return members.map((m) => ({ userId: m.userId, name: m.name, isFixed: false, priority: DEFAULT_PRIORITY, weight: DEFAULT_WEIGHT })).sort((a, b) => a.userId - b.userId);
  }
  return listed
    .filter((h) => h.eventTypeId === et.id && names.has(h.userId))
    .map((h) => ({ userId: h.userId, name: names.get(h.userId)!, isFixed: h.isFixed, priority: h.priority, weight: h.weight }))
    .sort((a, b) => a.userId - b.userId);
}

/**
 * Team availability as set algebra over each host's offered slots (pure; no I/O).
 *
 * Every host's slots come from the same slot engine with the same event type rules, so two hosts offer "the same
 * slot" exactly when they offer the same start (the end follows from the duration). Sets are therefore compared by
 * start. Inputs are lists sorted by start without repeats, as `computeSlotStarts` answers them; outputs are too.
 * - collective: the intersection over every host (each must attend);
 * - round robin: the intersection over the fixed hosts, intersected with the union over the rotating hosts (one of
 *   them takes it). No rotating host: the fixed hosts alone; no host at all: nothing.
 * The answers do not depend on the order of the hosts.
 */
import type { Slot } from '../slots/engine';

/** Host id -> that host's slots, sorted by start. */
export type SlotsByHost = ReadonlyMap<number, readonly Slot[]>;

/** Starts offered by every list (an empty family offers nothing: there is no host to attend). */
export function intersectSlots(lists: readonly (readonly Slot[])[]): Slot[] {
  if (lists.length === 0) return [];
  const counts = new Map<number, number>();
  for (const list of lists) for (const slot of list) counts.set(slot.start, (counts.get(slot.start) ?? 0) + 1);
  // Keeps the first list's order (sorted) and objects.
  return lists[0]!.filter((slot) => counts.get(slot.start) === lists.length).map((s) => ({ start: s.start, end: s.end }));
}

/** Starts offered by at least one list, sorted by start. */
export function unionSlots(lists: readonly (readonly Slot[])[]): Slot[] {
  const byStart = new Map<number, Slot>();
  for (const list of lists) for (const slot of list) if (!byStart.has(slot.start)) byStart.set(slot.start, { start: slot.start, end: slot.end });
  return [...byStart.values()].sort((a, b) => a.start - b.start);
}

export function collectiveSlots(byHost: SlotsByHost): Slot[] {
  return intersectSlots([...byHost.values()]);
}

/** Fixed hosts' intersection ∩ the rotating hosts' union. */
export function roundRobinSlots(fixed: SlotsByHost, rotating: SlotsByHost): Slot[] {
  const lists = [...fixed.values()];
  if (rotating.size > 0) lists.push(unionSlots([...rotating.values()]));
  return intersectSlots(lists);
}

/** Start -> the hosts (ascending id) who offer it: for `hosts_available` and for picking a round-robin host. */
export function hostsByStart(byHost: SlotsByHost): Map<number, number[]> {
  const out = new Map<number, number[]>();
  const ids = [...byHost.keys()].sort((a, b) => a - b);
  for (const id of ids) {
    for (const slot of byHost.get(id)!) {
      const list = out.get(slot.start);
      if (list) list.push(id);
      else out.set(slot.start, [id]);
    }
  }
  return out;
}

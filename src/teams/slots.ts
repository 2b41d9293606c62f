// Team slots and per-host checks from a loaded TeamSlotContext (pure: the read is slots-repo.ts). Each host's slots
// come from the one slot engine with the event type's rules and the host's own schedule and busy time; the team's
// answer is the set algebra of availability.ts over them.
import { eventTypeRules } from '../slots/context';
import { checkSlot, computeSlotStarts, type RulesInput, type Slot, type SlotCheck } from '../slots/engine';
import { eligibleHosts } from './assignment';
import { collectiveSlots, hostsByStart, roundRobinSlots, type SlotsByHost } from './availability';
import type { TeamHost, TeamSlotContext } from './context';

export function hostRules(ctx: TeamSlotContext, host: TeamHost, now: number): RulesInput | null {
  if (host.scheduleTimeZone === null) return null;
  return {
    ...eventTypeRules(ctx.eventType),
    scheduleTimeZone: host.scheduleTimeZone,
    availability: host.availability,
    overrides: host.overrides,
    busy: host.externalBusy.length ? [...host.busy, ...host.externalBusy] : host.busy,
    now,
  };
}

/** The fixed hosts, and the rotating ones left in by the load-balancing filter. */
export function splitHosts(ctx: TeamSlotContext): { fixed: TeamHost[]; rotating: TeamHost[] } {
  const fixed = ctx.hosts.filter((h) => h.isFixed);
  const rotatingAll = ctx.hosts.filter((h) => !h.isFixed);
  const rotating = eligibleHosts(rotatingAll, { distribution: ctx.eventType.distribution, weightsEnabled: ctx.eventType.weightsEnabled });
  return { fixed, rotating };
}

function slotsOf(ctx: TeamSlotContext, hosts: TeamHost[], range: { from: number; to: number }, now: number): SlotsByHost {
  const out = new Map<number, Slot[]>();
  for (const host of hosts) {
    const rules = hostRules(ctx, host, now);
    out.set(host.id, rules ? computeSlotStarts({ ...rules, rangeStart: range.from, rangeEnd: range.to }) : []);
  }
  return out;
}

export interface TeamSlots {
  slots: Slot[];
  /** Start -> the rotating hosts free then (round robin), or every host (collective). */
  hostsAvailable: Map<number, number[]>;
}

export function computeTeamSlots(ctx: TeamSlotContext, range: { from: number; to: number }, now: number): TeamSlots {
  if (ctx.hosts.length === 0) return { slots: [], hostsAvailable: new Map() };
  const { fixed, rotating } = splitHosts(ctx);
  const fixedSlots = slotsOf(ctx, fixed, range, now);
  if (ctx.eventType.schedulingType === 'collective') {
    const slots = collectiveSlots(fixedSlots);
    const all = fixed.map((h) => h.id);
    return { slots, hostsAvailable: new Map(slots.map((s) => [s.start, all])) };
  }
  const rotatingSlots = slotsOf(ctx, rotating, range, now);
  const slots = roundRobinSlots(fixedSlots, rotatingSlots);
  const byStart = hostsByStart(rotatingSlots);
  return { slots, hostsAvailable: new Map(slots.map((s) => [s.start, byStart.get(s.start) ?? []])) };
}

/** Whether one host could take `start` right now (the same engine check as a personal booking). */
export function checkHost(ctx: TeamSlotContext, host: TeamHost, now: number, start: number): SlotCheck {
  const rules = hostRules(ctx, host, now);
  if (!rules) return { ok: false, reason: 'outside_hours', message: 'A host has no default schedule.' };
  return checkSlot(rules, start);
}

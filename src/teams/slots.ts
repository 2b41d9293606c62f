// Team slots and per-host checks from a loaded TeamSlotContext (pure: the read is slots-repo.ts). Each host's slots
// come from the one slot engine with the event type's rules (booking limits included) and the host's own schedule
// and busy time; the team's answer is the set algebra of availability.ts over them, then the team-wide
// "first available slot of the day" when the event type asks for it. The slots answer and the booking check both
// decide here, so a start is bookable exactly when it is offered.
import { hostSlotRules } from '../slots/context';
import { checkSlot, computeSlotStarts, type RulesInput, type Slot, type SlotCheck } from '../slots/engine';
import { DAY_MS, ZoneCalendar } from '../lib/time';
import { eligibleHosts } from './assignment';
import { collectiveSlots, hostsByStart, roundRobinSlots, type SlotsByHost } from './availability';
import type { TeamHost, TeamSlotContext } from './context';

/**
 * One host's engine rules. Booking limits count the event type's bookings whoever hosted them, in periods of this
 * host's schedule zone (as a personal event type's are in its schedule's zone). "First slot of the day" is not a
 * per-host rule: it applies to the team's answer (`firstOfEachDay`).
 */
export function hostRules(ctx: TeamSlotContext, host: TeamHost, now: number): RulesInput | null {
  const zone = host.scheduleTimeZone;
  return zone === null ? null : hostSlotRules(ctx.eventType, { ...host, scheduleTimeZone: zone }, ctx.counted, now);
}

/**
 * The zone whose local dates "first available slot of the day" uses: the hosts' schedule zone when they all share
 * one, else UTC (a team has no single zone; UTC is also the team slots' default).
 */
export function teamDayZone(ctx: TeamSlotContext): string {
  const zones = new Set(ctx.hosts.map((h) => h.scheduleTimeZone).filter((z): z is string => z !== null));
  return zones.size === 1 ? [...zones][0]! : 'UTC';
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

/** The team's slots before "first slot of the day": every host's rules and the set algebra. */
function teamSlotsIn(ctx: TeamSlotContext, range: { from: number; to: number }, now: number): TeamSlots {
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

/** Whole local dates (of `teamDayZone`) around a range: the first slot of a date depends on the whole date. */
function wholeDates(calendar: ZoneCalendar, range: { from: number; to: number }) {
  return { from: calendar.startOfLocalDay(calendar.localDayOf(range.from)), to: calendar.startOfLocalDay(calendar.localDayOf(range.to - 1) + 1) };
}

/** Keeps the first slot of each local date (slots sorted by start). */
function firstOfEachDay(slots: Slot[], calendar: ZoneCalendar): Slot[] {
  let lastDay = NaN;
  return slots.filter((slot) => {
    const day = calendar.localDayOf(slot.start);
    if (day === lastDay) return false;
    lastDay = day;
    return true;
  });
}

export function computeTeamSlots(ctx: TeamSlotContext, range: { from: number; to: number }, now: number): TeamSlots {
  if (!ctx.eventType.onlyShowFirstAvailableSlot) return teamSlotsIn(ctx, range, now);
  const calendar = new ZoneCalendar(teamDayZone(ctx));
  const all = teamSlotsIn(ctx, wholeDates(calendar, range), now);
  const slots = firstOfEachDay(all.slots, calendar).filter((s) => s.start >= range.from && s.start < range.to);
  return { slots, hostsAvailable: new Map(slots.map((s) => [s.start, all.hostsAvailable.get(s.start) ?? []])) };
}

/**
 * The window a booking check at `start` must read: a day either side, so the whole local date of any zone (the
 * first slot of the day) and the periods' edges are in it.
 */
export const checkWindow = (start: number) => ({ from: start - DAY_MS, to: start + DAY_MS });

/**
 * The team-wide rule on a start that no single host decides: with `only_show_first_available_slot`, only the team's
 * first offered start of its local date (computed from the same slots as the answer).
 */
export function checkTeamStart(ctx: TeamSlotContext, now: number, start: number): SlotCheck {
  if (!ctx.eventType.onlyShowFirstAvailableSlot) return { ok: true };
  const calendar = new ZoneCalendar(teamDayZone(ctx));
  const day = calendar.localDayOf(start);
  const first = computeTeamSlots(ctx, { from: calendar.startOfLocalDay(day), to: calendar.startOfLocalDay(day + 1) }, now).slots[0];
  if (first?.start === start) return { ok: true };
  return {
    ok: false,
    reason: 'not_first_slot',
    message: `Only the first available start of each day (in ${calendar.timeZone}) is offered${first ? `; on that day it is ${new Date(first.start).toISOString()}` : ''}.`,
  };
}

/** Whether one host could take `start` right now (the same engine check as a personal booking). */
export function checkHost(ctx: TeamSlotContext, host: TeamHost, now: number, start: number): SlotCheck {
  const rules = hostRules(ctx, host, now);
  if (!rules) return { ok: false, reason: 'outside_hours', message: 'A host has no default schedule.' };
  return checkSlot(rules, start);
}

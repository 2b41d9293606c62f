// Where a booker page reads its times: a personal event type (src/slots/service.ts) or a team one
// (src/teams/slots-service.ts). The pages, the form and their rules are the same for both; only the read and who is
// shown as "the host" (the person, or the team) differ.
import type { Db } from '../db/client';
import type { EventType } from '../db/schema';
import type { Slot } from '../slots/engine';
import type { EventTypeKey, SlotContext } from '../slots/context';
import { availableMonth, availableSlots, type SlotOptions } from '../slots/service';
import { teamDayZone } from '../teams/slots';
import { availableTeamMonth, availableTeamSlots, type AvailableTeamSlots } from '../teams/slots-service';
import type { TeamEventTypeKey } from '../teams/slots-repo';
import type { HostLookRow, PublicHost } from './repo';

export interface BookerContext {
  eventType: EventType;
  /** Who the page says you book: the host, or the team (its name; its slug as the username), with its branding and
   * default language. */
  host: PublicHost & Partial<HostLookRow>;
  /** A personal event type's slot context (recurring series need it); null for a team. */
  personal: SlotContext | null;
}

export interface BookerSlots {
  ctx: BookerContext;
  timezone: string;
  slots: Slot[];
  byDate: Record<string, { start: string; end: string }[]>;
}

export interface SlotSource {
  month(db: Db, month: string, zoneOf: (ctx: BookerContext) => string, opts?: SlotOptions): Promise<BookerSlots | null>;
  range(db: Db, range: { from: number; to: number }, timezone: string | undefined, opts?: SlotOptions): Promise<BookerSlots | null>;
}

const personal = (ctx: SlotContext): BookerContext => ({ eventType: ctx.eventType, host: ctx.host, personal: ctx });

export function personalSlots(key: EventTypeKey): SlotSource {
  const wrap = <T extends { ctx: SlotContext }>(found: T | null) => (found ? { ...found, ctx: personal(found.ctx) } : null);
  return {
    month: async (db, month, zoneOf, opts) => wrap(await availableMonth(db, key, month, (ctx) => zoneOf(personal(ctx)), opts)),
    range: async (db, range, timezone, opts) => wrap(await availableSlots(db, key, range, timezone, opts)),
  };
}

/** A team as the pages show it: its name, its slug in the URL, and the hosts' common zone (else UTC) by default. */
const team = (ctx: AvailableTeamSlots['ctx']): BookerContext => ({
  eventType: ctx.eventType,
  host: {
    id: ctx.team.id,
    name: ctx.team.name,
    username: ctx.team.slug,
    timezone: teamDayZone(ctx),
    brandColor: ctx.team.brandColor,
    brandColorDark: ctx.team.brandColorDark,
    hideBranding: ctx.team.hideBranding,
    theme: ctx.team.theme,
    locale: ctx.team.locale,
    embedOrigins: ctx.team.embedOrigins,
    logo: ctx.team.logo,
  },
  personal: null,
});

export function teamSlots(key: TeamEventTypeKey): SlotSource {
  const wrap = (found: AvailableTeamSlots | null) => (found ? { ...found, ctx: team(found.ctx) } : null);
  // A team event type is never recurring (refused on create), so recurrenceCount never reaches it.
  const options = (opts: SlotOptions = {}) => ({ now: opts.now, ownHoldUid: opts.ownHoldUid, ignoreBookingId: opts.ignoreBookingId });
  return {
    month: async (db, month, zoneOf, opts) => wrap(await availableTeamMonth(db, key, month, (ctx) => zoneOf(team(ctx)), options(opts))),
    range: async (db, range, timezone, opts) => wrap(await availableTeamSlots(db, key, range, timezone, options(opts))),
  };
}

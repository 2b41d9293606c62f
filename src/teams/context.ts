// What the team slot rules know about one team event type and its hosts (read by slots-repo.ts in one round trip).
// Pure types: the slot computation, the booking writer and the benchmark share them.
import type { EventType, Team } from '../db/schema';
import type { BusySpan, DateOverride, WeeklyRange } from '../slots/engine';
import type { CountedBooking } from '../slots/limits';
import type { RotatingHost } from './assignment';

export interface TeamHost extends RotatingHost {
  id: number;
  name: string;
  email: string;
  timezone: string;
  username: string | null;
  isFixed: boolean;
  /** Null when the host has no default schedule (then they are never free). */
  scheduleTimeZone: string | null;
  availability: WeeklyRange[];
  overrides: DateOverride[];
  /** Bookings (any event type, team or personal) and live holds: what the SQL guard counts too. */
  busy: BusySpan[];
  externalBusy: BusySpan[];
}

export interface TeamSlotContext {
  eventType: EventType;
  /** With its branding and language when read for the public pages (src/teams/slots-repo.ts). */
  team: { id: number; slug: string; name: string } & Partial<Pick<Team, 'brandColor' | 'brandColorDark' | 'hideBranding' | 'theme' | 'locale' | 'embedOrigins' | 'logo'>>;
  /** Bookings of this event type (any host) that count against its booking limits, around the window (empty without limits). */
  counted: CountedBooking[];
  /** Ascending user id; only active users who are still members of the team. */
  hosts: TeamHost[];
}

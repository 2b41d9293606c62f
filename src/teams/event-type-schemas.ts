// Team event types: everything a personal event type has, plus who hosts and how a meeting is assigned. Cal.com's
// spellings are accepted on input (`roundRobin`, `mandatory`, priority names) and answered in ours.
import { z } from 'zod';
import { createEventTypeBody, eventTypeFields, eventTypeResponse, paymentFields } from '../event-types/schemas';
import { decimalId, pageQuery } from '../lib/validation';

export const SCHEDULING_TYPES = ['round_robin', 'collective'] as const;
export type SchedulingType = (typeof SCHEDULING_TYPES)[number];
export const DISTRIBUTIONS = ['maximize_availability', 'load_balancing'] as const;
export const COUNTING_PERIODS = ['month', 'day'] as const;

/** Cal.com's priority names, lowest..highest, are 0..4. */
const PRIORITY_NAMES = ['lowest', 'low', 'medium', 'high', 'highest'] as const;
export const DEFAULT_PRIORITY = 2;
export const DEFAULT_WEIGHT = 100;

const schedulingType = z
  .enum(['round_robin', 'collective', 'roundRobin', 'ROUND_ROBIN', 'COLLECTIVE'])
  .transform((v): SchedulingType => (v === 'collective' || v === 'COLLECTIVE' ? 'collective' : 'round_robin'))
  .describe("`round_robin` (one of the hosts takes each meeting) or `collective` (every host attends); Cal.com's `roundRobin` is accepted");

const priority = z
  .union([z.number().int().min(0).max(4), z.enum(PRIORITY_NAMES).transform((name) => PRIORITY_NAMES.indexOf(name))])
  .describe("0 (lowest) to 4 (highest), default 2; Cal.com's names lowest, low, medium, high, highest are accepted");

export const hostInput = z
  .strictObject({
    user_id: z.number().int().positive(),
    is_fixed: z.boolean().optional().describe('Attends every round-robin meeting too'),
    mandatory: z.boolean().optional().describe("Cal.com's name for is_fixed"),
    priority: priority.optional(),
    weight: z.number().int().min(1).max(1000).optional().describe('1-1000, default 100; used when weights_enabled'),
  })
  .transform((h) => ({ userId: h.user_id, isFixed: h.is_fixed ?? h.mandatory ?? false, priority: h.priority ?? DEFAULT_PRIORITY, weight: h.weight ?? DEFAULT_WEIGHT }));

export type HostInput = z.output<typeof hostInput>;

const hosts = z
  .array(hostInput)
  .max(100)
  .refine((list) => new Set(list.map((h) => h.userId)).size === list.length, { message: 'Each user may be listed once' });

/** A series would need every host free at every occurrence under one set of leases: not built (docs/DESIGN.md, Teams). */
const NOT_RECURRING = 'Team event types cannot be recurring; leave recurring_event null';

const teamFields = {
  scheduling_type: schedulingType,
  hosts,
  assign_all_team_members: z.boolean().describe('Every current member hosts (rotating, default priority and weight)'),
  distribution: z.enum(DISTRIBUTIONS).describe('`load_balancing` hides a host more than 3 bookings ahead of the least-booked one'),
  weights_enabled: z.boolean(),
  counting_period: z.enum(COUNTING_PERIODS).describe('The period (UTC) over which round-robin bookings are counted'),
};

/**
 * Seats are for personal event types only this session (a seat joins one host's booking under that host's object;
 * team bookings lock several hosts): a team event type refuses them with a clear 400.
 */
const noSeats = z
  .null({ error: 'Seats are not supported on team event types' })
  .optional()
  .describe('Not supported on team event types: only null is accepted');
const SEAT_FIELDS = { seats_per_time_slot: true, seats_show_attendees: true, seats_show_availability_count: true } as const;
/** A team booking is written to every attending host's calendar: each would make its own meeting link. */
const noGeneratedLink = z
  .literal(false, { error: 'Generated meeting links are not supported on team event types yet: give the link in location_value' })
  .optional()
  .describe('Not supported on team event types: only false is accepted');

export const createTeamEventTypeBody = createEventTypeBody
  .omit({ owner_id: true, schedule_id: true, ...SEAT_FIELDS })
  .extend({
    seats_per_time_slot: noSeats,
    generate_meeting_link: noGeneratedLink,
    scheduling_type: teamFields.scheduling_type,
    hosts: teamFields.hosts.optional(),
    assign_all_team_members: teamFields.assign_all_team_members.default(false),
    distribution: teamFields.distribution.default('maximize_availability'),
    weights_enabled: teamFields.weights_enabled.default(false),
    counting_period: teamFields.counting_period.default('month'),
  })
  .refine((b) => b.assign_all_team_members || (b.hosts?.length ?? 0) > 0, { path: ['hosts'], message: 'Give hosts or assign_all_team_members: true' })
  .refine((b) => !b.recurring_event, { path: ['recurring_event'], message: NOT_RECURRING });

export const updateTeamEventTypeBody = z
  .strictObject({ ...eventTypeFields, ...paymentFields, ...teamFields, seats_per_time_slot: noSeats, generate_meeting_link: noGeneratedLink })
  .omit({ schedule_id: true, seats_show_attendees: true, seats_show_availability_count: true })
  .partial()
  .refine((body) => Object.keys(body).length > 0, { message: 'Nothing to update' })
  .refine((b) => !b.recurring_event, { path: ['recurring_event'], message: NOT_RECURRING });

export type CreateTeamEventTypeBody = z.output<typeof createTeamEventTypeBody>;
export type UpdateTeamEventTypeBody = z.output<typeof updateTeamEventTypeBody>;

export const teamEventTypeParam = z.strictObject({ id: decimalId, event_type_id: decimalId });
export const listTeamEventTypesQuery = z.strictObject({ ...pageQuery });

export const hostResponse = z.strictObject({
  user_id: z.number().int().positive(),
  name: z.string(),
  is_fixed: z.boolean(),
  priority: z.number().int(),
  weight: z.number().int(),
});

export const teamEventTypeResponse = eventTypeResponse.omit({ schedule_id: true }).extend({
  team_id: z.number().int().positive(),
  scheduling_type: z.enum(SCHEDULING_TYPES),
  assign_all_team_members: z.boolean(),
  distribution: z.enum(DISTRIBUTIONS),
  weights_enabled: z.boolean(),
  counting_period: z.enum(COUNTING_PERIODS),
  hosts: z.array(hostResponse).describe('The hosts as of now: with assign_all_team_members, every current member'),
});

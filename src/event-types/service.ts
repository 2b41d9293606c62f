// Creating and changing event types, with the rules that need the database (owner exists, schedule belongs to the
// owner, slug unique per owner). Shared by the API routes and the admin pages; failures are ApiErrors.
import { resolveOwner } from '../auth/ownership';
import type { Db } from '../db/client';
import { isForeignKeyViolation, isUniqueViolation } from '../db/errors';
import type { EventType, User } from '../db/schema';
import { ApiError } from '../lib/errors';
import { defaultScheduleId, scheduleBelongsTo } from '../schedules/repo';
import { insertEventType, slugTaken, updateEventType } from './repo';
import type { CreateEventTypeBody, UpdateEventTypeBody } from './schemas';
import { seatsConflict } from './limits';
import { paymentConflict } from '../payments/money';
import { findDestination } from '../calendars/writeback-repo';
import { meetingLinkProblem } from '../calendars/meeting-links';

/** 400 when seats meet requires_confirmation or recurring_event in the event type as it would be. */
function assertSeatsCompatible(et: Parameters<typeof seatsConflict>[0] & Parameters<typeof paymentConflict>[0]) {
  const conflict = seatsConflict(et) ?? paymentConflict(et);
  if (conflict) throw invalid(conflict.path, conflict.message);
}

const slugConflict = () => new ApiError('conflict', 'The owner already has an event type with this slug');
const invalid = (path: string, message: string) => new ApiError('validation_failed', 'Request validation failed', [{ path, message }]);

/**
 * 400 when the event type as it would be generates meeting links that the owner's destination calendar cannot make
 * (src/calendars/meeting-links.ts). A booking made after the destination went still books (see meeting-link-settle).
 */
async function assertMeetingLinkPossible(db: Db, ownerId: number, et: Parameters<typeof meetingLinkProblem>[0]) {
  if (!et.generateMeetingLink) return;
  const destination = await findDestination(db.$client, ownerId);
  const problem = meetingLinkProblem(et, destination?.kind ?? null);
  if (problem) throw invalid(problem.path, problem.message);
}

async function assertScheduleOfOwner(db: Db, scheduleId: number, ownerId: number) {
  if (!(await scheduleBelongsTo(db, scheduleId, ownerId))) throw invalid('schedule_id', "Schedule not found among the owner's schedules");
}

/** Concurrent writes can both pass the pre-checks; the database's constraints decide, and the loser gets a 4xx. */
function rethrowSlugConflict(error: unknown): never {
  if (isUniqueViolation(error)) throw slugConflict();
  // The schedule was deleted between the check and the write.
  if (isForeignKeyViolation(error)) throw invalid('schedule_id', "Schedule not found among the owner's schedules");
  throw error;
}

/** Creates an event type for `owner_id` (super admins only) or the actor; the schedule defaults to the owner's default. */
export async function createEventType(db: Db, actor: User, body: CreateEventTypeBody): Promise<EventType> {
  const { owner_id, schedule_id, ...fields } = body;
  assertSeatsCompatible({ seatsPerTimeSlot: fields.seats_per_time_slot, requiresConfirmation: fields.requires_confirmation, recurringEvent: fields.recurring_event, price: fields.price, currency: fields.currency });
  // A deactivated host offers no slots; an event type made for them would be dead on arrival.
  const ownerId = (await resolveOwner(db, actor, owner_id, { field: 'owner_id', mustBeActive: true, notAllowed: 'forbidden' })).id;
  if (schedule_id !== undefined) await assertScheduleOfOwner(db, schedule_id, ownerId);
  const scheduleId = schedule_id ?? (await defaultScheduleId(db, ownerId));
  if (scheduleId === undefined) throw new ApiError('conflict', 'The owner has no default schedule');
  if (await slugTaken(db, ownerId, fields.slug)) throw slugConflict();
  await assertMeetingLinkPossible(db, ownerId, { locationType: fields.location_type, locationValue: fields.location_value, generateMeetingLink: fields.generate_meeting_link });
  return insertEventType(db, ownerId, scheduleId, fields).catch(rethrowSlugConflict);
}

/** Applies an update to an event type the caller already may change. */
export async function changeEventType(db: Db, existing: EventType, body: UpdateEventTypeBody): Promise<EventType> {
  assertSeatsCompatible({
    seatsPerTimeSlot: body.seats_per_time_slot === undefined ? existing.seatsPerTimeSlot : body.seats_per_time_slot,
    requiresConfirmation: body.requires_confirmation ?? existing.requiresConfirmation,
    recurringEvent: body.recurring_event === undefined ? existing.recurringEvent : body.recurring_event,
    price: body.price === undefined ? existing.price : body.price,
    currency: body.currency === undefined ? existing.currency : body.currency,
  });
  if (body.schedule_id !== undefined) await assertScheduleOfOwner(db, body.schedule_id, existing.ownerId);
  // Checked when the location changes, so a host whose destination went can still edit the rest.
  if (body.generate_meeting_link !== undefined || body.location_type !== undefined || body.location_value !== undefined) {
    await assertMeetingLinkPossible(db, existing.ownerId, {
      locationType: body.location_type === undefined ? existing.locationType : body.location_type,
      locationValue: body.location_value === undefined ? existing.locationValue : body.location_value,
      generateMeetingLink: body.generate_meeting_link ?? existing.generateMeetingLink,
    });
  }
  if (body.slug !== undefined && (await slugTaken(db, existing.ownerId, body.slug, existing.id))) throw slugConflict();
  const updated = await updateEventType(db, existing.id, body).catch(rethrowSlugConflict);
  if (!updated) throw new ApiError('not_found', 'Event type not found');
  return updated;
}

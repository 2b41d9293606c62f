// The ranges of an event type's time fields, in one place: the API's zod schema, the admin form's inputs and the
// busy-read margin of the slot query (src/bookings/occupancy.ts) all read them. Pure.

export const DURATION_MINUTES = { min: 5, max: 720 } as const;
export const BUFFER_MINUTES = { min: 0, max: 240 } as const;
export const SLOT_INTERVAL_MINUTES = { min: 5, max: 720 } as const;
/** Seats per slot of a seated event type (Cal.com allows the same range). */
export const SEATS_PER_TIME_SLOT = { min: 2, max: 1000 } as const;

/**
 * Seats cannot be combined with a confirmation step or a recurring series (as Cal.com): a seat joins a booking that
 * already holds the slot, which a pending request or a series of occurrences would make ambiguous. Answers the field
 * to blame and why, or null. Checked on the merged state, so a PATCH cannot sneak the combination in either.
 */
export function seatsConflict(et: { seatsPerTimeSlot: number | null; requiresConfirmation: boolean; recurringEvent: unknown }): { path: string; message: string } | null {
  if (et.seatsPerTimeSlot === null) return null;
  if (et.requiresConfirmation) return { path: 'seats_per_time_slot', message: 'Seats cannot be combined with requires_confirmation' };
  if (et.recurringEvent !== null) return { path: 'seats_per_time_slot', message: 'Seats cannot be combined with recurring_event' };
  return null;
}

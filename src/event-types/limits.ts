// The ranges of an event type's time fields, in one place: the API's zod schema, the admin form's inputs and the
// busy-read margin of the slot query (src/bookings/occupancy.ts) all read them. Pure.

export const DURATION_MINUTES = { min: 5, max: 720 } as const;
export const BUFFER_MINUTES = { min: 0, max: 240 } as const;
export const SLOT_INTERVAL_MINUTES = { min: 5, max: 720 } as const;

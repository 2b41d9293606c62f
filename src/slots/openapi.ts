// The OpenAPI description of the slot routes (src/slots/routes.ts). Slot reservations, under the same tag, are
// described in src/reservations/openapi.ts.
import type { ResourceDocs } from '../openapi/types';
import { availableSlotsQuery, slotsResponse } from './schemas';

export const slotsDocs: ResourceDocs = {
  responseSchemas: { AvailableSlots: slotsResponse },
  operations: [
    {
      operationId: 'getAvailableSlots',
      method: 'get',
      path: '/v2/slots/available',
      tag: 'Slots',
      summary: 'Available slots of an event type',
      description:
        'Slots inside the schedule’s hours (after overrides), past the minimum notice, within the booking window, ' +
        'not overlapping the host’s bookings with buffers, and within the event type’s booking limits. The range may ' +
        'span at most 93 days. With `recurrence_count` (recurring event types), only starts whose first N occurrences ' +
        'can all be booked.',
      auth: 'public',
      query: availableSlotsQuery,
      success: { status: 200, description: 'Slots grouped by local date', schema: slotsResponse },
      errors: {
        not_found: 'No active event type with this id',
        validation_failed: 'A bad query, or recurrence_count on an event type that is not recurring (or above its count)',
        rate_limited: 'Too many slot queries for this event type from this client IP within a minute (generous); see Retry-After',
      },
    },
  ],
};

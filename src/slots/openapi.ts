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
        'not overlapping the host’s bookings with buffers. The range may span at most 93 days.',
      auth: 'public',
      query: availableSlotsQuery,
      success: { status: 200, description: 'Slots grouped by local date', schema: slotsResponse },
      errors: {
        not_found: 'No active event type with this id',
        rate_limited: 'Too many slot queries for this event type from this client IP within a minute (generous); see Retry-After',
      },
    },
  ],
};

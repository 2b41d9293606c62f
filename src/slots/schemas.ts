import { z } from 'zod';
import { decimalId, isoInstant, timeZoneSchema } from '../lib/validation';
import { reservationUid } from '../reservations/schemas';

export const MAX_RANGE_DAYS = 93;

export const availableSlotsQuery = z
  .strictObject({
    event_type_id: decimalId,
    start_time: isoInstant,
    end_time: isoInstant,
    timezone: timeZoneSchema.optional(),
    reservation_uid: reservationUid.optional().describe('Your own slot reservation: its slot stays visible to you'),
    recurrence_count: decimalId
      .pipe(z.number().max(52))
      .optional()
      .describe('A recurring event type: offer only starts whose first N occurrences can all be booked (at most its count)'),
  })
  .superRefine((q, ctx) => {
    if (q.end_time <= q.start_time) {
      ctx.addIssue({ code: 'custom', path: ['end_time'], message: 'end_time must be after start_time' });
    } else if (q.end_time - q.start_time > MAX_RANGE_DAYS * 86_400_000) {
      ctx.addIssue({ code: 'custom', path: ['end_time'], message: `The range may span at most ${MAX_RANGE_DAYS} days` });
    }
  });

// Response shape of GET /v2/slots/available, for the OpenAPI document and its contract tests.
const slotTime = z.iso.datetime({ offset: true }).describe("Carries the requested zone's offset");
export const slotsResponse = z.strictObject({
  event_type_id: z.number().int().positive(),
  timezone: z.string(),
  duration_minutes: z.number().int(),
  slots: z
    .record(
      z.iso.date(),
      z.array(
        z.strictObject({
          start: slotTime,
          end: slotTime,
          seats_total: z.number().int().optional().describe('Seated event types: seats of the slot (only on a partly booked slot, unless the event type hides the count)'),
          seats_booked: z.number().int().optional().describe('Seats taken'),
          seats_remaining: z.number().int().optional().describe('Seats left (a full slot is not offered)'),
        }),
      ),
    )
    .describe('Local dates (YYYY-MM-DD in the requested timezone) to the slots starting on them'),
});

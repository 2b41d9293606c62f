import { z } from 'zod';
import { isoInstant } from '../lib/validation';
import { MAX_HOLD_MINUTES } from './rules';

/** A reservation uid has the shape of a booking uid: 128 random bits, base64url. */
export const reservationUid = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/);

const durationMinutes = z
  .number()
  .int()
  .min(1)
  .max(MAX_HOLD_MINUTES)
  .describe(`How long the hold lasts, 1-${MAX_HOLD_MINUTES} minutes: only the event type's host or a super admin may choose (everyone else gets 5)`);

export const createReservationBody = z.strictObject({
  event_type_id: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  slot_start: isoInstant.describe('A start GET /v2/slots/available offers now'),
  reservation_duration_minutes: durationMinutes.optional(),
});

export const updateReservationBody = z
  .strictObject({
    slot_start: isoInstant.optional().describe('Move the hold to this start (its expiry stays)'),
    reservation_duration_minutes: durationMinutes.optional().describe('Extend: the hold then expires this many minutes from now (host or super admin only)'),
  })
  .refine((b) => b.slot_start !== undefined || b.reservation_duration_minutes !== undefined, {
    message: 'Give slot_start, reservation_duration_minutes or both',
  });

export const reservationParam = z.strictObject({ uid: reservationUid });

// Response shape (what `holdJson` answers), for the OpenAPI document and its contract tests.
export const reservationResponse = z.strictObject({
  uid: z.string().describe("Random and unguessable: the holder's capability to read, move, release and book the slot"),
  event_type_id: z.number().int().positive(),
  slot_start: z.iso.datetime(),
  slot_end: z.iso.datetime(),
  expires_at: z.iso.datetime().describe('After this instant the hold counts for nothing'),
});

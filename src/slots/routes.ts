import { Hono } from 'hono';
import type { AppEnv } from '../env';
import { foundOr404 } from '../lib/errors';
import { enforceRateLimit } from '../lib/rate-limit';
import { validate } from '../lib/validation';
import { availableSlots, type AvailableSlots } from './service';
import { availableTeamSlots, type AvailableTeamSlots } from '../teams/slots-service';
import { availableSlotsQuery } from './schemas';

export const slotRoutes = new Hono<AppEnv>().get('/available', validate('query', availableSlotsQuery), async (c) => {
  const q = c.req.valid('query');
  // Generous, per (client, event type): a calendar page asks for a few ranges, a scraper for thousands.
  await enforceRateLimit(c, 'SLOTS_RATE_LIMIT', `slots:${q.event_type_id}`);
  const range = { from: q.start_time, to: q.end_time };
  // A team event type is not found by the personal read; it costs a second read only then.
  const found = await foundOr404(
    'Event type',
    availableSlots(c.var.db, q.event_type_id, range, q.timezone, {
      ownHoldUid: q.reservation_uid ?? null,
      ...(q.recurrence_count === undefined ? {} : { recurrenceCount: q.recurrence_count }),
    }).then(
      (personal): Promise<AvailableSlots | AvailableTeamSlots | null> | AvailableSlots =>
        personal ?? availableTeamSlots(c.var.db, q.event_type_id, range, q.timezone, { ownHoldUid: q.reservation_uid ?? null }),
    ),
  );
  return c.json({
    event_type_id: found.ctx.eventType.id,
    timezone: found.timezone,
    duration_minutes: found.ctx.eventType.durationMinutes,
    slots: found.byDate,
  });
});

import { Hono } from 'hono';
import type { AppEnv } from '../env';
import { foundOr404 } from '../lib/errors';
import { enforceRateLimit } from '../lib/rate-limit';
import { validate } from '../lib/validation';
import { availableSlots } from './service';
import { availableSlotsQuery } from './schemas';

export const slotRoutes = new Hono<AppEnv>().get('/available', validate('query', availableSlotsQuery), async (c) => {
  const q = c.req.valid('query');
  // Generous, per (client, event type): a calendar page asks for a few ranges, a scraper for thousands.
  await enforceRateLimit(c, 'SLOTS_RATE_LIMIT', `slots:${q.event_type_id}`);
  const found = await foundOr404('Event type', availableSlots(c.var.db, q.event_type_id, { from: q.start_time, to: q.end_time }, q.timezone, { ownHoldUid: q.reservation_uid ?? null }));
  return c.json({
    event_type_id: found.ctx.eventType.id,
    timezone: found.timezone,
    duration_minutes: found.ctx.eventType.durationMinutes,
    slots: found.byDate,
  });
});

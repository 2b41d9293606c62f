import { Hono } from 'hono';
import type { AppEnv } from '../env';
import { notFound } from '../lib/errors';
import { enforceRateLimit } from '../lib/rate-limit';
import { validate } from '../lib/validation';
import { computeSlotStarts, groupSlotsByLocalDate } from './engine';
import { loadSlotContext, slotRules } from './repo';
import { availableSlotsQuery } from './schemas';

export const slotRoutes = new Hono<AppEnv>().get('/available', validate('query', availableSlotsQuery), async (c) => {
  const q = c.req.valid('query');
  // Generous, per (client, event type): a calendar page asks for a few ranges, a scraper for thousands.
  await enforceRateLimit(c, 'SLOTS_RATE_LIMIT', `slots:${q.event_type_id}`);
  const now = Date.now();
  const ctx = await loadSlotContext(c.var.db, q.event_type_id, { from: q.start_time, to: q.end_time }, undefined, now, q.reservation_uid ?? null);
  if (!ctx) throw notFound('Event type');
  const timezone = q.timezone ?? ctx.scheduleTimeZone;
  const slots = computeSlotStarts({ ...slotRules(ctx, now), rangeStart: q.start_time, rangeEnd: q.end_time });
  return c.json({
    event_type_id: ctx.eventType.id,
    timezone,
    duration_minutes: ctx.eventType.durationMinutes,
    slots: groupSlotsByLocalDate(slots, timezone),
  });
});

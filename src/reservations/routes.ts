import { Hono } from 'hono';
import type { AppEnv } from '../env';
import { clientHash, rateLimit } from '../lib/rate-limit';
import { validate } from '../lib/validation';
import { createReservationBody, reservationParam, updateReservationBody } from './schemas';
import { changeReservation, getReservation, releaseReservation } from './service';
import { reserveSlot } from '../dispatch/holds';

/** `/v2/slots/reservations`: public like bookings; the uid is the holder's key. Writes are rate limited per client. */
export const reservationRoutes = new Hono<AppEnv>()
  .post('/', rateLimit('WRITE_RATE_LIMIT', 'reservation'), validate('json', createReservationBody), async (c) => {
    const body = c.req.valid('json');
    const hold = await reserveSlot(c.var.d1, c.env, c.var.user, await clientHash(c), {
      eventTypeId: body.event_type_id,
      slotStart: body.slot_start,
      durationMinutes: body.reservation_duration_minutes,
    });
    return c.json(hold, 201);
  })
  .get('/:uid', validate('param', reservationParam), async (c) => c.json(await getReservation(c.var.db, c.req.valid('param').uid)))
  .patch('/:uid', rateLimit('WRITE_RATE_LIMIT', 'reservation'), validate('param', reservationParam), validate('json', updateReservationBody), async (c) => {
    const body = c.req.valid('json');
    return c.json(
      await changeReservation(c.var.d1, c.env, c.var.user, c.req.valid('param').uid, {
        slotStart: body.slot_start,
        durationMinutes: body.reservation_duration_minutes,
      }),
    );
  })
  .delete('/:uid', rateLimit('WRITE_RATE_LIMIT', 'reservation'), validate('param', reservationParam), async (c) => {
    await releaseReservation(c.var.d1, c.env, c.req.valid('param').uid);
    return c.body(null, 204);
  });

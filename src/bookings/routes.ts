import { Hono } from 'hono';
import { currentUser, requireUser } from '../auth/middleware';
import { sha256Hex } from '../lib/crypto';
import type { User } from '../db/schema';
import type { AppEnv } from '../env';
import { ApiError } from '../lib/errors';
import { chargeRateLimit, namedClientHash, rateLimit } from '../lib/rate-limit';
import { listPage } from '../lib/pagination';
import { toIssues, validate } from '../lib/validation';
import { scopedIdempotencyKey, type IdempotencyScope } from './idempotency';
import { bookingJson, bookingSortKey, isBookingSortKey, listBookings } from './repo';
import { getBookingOrSeries, getBookingIcs, cancelBooking, settleBooking } from './service';
import { createBooking, rescheduleBooking } from '../dispatch/bookings';
import { cancelBody, createBookingBody, idempotencyKeySchema, listBookingsQuery, reasonBody, rescheduleBody, uidParam, type CreateBookingBody } from './schemas';

/** Whose Idempotency-Key this is: the signed-in caller's, else the request's own (event type + attendee email). */
const idempotencyScope = (user: User | null, body: CreateBookingBody): IdempotencyScope =>
  user ? { userId: user.id } : { eventTypeId: body.event_type_id, attendeeEmail: body.attendee.email };

export const bookingRoutes = new Hono<AppEnv>()
  .post('/', rateLimit('WRITE_RATE_LIMIT', 'booking'), validate('json', createBookingBody), async (c) => {
    const body = c.req.valid('json');
    const keyHeader = c.req.header('idempotency-key');
    const key = keyHeader === undefined ? null : idempotencyKeySchema.safeParse(keyHeader);
    if (key && !key.success) {
      throw new ApiError('validation_failed', 'Invalid Idempotency-Key header', toIssues(key.error).map((i) => ({ ...i, path: 'Idempotency-Key' })));
    }
    const created = await createBooking(c.var.d1, c.env, {
      eventTypeId: body.event_type_id,
      start: body.start,
      attendee: { name: body.attendee.name, email: body.attendee.email, timezone: body.attendee.timezone, notes: body.attendee.notes ?? null, locale: body.attendee.language ?? null },
      location: body.location ?? null,
      metadata: body.metadata ?? null,
      responses: body.booking_fields_responses,
      idempotencyKey: key ? await scopedIdempotencyKey(key.data, idempotencyScope(c.get('user'), body)) : null,
      // Same key with the same validated body replays; a different body is a 422.
      idempotencyHash: key ? await sha256Hex(JSON.stringify(body)) : null,
      reservationUid: body.reservation_uid ?? null,
      ...(body.recurrence_count === undefined ? {} : { recurrenceCount: body.recurrence_count }),
      signedIn: Boolean(c.get('user')),
      clientHash: await namedClientHash(c),
    });
    // A recurring event type answers the first occurrence with the whole series in `occurrences`; each occurrence
    // spends the client's write budget like a booking of its own.
    const occurrences = 'occurrences' in created ? created.occurrences : undefined;
    if (occurrences && !created.replayed) await chargeRateLimit(c, 'WRITE_RATE_LIMIT', 'booking', occurrences.length - 1);
    return c.json(occurrences ? { ...created.booking, occurrences } : created.booking, 201);
  })
  .get('/', requireUser, validate('query', listBookingsQuery), async (c) => {
    const q = c.req.valid('query');
    const result = await listPage(
      q,
      isBookingSortKey,
      (after, limit) => listBookings(c.var.db, currentUser(c), { status: q.status, from: q.from, to: q.to, eventTypeId: q.event_type_id, after, limit }),
      bookingSortKey,
    );
    return c.json({ data: result.data.map((row) => bookingJson(row)), next_cursor: result.next_cursor });
  })
  .get('/:uid', validate('param', uidParam), async (c) => c.json(await getBookingOrSeries(c.var.db, c.req.valid('param').uid, c.get('user'))))
  .get('/:uid/ics', validate('param', uidParam), async (c) => {
    const { uid } = c.req.valid('param');
    return c.body(await getBookingIcs(c.var.db, c.env, uid), 200, {
      'content-type': 'text/calendar; charset=utf-8',
      'content-disposition': `attachment; filename="booking-${uid}.ics"`,
    });
  })
  .patch('/:uid', rateLimit('WRITE_RATE_LIMIT', 'booking'), validate('param', uidParam), validate('json', rescheduleBody), async (c) => {
    const body = c.req.valid('json');
    return c.json(await rescheduleBooking(c.var.d1, c.env, c.req.valid('param').uid, body.start, body.reason ?? null));
  })
  .delete('/:uid', rateLimit('WRITE_RATE_LIMIT', 'booking'), validate('param', uidParam), validate('json', cancelBody), async (c) => {
    const { reason, scope } = c.req.valid('json');
    return c.json(await cancelBooking(c.var.d1, c.env, c.req.valid('param').uid, reason ?? null, c.get('user'), scope ?? 'this'));
  })
  .post('/:uid/confirm', requireUser, validate('param', uidParam), async (c) => {
    return c.json(await settleBooking(c.var.d1, c.env, currentUser(c), c.req.valid('param').uid, 'confirm', null));
  })
  .post('/:uid/decline', requireUser, validate('param', uidParam), validate('json', reasonBody), async (c) => {
    const { reason } = c.req.valid('json');
    return c.json(await settleBooking(c.var.d1, c.env, currentUser(c), c.req.valid('param').uid, 'decline', reason ?? null));
  });

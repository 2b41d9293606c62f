// The OpenAPI description of the slot reservation routes (src/reservations/routes.ts): holds on a slot.
import { RATE_LIMITED_PER_IP } from '../openapi/errors';
import type { ResourceDocs } from '../openapi/types';
import { createReservationBody, reservationParam, reservationResponse, updateReservationBody } from './schemas';

export const reservationsDocs: ResourceDocs = {
  requestSchemas: { CreateReservationBody: createReservationBody, UpdateReservationBody: updateReservationBody },
  responseSchemas: { Reservation: reservationResponse },
  operations: [
    {
      operationId: 'reserveSlot',
      method: 'post',
      path: '/v2/slots/reservations',
      tag: 'Slots',
      summary: 'Hold a slot while the invitee fills in the form',
      description:
        'The held slot disappears from everyone else’s GET /v2/slots/available (pass `reservation_uid` there to keep seeing ' +
        'your own) and can only be booked with `reservation_uid` on POST /v2/bookings, which replaces the hold by the ' +
        'booking atomically. A hold lasts 5 minutes; the event type’s host or a super admin may choose 1-60. A client ' +
        '(IP, and the signed-in user) keeps at most a few live holds per host. On a team event type a collective hold ' +
        'blocks every host, a round-robin one the fixed hosts and the host the assignment picks (any host of the event ' +
        'type may choose the duration).',
      auth: 'optional',
      body: { schema: createReservationBody },
      success: { status: 201, description: 'Held', schema: reservationResponse },
      errors: {
        forbidden: 'reservation_duration_minutes from anyone but the signed-in host or a super admin',
        not_found: 'No active event type with this id',
        conflict: 'The event type is seated: seats are booked directly, without a reservation',
        slot_unavailable: 'The start is not an offered slot (booked or held by someone else); the message says why',
        too_many_holds: 'This client already holds the most slots allowed with this host',
        rate_limited: RATE_LIMITED_PER_IP,
      },
    },
    {
      operationId: 'getReservation',
      method: 'get',
      path: '/v2/slots/reservations/{uid}',
      tag: 'Slots',
      summary: 'Get a slot reservation',
      description: 'An expired reservation is gone: 404.',
      auth: 'public',
      params: reservationParam,
      success: { status: 200, description: 'The live reservation', schema: reservationResponse },
    },
    {
      operationId: 'updateReservation',
      method: 'patch',
      path: '/v2/slots/reservations/{uid}',
      tag: 'Slots',
      summary: 'Move or extend a slot reservation',
      description:
        'Moving keeps the expiry; extending (`reservation_duration_minutes`, at most 60, from now) is for the host or a super admin. ' +
        'A team event type’s hold cannot be moved or extended (409 `conflict`): release it and take another.',
      auth: 'optional',
      params: reservationParam,
      body: { schema: updateReservationBody },
      success: { status: 200, description: 'The changed reservation', schema: reservationResponse },
      errors: {
        forbidden: 'reservation_duration_minutes from anyone but the signed-in host or a super admin',
        not_found: 'No live reservation with this uid',
        slot_unavailable: 'The new start is not an offered slot; the message says why',
        conflict: 'A team event type’s hold (release it and take another)',
        rate_limited: RATE_LIMITED_PER_IP,
      },
    },
    {
      operationId: 'releaseReservation',
      method: 'delete',
      path: '/v2/slots/reservations/{uid}',
      tag: 'Slots',
      summary: 'Release a slot reservation',
      auth: 'public',
      params: reservationParam,
      success: { status: 204, description: 'Released: the slot is offered again' },
      errors: {
        not_found: 'No live reservation with this uid',
        rate_limited: RATE_LIMITED_PER_IP,
      },
    },
  ],
};

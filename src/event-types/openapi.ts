// The OpenAPI description of the event type routes (src/event-types/routes.ts).
import { idParam } from '../lib/validation';
import { listEnvelope } from '../openapi/schemas';
import type { ResourceDocs } from '../openapi/types';
import { createEventTypeBody, eventTypeResponse, listEventTypesQuery, updateEventTypeBody } from './schemas';

const eventTypeList = listEnvelope(eventTypeResponse);

export const eventTypesDocs: ResourceDocs = {
  requestSchemas: { CreateEventTypeBody: createEventTypeBody, UpdateEventTypeBody: updateEventTypeBody },
  responseSchemas: { EventType: eventTypeResponse, EventTypeList: eventTypeList },
  operations: [
    {
      operationId: 'listEventTypes',
      method: 'get',
      path: '/v2/event-types',
      tag: 'Event types',
      summary: 'List event types',
      description:
        'Without a session: active event types. Signed in: also your inactive ones (a super admin: all). ' +
        'Only the owner and super admins see `location_value` and `schedule_id`; the attendee gets the location in the booking.',
      auth: 'optional',
      query: listEventTypesQuery,
      success: { status: 200, description: 'A page of event types, by id', schema: eventTypeList },
    },
    {
      operationId: 'createEventType',
      method: 'post',
      path: '/v2/event-types',
      tag: 'Event types',
      summary: 'Create an event type',
      description: 'Without `schedule_id` it uses the owner’s default schedule. Super admins may set `owner_id`.',
      auth: 'session',
      body: { schema: createEventTypeBody },
      success: { status: 201, description: 'Created', schema: eventTypeResponse },
      errors: {
        forbidden: 'owner_id names another user and you are not a super admin',
        conflict: 'The owner already has an event type with this slug',
      },
    },
    {
      operationId: 'getEventType',
      method: 'get',
      path: '/v2/event-types/{id}',
      tag: 'Event types',
      summary: 'Get one of your event types',
      auth: 'session',
      params: idParam,
      success: { status: 200, description: 'The event type', schema: eventTypeResponse },
    },
    {
      operationId: 'updateEventType',
      method: 'patch',
      path: '/v2/event-types/{id}',
      tag: 'Event types',
      summary: 'Update an event type',
      description: 'Any subset of the fields; at least one.',
      auth: 'session',
      params: idParam,
      body: { schema: updateEventTypeBody },
      success: { status: 200, description: 'The updated event type', schema: eventTypeResponse },
      errors: { conflict: 'The owner already has an event type with this slug' },
    },
    {
      operationId: 'deleteEventType',
      method: 'delete',
      path: '/v2/event-types/{id}',
      tag: 'Event types',
      summary: 'Delete an event type',
      description: 'Its bookings stay, with `event_type_id` null.',
      auth: 'session',
      params: idParam,
      success: { status: 204, description: 'Deleted' },
    },
  ],
};

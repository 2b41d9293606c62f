// The OpenAPI description of the calendar feed routes (src/calendar-feeds/routes.ts): secret subscription URLs.
import { idParam } from '../lib/validation';
import { listEnvelope } from '../openapi/schemas';
import type { ResourceDocs } from '../openapi/types';
import { createFeedBody, feedCreatedResponse, feedResponse, listFeedsQuery } from './schemas';

const feedList = listEnvelope(feedResponse);

export const calendarFeedsDocs: ResourceDocs = {
  requestSchemas: { CreateCalendarFeedBody: createFeedBody },
  responseSchemas: { CalendarFeed: feedResponse, CalendarFeedCreated: feedCreatedResponse, CalendarFeedList: feedList },
  operations: [
    {
      operationId: 'listCalendarFeeds',
      method: 'get',
      path: '/v2/calendar-feeds',
      tag: 'Calendar feeds',
      summary: 'List your calendar feeds',
      description: 'Without their tokens: those are shown once, at creation. A super admin sees every user\'s feeds.',
      auth: 'session',
      query: listFeedsQuery,
      success: { status: 200, description: 'A page of feeds, by id', schema: feedList },
    },
    {
      operationId: 'createCalendarFeed',
      method: 'post',
      path: '/v2/calendar-feeds',
      tag: 'Calendar feeds',
      summary: 'Make a secret subscription URL for your bookings',
      description: 'Answers the token and the URL once; subscribe to the URL in your calendar app ("From URL" / "Subscribe").',
      auth: 'session',
      body: { schema: createFeedBody, required: false },
      success: { status: 201, description: 'Created; the only time the token is shown', schema: feedCreatedResponse },
    },
    {
      operationId: 'deleteCalendarFeed',
      method: 'delete',
      path: '/v2/calendar-feeds/{id}',
      tag: 'Calendar feeds',
      summary: 'Revoke a calendar feed',
      description: 'Its URL answers 404 from now on.',
      auth: 'session',
      params: idParam,
      success: { status: 204, description: 'Revoked' },
    },
  ],
};

// The OpenAPI description of the schedule routes (src/schedules/routes.ts): weekly hours and date overrides.
import { idParam } from '../lib/validation';
import { listEnvelope } from '../openapi/schemas';
import type { ResourceDocs } from '../openapi/types';
import {
  createOverrideBody,
  createScheduleBody,
  dateOverrideResponse,
  listSchedulesQuery,
  overrideParam,
  scheduleResponse,
  updateScheduleBody,
} from './schemas';

const scheduleList = listEnvelope(scheduleResponse);

export const schedulesDocs: ResourceDocs = {
  requestSchemas: {
    CreateScheduleBody: createScheduleBody,
    UpdateScheduleBody: updateScheduleBody,
    CreateDateOverrideBody: createOverrideBody,
  },
  responseSchemas: { Schedule: scheduleResponse, ScheduleList: scheduleList, DateOverride: dateOverrideResponse },
  operations: [
    {
      operationId: 'listSchedules',
      method: 'get',
      path: '/v2/schedules',
      tag: 'Schedules',
      summary: 'List your schedules',
      auth: 'session',
      query: listSchedulesQuery,
      success: { status: 200, description: 'A page of schedules, by id', schema: scheduleList },
    },
    {
      operationId: 'createSchedule',
      method: 'post',
      path: '/v2/schedules',
      tag: 'Schedules',
      summary: 'Create a schedule',
      description:
        'Wall-clock times are HH:MM in the schedule’s timezone; a range may end at 24:00. Super admins may set `user_id`.',
      auth: 'session',
      body: { schema: createScheduleBody },
      success: { status: 201, description: 'Created', schema: scheduleResponse },
      errors: { forbidden: 'user_id names another user and you are not a super admin' },
    },
    {
      operationId: 'getSchedule',
      method: 'get',
      path: '/v2/schedules/{id}',
      tag: 'Schedules',
      summary: 'Get a schedule',
      auth: 'session',
      params: idParam,
      success: { status: 200, description: 'The schedule', schema: scheduleResponse },
    },
    {
      operationId: 'updateSchedule',
      method: 'patch',
      path: '/v2/schedules/{id}',
      tag: 'Schedules',
      summary: 'Update a schedule',
      description: 'Given lists replace the stored ones entirely.',
      auth: 'session',
      params: idParam,
      body: { schema: updateScheduleBody },
      success: { status: 200, description: 'The updated schedule', schema: scheduleResponse },
      errors: { conflict: 'is_default false on the default schedule: make another schedule the default instead' },
    },
    {
      operationId: 'deleteSchedule',
      method: 'delete',
      path: '/v2/schedules/{id}',
      tag: 'Schedules',
      summary: 'Delete a schedule',
      auth: 'session',
      params: idParam,
      success: { status: 204, description: 'Deleted' },
      errors: { conflict: 'It is the default schedule, or event types still use it' },
    },
    {
      operationId: 'addDateOverride',
      method: 'post',
      path: '/v2/schedules/{id}/overrides',
      tag: 'Schedules',
      summary: 'Add a date override',
      description: 'No times: the whole local date is blocked. With times: a range that replaces that date’s weekly hours.',
      auth: 'session',
      params: idParam,
      body: { schema: createOverrideBody },
      success: { status: 201, description: 'Added', schema: dateOverrideResponse },
      errors: { conflict: 'It clashes with an override of the same date, or the schedule has the most overrides allowed' },
    },
    {
      operationId: 'deleteDateOverride',
      method: 'delete',
      path: '/v2/schedules/{id}/overrides/{override_id}',
      tag: 'Schedules',
      summary: 'Delete a date override',
      auth: 'session',
      params: overrideParam,
      success: { status: 204, description: 'Deleted' },
    },
  ],
};

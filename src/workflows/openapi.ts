// The OpenAPI description of the workflow routes (src/workflows/routes.ts).
import { listEnvelope } from '../openapi/schemas';
import type { ResourceDocs } from '../openapi/types';
import { createWorkflowBody, eventTypeParam, listWorkflowsQuery, updateWorkflowBody, workflowParam, workflowResponse } from './schemas';
import { TEMPLATE_VARIABLES } from './template';

const workflowList = listEnvelope(workflowResponse);
const VARIABLES = TEMPLATE_VARIABLES.map((v) => `\`{${v}}\``).join(', ');

export const workflowsDocs: ResourceDocs = {
  requestSchemas: { CreateWorkflowBody: createWorkflowBody, UpdateWorkflowBody: updateWorkflowBody },
  responseSchemas: { Workflow: workflowResponse, WorkflowList: workflowList },
  operations: [
    {
      operationId: 'listWorkflows',
      method: 'get',
      path: '/v2/event-types/{id}/workflows',
      tag: 'Event types',
      summary: "List an event type's reminder workflows",
      description: "For the host of the event type, a team event type's team owners and admins, or a super admin; a team's plain members get 403, anyone else 404.",
      auth: 'session',
      params: eventTypeParam,
      errors: { forbidden: "A team event type's plain member (only the team's owners and admins manage its workflows)" },
      query: listWorkflowsQuery,
      success: { status: 200, description: 'A page of workflows, by id', schema: workflowList },
    },
    {
      operationId: 'createWorkflow',
      method: 'post',
      path: '/v2/event-types/{id}/workflows',
      tag: 'Event types',
      summary: 'Add a reminder workflow to an event type',
      description:
        'A trigger plus up to 5 steps (`email_attendee`, `email_host`, `sms_attendee`, `sms_host`). `before_start` needs `offset_minutes` from 5 to 10080 (7 days); `after_end` 0 to 10080; the ' +
        'event triggers (`on_booked`, `on_rescheduled`, `on_cancelled`) send at the change and take 0. Subject and body are templates ' +
        `with ${VARIABLES} and the event type's booking questions by name; an unknown variable is a 400. Omitted, they are the default ` +
        'reminder. Every booking made or confirmed afterwards gets one scheduled step per step (`reminders` on GET /v2/bookings/{uid}); ' +
        'a step already due when scheduled is skipped, never sent late. On a seated event type an attendee step reaches every live seat, each once. SMS steps need SMS on ' +
        '(`SMS_TRANSPORT`); `sms_attendee` needs a phone booking question with `sms_consent: true`, and texts only attendees who ticked ' +
        'that consent, at the number they gave; `sms_host` texts the host\'s verified number (POST /v2/me/phone). Every SMS obeys ' +
        'the country allow-list, the per-number and per-host daily limits and STOP replies; one refused is recorded as suppressed.',
      auth: 'session',
      params: eventTypeParam,
      errors: { forbidden: "A team event type's plain member (only the team's owners and admins manage its workflows)" },
      body: { schema: createWorkflowBody },
      success: { status: 201, description: 'Created', schema: workflowResponse },
    },
    {
      operationId: 'getWorkflow',
      method: 'get',
      path: '/v2/event-types/{id}/workflows/{workflowId}',
      tag: 'Event types',
      summary: 'Get one workflow',
      auth: 'session',
      params: workflowParam,
      errors: { forbidden: "A team event type's plain member (only the team's owners and admins manage its workflows)" },
      success: { status: 200, description: 'The workflow', schema: workflowResponse },
    },
    {
      operationId: 'updateWorkflow',
      method: 'patch',
      path: '/v2/event-types/{id}/workflows/{workflowId}',
      tag: 'Event types',
      summary: 'Change a workflow',
      description:
        'Any subset of the fields, checked as a whole. Templates apply to every step sent afterwards; due times already scheduled stay as they are.',
      auth: 'session',
      params: workflowParam,
      errors: { forbidden: "A team event type's plain member (only the team's owners and admins manage its workflows)" },
      body: { schema: updateWorkflowBody },
      success: { status: 200, description: 'The changed workflow', schema: workflowResponse },
    },
    {
      operationId: 'deleteWorkflow',
      method: 'delete',
      path: '/v2/event-types/{id}/workflows/{workflowId}',
      tag: 'Event types',
      summary: 'Delete a workflow',
      description: 'Its scheduled steps are deleted with it: nothing more is sent for it.',
      auth: 'session',
      params: workflowParam,
      errors: { forbidden: "A team event type's plain member (only the team's owners and admins manage its workflows)" },
      success: { status: 204, description: 'Deleted' },
    },
  ],
};

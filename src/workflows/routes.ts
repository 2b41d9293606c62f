// /v2/event-types/{id}/workflows: an event type's reminder workflows, for its host, its team's owners and admins, or
// a super admin (anyone else gets the event type's 404).
import { Hono } from 'hono';
import { currentUser, requireUser } from '../auth/middleware';
import type { AppEnv } from '../env';
import { foundOr404 } from '../lib/errors';
import { pageById } from '../lib/pagination';
import { validate } from '../lib/validation';
import { deleteWorkflow, findWorkflow, listWorkflows, workflowJson } from './repo';
import { createWorkflowBody, eventTypeParam, listWorkflowsQuery, updateWorkflowBody, workflowParam } from './schemas';
import { changeWorkflow, createWorkflow, workflowEventType } from './service';
import { smsEnabled } from '../sms/transports';

export const workflowRoutes = new Hono<AppEnv>()
  .get('/:id/workflows', requireUser, validate('param', eventTypeParam), validate('query', listWorkflowsQuery), async (c) => {
    const et = await workflowEventType(c.var.db, currentUser(c), c.req.valid('param').id);
    const result = await pageById(c.req.valid('query'), (afterId, take) => listWorkflows(c.var.db, et.id, afterId, take));
    return c.json({ data: result.data.map(workflowJson), next_cursor: result.next_cursor });
  })
  .post('/:id/workflows', requireUser, validate('param', eventTypeParam), validate('json', createWorkflowBody), async (c) => {
    const et = await workflowEventType(c.var.db, currentUser(c), c.req.valid('param').id);
    return c.json(workflowJson(await createWorkflow(c.var.db, et, c.req.valid('json'), { sms: smsEnabled(c.env) }, Date.now())), 201);
  })
  .get('/:id/workflows/:workflowId', requireUser, validate('param', workflowParam), async (c) => {
    const { id, workflowId } = c.req.valid('param');
    const et = await workflowEventType(c.var.db, currentUser(c), id);
    return c.json(workflowJson(await foundOr404('Workflow', findWorkflow(c.var.db, et.id, workflowId))));
  })
  .patch('/:id/workflows/:workflowId', requireUser, validate('param', workflowParam), validate('json', updateWorkflowBody), async (c) => {
    const { id, workflowId } = c.req.valid('param');
    const et = await workflowEventType(c.var.db, currentUser(c), id);
    const existing = await foundOr404('Workflow', findWorkflow(c.var.db, et.id, workflowId));
    return c.json(workflowJson(await changeWorkflow(c.var.db, et, existing, c.req.valid('json'), { sms: smsEnabled(c.env) }, Date.now())));
  })
  .delete('/:id/workflows/:workflowId', requireUser, validate('param', workflowParam), async (c) => {
    const { id, workflowId } = c.req.valid('param');
    const et = await workflowEventType(c.var.db, currentUser(c), id);
    const existing = await foundOr404('Workflow', findWorkflow(c.var.db, et.id, workflowId));
    await deleteWorkflow(c.var.db, existing.id);
    return c.body(null, 204);
  });

// /v2/team-invitations: the invitee's side of a team invitation (issue #25). Every route needs the invitee's own
// session; an invitation addressed to another email is a 404, exactly like a missing one.
import { Hono } from 'hono';
import { currentUser, requireUser } from '../auth/middleware';
import type { AppEnv } from '../env';
import { isPositiveInt, listPage } from '../lib/pagination';
import { idParam, validate } from '../lib/validation';
import { accept, decline, invitationsTo, receivedInvitationJson } from './invitations';
import { memberJson } from './repo';
import { invitationTokenParam, listInvitationsQuery } from './schemas';

export const invitationRoutes = new Hono<AppEnv>()
  .use(requireUser)
  .get('/', validate('query', listInvitationsQuery), async (c) => {
    const { limit, cursor } = c.req.valid('query');
    const result = await listPage({ limit, cursor }, isPositiveInt, (afterId = 0, take) => invitationsTo(c.var.db, currentUser(c), afterId, take), (r) => r.invitation.id);
    return c.json({ data: result.data.map(receivedInvitationJson), next_cursor: result.next_cursor });
  })
  .post('/links/:token/accept', validate('param', invitationTokenParam), async (c) => {
    return c.json(memberJson(await accept(c.var.db, currentUser(c), { token: c.req.valid('param').token })), 201);
  })
  .post('/:id/accept', validate('param', idParam), async (c) => {
    return c.json(memberJson(await accept(c.var.db, currentUser(c), { id: c.req.valid('param').id })), 201);
  })
  .post('/:id/decline', validate('param', idParam), async (c) => {
    await decline(c.var.db, currentUser(c), c.req.valid('param').id);
    return c.body(null, 204);
  });

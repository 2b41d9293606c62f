import { Hono } from 'hono';
import { currentUser, requireUser } from '../auth/middleware';
import type { AppEnv } from '../env';
import { isPositiveInt, listPage } from '../lib/pagination';
import { idParam, validate } from '../lib/validation';
import { listMembers, listTeams, memberJson, teamJson } from './repo';
import { siteOf } from '../invites/site';
import { invitationJson, invitationLink, invite, revokeInvitation, teamInvitations } from './invitations';
import {
  addMemberBody,
  createTeamBody,
  inviteBody,
  listInvitationsQuery,
  listMembersQuery,
  listTeamsQuery,
  memberParam,
  teamInvitationParam,
  updateMemberBody,
  updateTeamBody,
} from './schemas';
import { addMember, changeRole, changeTeam, createTeam, removeMember, removeTeam, teamFor } from './service';

export const teamRoutes = new Hono<AppEnv>()
  .use(requireUser)
  .get('/', validate('query', listTeamsQuery), async (c) => {
    const { limit, cursor } = c.req.valid('query');
    const result = await listPage({ limit, cursor }, isPositiveInt, (afterId = 0, take) => listTeams(c.var.db, currentUser(c), afterId, take), (r) => r.team.id);
    return c.json({ data: result.data.map(teamJson), next_cursor: result.next_cursor });
  })
  .post('/', validate('json', createTeamBody), async (c) => {
    return c.json(teamJson(await createTeam(c.var.db, currentUser(c), c.req.valid('json'))), 201);
  })
  .get('/:id', validate('param', idParam), async (c) => {
    return c.json(teamJson(await teamFor(c.var.db, currentUser(c), c.req.valid('param').id)));
  })
  .patch('/:id', validate('param', idParam), validate('json', updateTeamBody), async (c) => {
    return c.json(teamJson(await changeTeam(c.var.db, currentUser(c), c.req.valid('param').id, c.req.valid('json'))));
  })
  .delete('/:id', validate('param', idParam), async (c) => {
    await removeTeam(c.var.db, currentUser(c), c.req.valid('param').id);
    return c.body(null, 204);
  })
  .get('/:id/members', validate('param', idParam), validate('query', listMembersQuery), async (c) => {
    const db = c.var.db;
    const { id } = c.req.valid('param');
    await teamFor(db, currentUser(c), id);
    const { limit, cursor } = c.req.valid('query');
    const result = await listPage({ limit, cursor }, isPositiveInt, (afterUserId = 0, take) => listMembers(db, id, afterUserId, take), (m) => m.userId);
    return c.json({ data: result.data.map(memberJson), next_cursor: result.next_cursor });
  })
  .post('/:id/members', validate('param', idParam), validate('json', addMemberBody), async (c) => {
    return c.json(memberJson(await addMember(c.var.db, currentUser(c), c.req.valid('param').id, c.req.valid('json'))), 201);
  })
  .patch('/:id/members/:user_id', validate('param', memberParam), validate('json', updateMemberBody), async (c) => {
    const { id, user_id } = c.req.valid('param');
    return c.json(memberJson(await changeRole(c.var.db, currentUser(c), id, user_id, c.req.valid('json').role)));
  })
  .delete('/:id/members/:user_id', validate('param', memberParam), async (c) => {
    const { id, user_id } = c.req.valid('param');
    await removeMember(c.var.db, currentUser(c), id, user_id);
    return c.body(null, 204);
  })
  .post('/:id/invitations', validate('param', idParam), validate('json', inviteBody), async (c) => {
    const { invitation, token } = await invite(c.var.db, currentUser(c), c.req.valid('param').id, c.req.valid('json'));
    return c.json({ ...invitationJson(invitation), accept_url: invitationLink(siteOf(c.env).baseUrl, token) }, 201);
  })
  .get('/:id/invitations', validate('param', idParam), validate('query', listInvitationsQuery), async (c) => {
    const { id } = c.req.valid('param');
    const { limit, cursor } = c.req.valid('query');
    const result = await listPage({ limit, cursor }, isPositiveInt, (afterId = 0, take) => teamInvitations(c.var.db, currentUser(c), id, afterId, take), (i) => i.id);
    return c.json({ data: result.data.map(invitationJson), next_cursor: result.next_cursor });
  })
  .delete('/:id/invitations/:invitation_id', validate('param', teamInvitationParam), async (c) => {
    const { id, invitation_id } = c.req.valid('param');
    await revokeInvitation(c.var.db, currentUser(c), id, invitation_id);
    return c.body(null, 204);
  });

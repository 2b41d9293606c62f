// The OpenAPI rows of /v2/teams, assembled into the document by src/openapi/operations.ts.
import { listEnvelope } from '../openapi/schemas';
import type { ResourceDocs } from '../openapi/types';
import { idParam } from '../lib/validation';
import {
  addMemberBody,
  createTeamBody,
  listMembersQuery,
  listTeamsQuery,
  memberParam,
  memberResponse,
  teamResponse,
  updateMemberBody,
  updateTeamBody,
} from './schemas';

const requestSchemas = {
  CreateTeamBody: createTeamBody,
  UpdateTeamBody: updateTeamBody,
  AddTeamMemberBody: addMemberBody,
  UpdateTeamMemberBody: updateMemberBody,
};

const teamList = listEnvelope(teamResponse);
const memberList = listEnvelope(memberResponse);

const responseSchemas = {
  Team: teamResponse,
  TeamList: teamList,
  TeamMember: memberResponse,
  TeamMemberList: memberList,
};

const notMember = 'The team does not exist or you are not a member of it';

export const teamsDocs: ResourceDocs = {
  requestSchemas,
  responseSchemas,
  operations: [
  {
    operationId: 'listTeams',
    method: 'get',
    path: '/v2/teams',
    tag: 'Teams',
    summary: 'List your teams',
    description: 'The teams you are a member of, with your role; a super admin sees every team.',
    auth: 'session',
    query: listTeamsQuery,
    success: { status: 200, description: 'A page of teams, by id', schema: teamList },
  },
  {
    operationId: 'createTeam',
    method: 'post',
    path: '/v2/teams',
    tag: 'Teams',
    summary: 'Create a team',
    description: 'You become its owner. The slug follows the username rules (3-40 lowercase letters, digits and inner dashes, no reserved word).',
    auth: 'session',
    body: { schema: createTeamBody },
    success: { status: 201, description: 'Created', schema: teamResponse },
    errors: { conflict: 'The slug is taken' },
  },
  {
    operationId: 'getTeam',
    method: 'get',
    path: '/v2/teams/{id}',
    tag: 'Teams',
    summary: 'Get a team',
    auth: 'session',
    params: idParam,
    success: { status: 200, description: 'The team', schema: teamResponse },
    errors: { not_found: notMember },
  },
  {
    operationId: 'updateTeam',
    method: 'patch',
    path: '/v2/teams/{id}',
    tag: 'Teams',
    summary: 'Rename a team or change its slug',
    description: 'Owners and admins.',
    auth: 'session',
    params: idParam,
    body: { schema: updateTeamBody },
    success: { status: 200, description: 'The updated team', schema: teamResponse },
    errors: { forbidden: 'You are a plain member', conflict: 'The slug is taken', not_found: notMember },
  },
  {
    operationId: 'deleteTeam',
    method: 'delete',
    path: '/v2/teams/{id}',
    tag: 'Teams',
    summary: 'Delete a team',
    description: "Owners only. Its members' bookings stay.",
    auth: 'session',
    params: idParam,
    success: { status: 204, description: 'Deleted' },
    errors: { forbidden: 'You are not an owner', not_found: notMember },
  },
  {
    operationId: 'listTeamMembers',
    method: 'get',
    path: '/v2/teams/{id}/members',
    tag: 'Teams',
    summary: 'List the members of a team',
    auth: 'session',
    params: idParam,
    query: listMembersQuery,
    success: { status: 200, description: 'A page of members, by user id', schema: memberList },
    errors: { not_found: notMember },
  },
  {
    operationId: 'addTeamMember',
    method: 'post',
    path: '/v2/teams/{id}/members',
    tag: 'Teams',
    summary: 'Add a member',
    description: 'An existing, active user, by `user_id` or `email`. Owners and admins; only owners add owners.',
    auth: 'session',
    params: idParam,
    body: { schema: addMemberBody },
    success: { status: 201, description: 'The new member', schema: memberResponse },
    errors: { forbidden: 'You are a plain member, or an admin adding an owner', conflict: 'Already a member', not_found: notMember },
  },
  {
    operationId: 'updateTeamMember',
    method: 'patch',
    path: '/v2/teams/{id}/members/{user_id}',
    tag: 'Teams',
    summary: "Change a member's role",
    description: 'Owners and admins; only owners make owners or change an owner. The team keeps at least one owner.',
    auth: 'session',
    params: memberParam,
    body: { schema: updateMemberBody },
    success: { status: 200, description: 'The member', schema: memberResponse },
    errors: { forbidden: 'Not allowed for your role', conflict: 'This would leave the team without an owner', not_found: 'No such team or member' },
  },
  {
    operationId: 'removeTeamMember',
    method: 'delete',
    path: '/v2/teams/{id}/members/{user_id}',
    tag: 'Teams',
    summary: 'Remove a member, or leave',
    description: 'Owners and admins remove members (only owners remove owners); anyone may remove themselves. Their bookings stay.',
    auth: 'session',
    params: memberParam,
    success: { status: 204, description: 'Removed' },
    errors: { forbidden: 'Not allowed for your role', conflict: 'This would leave the team without an owner', not_found: 'No such team or member' },
  },
  ],
};

// The OpenAPI description of the user routes (src/users/routes.ts), for super admins.
import { listEnvelope } from '../openapi/schemas';
import type { ResourceDocs } from '../openapi/types';
import { idParam } from '../lib/validation';
import { createUserBody, listUsersQuery, updateUserBody, userResponse } from './schemas';

const userList = listEnvelope(userResponse);

export const usersDocs: ResourceDocs = {
  requestSchemas: { CreateUserBody: createUserBody, UpdateUserBody: updateUserBody },
  responseSchemas: { User: userResponse, UserList: userList },
  operations: [
    {
      operationId: 'listUsers',
      method: 'get',
      path: '/v2/users',
      tag: 'Users',
      summary: 'List users',
      auth: 'super_admin',
      query: listUsersQuery,
      success: { status: 200, description: 'A page of users, by id', schema: userList },
    },
    {
      operationId: 'createUser',
      method: 'post',
      path: '/v2/users',
      tag: 'Users',
      summary: 'Create a user',
      description: 'The user starts with a default schedule: Monday to Friday, 09:00-17:00 in their timezone.',
      auth: 'super_admin',
      body: { schema: createUserBody },
      success: { status: 201, description: 'Created', schema: userResponse },
      errors: { conflict: 'A user with this email already exists, or the username is taken' },
    },
    {
      operationId: 'getUser',
      method: 'get',
      path: '/v2/users/{id}',
      tag: 'Users',
      summary: 'Get a user',
      auth: 'super_admin',
      params: idParam,
      success: { status: 200, description: 'The user', schema: userResponse },
    },
    {
      operationId: 'updateUser',
      method: 'patch',
      path: '/v2/users/{id}',
      tag: 'Users',
      summary: 'Update a user',
      description: 'Deactivating a user or changing their password ends their sessions.',
      auth: 'super_admin',
      params: idParam,
      body: { schema: updateUserBody },
      success: { status: 200, description: 'The updated user', schema: userResponse },
      errors: { conflict: 'You cannot deactivate or demote yourself, or the username is taken' },
    },
    {
      operationId: 'deactivateUser',
      method: 'delete',
      path: '/v2/users/{id}',
      tag: 'Users',
      summary: 'Deactivate a user',
      description: 'Users are deactivated, never erased, so their bookings and history stay intact.',
      auth: 'super_admin',
      params: idParam,
      success: { status: 200, description: 'The deactivated user', schema: userResponse },
      errors: { conflict: 'You cannot deactivate yourself' },
    },
  ],
};

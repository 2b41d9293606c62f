// The OpenAPI description of the auth routes (src/auth/routes.ts): sign in and out, and the signed-in user (/v2/me).
import { z } from 'zod';
import type { ResourceDocs } from '../openapi/types';
import { updateMeBody, userResponse } from '../users/schemas';
import { loginBody } from './schemas';

// Here rather than in auth/schemas.ts: users/schemas.ts imports auth/schemas.ts, so the reverse import would be a cycle.
export const loginResponse = z.strictObject({
  token: z.string().describe('Send as `Authorization: Bearer <token>`; also set as the `session` cookie'),
  expires_at: z.iso.datetime(),
  user: userResponse,
});

export const authDocs: ResourceDocs = {
  requestSchemas: { LoginBody: loginBody, UpdateMeBody: updateMeBody },
  responseSchemas: { LoginResponse: loginResponse },
  operations: [
    {
      operationId: 'login',
      method: 'post',
      path: '/v2/auth/login',
      tag: 'Auth',
      summary: 'Sign in',
      description: 'Answers a session token and sets it as the `session` cookie (HttpOnly, Secure, SameSite=Lax).',
      auth: 'public',
      body: { schema: loginBody },
      success: {
        status: 200,
        description: 'Signed in',
        schema: loginResponse,
        headers: { 'Set-Cookie': 'session=<token>; HttpOnly; Secure; SameSite=Lax; Path=/' },
      },
      errors: {
        unauthorized: 'Wrong email or password, or the user is deactivated',
        rate_limited:
          'Ten attempts for this email from this network (or a hundred from all networks) within 15 minutes, or too many sign-in attempts from this client IP within a minute; the Retry-After header says when to try again',
      },
    },
    {
      operationId: 'logout',
      method: 'post',
      path: '/v2/auth/logout',
      tag: 'Auth',
      summary: 'Sign out',
      description: 'Ends the session that made the request and clears the cookie.',
      auth: 'session',
      success: { status: 204, description: 'Signed out' },
    },
    {
      operationId: 'getMe',
      method: 'get',
      path: '/v2/me',
      tag: 'Auth',
      summary: 'The signed-in user',
      auth: 'session',
      success: { status: 200, description: 'The user', schema: userResponse },
    },
    {
      operationId: 'updateMe',
      method: 'patch',
      path: '/v2/me',
      tag: 'Auth',
      summary: 'Change your name, username or timezone',
      description: 'The username is the first path segment of your public booking pages (`/{username}`).',
      auth: 'session',
      body: { schema: updateMeBody },
      success: { status: 200, description: 'The updated user', schema: userResponse },
      errors: { conflict: 'This username is taken' },
    },
  ],
};

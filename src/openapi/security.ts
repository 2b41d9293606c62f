// How a caller proves who they are (the session token as a Bearer header or as the cookie), and what each `auth`
// level of an operation asks for.
import type { Auth } from './types';

export const SECURITY_SCHEMES = {
  bearerAuth: {
    type: 'http',
    scheme: 'bearer',
    description: 'The token from POST /v2/auth/login',
  },
  sessionCookie: {
    type: 'apiKey',
    in: 'cookie',
    name: 'session',
    description: 'The same token as a cookie; POST /v2/auth/login sets it',
  },
};

const SESSION: Record<string, string[]>[] = [{ bearerAuth: [] }, { sessionCookie: [] }];

export const SECURITY: Record<Auth, Record<string, string[]>[]> = {
  public: [],
  // The empty requirement makes the session optional.
  optional: [{}, ...SESSION],
  session: SESSION,
  super_admin: SESSION,
};

// The sign-in form's POST, shared by the two doors that have one (the admin and /settings): the fields checked with the
// API's loginBody, the same per-IP budget as POST /v2/auth/login (one counter for every door), then logIn with its
// per-email throttle. The caller checks the form's CSRF token first and decides what a session may do afterwards.
import type { Context } from 'hono';
import { logIn } from '../auth/service';
import { loginBody } from '../auth/schemas';
import type { AppEnv } from '../env';
import { ApiError, type ErrorIssue } from '../lib/errors';
import { enforceRateLimit } from '../lib/rate-limit';
import { toIssues } from '../lib/validation';
import { field } from './http';

export type SignInResult =
  | { ok: true; session: Awaited<ReturnType<typeof logIn>> }
  /** The form again: 400 with the fields' issues, 401 wrong credentials, 429 too many tries (Retry-After set on c). */
  | { ok: false; status: 400 | 401 | 429; issues?: ErrorIssue[]; message?: string };

/** Any page app's context: the admin's and /settings' add their own variables. */
type SignInContext = Pick<Context<AppEnv>, 'env' | 'req' | 'var' | 'header'>;

export async function signInWithForm(c: SignInContext, form: FormData): Promise<SignInResult> {
  const parsed = loginBody.safeParse({ email: field(form, 'email'), password: field(form, 'password') });
  if (!parsed.success) return { ok: false, status: 400, issues: toIssues(parsed.error) };
  try {
    await enforceRateLimit(c, 'LOGIN_RATE_LIMIT', 'login');
    return { ok: true, session: await logIn(c.var.db, c.env, parsed.data.email, parsed.data.password, c.req.header('cf-connecting-ip')) };
  } catch (error) {
    if (error instanceof ApiError && (error.code === 'unauthorized' || error.code === 'rate_limited')) {
      for (const [name, value] of Object.entries(error.headers ?? {})) c.header(name, value);
      return { ok: false, status: error.status === 429 ? 429 : 401, message: error.message };
    }
    throw error;
  }
}

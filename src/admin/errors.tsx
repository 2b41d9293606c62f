// Failures inside the admin answer with a page a person can read, never JSON, a stack trace or SQL.
import type { FC } from 'hono/jsx';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ApiError } from '../lib/errors';
import { logUnexpectedError } from '../lib/request-log';
import type { AdminContext, Page } from './http';
import { Layout, PostButton } from './layout';

const TITLES: Partial<Record<number, string>> = {
  400: 'Bad request',
  403: 'Forbidden',
  404: 'Not found',
  409: 'Conflict',
  413: 'Too large',
  500: 'Something went wrong',
};

export const ErrorPage: FC<{ page: Page; status: number; message: string; signOut?: boolean }> = ({ page, status, message, signOut }) => {
  const title = TITLES[status] ?? 'Error';
  return (
    <Layout page={page} title={title}>
      <div class="error-page panel">
        <p class="code">{status}</p>
        <h1>{title}</h1>
        <p>{message}</p>
        <div class="actions" id="error-actions">
          {page.user?.role === 'super_admin' && <a class="btn" href="/admin/bookings">Back to the admin</a>}
          {signOut && page.user && <PostButton action="/admin/logout" csrf={page.csrf} label="Sign in as someone else" class="btn" />}
          {!page.user && <a class="btn primary" href="/admin/login">Sign in</a>}
        </div>
      </div>
    </Layout>
  );
};

export function errorPage(c: AdminContext, status: ContentfulStatusCode, message: string, opts: { signOut?: boolean } = {}) {
  // The page context may be missing pieces when the failure came early (no user loaded yet): render with what exists.
  const page: Page = { user: c.get('user') ?? null, csrf: c.get('csrf') ?? '', nonce: c.get('secureHeadersNonce') ?? '', flash: null };
  return c.html(<ErrorPage page={page} status={status} message={message} signOut={opts.signOut} />, status);
}

export const FORGED_FORM = 'This form could not be verified (it is stale or did not come from this site). Go back, reload the page and try again.';

export function adminError(err: Error, c: AdminContext) {
  if (err instanceof ApiError) return errorPage(c, err.status, err.message);
  if (err instanceof HTTPException) {
    // hono/csrf rejects a cross-origin form post with a bare 403; bodyLimit and friends use other statuses.
    if (err.status === 403) return errorPage(c, 403, FORGED_FORM);
    if (err.status === 413) return errorPage(c, 413, 'The submitted form is too large.');
    if (err.status < 500) return errorPage(c, err.status as ContentfulStatusCode, err.message || 'The request could not be handled.');
  }
  logUnexpectedError(c, err);
  return errorPage(c, 500, `The server hit an unexpected error. Please try again; if it keeps happening, the Worker's logs have the details under request id ${c.get('requestId')}.`);
}

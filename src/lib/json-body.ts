// The API reads only JSON bodies. Without this check a body sent as text/plain or form-encoded would be ignored by the
// validators rather than refused.
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../env';
import { ApiError } from './errors';

/** 415 `unsupported_media_type` for a body that is not JSON; an empty body reads as `{}`. */
export const requireJsonBody = createMiddleware<AppEnv>(async (c, next) => {
  const hasBody = c.req.header('content-length') !== undefined ? c.req.header('content-length') !== '0' : c.req.raw.body !== null;
  // The same media-type test as Hono's JSON validator, so whatever passes here is also parsed there.
  const mediaType = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (hasBody && !/^application\/([\w.-]+\+)?json$/.test(mediaType)) {
    throw new ApiError('unsupported_media_type', 'Request bodies must be JSON (Content-Type: application/json)');
  }
  // An empty body is no body, even under a JSON Content-Type (many clients send that header on every request): the
  // validators then read {} (an optional body's default, or missing fields) rather than failing as malformed JSON.
  // Hono's body cache holds promises, whatever its type says.
  if (!hasBody) (c.req.bodyCache as unknown as { text?: Promise<string> }).text ??= Promise.resolve('{}');
  await next();
});

import { z } from 'zod';
import { pageQuery } from '../lib/validation';

export const createFeedBody = z.strictObject({
  name: z.string().trim().min(1).max(100).optional().describe('A label to tell your feeds apart, e.g. "Google Calendar"'),
});

export const listFeedsQuery = z.strictObject({ ...pageQuery });

/** `{token}.ics`, as the path segment of a feed URL. */
export const feedFileParam = z.strictObject({ file: z.string().regex(/^[A-Za-z0-9_-]{20,100}\.ics$/) });

export const feedResponse = z.strictObject({
  id: z.number().int().positive(),
  user_id: z.number().int().positive(),
  name: z.string().nullable(),
  last_used_at: z.iso.datetime().nullable().describe('When a calendar last fetched the feed'),
  created_at: z.iso.datetime(),
});

export const feedCreatedResponse = feedResponse.extend({
  token: z.string().describe('Shown only in this response; only its hash is stored'),
  url: z.string().describe('The secret subscription URL: `<APP_URL>/feeds/<token>.ics`. Anyone with it can read the feed.'),
});

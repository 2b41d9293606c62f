import { z } from 'zod';
import { email } from '../auth/schemas';
import { passwordWeakness } from '../auth/crypto';
import { NO_CONTROL_CHARS, pageQuery, singleLine, timeZoneSchema } from '../lib/validation';
import { usernameSchema } from './username';
import { brandingFields, brandingResponseFields } from '../branding/schemas';

const password = z.string().superRefine((value, ctx) => {
  const weakness = passwordWeakness(value);
  if (weakness) ctx.addIssue({ code: 'custom', message: weakness });
});
const name = z.string().trim().min(1).max(120).refine(singleLine, NO_CONTROL_CHARS);
const role = z.enum(['user', 'super_admin']);


export const createUserBody = z.strictObject({
  email,
  username: usernameSchema.optional().describe('Default: derived from the email, made unique'),
  name,
  password,
  role: role.default('user'),
  timezone: timeZoneSchema.default('UTC'),
});

export const updateUserBody = z
  .strictObject({ name, username: usernameSchema, role, timezone: timeZoneSchema, is_active: z.boolean(), password, ...brandingFields })
  .partial()
  .refine((body) => Object.keys(body).length > 0, { message: 'Nothing to update' });

/** How reminders print this person's times (`{start_local}`); null: as each workflow says. */
const timeFormat = z.enum(['12h', '24h']).nullable().describe("How reminders print times for you: `12h` (9:00 AM) or `24h` (09:00); null: the workflow's choice");

/** What users may change about themselves (PATCH /v2/me). */
export const updateMeBody = z
  .strictObject({ name, username: usernameSchema, timezone: timeZoneSchema, time_format: timeFormat, ...brandingFields })
  .partial()
  .refine((body) => Object.keys(body).length > 0, { message: 'Nothing to update' });

export const listUsersQuery = z.strictObject(pageQuery);

// Response shapes (what `userJson` answers), for the OpenAPI document and its contract tests. Strict, so a field
// added to the serializer but not here fails those tests instead of going undocumented.
export const userResponse = z.strictObject({
  id: z.number().int().positive(),
  email: z.string(),
  username: z.string().nullable().describe('The first path segment of the public booking pages: /{username}'),
  name: z.string(),
  role,
  timezone: z.string(),
  is_active: z.boolean(),
  time_format: timeFormat,
  ...brandingResponseFields,
  created_at: z.iso.datetime(),
});

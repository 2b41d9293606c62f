import { z } from 'zod';
import { email } from '../auth/schemas';
import { TEAM_ROLES } from '../db/schema';
import { decimalId, NO_CONTROL_CHARS, pageQuery, singleLine } from '../lib/validation';
import { usernameSchema } from '../users/username';
import { brandingFields, brandingResponseFields } from '../branding/schemas';

// A team's slug is the first segment after /team/ of its public pages: the same rules and reserved words as usernames.
const fields = {
  name: z.string().trim().min(1).max(100).refine(singleLine, NO_CONTROL_CHARS),
  slug: usernameSchema,
};

export const createTeamBody = z.strictObject(fields);
export const updateTeamBody = z
  .strictObject({ ...fields, ...brandingFields })
  .partial()
  .refine((body) => Object.keys(body).length > 0, { message: 'Nothing to update' });

export const teamRole = z.enum(TEAM_ROLES);

export const addMemberBody = z
  .strictObject({
    user_id: z.number().int().positive().optional(),
    email: email.optional(),
    role: teamRole.default('member'),
  })
  .refine((b) => (b.user_id === undefined) !== (b.email === undefined), { message: 'Give exactly one of user_id and email' });

export const updateMemberBody = z.strictObject({ role: teamRole });

export const listTeamsQuery = z.strictObject({ ...pageQuery });
export const listMembersQuery = z.strictObject({ ...pageQuery });

/** `/v2/teams/{id}/members/{user_id}` */
export const memberParam = z.strictObject({ id: decimalId, user_id: decimalId });

export type CreateTeamBody = z.infer<typeof createTeamBody>;
export type UpdateTeamBody = z.infer<typeof updateTeamBody>;
export type AddMemberBody = z.infer<typeof addMemberBody>;

export const teamResponse = z.strictObject({
  id: z.number().int().positive(),
  slug: z.string(),
  name: z.string(),
  role: teamRole.nullable().describe("The caller's role in the team (null for a super admin who is not a member)"),
  ...brandingResponseFields,
  created_at: z.iso.datetime(),
  updated_at: z.iso.datetime(),
});

export const memberResponse = z.strictObject({
  team_id: z.number().int().positive(),
  user_id: z.number().int().positive(),
  name: z.string(),
  email: z.string(),
  username: z.string().nullable(),
  role: teamRole,
  created_at: z.iso.datetime(),
});

// ---- Invitations (issue #25): membership by consent ----

export const inviteBody = z.strictObject({
  email: email.describe('Where the invitation is addressed, with or without an account (the answer is the same either way)'),
  role: teamRole.default('member'),
});
export type InviteBody = z.infer<typeof inviteBody>;

export const listInvitationsQuery = z.strictObject({ ...pageQuery });

/** `/v2/teams/{id}/invitations/{invitation_id}` */
export const teamInvitationParam = z.strictObject({ id: decimalId, invitation_id: decimalId });

/** `/v2/team-invitations/links/{token}/accept`: the invitation link. */
export const invitationTokenParam = z.strictObject({ token: z.string().regex(/^[A-Za-z0-9_-]{20,100}$/, 'Not an invitation link') });

export const invitationResponse = z.strictObject({
  id: z.number().int().positive(),
  team_id: z.number().int().positive(),
  email: z.string(),
  role: teamRole,
  status: z.literal('pending').describe('Always pending: an accepted invitation becomes a member, a declined or revoked one is gone'),
  created_at: z.iso.datetime(),
  expires_at: z.iso.datetime(),
});

export const createdInvitationResponse = invitationResponse.extend({
  accept_url: z
    .string()
    .describe('Shown once: the invitation link. The invitee POSTs to it with their own session (their email must be the invited one); it is nothing to anyone else'),
});

export const receivedInvitationResponse = z.strictObject({
  id: z.number().int().positive(),
  team: z.strictObject({ id: z.number().int().positive(), name: z.string(), slug: z.string() }),
  role: teamRole,
  created_at: z.iso.datetime(),
  expires_at: z.iso.datetime(),
});

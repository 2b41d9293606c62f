// The OpenAPI rows of the logo uploads (src/logos/routes.ts), assembled into the document by src/openapi/operations.ts.
import { z } from 'zod';
import type { Operation, ResourceDocs } from '../openapi/types';
import { idParam } from '../lib/validation';
import { MAX_LOGO_BYTES } from '../branding/logo';

export const logoUpload = z
  .string()
  .meta({ format: 'binary' })
  .describe(`The image file itself as the body (not multipart, not JSON): PNG, JPEG, WebP or SVG, at most ${MAX_LOGO_BYTES / 1024} KiB. The type is read from the bytes; the Content-Type sent is ignored`);

export const logoResponse = z.object({
  logo_url: z.string().nullable().describe('Where the logo is served on this origin (`/logos/{sha-256}.{ext}`, cached for a year), or null'),
});

const REFUSED = {
  validation_failed: 'The file is an image of an accepted type that carries something unsafe: an SVG with script, event handlers, foreign content, entities or links outside itself, or data after the image ends (a polyglot)',
  unsupported_media_type: 'The bytes are not a PNG, JPEG, WebP or SVG image',
  payload_too_large: `The file is larger than ${MAX_LOGO_BYTES / 1024} KiB`,
} as const;

const DESCRIPTION =
  'Shown at the top of the public booking pages and emails. Stored under the SHA-256 of its bytes, so a new logo has a new URL; an SVG is served as an attachment with a CSP that runs nothing.';

function pair(owner: { id: string; path: string; tag: 'Auth' | 'Users' | 'Teams'; who: string; auth: Operation['auth']; params?: boolean; forbidden?: string }): Operation[] {
  const common = { path: owner.path, tag: owner.tag, auth: owner.auth, ...(owner.params ? { params: idParam } : {}) };
  const errors = owner.forbidden ? { forbidden: owner.forbidden } : {};
  return [
    {
      ...common,
      operationId: `upload${owner.id}Logo`,
      method: 'put',
      summary: `Upload ${owner.who} logo`,
      description: DESCRIPTION,
      body: { schema: logoUpload, mediaType: 'application/octet-stream' },
      success: { status: 200, description: 'The logo is set', schema: logoResponse },
      errors: { ...REFUSED, ...errors },
    },
    {
      ...common,
      operationId: `remove${owner.id}Logo`,
      method: 'delete',
      summary: `Remove ${owner.who} logo`,
      success: { status: 200, description: 'The logo is removed', schema: logoResponse },
      errors,
    },
  ];
}

export const logosDocs: ResourceDocs = {
  requestSchemas: { LogoUpload: logoUpload },
  responseSchemas: { Logo: logoResponse },
  operations: [
    ...pair({ id: 'My', path: '/v2/me/logo', tag: 'Auth', who: 'your', auth: 'session' }),
    ...pair({ id: 'User', path: '/v2/users/{id}/logo', tag: 'Users', who: "a user's", auth: 'super_admin', params: true }),
    ...pair({ id: 'Team', path: '/v2/teams/{id}/logo', tag: 'Teams', who: "a team's", auth: 'session', params: true, forbidden: 'Only team owners and admins may do this' }),
  ],
};

import { z } from 'zod';
import { pageQuery } from '../lib/validation';

// The address's scheme and host rules depend on a var (WEBHOOK_ALLOW_PRIVATE_URLS), so the route checks them with
// url-guard.ts after this shape check.
const fields = {
  url: z.string().trim().min(1).max(2048).describe('The private ICS address (https, or webcal which means https). Write-only: answers show only scheme and host'),
  name: z.string().trim().min(1).max(100).nullable(),
  include_transparent: z.boolean().describe('Also block time for events marked free/transparent (for holiday calendars)'),
  enabled: z.boolean(),
};

const credentials = {
  username: z.string().min(1).max(256),
  password: z.string().min(1).max(1024).describe('Write-only; an app-specific password where the server offers one'),
  calendar_path: z
    .string()
    .trim()
    .min(1)
    .max(1024)
    .describe("The calendar collection's path on the server (`/dav/calendars/user/me/Default/`), when `url` is only the server"),
};

const common = {
  name: fields.name.optional(),
  include_transparent: fields.include_transparent.default(false),
  enabled: fields.enabled.default(true),
  owner_id: z.number().int().positive().optional().describe('Super admins only: connect a calendar for another user'),
};

export const createCalendarBody = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('ics').describe('An ICS subscription (a private iCal address)'), url: fields.url, ...common }),
  z.strictObject({
    kind: z.literal('caldav').describe('A CalDAV calendar, read with Basic auth'),
    url: z.string().trim().min(1).max(2048).describe('The calendar collection URL (or the server, with `calendar_path`). Write-only'),
    username: credentials.username,
    password: credentials.password,
    calendar_path: credentials.calendar_path.optional(),
    ...common,
  }),
]);
export type CreateCalendarBody = z.infer<typeof createCalendarBody>;

export const updateCalendarBody = z
  .strictObject({ ...fields, username: credentials.username, password: credentials.password, calendar_path: credentials.calendar_path })
  .partial()
  .refine((body) => Object.keys(body).length > 0, { message: 'Nothing to update' });

export const listCalendarsQuery = z.strictObject({
  ...pageQuery,
  owner_id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
});

const iso = z.iso.datetime();

export const calendarResponse = z.strictObject({
  id: z.number().int().positive(),
  owner_id: z.number().int().positive(),
  kind: z.enum(['ics', 'caldav', 'google', 'microsoft']).describe('google and microsoft: connected with OAuth (`GET /v2/calendars/oauth/{provider}/start`)'),
  name: z.string().nullable(),
  url: z.string().describe('Scheme and host only ("https://calendar.google.com/…"): the rest of the address is secret'),
  account: z.string().nullable().describe('OAuth connections: the account as the provider names it (its email address); null otherwise'),
  include_transparent: z.boolean(),
  enabled: z.boolean(),
  status: z
    .enum(['pending', 'ok', 'failing', 'stale', 'disabled', 'reauth_required'])
    .describe(
      'pending: not synced yet; failing: the last sync failed (the last good busy time still counts); stale: failing for over 24 h; reauth_required: the provider refused our refresh token, connect the account again',
    ),
  stale: z.boolean(),
  last_synced_at: iso.nullable().describe('The last sync that succeeded (a 304 included)'),
  last_attempt_at: iso.nullable(),
  last_error: z.string().nullable().describe('Why the last sync failed, or a warning about the last good one'),
  consecutive_failures: z.number().int().min(0),
  busy_count: z.number().int().min(0).describe('Busy spans stored from the last good sync (overlapping events merged)'),
  capped: z.boolean().describe('The last sync was cut short (the 20,000-instance cap, or the expansion budget of repeating events): busy time past that point is missing; last_error says which'),
  created_at: iso,
  updated_at: iso,
});

// --- Write-back destination (issue #28) ---

export const putDestinationBody = z.strictObject({
  connection_id: z.number().int().positive().describe("One of your connections (a super admin: anyone's; the destination is then its owner's): CalDAV, Google or Microsoft"),
  calendar_id: z
    .string()
    .trim()
    .min(1)
    .max(1024)
    .nullable()
    .optional()
    .describe("Google/Microsoft: which of the account's calendars (its id; omitted or null: the primary / default calendar). A CalDAV connection is one calendar already: omit it"),
});

export const destinationQuery = z.strictObject({
  owner_id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional().describe('Super admins only: another host\'s destination'),
});

export const destinationResponse = z.strictObject({
  host_id: z.number().int().positive(),
  connection_id: z.number().int().positive(),
  calendar_id: z.string().nullable(),
  kind: z.enum(['ics', 'caldav', 'google', 'microsoft']),
  created_at: iso,
  updated_at: iso,
});

/** `calendar_sync` of a booking (host's view): its write-back into the host's destination calendar. */
export const calendarSyncResponse = z
  .strictObject({
    status: z.enum(['pending', 'synced', 'failed']).describe('pending: a write is still to happen (retrying after `error`, if any); synced: the destination holds the booking as it is; failed: given up (`error` says why)'),
    error: z.string().nullable(),
    updated_at: iso,
  })
  .nullable();

// --- OAuth connections (issue #28) ---

export const oauthProviderParam = z.strictObject({ provider: z.enum(['google', 'microsoft']) });

/** What the provider appends to the redirect: only these are read; others it adds (scope, session_state, ...) pass. */
export const oauthCallbackQuery = z.object({
  code: z.string().min(1).max(4096).optional(),
  state: z.string().min(1).max(512).optional(),
  error: z.string().max(200).optional().describe('The provider\'s refusal (access_denied when the host declined)'),
});

export const oauthStartResponse = z.strictObject({
  authorization_url: z.string().describe("The provider's consent page: open it in the browser where you are signed in (the callback needs the same session)"),
  expires_at: iso.describe('The authorization must come back before this (10 minutes)'),
});

// --- Busy sources of a Google or Microsoft connection (issue #28) ---

export const calendarSource = z.strictObject({
  id: z.string().describe("The provider's calendar id"),
  name: z.string(),
  primary: z.boolean().describe("The account's primary (Google) / default (Microsoft) calendar"),
  selected: z.boolean().describe('Its events block the host\'s time'),
});

export const sourcesResponse = z.strictObject({ data: z.array(calendarSource) });

export const patchSourcesBody = z.strictObject({
  selected: z.array(z.string().min(1).max(1024)).min(1).max(25).describe('The ids of the calendars whose events count as busy (the others do not)'),
});

export const graphPushQuery = z.object({
  validationToken: z.string().max(1024).optional().describe("Graph checking the notification URL: answered back as text/plain"),
});

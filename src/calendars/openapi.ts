// The OpenAPI description of the external calendar routes (src/calendars/routes.ts).
import { z } from 'zod';
import { idParam } from '../lib/validation';
import { listEnvelope } from '../openapi/schemas';
import type { ResourceDocs } from '../openapi/types';
import {
  calendarResponse,
  createCalendarBody,
  destinationQuery,
  destinationResponse,
  listCalendarsQuery,
  oauthCallbackQuery,
  oauthProviderParam,
  oauthStartResponse,
  graphPushQuery,
  patchSourcesBody,
  sourcesResponse,
  putDestinationBody,
  updateCalendarBody,
} from './schemas';

const calendarList = listEnvelope(calendarResponse);

export const calendarsDocs: ResourceDocs = {
  requestSchemas: { CreateCalendarBody: createCalendarBody, UpdateCalendarBody: updateCalendarBody, PutCalendarDestinationBody: putDestinationBody, PatchCalendarSourcesBody: patchSourcesBody },
  responseSchemas: { Calendar: calendarResponse, CalendarList: calendarList, CalendarDestination: destinationResponse, CalendarOAuthStart: oauthStartResponse, CalendarSources: sourcesResponse },
  operations: [
    {
      operationId: 'listCalendars',
      method: 'get',
      path: '/v2/calendars',
      tag: 'Calendars',
      summary: 'List connected calendars',
      description: 'Your own; a super admin sees everyone\'s and may filter by `owner_id`.',
      auth: 'session',
      query: listCalendarsQuery,
      success: { status: 200, description: 'A page of calendar connections, by id', schema: calendarList },
    },
    {
      operationId: 'createCalendar',
      method: 'post',
      path: '/v2/calendars',
      tag: 'Calendars',
      summary: 'Connect a calendar (ICS subscription)',
      description:
        'The address is stored encrypted and never shown again beyond its scheme and host. It must be https (webcal is read as https) ' +
        'and public unless the server allows private URLs (development). A first sync is queued at once. At most 10 per host.',
      auth: 'session',
      body: { schema: createCalendarBody },
      success: { status: 201, description: 'Connected', schema: calendarResponse },
      errors: { conflict: 'The host already has 10 calendars' },
    },
    {
      operationId: 'getCalendar',
      method: 'get',
      path: '/v2/calendars/{id}',
      tag: 'Calendars',
      summary: 'Get a calendar connection and its sync status',
      auth: 'session',
      params: idParam,
      success: { status: 200, description: 'The connection (never its address or credentials)', schema: calendarResponse },
    },
    {
      operationId: 'updateCalendar',
      method: 'patch',
      path: '/v2/calendars/{id}',
      tag: 'Calendars',
      summary: 'Update a calendar connection',
      description: 'Disabling removes its busy time at once; a new address or `include_transparent` value queues a fresh sync.',
      auth: 'session',
      params: idParam,
      body: { schema: updateCalendarBody },
      success: { status: 200, description: 'The updated connection', schema: calendarResponse },
    },
    {
      operationId: 'deleteCalendar',
      method: 'delete',
      path: '/v2/calendars/{id}',
      tag: 'Calendars',
      summary: 'Disconnect a calendar',
      description: 'Its busy time goes with it.',
      auth: 'session',
      params: idParam,
      success: { status: 204, description: 'Deleted' },
    },
    {
      operationId: 'refreshCalendar',
      method: 'post',
      path: '/v2/calendars/{id}/refresh',
      tag: 'Calendars',
      summary: 'Sync a calendar now',
      description:
        'Queues a sync and answers at once; poll the connection for `last_synced_at` and `last_error`. Coalesced: at most one sync in flight and one a minute per calendar. While a sync is still pending the answer is 202 and nothing more is queued (that sync answers the request); within a minute of the last one, 429.',
      auth: 'session',
      params: idParam,
      success: { status: 202, description: 'Sync queued, or one already pending', schema: calendarResponse },
      errors: {
        conflict: 'The calendar is disabled',
        rate_limited: 'A sync of this calendar was queued less than a minute ago and has run; the Retry-After header says when to try again',
      },
    },
    {
      operationId: 'googleCalendarPush',
      method: 'post',
      path: '/v2/calendar-push/google',
      tag: 'Webhooks',
      summary: "Google Calendar's push notifications (events.watch channels)",
      description:
        'The address of the channels calflare opens on each chosen calendar of a Google connection. A push whose `X-Goog-Channel-Token` matches its channel queues a sync of that calendar at once (pushes arriving while that sync is still queued join it); anything else is ignored. Always 204.',
      auth: 'public',
      headers: [
        { name: 'X-Goog-Channel-ID', schema: z.string(), description: 'The channel', required: false },
        { name: 'X-Goog-Channel-Token', schema: z.string(), description: "The channel's secret", required: false },
        { name: 'X-Goog-Resource-State', schema: z.string(), description: '`sync` (the channel opened) or `exists` (something changed)', required: false },
      ],
      success: { status: 204, description: 'Received' },
    },
    {
      operationId: 'microsoftCalendarPush',
      method: 'post',
      path: '/v2/calendar-push/microsoft',
      tag: 'Webhooks',
      summary: "Microsoft Graph's change notifications (subscriptions)",
      description:
        'The notificationUrl of the subscriptions calflare makes on each chosen calendar of a Microsoft connection. With `validationToken` (Graph checking the URL) it answers the token as text; otherwise each notification whose `clientState` matches its subscription queues a sync at once (notifications arriving while that sync is still queued join it). 202.',
      auth: 'public',
      query: graphPushQuery,
      success: { status: 202, description: 'Received (or, with validationToken, 200 with the token as text/plain)' },
    },
    {
      operationId: 'listCalendarSources',
      method: 'get',
      path: '/v2/calendars/{id}/sources',
      tag: 'Calendars',
      summary: 'The calendars of a Google or Microsoft account, and which count as busy',
      description: 'Read live from the provider. Until the host chooses, only the primary (Google) / default (Microsoft) calendar counts.',
      auth: 'session',
      params: idParam,
      success: { status: 200, description: "The account's calendars", schema: sourcesResponse },
      errors: { conflict: 'Not a Google or Microsoft connection, or the provider refused access (connect the account again)' },
    },
    {
      operationId: 'chooseCalendarSources',
      method: 'patch',
      path: '/v2/calendars/{id}/sources',
      tag: 'Calendars',
      summary: 'Choose which calendars of the account count as busy',
      description: 'The ids given count, the others do not; a sync is queued at once.',
      auth: 'session',
      params: idParam,
      body: { schema: patchSourcesBody },
      success: { status: 200, description: "The account's calendars with the new choice", schema: sourcesResponse },
      errors: { conflict: 'Not a Google or Microsoft connection, or the provider refused access (connect the account again)' },
    },
    {
      operationId: 'startCalendarOAuth',
      method: 'get',
      path: '/v2/calendars/oauth/{provider}/start',
      tag: 'Calendars',
      summary: 'Connect a Google or Microsoft calendar: the consent page',
      description:
        'Answers the provider\'s consent page (authorization code with PKCE). Open it in the browser where this session is signed in: ' +
        'the provider sends the browser back to `/v2/calendars/oauth/{provider}/callback`, which must carry the same session. ' +
        'The authorization is single use and must come back within 10 minutes. 404 when the provider\'s client id and secret are not configured here.',
      auth: 'session',
      params: oauthProviderParam,
      success: { status: 200, description: 'Where to send the browser', schema: oauthStartResponse },
      errors: { not_found: 'Unknown provider, or the provider is not configured on this server' },
    },
    {
      operationId: 'finishCalendarOAuth',
      method: 'get',
      path: '/v2/calendars/oauth/{provider}/callback',
      tag: 'Calendars',
      summary: 'Connect a Google or Microsoft calendar: the provider\'s redirect back',
      description:
        'Creates the connection (kind `google` or `microsoft`), or renews the tokens of the same account connected before (200). ' +
        'Refused (400 on `state`) when the state is unknown, already used, older than 10 minutes, or was started in another session; the code is then never exchanged. ' +
        'The tokens are stored encrypted and never answered. Renewing a connection re-runs its write-backs that failed meanwhile (or wait for a retry). ' +
        'A flow started on the host\'s connect page (`/settings/calendars`, which sets the cookie `oauth_return`) is answered with a 303 back to that page instead of JSON.',
      auth: 'session',
      params: oauthProviderParam,
      query: oauthCallbackQuery,
      success: { status: 201, description: 'Connected', schema: calendarResponse },
      errors: { conflict: 'The host already has 10 calendars', not_found: 'Unknown provider, or the provider is not configured on this server' },
    },
    {
      operationId: 'getCalendarDestination',
      method: 'get',
      path: '/v2/calendars/destination',
      tag: 'Calendars',
      summary: 'The calendar your bookings are written into',
      description: 'Write-back: every booking change (create, reschedule, cancel, confirm, decline) is written into this calendar. A super admin may read another host\'s with `owner_id`.',
      auth: 'session',
      query: destinationQuery,
      success: { status: 200, description: 'The destination', schema: destinationResponse },
      errors: { not_found: 'No destination is chosen' },
    },
    {
      operationId: 'putCalendarDestination',
      method: 'put',
      path: '/v2/calendars/destination',
      tag: 'Calendars',
      summary: 'Choose the calendar your bookings are written into',
      description:
        'One per host; choosing another replaces it (bookings already written stay where they are, and their later changes still go there). ' +
        'Bookings made from now on are written into it: a CalDAV calendar gets one resource per booking, named by the booking, updated in place on every change and deleted on cancel. ' +
        'Each booking shows how its write went in `calendar_sync` (the host\'s view of `GET /v2/bookings/{uid}`).',
      auth: 'session',
      body: { schema: putDestinationBody },
      success: { status: 200, description: 'The destination', schema: destinationResponse },
    },
    {
      operationId: 'deleteCalendarDestination',
      method: 'delete',
      path: '/v2/calendars/destination',
      tag: 'Calendars',
      summary: 'Stop writing new bookings into a calendar',
      description: 'Bookings already written keep their events, and their later changes (a cancel) are still written there.',
      auth: 'session',
      query: destinationQuery,
      success: { status: 204, description: 'No destination any more' },
      errors: { not_found: 'No destination was chosen' },
    },
  ],
};

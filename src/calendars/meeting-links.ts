// Meeting links made per booking by the host's destination calendar (issue #28). Pure.
//
// An event type with `generate_meeting_link` (google_meet or ms_teams, no location_value of its own) asks the calendar
// write of each booking for a conference: Google Calendar makes a Meet (`conferenceData.createRequest`), Microsoft
// Graph a Teams meeting (`isOnlineMeeting` with `teamsForBusiness`). The link comes back in the provider's answer to
// that write, which runs after the booking (src/calendars/writeback.ts); src/calendars/meeting-link-settle.ts then
// stores it on the booking and sends the messages that waited for it.
//
// Exactly one meeting per booking: the request is keyed by the booking (Google's requestId derived from it, which
// Google ignores when repeated; Graph's create is already keyed by its transactionId and Outlook ignores
// isOnlineMeeting once the meeting exists), and the link is asked for only until the booking has it. Later writes
// (reschedule, confirm) update the event in place and the provider keeps its conference.
import type { calendar_v3 } from '@googleapis/calendar';
import type { Event as GraphEvent } from '@microsoft/microsoft-graph-types';

export const MEETING_LINK_KINDS = ['google_meet', 'ms_teams'] as const;
export type MeetingLinkKind = (typeof MEETING_LINK_KINDS)[number];

/** The calendar provider that makes each kind of link. */
export const PROVIDER_OF_LINK: Record<MeetingLinkKind, 'google' | 'microsoft'> = { google_meet: 'google', ms_teams: 'microsoft' };
const PROVIDER_NAME: Record<MeetingLinkKind, string> = { google_meet: 'Google', ms_teams: 'Microsoft' };
const LINK_NAME: Record<MeetingLinkKind, string> = { google_meet: 'Google Meet', ms_teams: 'Microsoft Teams' };

export const isMeetingLinkKind = (kind: string | null | undefined): kind is MeetingLinkKind => kind === 'google_meet' || kind === 'ms_teams';

/**
 * The kind of link made for a booking of this location kind, or null when the event type gives its own location (or
 * none). Read at every change from the event type as it is then.
 */
export function generatedLinkOf(locationType: string | null, et: { generateMeetingLink?: boolean | null } | null | undefined): MeetingLinkKind | null {
  return et?.generateMeetingLink && isMeetingLinkKind(locationType) ? locationType : null;
}

/**
 * Why an event type as it would be cannot generate links (a field and a message for a 400), or null. `destination` is
 * the kind of the host's destination connection (null: none).
 */
export function meetingLinkProblem(
  et: { locationType: string | null; locationValue: string | null; generateMeetingLink: boolean },
  destination: string | null,
): { path: string; message: string } | null {
  if (!et.generateMeetingLink) return null;
  if (!isMeetingLinkKind(et.locationType)) return { path: 'generate_meeting_link', message: 'Only google_meet and ms_teams locations can have a link generated per booking' };
  if (et.locationValue !== null) return { path: 'location_value', message: 'A generated link replaces location_value: give null' };
  const provider = PROVIDER_OF_LINK[et.locationType];
  if (destination !== provider) {
    return {
      path: 'generate_meeting_link',
      message: `A ${LINK_NAME[et.locationType]} link is made by the host's ${PROVIDER_NAME[et.locationType]} calendar: connect one and choose it as the destination (PUT /v2/calendars/destination) first`,
    };
  }
  return null;
}

/**
 * The booking still waits for its generated link: it asks for one, has none yet, and holds time as accepted (a request
 * waiting for the host gets its link when accepted, like a link the host gives: issue #25).
 */
export function awaitsMeetingLink(b: { status: string; locationValue: string | null; generatedLink?: MeetingLinkKind | null }): b is typeof b & { generatedLink: MeetingLinkKind } {
  return !!b.generatedLink && b.status === 'accepted' && b.locationValue === null;
}

/**
 * A booking change whose emails and webhook deliveries wait for the link (src/calendars/meeting-link-settle.ts sends
 * them): the booking awaits one and the change made a calendar write pending. No destination: no link is coming, and
 * they go at once.
 */
export function heldForMeetingLink(booking: Parameters<typeof awaitsMeetingLink>[0], writeIds: number[]): boolean {
  return awaitsMeetingLink(booking) && writeIds.length > 0;
}

/** The link kind this write must ask `provider` for, or null (none wanted, or not this provider's kind). */
export function linkToRequest(b: Parameters<typeof awaitsMeetingLink>[0], provider: string): MeetingLinkKind | null {
  return awaitsMeetingLink(b) && PROVIDER_OF_LINK[b.generatedLink] === provider ? b.generatedLink : null;
}

/** Google's conference request for a booking, keyed by our event id (itself derived from the booking). */
export function googleConferenceRequest(eventId: string) {
  return {
    createRequest: { requestId: `${eventId}-meet`, conferenceSolutionKey: { type: 'hangoutsMeet' } },
  } satisfies calendar_v3.Schema$ConferenceData;
}

/** Graph's online meeting fields: a Teams meeting (work or school accounts; personal ones answer without a link). */
export const TEAMS_MEETING = { isOnlineMeeting: true, onlineMeetingProvider: 'teamsForBusiness' } as const satisfies GraphEvent;

/** Only an https link is shown to anyone (it lands in pages, emails and calendars). */
const httpsOnly = (raw: unknown): string | null => {
  if (typeof raw !== 'string' || raw.length > 500) return null;
  try {
    return new URL(raw).protocol === 'https:' ? raw : null;
  } catch {
    return null;
  }
};

/** The Meet link of Google's answer: the video entry point (`hangoutLink` is the same, kept for older answers). */
export function googleMeetLinkOf(event: calendar_v3.Schema$Event | null | undefined): string | null {
  const video = event?.conferenceData?.entryPoints?.find((e) => e.entryPointType === 'video');
  return httpsOnly(video?.uri) ?? httpsOnly(event?.hangoutLink);
}

/** The Teams link of Graph's answer. */
export function teamsLinkOf(event: GraphEvent | null | undefined): string | null {
  return httpsOnly(event?.onlineMeeting?.joinUrl);
}

// A booking as an iCalendar VEVENT: the one mapping used by invitation emails, the .ics download and the host feed,
// so all three describe the same event (same UID, same SEQUENCE). Pure.
import type { Booking, BookingStatus } from '../db/schema';
import { icsUid, type IcsEvent, type IcsMethod, type IcsStatus } from './ics';
import type { RecurringEvent } from '../db/json-types';
import type { MeetingLinkKind } from '../calendars/meeting-links';

/**
 * An occurrence of a recurring series, as calendars know it: one event with the series' uid. `master` only in the
 * message that invites to the whole series (its first occurrence's creation); every other message and file is about
 * one occurrence, named by its start in the series (RECURRENCE-ID).
 */
export interface SeriesRef {
  uid: string;
  recurrenceStart: number;
  master?: { rule: Pick<RecurringEvent, 'freq' | 'interval'>; count: number; zone: string; lastStart: number };
}

/** What the calendar needs to know about a booking, as of one moment. */
export interface BookingCalendarData extends Pick<Booking, 'uid' | 'title' | 'startAt' | 'endAt' | 'status' | 'locationType' | 'locationValue'> {
  /** The event type's description, if any. */
  description: string | null;
  /** bookings.sequence: 0 at creation, raised by every change the attendee sees (see docs/DESIGN.md). */
  sequence: number;
  organizer: { name: string; email: string };
  attendee: { name: string; email: string; notes: string | null };
  createdAt: number;
  updatedAt: number;
  series?: SeriesRef;
  /** Its meeting link is made by the host's calendar (src/calendars/meeting-links.ts): `locationValue` once made. */
  generatedLink?: MeetingLinkKind | null;
}

export interface CalendarSite {
  /** Host name used in UIDs (and Message-IDs): stable for a deployment. */
  domain: string;
  /** Absolute link to the booking's page, when there is one (the host's copy: the host's view). */
  bookingUrl: string | null;
  /** The UID's left side when it must not be the booking's own uid (the host's copy, see hostEventUid). */
  eventUid?: string;
}

const STATUS: Record<BookingStatus, IcsStatus> = {
  accepted: 'CONFIRMED',
  pending: 'TENTATIVE',
  cancelled: 'CANCELLED',
  rejected: 'CANCELLED',
  awaiting_payment: 'TENTATIVE',
  expired: 'CANCELLED',
};

/** The iTIP method of a message about a booking in this state: a booking that no longer holds time is cancelled. */
export function methodFor(status: BookingStatus): IcsMethod {
  return STATUS[status] === 'CANCELLED' ? 'CANCEL' : 'REQUEST';
}

const LOCATION_NAMES: Record<string, string> = {
  google_meet: 'Google Meet',
  ms_teams: 'Microsoft Teams',
  zoom: 'Zoom',
  phone: 'Phone call',
  in_person: 'In person',
};

/** The link, address or number when there is one; otherwise the kind of location in words. */
export function locationText(locationType: string | null, locationValue: string | null): string | null {
  if (locationValue) return locationValue;
  if (!locationType) return null;
  return LOCATION_NAMES[locationType] ?? locationType;
}

/** DESCRIPTION: what the event is, where to manage the booking, and what the attendee wrote. */
export function descriptionText(b: BookingCalendarData, site: CalendarSite): string {
  const parts: string[] = [];
  if (b.description) parts.push(b.description);
  if (b.attendee.notes) parts.push(`Notes from ${b.attendee.name}:\n${b.attendee.notes}`);
  if (site.bookingUrl) parts.push(`Manage this booking: ${site.bookingUrl}`);
  return parts.join('\n\n');
}

/** The RRULE value of a series: `FREQ=WEEKLY;INTERVAL=1;COUNT=4`. Skipped dates (the 31st of short months) follow RRULE already. */
export function rruleText(rule: Pick<RecurringEvent, 'freq' | 'interval'>, count: number): string {
  return `FREQ=${rule.freq.toUpperCase()};INTERVAL=${rule.interval};COUNT=${count}`;
}

function seriesFields(series: SeriesRef | undefined): Pick<IcsEvent, 'recurrence' | 'recurrenceId'> {
  if (!series) return {};
  if (series.master) return { recurrence: { rule: rruleText(series.master.rule, series.master.count), zone: series.master.zone, lastStart: series.master.lastStart } };
  return { recurrenceId: series.recurrenceStart };
}

/** `stamp`: when this version was produced; for a download or feed, the booking's last change keeps it stable. */
export function bookingEvent(b: BookingCalendarData, site: CalendarSite, stamp: number): IcsEvent {
  const status = STATUS[b.status];
  return {
    uid: icsUid(site.eventUid ?? b.series?.uid ?? b.uid, site.domain),
    ...seriesFields(b.series),
    sequence: b.sequence,
    stamp,
    start: b.startAt,
    end: b.endAt,
    summary: b.title,
    description: descriptionText(b, site) || null,
    location: locationText(b.locationType, b.locationValue),
    url: site.bookingUrl,
    status,
    organizer: b.organizer,
    // The attendee chose this time, so they have accepted it; nothing for their client to answer.
    attendee: { name: b.attendee.name, email: b.attendee.email, partstat: 'ACCEPTED', rsvp: false },
    created: b.createdAt,
    lastModified: b.updatedAt,
  };
}

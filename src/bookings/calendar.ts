// The booking as calendar data: the bridge from the bookings tables to src/invites (pure mapping).
import type { Booking } from '../db/schema';
import { bookingEvent, type BookingCalendarData, type SeriesRef } from '../invites/booking-event';
import { renderCalendar } from '../invites/ics';
import { calendarSite, type Site } from '../invites/site';
import { bookingSummaryOf, type BookingForWrite } from './repo';

/** An occurrence of a recurring series, as its invites name it; nothing for a single booking. */
export function seriesRefOf(b: Pick<Booking, 'recurringBookingUid' | 'recurrenceStart'>): { series?: SeriesRef } {
  return b.recurringBookingUid && b.recurrenceStart !== null ? { series: { uid: b.recurringBookingUid, recurrenceStart: b.recurrenceStart } } : {};
}

export function calendarDataOf(state: BookingForWrite): BookingCalendarData {
  const { booking: b, attendee: a, host } = state;
  return {
    ...seriesRefOf(b),
    ...bookingSummaryOf(state),
    sequence: b.sequence,
    organizer: { name: host.name, email: host.email },
    attendee: { name: a.name, email: a.email, notes: a.notes },
    createdAt: b.createdAt,
    updatedAt: b.updatedAt,
  };
}

/**
 * The booking as a downloadable .ics file: no METHOD (a file to import is no iTIP message), the same UID and
 * SEQUENCE as the invitation emails, and DTSTAMP at the last change so the bytes only change when the booking does.
 */
export function bookingIcsFile(state: BookingForWrite, site: Site): string {
  const data = calendarDataOf(state);
  return renderCalendar({ events: [bookingEvent(data, calendarSite(site, data.uid), data.updatedAt)] });
}

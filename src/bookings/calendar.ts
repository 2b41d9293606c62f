// The booking as calendar data: the bridge from the bookings tables to src/invites (pure mapping).
import { bookingEvent, type BookingCalendarData } from '../invites/booking-event';
import { renderCalendar } from '../invites/ics';
import { calendarSite, type Site } from '../invites/site';
import { bookingSummaryOf, type BookingForWrite } from './repo';

export function calendarDataOf(state: BookingForWrite): BookingCalendarData {
  const { booking: b, attendee: a, host } = state;
  return {
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

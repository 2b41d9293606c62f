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

/**
 * A recurring series as one downloadable file a calendar accepts on its own (an occurrence's RECURRENCE-ID alone is
 * an orphan: CalDAV servers refuse it, "main component missing"). The master lists every start the series was booked
 * with (RDATE: the rule it was booked under may have changed since), and each occurrence follows as its override,
 * moved or cancelled as it is now. Same UID as the series' invitation, so importing it updates that event.
 */
export function seriesIcsFile(occurrences: BookingForWrite[], site: Site): string {
  const seriesUid = occurrences[0]!.booking.recurringBookingUid!;
  const data = occurrences
    .map((o) => ({ ...calendarDataOf(o), series: { uid: seriesUid, recurrenceStart: o.booking.recurrenceStart ?? o.booking.startAt } }))
    .sort((a, b) => a.series.recurrenceStart - b.series.recurrenceStart);
  const first = data[0]!;
  const starts = data.map((d) => d.series.recurrenceStart);
  const live = data.find((d) => d.status === 'accepted' || d.status === 'pending');
  const masterData = { ...first, series: undefined, status: live?.status ?? first.status, sequence: Math.max(...data.map((d) => d.sequence)) };
  const master = {
    ...bookingEvent(masterData, { ...calendarSite(site, first.uid), eventUid: seriesUid }, first.updatedAt),
    start: starts[0]!,
    end: starts[0]! + (first.endAt - first.startAt),
    rdates: starts.slice(1),
  };
  const overrides = data.map((d) => bookingEvent(d, calendarSite(site, d.uid), d.updatedAt));
  return renderCalendar({ events: [master, ...overrides] });
}

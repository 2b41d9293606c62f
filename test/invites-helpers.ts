// A booking as the invites see it, shared by the ICS tests and the notification content tests.
import type { BookingCalendarData } from '../src/invites/booking-event';

/** An accepted 30-minute Google Meet call on 2025-11-17 14:00 UTC, changed by `over`. */
export function calendarBooking(over: Partial<BookingCalendarData> = {}): BookingCalendarData {
  return {
    uid: 'bk_0123456789abcdef',
    title: 'Intro Call between Hannah Host and Jane Doe',
    description: 'A quick call.',
    startAt: Date.UTC(2025, 10, 17, 14, 0),
    endAt: Date.UTC(2025, 10, 17, 14, 30),
    status: 'accepted',
    sequence: 0,
    locationType: 'google_meet',
    locationValue: 'https://meet.google.com/abc-defg-hij',
    organizer: { name: 'Hannah Host', email: 'host@example.com' },
    attendee: { name: 'Jane Doe', email: 'jane@example.com', notes: 'Looking forward to it' },
    createdAt: Date.UTC(2025, 10, 1),
    updatedAt: Date.UTC(2025, 10, 1),
    ...over,
  };
}

// The snapshot of a booking change that webhooks and emails are built from, taken from the booking's state right
// after the change. Pure: the Durable Object builds it inside its write, and jobs outside the object can build it too.
import type { WebhookTrigger } from '../db/schema';
import { bookingSummaryOf, type AttendeeInput, type BookingForWrite } from './repo';
import { labelledAnswers } from '../event-types/booking-fields';
import type { BookingEventSnapshot } from '../webhooks/payload';
import { generatedLinkOf } from '../calendars/meeting-links';

export function snapshotOf(
  trigger: WebhookTrigger,
  state: Omit<BookingForWrite, 'attendee'> & { attendee: AttendeeInput },
  reschedule?: BookingEventSnapshot['reschedule'],
): BookingEventSnapshot {
  const { booking: b, attendee: a, host, eventType } = state;
  return {
    trigger,
    hostId: b.hostId,
    booking: {
      ...bookingSummaryOf(state),
      metadata: b.metadata,
      cancellationReason: b.cancellationReason,
      rejectionReason: b.rejectionReason,
      recurringBookingUid: b.recurringBookingUid,
      ...(generatedLinkOf(b.locationType, eventType) ? { generatedLink: generatedLinkOf(b.locationType, eventType) } : {}),
    },
    answers: labelledAnswers(eventType?.bookingFields ?? null, b.bookingFieldsResponses).map(({ name, label, value }) => ({ name, label, value })),
    eventType: eventType ? { id: eventType.id, slug: eventType.slug, durationMinutes: eventType.durationMinutes } : null,
    organizer: host,
    attendee: { name: a.name, email: a.email, timezone: a.timezone, notes: a.notes },
    reschedule,
    ...(b.payment ? { payment: { status: b.payment.status, amount: b.payment.amount, currency: b.payment.currency, refundedAmount: b.payment.refunded_amount } } : {}),
  };
}

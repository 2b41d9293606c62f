// Webhook bodies in Cal.com's shape, so existing Cal.com consumers work unchanged. Pure.
import type { Booking, WebhookTrigger } from '../db/schema';
import type { MeetingLinkKind } from '../calendars/meeting-links';

/** What the bookings code knows about a booking change; the booking fields are its state after the change. */
export interface BookingEventSnapshot {
  trigger: WebhookTrigger;
  hostId: number;
  booking: Pick<
    Booking,
    'uid' | 'title' | 'startAt' | 'endAt' | 'status' | 'locationType' | 'locationValue' | 'metadata' | 'cancellationReason' | 'rejectionReason'
  > & {
    description: string | null;
    /** The series this booking is an occurrence of, if any. */
    recurringBookingUid?: string | null;
    /** Its meeting link is made by the host's calendar (src/calendars/meeting-links.ts); `locationValue` once made. */
    generatedLink?: MeetingLinkKind | null;
  };
  /** Answers to the booking questions beyond name, email and notes, labelled, in the event type's order. */
  answers?: { name: string; label: string; value: unknown }[];
  eventType: { id: number; slug: string; durationMinutes: number } | null;
  organizer: { id: number; name: string; email: string; timezone: string };
  attendee: { name: string; email: string; timezone: string; notes: string | null };
  /** A reschedule's times before it and the reason given with it (the emails show it). */
  reschedule?: { previousStartAt: number; previousEndAt: number; reason: string | null };
  /**
   * A seated booking's change concerns one seat: its uid, and its state after the change (SEQUENCE, still holding
   * its place or not). Payloads name it `seatUid` (as Cal.com's) and list only that seat's attendee.
   */
  seat?: { uid: string; sequence: number; live: boolean };
  /** A paid booking's payment after the change (src/payments/). */
  payment?: { status: string; amount: number; currency: string; refundedAmount: number };
  /** BOOKING_PAYMENT_REFUNDED: the amount this refund gives back (minor units). */
  refundAmount?: number;
}

export type EnvelopeTrigger = WebhookTrigger | 'MEETING_REMINDER' | 'PING';

export interface Envelope {
  triggerEvent: EnvelopeTrigger;
  createdAt: string;
  payload: Record<string, unknown>;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Cal.com's location identifiers, used when the booking has no concrete link, address or number. */
const CAL_LOCATION: Record<string, string> = {
  google_meet: 'integrations:google:meet',
  ms_teams: 'integrations:office365_video',
  zoom: 'integrations:zoom',
  phone: 'phone',
  in_person: 'inPerson',
};

/** A form answer the way Cal.com sends `responses`: the label key, and `value` only when something was answered. */
const answer = (label: string, value: string | null) => (value === null ? { label } : { label, value });

/**
 * The envelope for a booking event. `bookingId` is null here: the booking row may not exist yet when this is built,
 * so the outbox statement fills it in SQL (json_set) from the row it finds by uid.
 */
export function bookingEnvelope(event: BookingEventSnapshot, now: number): Envelope {
  const { booking, eventType, organizer, attendee } = event;
  const payload: Record<string, unknown> = {
    type: eventType?.slug ?? null,
    title: booking.title,
    description: booking.description,
    additionalNotes: attendee.notes ?? '',
    startTime: iso(booking.startAt),
    endTime: iso(booking.endAt),
    organizer: { id: organizer.id, name: organizer.name, email: organizer.email, timeZone: organizer.timezone },
    attendees: [{ name: attendee.name, email: attendee.email, timeZone: attendee.timezone }],
    responses: {
      name: answer('your_name', attendee.name),
      email: answer('email_address', attendee.email),
      notes: answer('additional_notes', attendee.notes),
      ...Object.fromEntries((event.answers ?? []).map((a) => [a.name, { label: a.label, value: a.value }])),
    },
    location: booking.locationValue ?? (booking.locationType ? (CAL_LOCATION[booking.locationType] ?? booking.locationType) : null),
    uid: booking.uid,
    bookingId: null,
    eventTypeId: eventType?.id ?? null,
    length: Math.round((booking.endAt - booking.startAt) / 60_000),
    status: booking.status.toUpperCase(),
    // Cal.com's field for a video link made for the booking.
    metadata: booking.generatedLink && booking.locationValue ? { ...booking.metadata, videoCallUrl: booking.locationValue } : (booking.metadata ?? {}),
    // Cal.com's name for the series an occurrence belongs to; only on occurrences of a recurring booking.
    ...(booking.recurringBookingUid ? { recurringEventId: booking.recurringBookingUid } : {}),
    // Cal.com's name for the seat a seated booking's event is about.
    ...(event.seat ? { seatUid: event.seat.uid } : {}),
    ...(event.payment ? { payment: event.payment } : {}),
  };
  if (event.trigger === 'BOOKING_RESCHEDULED' && event.reschedule) {
    // Cal.com names the previous booking with these; here the uid survives a reschedule, so it is the same uid.
    payload.rescheduleUid = booking.uid;
    payload.rescheduleStartTime = iso(event.reschedule.previousStartAt);
    payload.rescheduleEndTime = iso(event.reschedule.previousEndAt);
  }
  // A team booking's Cal.com `team` (its name and the hosts attending) is added in SQL by the outbox statement
  // (src/webhooks/outbox.ts, TEAM_PATCH_SQL), from the booking's hosts as written.
  if (event.trigger === 'BOOKING_CANCELLED') payload.cancellationReason = booking.cancellationReason;
  if (event.trigger === 'BOOKING_REJECTED') payload.rejectionReason = booking.rejectionReason;
  if (event.trigger === 'BOOKING_PAYMENT_REFUNDED') payload.refundAmount = event.refundAmount ?? 0;
  return { triggerEvent: event.trigger, createdAt: iso(now), payload };
}

/** What a workflow's `webhook` step tells (src/workflows/delivery.ts reads it with the due step). */
export interface ReminderEvent {
  booking: { uid: string; title: string; startAt: number; endAt: number; status: string; location: string | null };
  eventType: { id: number; slug: string } | null;
  organizer: { id: number; name: string; email: string; timezone: string };
  attendee: { name: string; email: string; timezone: string };
  reminder: { workflowId: number; workflowName: string; trigger: string; step: number; dueAt: number };
}

/** The MEETING_REMINDER envelope; `bookingId` is filled in SQL like the booking envelopes'. */
export function meetingReminderEnvelope(e: ReminderEvent, now: number): Envelope {
  const { booking, organizer, attendee, reminder } = e;
  return {
    triggerEvent: 'MEETING_REMINDER',
    createdAt: iso(now),
    payload: {
      type: e.eventType?.slug ?? null,
      title: booking.title,
      startTime: iso(booking.startAt),
      endTime: iso(booking.endAt),
      organizer: { id: organizer.id, name: organizer.name, email: organizer.email, timeZone: organizer.timezone },
      attendees: [{ name: attendee.name, email: attendee.email, timeZone: attendee.timezone }],
      location: booking.location,
      uid: booking.uid,
      bookingId: null,
      eventTypeId: e.eventType?.id ?? null,
      length: Math.round((booking.endAt - booking.startAt) / 60_000),
      status: booking.status.toUpperCase(),
      reminder: { ...reminder, dueAt: iso(reminder.dueAt) },
    },
  };
}

/** Cal.com's "Ping test" body: a made-up booking an hour from now, organized by the webhook's owner. */
export function pingEnvelope(owner: { id: number; name: string; email: string; timezone: string }, now: number): Envelope {
  const start = Math.ceil(now / 3_600_000) * 3_600_000 + 3_600_000;
  return {
    triggerEvent: 'PING',
    createdAt: iso(now),
    payload: {
      type: 'Test',
      title: 'Test trigger event',
      startTime: iso(start),
      endTime: iso(start + 30 * 60_000),
      organizer: { id: owner.id, name: owner.name, email: owner.email, timeZone: owner.timezone },
      attendees: [{ name: 'John Doe', email: 'john.doe@example.com', timeZone: 'Europe/London' }],
    },
  };
}

// Who is told what about a booking change, and the data each message is rendered from. Pure.
import type { BookingCalendarData } from '../invites/booking-event';
import type { RecipientRole, WebhookTrigger } from '../db/schema';

/**
 * The recipients of each change. The attendee hears about everything; the host about what they did not do
 * themselves (they confirm and decline, so those reach only the attendee).
 */
export const RECIPIENTS: Record<WebhookTrigger, readonly RecipientRole[]> = {
  BOOKING_CREATED: ['attendee', 'host'],
  BOOKING_REQUESTED: ['attendee', 'host'],
  BOOKING_CONFIRMED: ['attendee'],
  BOOKING_REJECTED: ['attendee'],
  BOOKING_RESCHEDULED: ['attendee', 'host'],
  BOOKING_CANCELLED: ['attendee', 'host'],
  // Nothing is announced before payment; a normal payment is announced by the BOOKING_CREATED/REQUESTED that follows.
  BOOKING_PAYMENT_INITIATED: [],
  // A webhook only: the BOOKING_CREATED/REQUESTED that follows carries the emails.
  BOOKING_PAID: [],
  // Emailed only when a payment arrived for a booking that cannot happen (the payer hears it is refunded); the other
  // refunds (cancel, decline, by hand) are webhooks only: the cancel or decline email already says it.
  BOOKING_PAYMENT_REFUNDED: ['attendee'],
};

/** Stored with each notification row; rendering it again on a retry gives the same message. */
export interface NotificationPayload {
  trigger: WebhookTrigger;
  booking: BookingCalendarData;
  hostTimezone: string;
  attendeeTimezone: string;
  /** The times before a reschedule. */
  previous: { startAt: number; endAt: number } | null;
  /** The cancellation, rejection or reschedule reason, when one was given. */
  reason: string | null;
  /**
   * Set per recipient by the outbox INSERT from the rows (issue #31), absent in rows written before: the reader's
   * language (the attendee's as they booked, else the host's or team's default; a host's own), and the brand colour
   * and logo key of the host, or of the team for a team event type, and whether it hides branding (no "Sent by").
   */
  locale?: string;
  brandColor?: string | null;
  logo?: string | null;
  hideBranding?: boolean;
}

export function recipientOf(p: NotificationPayload, role: RecipientRole): { name: string; email: string; timezone: string } {
  return role === 'attendee'
    ? { name: p.booking.attendee.name, email: p.booking.attendee.email, timezone: p.attendeeTimezone }
    : { name: p.booking.organizer.name, email: p.booking.organizer.email, timezone: p.hostTimezone };
}

/**
 * The payload of a workflow step's email (trigger_event MEETING_REMINDER, src/workflows/delivery.ts): rendered from
 * the host's template when the step was claimed, so a retry sends the very same words.
 */
export interface ReminderPayload {
  kind: 'reminder';
  subject: string;
  text: string;
  html: string;
  /** Replies reach the other person of the meeting. */
  replyTo: { name: string; email: string };
}

export const REMINDER_TRIGGER = 'MEETING_REMINDER';
/** A connected calendar account refused our refresh token (issue #28): the host is told once, in words rendered at the time. */
export const CALENDAR_REAUTH_TRIGGER = 'CALENDAR_REAUTH_REQUIRED';

// The document's sections, in the order /docs shows them; every operation names one.
export const TAGS = [
  { name: 'Auth', description: 'Sign in and out. A session token works as `Authorization: Bearer <token>` or as the `session` cookie.' },
  { name: 'Users', description: 'User management, for super admins. Users are deactivated, never erased.' },
  { name: 'Event types', description: 'What can be booked: duration, buffers, notice, location, confirmation.' },
  {
    name: 'Schedules',
    description: 'Weekly hours and date overrides in an IANA timezone. Every user has exactly one default schedule.',
  },
  {
    name: 'Slots',
    description:
      'The start times an event type offers right now, and slot reservations: a hold that keeps a slot for an invitee while they fill in the booking form.',
  },
  {
    name: 'Bookings',
    description: "Booking, rescheduling and cancelling need no session: a booking's uid is the attendee's capability.",
  },
  {
    name: 'Payments',
    description:
      'Paid event types with Stripe: connect your Stripe keys, register the webhook endpoint in Stripe, and refund by hand. A booking of a paid ' +
      'event type waits in `awaiting_payment` (holding its time) until Stripe Checkout is paid or its deadline passes; see `payment` on a booking.',
  },
  { name: 'Webhooks', description: 'Signed HTTP callbacks on booking changes; see the webhooks section for the bodies.' },
  {
    name: 'Calendar feeds',
    description:
      'Secret iCalendar subscription URLs (`/feeds/{token}.ics`) listing your accepted and pending bookings from 30 days ' +
      'back to your booking window, for Google, Apple or Outlook calendars. The feed answers `ETag` and honours ' +
      '`If-None-Match` with 304; a revoked or unknown token is a 404.',
  },
  {
    name: 'Calendars',
    description:
      "External calendars (private ICS addresses) whose busy time blocks the host's slots. Synced in the background every 15 minutes; the address is write-only.",
  },
  { name: 'Teams', description: 'Teams, their members and roles, and their round-robin and collective event types.' },
  { name: 'Meta', description: 'This API description.' },
] as const;

export type Tag = (typeof TAGS)[number]['name'];

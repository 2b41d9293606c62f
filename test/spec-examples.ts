// The request examples of docs/spec.md, as a client would send them: one copy for every test that uses them.
export const SPEC_EXAMPLES = {
  createBooking: {
    event_type_id: 1,
    start: '2025-11-15T14:00:00Z',
    attendee: { name: 'Jane Doe', email: 'jane@example.com', timezone: 'America/New_York', notes: 'Looking forward to the meeting' },
  },
  reschedule: { start: '2025-11-16T15:00:00Z' },
  createEventType: {
    title: '30 Minute Meeting',
    slug: '30min',
    duration_minutes: 30,
    buffer_before_minutes: 5,
    buffer_after_minutes: 5,
    minimum_notice_hours: 24,
    location_type: 'google_meet',
    is_active: true,
  },
  coffeeChat: { title: 'Coffee Chat', slug: 'coffee-chat', duration_minutes: 30, buffer_before_minutes: 5, buffer_after_minutes: 5, is_active: true },
  updateEventType: { is_active: false },
  createWebhook: {
    subscriber_url: 'https://yourapp.com/webhooks/bookings',
    event_triggers: ['BOOKING_CREATED', 'BOOKING_CANCELLED'],
    active: true,
    secret: 'whsec_your_secret_here',
  },
  updateWebhook: { active: false },
  slotsQuery: { event_type_id: '1', start_time: '2025-11-15T00:00:00Z', end_time: '2025-11-22T23:59:59Z', timezone: 'America/New_York' },
};

// A generated meeting link reaches the booking and the messages that waited for it (issue #28).
//
// The rule users see: the confirmation email (with its .ics) and the BOOKING_CREATED / BOOKING_CONFIRMED webhook of a
// booking whose link the host's calendar makes carry that link. Those rows are written with the booking as always (the
// outbox: one D1 batch), but the booking change does not send them (`heldForMeetingLink`, src/calendars/meeting-links.ts);
// they are sent here, when a write of the booking's event settled:
//  - the provider answered with a link: it is stored on the booking (`location_value`, so the API, the booking page,
//    later emails, reminders and feeds show it) and set into the waiting emails and webhook bodies, then they are sent;
//  - it answered without one (a CalDAV destination, a personal Microsoft account) or refused the write for good: they
//    are sent as they are (the location reads "Google Meet" / "Microsoft Teams");
//  - the write is failing for now (provider down) or never ran (queue lost): the outbox sweeps send rows left unsent
//    a minute after they were written (EMAIL_SWEEP_GRACE_MS, SWEEP_GRACE_MS; the cron runs every minute), so a message
//    waits at most about two minutes and is never lost. A link that comes later is still stored on the booking.
// Exactly once: each email and delivery is one row, sent through its own outbox (whose claim lets one send happen);
// the link is set only into rows not sent yet and only while it is missing, so a second settlement changes nothing.
import { enqueueNotifications } from '../notifications/outbox';
import type { Bindings } from '../env';
import { enqueueDeliveries } from '../webhooks/outbox';
import type { CalendarWritePayload, WriteOutcome } from './caldav-write';
import { awaitsMeetingLink, type MeetingLinkKind } from './meeting-links';

/** Cal.com's location id of each kind, what a webhook body says before the link is known (src/webhooks/payload.ts). */
const CAL_LOCATION: Record<MeetingLinkKind, string> = { google_meet: 'integrations:google:meet', ms_teams: 'integrations:office365_video' };

/**
 * After a write attempt of a booking that awaited its link: stores `link` (if any) and sends what waited. One D1
 * batch, then the queue messages.
 */
export async function settleMeetingLink(env: Bindings, bookingId: number, kind: MeetingLinkKind, link: string | null, now: number): Promise<void> {
  const d1 = env.DB;
  const [, emails, deliveries] = await d1.batch<{ id: number }>([
    d1
      .prepare(
        `UPDATE bookings SET location_value = ?1, updated_at = ?4
         WHERE id = ?2 AND ?1 IS NOT NULL AND status = 'accepted' AND location_value IS NULL AND location_type = ?3`,
      )
      .bind(link, bookingId, kind, now),
    // The booking's emails not sent yet: those of an accepted booking still without a location take the link.
    d1
      .prepare(
        `UPDATE booking_email_notifications SET updated_at = ?3,
           payload = CASE WHEN ?2 IS NOT NULL AND json_extract(payload, '$.booking.status') = 'accepted'
             AND json_extract(payload, '$.booking.locationValue') IS NULL AND json_extract(payload, '$.booking.generatedLink') IS NOT NULL
             THEN json_set(payload, '$.booking.locationValue', ?2) ELSE payload END
         WHERE booking_id = ?1 AND status = 'pending' AND enqueued_at IS NULL
         RETURNING id`,
      )
      .bind(bookingId, link, now),
    d1
      .prepare(
        `UPDATE booking_webhook_deliveries SET updated_at = ?4,
           payload = CASE WHEN ?2 IS NOT NULL AND json_extract(payload, '$.payload.status') = 'ACCEPTED' AND json_extract(payload, '$.payload.location') = ?3
             THEN json_set(payload, '$.payload.location', ?2, '$.payload.metadata.videoCallUrl', ?2) ELSE payload END
         WHERE booking_id = ?1 AND status = 'pending' AND enqueued_at IS NULL
         RETURNING id`,
      )
      .bind(bookingId, link, CAL_LOCATION[kind], now),
  ]);
  const emailIds = emails!.results.map((r) => r.id);
  const deliveryIds = deliveries!.results.map((r) => r.id);
  if (emailIds.length) await enqueueNotifications(env, emailIds);
  if (deliveryIds.length) await enqueueDeliveries(env, deliveryIds);
}

/**
 * After an attempt of a write whose payload awaited its link: when it succeeded or failed for good, the link (if the
 * provider made one) and what waited for it. A transient failure leaves them to the sweeps' bound. Never throws: the
 * sweeps send what this could not.
 */
export async function afterMeetingLinkWrite(env: Bindings, write: { bookingId: number; payload: string }, outcome: WriteOutcome, now: number): Promise<void> {
  try {
    const payload = JSON.parse(write.payload) as CalendarWritePayload;
    if (!awaitsMeetingLink(payload) || (!outcome.ok && !outcome.permanent)) return;
    await settleMeetingLink(env, write.bookingId, payload.generatedLink, outcome.ok ? (outcome.link ?? null) : null, now);
  } catch (error) {
    console.error(JSON.stringify({ level: 'error', msg: 'meeting link settlement failed; the outbox sweeps send what waited', booking_id: write.bookingId, error: error instanceof Error ? error.name : 'unknown' }));
  }
}

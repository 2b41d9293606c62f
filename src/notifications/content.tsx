/** @jsxImportSource hono/jsx */
// The words of each notification: subject, plain text and HTML (Hono JSX, inline styles, no remote images), and its
// calendar part. Pure apart from rendering JSX to a string.
import { bookingEvent, locationText, methodFor } from '../invites/booking-event';
import { renderCalendar, type IcsMethod } from '../invites/ics';
import { calendarSite, hostCalendarSite, type Site } from '../invites/site';
import type { CalendarSite } from '../invites/booking-event';
import type { RecipientRole, WebhookTrigger } from '../db/schema';
import { recipientOf, type NotificationPayload } from './payload';
import { formatShort, formatWhen } from './when';
import { seriesSummary } from '../slots/recurrence';

export interface RenderedNotification {
  subject: string;
  text: string;
  html: string;
  calendar: { method: Exclude<IcsMethod, 'PUBLISH'>; ics: string; filename: string };
}

type Wording = { subject: string; headline: string; lead?: (p: NotificationPayload) => string };

const ATTENDEE: Record<WebhookTrigger, Wording> = {
  BOOKING_CREATED: { subject: 'Confirmed', headline: 'Your meeting is booked' },
  BOOKING_REQUESTED: {
    subject: 'Request received',
    headline: 'Your booking request was received',
    lead: (p) => `${p.booking.organizer.name} will confirm or decline it. The time is held for you meanwhile.`,
  },
  BOOKING_CONFIRMED: { subject: 'Confirmed', headline: 'Your booking is confirmed' },
  BOOKING_REJECTED: { subject: 'Declined', headline: 'Your booking request was declined' },
  BOOKING_RESCHEDULED: { subject: 'Rescheduled', headline: 'Your meeting was rescheduled' },
  BOOKING_CANCELLED: { subject: 'Cancelled', headline: 'Your meeting was cancelled' },
  BOOKING_PAYMENT_INITIATED: { subject: 'Payment started', headline: 'Your payment was started' },
  BOOKING_PAID: {
    subject: 'Payment refunded',
    headline: 'Your payment is being refunded in full',
    lead: () => 'Your payment arrived after the checkout had expired, and the time was no longer free, so the meeting was not booked. The full amount goes back to your card; banks take 5-10 days to show it.',
  },
};

const HOST: Record<WebhookTrigger, Wording> = {
  BOOKING_CREATED: { subject: 'New booking', headline: 'You have a new booking' },
  BOOKING_REQUESTED: {
    subject: 'Booking request',
    headline: 'You have a new booking request',
    lead: () => 'It needs your confirmation: confirm or decline it with POST /v2/bookings/{uid}/confirm or /decline, or on the admin pages.',
  },
  BOOKING_CONFIRMED: { subject: 'Confirmed', headline: 'You confirmed a booking' },
  BOOKING_REJECTED: { subject: 'Declined', headline: 'You declined a booking request' },
  BOOKING_RESCHEDULED: { subject: 'Rescheduled', headline: 'A booking was rescheduled' },
  BOOKING_CANCELLED: { subject: 'Cancelled', headline: 'A booking was cancelled' },
  BOOKING_PAYMENT_INITIATED: { subject: 'Payment started', headline: 'A payment was started' },
  BOOKING_PAID: { subject: 'Payment refunded', headline: 'A late payment was refunded' },
};

/** At most `max` characters (whole code points), with an ellipsis when cut. */
function clip(text: string, max: number): string {
  const chars = Array.from(text.trim());
  return chars.length <= max ? chars.join('') : `${chars.slice(0, max - 1).join('').trimEnd()}…`;
}

/**
 * What a subject names (issue #25): anyone may book with any address, so an attendee's email never carries text an
 * anonymous booker typed (their name is in the booking's title): it names the host, an account a super admin made.
 * The host's names the attendee, cut short.
 */
function subjectTopic(p: NotificationPayload, role: RecipientRole): string {
  return role === 'attendee' ? `meeting with ${clip(p.booking.organizer.name, 40)}` : clip(p.booking.attendee.name, 30);
}

interface Row {
  label: string;
  value: string;
  strike?: boolean;
}

function detailRows(p: NotificationPayload, role: RecipientRole, timezone: string): Row[] {
  const b = p.booking;
  const rows: Row[] = [{ label: 'What', value: b.title }, { label: 'When', value: formatWhen(b.startAt, b.endAt, timezone) }];
  // The invitation to a whole series: how it repeats and when it ends (the calendar part carries the RRULE).
  const master = b.series?.master;
  if (master) rows.push({ label: 'Repeats', value: `${seriesSummary(master.rule, master.count)}, the last on ${formatShort(master.lastStart, timezone)}` });
  if (p.previous) rows.push({ label: 'Was', value: formatWhen(p.previous.startAt, p.previous.endAt, timezone), strike: true });
  const where = locationText(b.locationType, b.locationValue);
  if (where) rows.push({ label: 'Where', value: where });
  rows.push(
    role === 'attendee'
      ? { label: 'Host', value: `${b.organizer.name} <${b.organizer.email}>` }
      : { label: 'Attendee', value: `${b.attendee.name} <${b.attendee.email}>` },
  );
  if (b.attendee.notes) rows.push({ label: 'Notes', value: b.attendee.notes });
  if (p.reason) rows.push({ label: 'Reason', value: p.reason });
  return rows;
}

interface Link {
  label: string;
  href: string;
}

/**
 * Where each copy points. The booking uid is the attendee's capability: their copy links to their page and file; the
 * host's copy (a host or co-host) never carries it and links to the host's view instead.
 */
async function calendarSiteFor(p: NotificationPayload, role: RecipientRole, site: Site): Promise<CalendarSite> {
  if (role === 'attendee') return calendarSite(site, p.booking.uid);
  return hostCalendarSite(site, p.booking.series?.uid ?? p.booking.uid, p.booking.startAt);
}

function links(p: NotificationPayload, role: RecipientRole, site: Site, calendar: CalendarSite): Link[] {
  const out: Link[] = [];
  const page = calendar.bookingUrl;
  if (role !== 'attendee') {
    if (page) out.push({ label: 'See your bookings', href: page });
    return out;
  }
  if (page && p.booking.status !== 'cancelled' && p.booking.status !== 'rejected') out.push({ label: 'Reschedule or cancel', href: page });
  out.push({ label: 'Download the calendar file (.ics)', href: `${site.baseUrl}/v2/bookings/${p.booking.uid}/ics` });
  return out;
}

const EmailBody = (props: { headline: string; lead: string | null; rows: Row[]; links: Link[]; footer: string }) => (
  <html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width" />
      <title>{props.headline}</title>
    </head>
    <body style="margin:0;padding:24px;background:#f5f5f4;font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;color:#1c1917">
      <div style="max-width:560px;margin:0 auto;background:#ffffff;border:1px solid #e7e5e4;border-radius:8px;padding:24px">
        <h1 style="font-size:20px;margin:0 0 12px">{props.headline}</h1>
        {props.lead ? <p style="margin:0 0 16px">{props.lead}</p> : null}
        <table style="border-collapse:collapse;width:100%" role="presentation">
          {props.rows.map((r) => (
            <tr>
              <th style="text-align:left;vertical-align:top;padding:6px 12px 6px 0;color:#57534e;font-weight:600;white-space:nowrap">{r.label}</th>
              <td style={`padding:6px 0;white-space:pre-wrap${r.strike ? ';text-decoration:line-through;color:#78716c' : ''}`}>{r.value}</td>
            </tr>
          ))}
        </table>
        <p style="margin:20px 0 0">
          {props.links.map((l) => (
            <>
              <a href={l.href} style="color:#1d4ed8">
                {l.label}
              </a>
              <br />
            </>
          ))}
        </p>
        <p style="margin:20px 0 0;font-size:12px;color:#78716c">{props.footer}</p>
      </div>
    </body>
  </html>
);

const FOOTER = 'Sent by calflare. The invitation is attached: your calendar updates the same event when the booking changes.';

export async function renderNotification(p: NotificationPayload, role: RecipientRole, site: Site, stamp: number): Promise<RenderedNotification> {
  const wording = (role === 'attendee' ? ATTENDEE : HOST)[p.trigger];
  const reader = recipientOf(p, role);
  const rows = detailRows(p, role, reader.timezone);
  const lead = wording.lead?.(p) ?? null;
  const calendar = await calendarSiteFor(p, role, site);
  const linkList = links(p, role, site, calendar);
  const subject = `${wording.subject}: ${subjectTopic(p, role)} (${formatShort(p.booking.startAt, reader.timezone)})`;

  const text = [
    wording.headline,
    '',
    ...(lead ? [lead, ''] : []),
    ...rows.map((r) => `${r.label}: ${r.value}`),
    '',
    ...linkList.map((l) => `${l.label}: ${l.href}`),
    '',
    FOOTER,
    '',
  ].join('\n');
  const html = '<!doctype html>' + (await (<EmailBody headline={wording.headline} lead={lead} rows={rows} links={linkList} footer={FOOTER} />).toString());

  const method = methodFor(p.booking.status) as 'REQUEST' | 'CANCEL';
  const ics = renderCalendar({ method, events: [bookingEvent(p.booking, calendar, stamp)] });
  return { subject, text, html, calendar: { method, ics, filename: method === 'CANCEL' ? 'cancel.ics' : 'invite.ics' } };
}

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
import { translator, type MessageKey, type Translator } from '../i18n/catalogue';
import { dirOf, supportedLocale, type Locale } from '../i18n/locales';
import { readableOn } from '../branding/contrast';
import { LOGO_KEY, logoPath } from '../branding/logo';

export interface RenderedNotification {
  subject: string;
  text: string;
  html: string;
  calendar: { method: Exclude<IcsMethod, 'PUBLISH'>; ics: string; filename: string };
}

type Wording = { subject: MailKey; headline: MailKey; lead?: MailKey };
type MailKey = Extract<MessageKey, `mail${string}`>;

// The words of each change, by the catalogue's keys (src/i18n/messages/: every language has every key).
const ATTENDEE: Record<WebhookTrigger, Wording> = {
  BOOKING_CREATED: { subject: 'mailSubjConfirmed', headline: 'mailHeadBooked' },
  BOOKING_REQUESTED: { subject: 'mailSubjRequestReceived', headline: 'mailHeadRequestReceived', lead: 'mailLeadRequest' },
  BOOKING_CONFIRMED: { subject: 'mailSubjConfirmed', headline: 'mailHeadConfirmed' },
  BOOKING_REJECTED: { subject: 'mailSubjDeclined', headline: 'mailHeadDeclined' },
  BOOKING_RESCHEDULED: { subject: 'mailSubjRescheduled', headline: 'mailHeadRescheduled' },
  BOOKING_CANCELLED: { subject: 'mailSubjCancelled', headline: 'mailHeadCancelled' },
  BOOKING_PAYMENT_INITIATED: { subject: 'mailSubjPaymentStarted', headline: 'mailHeadPaymentStarted' },
  BOOKING_PAID: { subject: 'mailSubjConfirmed', headline: 'mailHeadBooked' },
  BOOKING_PAYMENT_REFUNDED: { subject: 'mailSubjPaymentRefunded', headline: 'mailHeadPaymentRefunded', lead: 'mailLeadPaymentRefunded' },
};

const HOST: Record<WebhookTrigger, Wording> = {
  BOOKING_CREATED: { subject: 'mailSubjNewBooking', headline: 'mailHeadHostNew' },
  BOOKING_REQUESTED: { subject: 'mailSubjBookingRequest', headline: 'mailHeadHostRequest', lead: 'mailLeadHostRequest' },
  BOOKING_CONFIRMED: { subject: 'mailSubjConfirmed', headline: 'mailHeadHostConfirmed' },
  BOOKING_REJECTED: { subject: 'mailSubjDeclined', headline: 'mailHeadHostDeclined' },
  BOOKING_RESCHEDULED: { subject: 'mailSubjRescheduled', headline: 'mailHeadHostRescheduled' },
  BOOKING_CANCELLED: { subject: 'mailSubjCancelled', headline: 'mailHeadHostCancelled' },
  BOOKING_PAYMENT_INITIATED: { subject: 'mailSubjPaymentStarted', headline: 'mailHeadHostPaymentStarted' },
  BOOKING_PAID: { subject: 'mailSubjNewBooking', headline: 'mailHeadHostNew' },
  BOOKING_PAYMENT_REFUNDED: { subject: 'mailSubjPaymentRefunded', headline: 'mailHeadHostPaymentRefunded' },
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
function subjectTopic(p: NotificationPayload, role: RecipientRole, t: Translator): string {
  return role === 'attendee' ? t.t('mailMeetingWith', { name: clip(p.booking.organizer.name, 40) }) : clip(p.booking.attendee.name, 30);
}

interface Row {
  label: string;
  value: string;
  strike?: boolean;
}

function detailRows(p: NotificationPayload, role: RecipientRole, timezone: string, t: Translator): Row[] {
  const b = p.booking;
  const l = t.locale;
  const rows: Row[] = [{ label: t.t('mailWhat'), value: b.title }, { label: t.t('mailWhen'), value: formatWhen(b.startAt, b.endAt, timezone, l) }];
  // The invitation to a whole series: how it repeats and when it ends (the calendar part carries the RRULE).
  const master = b.series?.master;
  if (master) rows.push({ label: t.t('mailRepeats'), value: t.t('mailRepeatsValue', { summary: seriesSummary(master.rule, master.count), date: formatShort(master.lastStart, timezone, l) }) });
  if (p.previous) rows.push({ label: t.t('mailWas'), value: formatWhen(p.previous.startAt, p.previous.endAt, timezone, l), strike: true });
  const where = locationText(b.locationType, b.locationValue);
  if (where) rows.push({ label: t.t('mailWhere'), value: where });
  rows.push(
    role === 'attendee'
      ? { label: t.t('mailHost'), value: `${b.organizer.name} <${b.organizer.email}>` }
      : { label: t.t('mailAttendee'), value: `${b.attendee.name} <${b.attendee.email}>` },
  );
  if (b.attendee.notes) rows.push({ label: t.t('mailNotes'), value: b.attendee.notes });
  if (p.reason) rows.push({ label: t.t('mailReason'), value: p.reason });
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

function links(p: NotificationPayload, role: RecipientRole, site: Site, calendar: CalendarSite, t: Translator): Link[] {
  const out: Link[] = [];
  const page = calendar.bookingUrl;
  if (role !== 'attendee') {
    if (page) out.push({ label: t.t('mailSeeBookings'), href: page });
    return out;
  }
  // The attendee's page opens in the language they booked in.
  const own = page && t.locale !== 'en' ? `${page}${page.includes('?') ? '&' : '?'}lang=${t.locale}` : page;
  if (own && p.booking.status !== 'cancelled' && p.booking.status !== 'rejected') out.push({ label: t.t('mailRescheduleOrCancel'), href: own });
  out.push({ label: t.t('mailDownloadIcs'), href: `${site.baseUrl}/v2/bookings/${p.booking.uid}/ics` });
  return out;
}

/** The host's or team's look in the email: a colour bar, links in the colour made readable on white, the logo. */
interface MailLook {
  bar: string | null;
  link: string;
  logoUrl: string | null;
}

function lookOf(p: NotificationPayload, site: Site): MailLook {
  // Validated #rrggbb when written; checked again, for it lands in a style attribute.
  const brand = p.brandColor && /^#[0-9a-f]{6}$/i.test(p.brandColor) ? p.brandColor.toLowerCase() : null;
  return {
    bar: brand,
    link: brand ? readableOn(brand, ['#ffffff']) : '#1d4ed8',
    logoUrl: p.logo && LOGO_KEY.test(p.logo) ? `${site.baseUrl}${logoPath(p.logo)}` : null,
  };
}

const EmailBody = (props: { headline: string; lead: string | null; rows: Row[]; links: Link[]; footer: string[]; locale: Locale; look: MailLook; sender: string }) => (
  <html lang={props.locale} dir={dirOf(props.locale)}>
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width" />
      <title>{props.headline}</title>
    </head>
    <body style="margin:0;padding:24px;background:#f5f5f4;font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;color:#1c1917">
      <div style="max-width:560px;margin:0 auto;background:#ffffff;border:1px solid #e7e5e4;border-radius:8px;padding:24px">
        {props.look.bar ? <div style={`height:6px;background:${props.look.bar};border-radius:3px;margin:0 0 16px`}></div> : null}
        {props.look.logoUrl ? <img src={props.look.logoUrl} alt={props.sender} height="40" style="display:block;height:40px;width:auto;max-width:200px;margin:0 0 16px" /> : null}
        <h1 style="font-size:20px;margin:0 0 12px">{props.headline}</h1>
        {props.lead ? <p style="margin:0 0 16px">{props.lead}</p> : null}
        <table style="border-collapse:collapse;width:100%" role="presentation">
          {props.rows.map((r) => (
            <tr>
              <th style="text-align:start;vertical-align:top;padding:6px 12px 6px 0;color:#57534e;font-weight:600;white-space:nowrap">{r.label}</th>
              <td style={`padding:6px 0;white-space:pre-wrap${r.strike ? ';text-decoration:line-through;color:#78716c' : ''}`}>{r.value}</td>
            </tr>
          ))}
        </table>
        <p style="margin:20px 0 0">
          {props.links.map((l) => (
            <>
              <a href={l.href} style={`color:${props.look.link}`}>
                {l.label}
              </a>
              <br />
            </>
          ))}
        </p>
        {props.footer.map((line, i) => (
          <p style={`margin:${i ? 4 : 20}px 0 0;font-size:12px;color:#78716c`}>{line}</p>
        ))}
      </div>
    </body>
  </html>
);

export async function renderNotification(p: NotificationPayload, role: RecipientRole, site: Site, stamp: number): Promise<RenderedNotification> {
  const wording = (role === 'attendee' ? ATTENDEE : HOST)[p.trigger];
  const reader = recipientOf(p, role);
  // The reader's language (rows written before issue #31 have none: English).
  const t = translator(supportedLocale(p.locale) ?? 'en');
  const rows = detailRows(p, role, reader.timezone, t);
  const lead = wording.lead ? t.t(wording.lead, { name: p.booking.organizer.name }) : null;
  const calendar = await calendarSiteFor(p, role, site);
  const linkList = links(p, role, site, calendar, t);
  const subject = `${t.t(wording.subject)}: ${subjectTopic(p, role, t)} (${formatShort(p.booking.startAt, reader.timezone, t.locale)})`;
  // The vendor line goes when the host or team hides branding (as the pages' footer does).
  const footer = p.hideBranding ? [t.t('mailFooter')] : [t.t('mailSentBy'), t.t('mailFooter')];

  const text = [
    t.t(wording.headline),
    '',
    ...(lead ? [lead, ''] : []),
    ...rows.map((r) => `${r.label}: ${r.value}`),
    '',
    ...linkList.map((l) => `${l.label}: ${l.href}`),
    '',
    ...footer,
    '',
  ].join('\n');
  const body = <EmailBody headline={t.t(wording.headline)} lead={lead} rows={rows} links={linkList} footer={footer} locale={t.locale} look={lookOf(p, site)} sender={p.booking.organizer.name} />;
  const html = '<!doctype html>' + (await body.toString());

  const method = methodFor(p.booking.status) as 'REQUEST' | 'CANCEL';
  const ics = renderCalendar({ method, events: [bookingEvent(p.booking, calendar, stamp)] });
  return { subject, text, html, calendar: { method, ics, filename: method === 'CANCEL' ? 'cancel.ics' : 'invite.ics' } };
}

// Emails in the reader's language with the host's look (issue #31): the attendee's in the language they booked in
// (the booking page's, or `attendee.language` through the API; else the host's or team's default), the host's in
// their own; a colour bar, links in the brand colour made readable, and the logo. Every key exists in every language
// (test/i18n.unit.ts fails on a missing one); here, what each language's email says and that it is filled.
import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { renderNotification } from '../src/notifications/content';
import type { NotificationPayload } from '../src/notifications/payload';
import { translator } from '../src/i18n/catalogue';
import { LOCALES } from '../src/i18n/locales';
import { api, BASE, dbRow, page, publicHost, upcomingDate } from './helpers';
import { calendarBooking } from './invites-helpers';

const site = { baseUrl: 'https://cal.example.com', domain: 'cal.example.com' };
const LOGO = `${'a'.repeat(64)}.png`;
const START = Date.UTC(2026, 11, 1, 14, 0);

function payload(extra: Partial<NotificationPayload>): NotificationPayload {
  return {
    trigger: 'BOOKING_RESCHEDULED',
    booking: calendarBooking({ startAt: START, endAt: START + 30 * 60_000, locationType: null, locationValue: null }),
    hostTimezone: 'Europe/Berlin',
    attendeeTimezone: 'Asia/Tokyo',
    previous: { startAt: START - 86_400_000, endAt: START - 86_400_000 + 30 * 60_000 },
    reason: 'Clash',
    ...extra,
  };
}

describe('emails in seven languages', () => {
  it('each language: subject, headline, labels, links and footer from its catalogue, dates from Intl, lang and dir, nothing left unfilled', async () => {
    for (const locale of LOCALES) {
      const t = translator(locale);
      for (const role of ['attendee', 'host'] as const) {
        const mail = await renderNotification(payload({ locale }), role, site, START);
        const head = t.t(role === 'attendee' ? 'mailHeadRescheduled' : 'mailHeadHostRescheduled');
        expect(mail.subject.startsWith(`${t.t('mailSubjRescheduled')}: `), `${locale} ${role}`).toBe(true);
        expect(mail.text.split('\n')[0]).toBe(head);
        for (const key of ['mailWhat', 'mailWhen', 'mailWas', 'mailReason', 'mailSentBy', 'mailFooter'] as const) expect(mail.text, `${locale} ${key}`).toContain(t.t(key));
        const tz = role === 'attendee' ? 'Asia/Tokyo' : 'Europe/Berlin';
        const day = new Intl.DateTimeFormat(locale === 'en' ? 'en-US' : locale, { timeZone: tz, weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' }).format(START);
        expect(mail.text, `${locale} date`).toContain(day);
        expect(mail.html).toContain(`<html lang="${locale}" dir="${locale === 'ar' ? 'rtl' : 'ltr'}">`);
        expect(mail.text).not.toMatch(/\{\w+\}/);
      }
    }
  });

  it('the brand colour as a bar and (made readable on white) as the links, and the logo from this site; none without a brand', async () => {
    const branded = await renderNotification(payload({ locale: 'de', brandColor: '#ffff00', logo: LOGO }), 'attendee', site, START);
    expect(branded.html).toContain('height:6px;background:#ffff00');
    expect(branded.html).not.toContain('color:#ffff00');
    expect(branded.html).toMatch(/<a href="[^"]+" style="color:#[0-9a-f]{6}">/);
    expect(branded.html).toContain(`<img src="https://cal.example.com/logos/${LOGO}"`);
    // The attendee's page opens in their language.
    expect(branded.text).toMatch(/\?lang=de|&lang=de/);
    const plain = await renderNotification(payload({}), 'attendee', site, START);
    expect(plain.html).not.toContain('height:6px');
    expect(plain.html).not.toContain('<img');
    expect(plain.html).toContain('<html lang="en" dir="ltr">');
    // A value that is not a colour or a logo key never reaches the markup.
    const forged = await renderNotification(payload({ brandColor: 'red;background:url(x)', logo: '../x.png' }), 'attendee', site, START);
    expect(forged.html).not.toContain('url(x)');
    expect(forged.html).not.toContain('<img');
  });
});

describe('hide_branding in the emails', () => {
  const TRIGGERS = ['BOOKING_CREATED', 'BOOKING_REQUESTED', 'BOOKING_CONFIRMED', 'BOOKING_REJECTED', 'BOOKING_RESCHEDULED', 'BOOKING_CANCELLED', 'BOOKING_PAYMENT_INITIATED', 'BOOKING_PAID', 'BOOKING_PAYMENT_REFUNDED'] as const;

  it('every kind, role and language: "Sent by calflare" (in that language) only when branding is not hidden; hidden, no vendor name at all', async () => {
    for (const locale of LOCALES) {
      const t = translator(locale);
      for (const trigger of TRIGGERS) {
        for (const role of ['attendee', 'host'] as const) {
          const what = `${locale} ${trigger} ${role}`;
          const shown = await renderNotification(payload({ locale, trigger }), role, site, START);
          expect(shown.text, what).toContain(t.t('mailSentBy'));
          expect(shown.html, what).toContain(t.t('mailSentBy'));
          const hidden = await renderNotification(payload({ locale, trigger, hideBranding: true }), role, site, START);
          expect(hidden.text, what).toContain(t.t('mailFooter'));
          for (const part of [hidden.subject, hidden.text, hidden.html]) expect(part.toLowerCase(), what).not.toContain('calflare');
        }
      }
    }
  });

  it("the outbox stores the host's hide_branding with each email (false by default)", async () => {
    const host = await publicHost();
    const before = await api('POST', '/v2/bookings', { body: { event_type_id: host.eventType.id, start: `${upcomingDate(3)}T13:00:00Z`, attendee: { name: 'Ana', email: 'ana-hb@example.com', timezone: 'UTC' } } });
    expect((await payloads(before.json.uid)).map((p) => p.hideBranding)).toEqual([false, false]);
    await api('PATCH', '/v2/me', { token: host.token, body: { hide_branding: true } });
    const after = await api('POST', '/v2/bookings', { body: { event_type_id: host.eventType.id, start: `${upcomingDate(3)}T14:00:00Z`, attendee: { name: 'Ana', email: 'ana-hb@example.com', timezone: 'UTC' } } });
    expect(after.status).toBe(201);
    expect((await payloads(after.json.uid)).map((p) => p.hideBranding)).toEqual([true, true]);
  });
});

async function payloads(uid: string) {
  const rows = await Promise.all(['attendee', 'host'].map((role) => dbRow<{ payload: string }>('SELECT payload FROM booking_email_notifications WHERE booking_uid = ? AND recipient_role = ?', uid, role)));
  return rows.map((r) => JSON.parse(r!.payload) as NotificationPayload);
}

describe('the language and look stored with each email', () => {
  it("a page booking in Japanese: the attendee's email in Japanese, the host's in the host's French, both with the host's colour and logo", async () => {
    const host = await publicHost();
    await api('PATCH', '/v2/me', { token: host.token, body: { locale: 'fr', brand_color: '#2e7d32' } });
    const png = Uint8Array.from(atob('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII='), (c) => c.charCodeAt(0));
    const uploaded = await SELF.fetch(`${BASE}/v2/me/logo`, { method: 'PUT', headers: { authorization: `Bearer ${host.token}` }, body: png });
    const logo = ((await uploaded.json()) as { logo_url: string }).logo_url.replace('/logos/', '');
    const booked = await page(`${host.booker}/book?start=${upcomingDate(3)}T10:00:00Z&lang=ja`, { form: { key: 'mail-ja', name: 'Hanako', email: 'hanako@example.com', tz: 'Asia/Tokyo', fmt: '24h' } });
    expect(booked.status).toBe(303);
    const uid = /\/booking\/([^?]+)/.exec(booked.headers.get('location')!)![1]!;
    const [attendee, hostMail] = await payloads(uid);
    expect(attendee).toMatchObject({ locale: 'ja', brandColor: '#2e7d32', logo });
    expect(hostMail).toMatchObject({ locale: 'fr', brandColor: '#2e7d32', logo });
  });

  it("an API booking names the attendee's language, or gets the host's default; an unknown one is a 400", async () => {
    const host = await publicHost();
    await api('PATCH', '/v2/me', { token: host.token, body: { locale: 'es' } });
    const attendee = { name: 'Ana', email: 'ana@example.com', timezone: 'UTC' };
    const withLanguage = await api('POST', '/v2/bookings', { body: { event_type_id: host.eventType.id, start: `${upcomingDate(3)}T10:00:00Z`, attendee: { ...attendee, language: 'pt-BR' } } });
    expect(withLanguage.status).toBe(201);
    expect((await payloads(withLanguage.json.uid))[0]).toMatchObject({ locale: 'pt-BR', brandColor: null, logo: null });
    const without = await api('POST', '/v2/bookings', { body: { event_type_id: host.eventType.id, start: `${upcomingDate(3)}T11:00:00Z`, attendee } });
    expect((await payloads(without.json.uid)).map((p) => p.locale)).toEqual(['es', 'es']);
    // Seats: each attendee's own language (their seat's attendee row).
    const seated = await publicHost({ eventType: { seats_per_time_slot: 3 } });
    const start = `${upcomingDate(4)}T10:00:00Z`;
    for (const [email, language] of [['seat-ja@example.com', 'ja'], ['seat-ar@example.com', 'ar']]) {
      const res = await api('POST', '/v2/bookings', { body: { event_type_id: seated.eventType.id, start, attendee: { ...attendee, email, language } } });
      expect(res.status, JSON.stringify(res.json)).toBe(201);
      const row = await dbRow<{ payload: string }>("SELECT payload FROM booking_email_notifications WHERE recipient_email = ? AND recipient_role = 'attendee'", email);
      expect(JSON.parse(row!.payload).locale).toBe(language);
    }
    const bad = await api('POST', '/v2/bookings', { body: { event_type_id: host.eventType.id, start: `${upcomingDate(3)}T12:00:00Z`, attendee: { ...attendee, language: 'xx' } } });
    expect(bad.status).toBe(400);
  });
});

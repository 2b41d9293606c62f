// The booking form: questions of every type checked on the server, the slot taken meanwhile, a double submit, the
// honeypot, and the limits every public POST has.
import { describe, expect, it } from 'vitest';
import { env } from 'cloudflare:workers';
import { completeFields } from '../src/event-types/booking-fields';
import { api, book, page, publicHost, upcomingDate } from './helpers';
import type { BookingField } from '../src/db/json-types';

const QUESTIONS: BookingField[] = [
  { name: 'company', type: 'text', label: 'Company', required: true, max_length: 20 },
  { name: 'seats', type: 'number', label: 'Seats', required: false },
  { name: 'size', type: 'select', label: 'Team size', required: true, options: [{ value: 'small', label: '1-10' }, { value: 'big', label: '11+' }] },
  { name: 'topics', type: 'checkbox', label: 'Topics', required: false, options: [{ value: 'api', label: 'API' }, { value: 'ui', label: 'UI' }] },
  { name: 'when', type: 'radio', label: 'Preferred part of day', required: false, options: [{ value: 'am', label: 'Morning' }, { value: 'pm', label: 'Afternoon' }] },
  { name: 'terms', type: 'boolean', label: 'I accept the terms', required: true },
  { name: 'site', type: 'url', label: 'Website', required: false },
  { name: 'phone', type: 'phone', label: 'Phone', required: false },
  { name: 'guests', type: 'multiemail', label: 'Guests', required: false, hidden: false },
];

const START = () => `${upcomingDate(3, 8)}T10:00:00Z`;
const GOOD = { name: 'Ada Lovelace', email: 'ada@example.com', notes: 'Hello', q_company: 'Acme', q_size: 'big', q_terms: 'true' };
// Every rendered form carries its own random key; so do these submissions unless a test reuses one on purpose.
const key = () => `key-${crypto.randomUUID()}`;

async function hostWithQuestions() {
  return publicHost({ eventType: { booking_fields: QUESTIONS, location_type: 'google_meet', location_value: 'https://meet.example/x' } });
}

describe('booking form /{username}/{slug}/book', () => {
  it('shows the full date and time in the viewer’s zone, every shown question with a label, and a honeypot', async () => {
    const host = await hostWithQuestions();
    const res = await page(`${host.booker}/book?start=${START()}&tz=Asia/Kolkata&fmt=12h`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    // 10:00Z is 3:30 PM in India.
    expect(res.html).toMatch(/id="when"><time [^>]+>Wednesday \d+ \w+ \d{4}, 3:30 PM<\/time> – <time [^>]+>4:00 PM<\/time>/);
    expect(res.html).toContain('(Asia/Kolkata, UTC+05:30)');
    for (const f of ['name', 'email', 'notes', ...QUESTIONS.map((q) => q.name)]) expect(res.html, f).toContain(`id="f-${f}`);
    for (const q of QUESTIONS) expect(res.html).toContain(q.label);
    expect(res.html).toContain('type="tel"');
    expect(res.html).toMatch(/<input type="hidden" name="key" value="[A-Za-z0-9_-]{20,}"/);
    expect(res.html).toContain('name="website"');
  });

  it('books with valid answers, stores them, and redirects to the booking page', async () => {
    const host = await hostWithQuestions();
    const res = await page(`${host.booker}/book?start=${START()}`, {
      form: { key: key(), ...GOOD, tz: 'Europe/Paris', fmt: '24h', q_seats: '4', q_topics: ['api', 'ui'], q_when: 'pm', q_site: 'https://acme.example', q_phone: '+33 1 23 45 67 89', q_guests: 'b@example.com, c@example.com' },
    });
    expect(res.status).toBe(303);
    const location = res.headers.get('location')!;
    expect(location).toMatch(/^\/booking\/[A-Za-z0-9_-]+\?tz=Europe%2FParis&fmt=24h$/);
    const uid = location.split('/')[2]!.split('?')[0]!;
    const booking = await api('GET', `/v2/bookings/${uid}`);
    expect(booking.json.attendee).toEqual({ name: 'Ada Lovelace', email: 'ada@example.com', timezone: 'Europe/Paris', notes: 'Hello' });
    expect(booking.json.booking_fields_responses).toEqual({
      company: 'Acme', seats: 4, size: 'big', topics: ['api', 'ui'], when: 'pm', terms: true, site: 'https://acme.example', phone: '+33 1 23 45 67 89', guests: ['b@example.com', 'c@example.com'],
    });
    const shown = await page(location, { cookie: res.headers.get('set-cookie')!.split(';')[0]! });
    expect(shown.html).toContain('You are booked.');
    expect(shown.html).toContain('<dd data-field="topics">API, UI</dd>');
  });

  it('asks for SMS consent under a phone question marked for it, unticked, and books the number in E.164 only when ticked', async () => {
    const host = await publicHost({ eventType: { booking_fields: [{ name: 'mobile', type: 'phone', label: 'Mobile', required: false, sms_consent: true }] } });
    // (Another day than the one booked below: showing the form holds its slot for the visitor.)
    const form = await page(`${host.booker}/book?start=${upcomingDate(4, 8)}T10:00:00Z`);
    expect(form.html).toMatch(/<input type="checkbox" id="f-mobile-sms-consent" name="q_sms_consent" value="true"\/?>/);
    expect(form.html).toContain('Text me reminders at this number (reply STOP to opt out)');
    const ticked = await page(`${host.booker}/book?start=${START()}`, { form: { key: key(), name: 'Ada', email: 'ada-sms@example.com', tz: 'UTC', q_mobile: '+1 (415) 555-2671', q_sms_consent: 'true' } });
    expect(ticked.status).toBe(303);
    const uid = ticked.headers.get('location')!.split('/')[2]!.split('?')[0]!;
    expect((await api('GET', `/v2/bookings/${uid}`)).json.booking_fields_responses).toEqual({ mobile: '+14155552671', sms_consent: true });
    // Without a country code the number cannot be texted: the form says so at the phone field.
    const refused = await page(`${host.booker}/book?start=${START()}`, { form: { key: key(), name: 'Bo', email: 'bo-sms@example.com', tz: 'UTC', q_mobile: '415 555 2671', q_sms_consent: 'true' } });
    expect(refused.status).toBe(400);
    expect(refused.html).toContain('For text reminders, enter the number with its country code');
  });

  it('re-renders with every problem named, linked to its field, and what was typed kept', async () => {
    const host = await hostWithQuestions();
    const res = await page(`${host.booker}/book?start=${START()}`, {
      form: { name: '', email: 'not-an-email', q_company: 'A company name far too long', q_size: 'huge', q_seats: 'many', q_site: 'ftp://x', tz: 'UTC', fmt: '24h', key: key() },
    });
    expect(res.status).toBe(400);
    expect(res.html).toContain('role="alert"');
    expect(res.html).toContain('id="error-summary"');
    expect(res.html).toContain('<a href="#f-email">');
    expect(res.html).toContain('<a href="#f-name">Your name: ');
    expect(res.html).toContain('value="A company name far too long"');
    expect(res.html).toContain('aria-invalid="true"');
    expect(res.html).toMatch(/aria-describedby="f-email-error"/);
    // The API's own body schema caught these first; the answers are then checked as in POST /v2/bookings.
    const second = await page(`${host.booker}/book?start=${START()}`, {
      form: { ...GOOD, q_company: 'A company name far too long', q_size: 'huge', q_seats: 'many', q_site: 'ftp://x', q_terms: '', tz: 'UTC', fmt: '24h', key: key() },
    });
    expect(second.status).toBe(400);
    for (const message of ['Use at most 20 characters', 'Choose one of the options', 'Enter a number', 'Enter a web address starting with https://']) {
      expect(second.html).toContain(message);
    }
  });

  it('refuses answers to unknown questions and options that do not exist, as POST /v2/bookings does', async () => {
    const host = await hostWithQuestions();
    const res = await page(`${host.booker}/book?start=${START()}`, { form: { key: key(), ...GOOD, q_topics: 'nope', tz: 'UTC', fmt: '24h' } });
    expect(res.status).toBe(400);
    expect(res.html).toContain('Choose only among the options');
    const viaApi = await book(host.eventType.id, START(), { booking_fields_responses: { company: 'Acme', size: 'big', terms: true, unknown: 'x' } });
    expect(viaApi.status).toBe(400);
    expect(viaApi.json.error.issues).toEqual([{ path: 'booking_fields_responses.unknown', message: 'Unknown field' }]);
  });

  it('a question named constructor, stored before such names were refused, can be left blank or answered', async () => {
    const host = await publicHost();
    const fields = [...completeFields(null).slice(0, 2), { name: 'constructor', type: 'text', label: 'Builder', required: false }, ...completeFields(null).slice(2)];
    await env.DB.prepare('UPDATE booking_event_types SET booking_fields = ? WHERE id = ?').bind(JSON.stringify(fields), host.eventType.id).run();
    const form = await page(`${host.booker}/book?start=${START()}&tz=UTC`);
    expect(form.status).toBe(200);
    expect(form.html).toContain('id="f-constructor"');
    expect(form.html).not.toContain('function Object');
    const blank = await page(`${host.booker}/book?start=${START()}`, { form: { key: key(), name: 'Ann', email: 'ann@example.com', q_constructor: '', tz: 'UTC', fmt: '24h', reservation_uid: form.html.match(/name="reservation_uid" value="([^"]+)"/)![1]! } });
    expect(blank.status).toBe(303);
    const answered = await page(`${host.booker}/book?start=${`${upcomingDate(3, 8)}T11:00:00Z`}`, { form: { key: key(), name: 'Bo', email: 'bo@example.com', q_constructor: 'Bob', tz: 'UTC', fmt: '24h' } });
    expect(answered.status).toBe(303);
    const uid = answered.headers.get('location')!.split('/')[2]!.split('?')[0]!;
    expect((await api('GET', `/v2/bookings/${uid}`)).json.booking_fields_responses).toEqual({ constructor: 'Bob' });
    expect((await page(`/booking/${uid}`)).html).toContain('<dd data-field="constructor">Bob</dd>');
  });

  it('a slot taken meanwhile re-renders that day with fresh times and a message, never a 500', async () => {
    const host = await hostWithQuestions();
    const start = START();
    const form = await page(`${host.booker}/book?start=${start}&tz=UTC&fmt=24h`);
    expect(form.status).toBe(200);
    // The form held its time for 5 minutes (test/booker-hold.test.ts); once that hold is gone, anyone may take it.
    const hold = form.html.match(/name="reservation_uid" value="([^"]+)"/)![1]!;
    expect((await api('DELETE', `/v2/slots/reservations/${hold}`)).status).toBe(204);
    expect((await book(host.eventType.id, start, { booking_fields_responses: { company: 'X', size: 'big', terms: true } })).status).toBe(201);
    const res = await page(`${host.booker}/book?start=${start}`, { form: { key: key(), ...GOOD, tz: 'UTC', fmt: '24h' } });
    expect(res.status).toBe(409);
    expect(res.html).toContain('That time was just taken.');
    expect(res.html).toContain(`<h2 id="day-heading">`);
    expect(res.html).not.toContain(`data-start="${start}"`);
    expect(res.html).toContain('data-start="');
    // Opening the form for a taken time says the same.
    const again = await page(`${host.booker}/book?start=${start}&tz=UTC`);
    expect(again.status).toBe(409);
    expect(again.html).toContain('That time was just taken.');
  });

  it('a double submit of one rendered form gives one booking', async () => {
    const host = await hostWithQuestions();
    const start = START();
    const submit = () => page(`${host.booker}/book?start=${start}`, { form: { ...GOOD, tz: 'UTC', fmt: '24h', key: 'same-render-key-123' } });
    const [first, second] = await Promise.all([submit(), submit()]);
    expect(first.status).toBe(303);
    expect(second.status).toBe(303);
    expect(second.headers.get('location')).toBe(first.headers.get('location'));
    const list = await api('GET', `/v2/bookings?event_type_id=${host.eventType.id}`, { token: host.token });
    expect(list.json.data).toHaveLength(1);
  });

  it('turns away a filled honeypot, a cross-site post, and an oversized body', async () => {
    const host = await hostWithQuestions();
    const url = `${host.booker}/book?start=${START()}`;
    const bot = await page(url, { form: { key: key(), ...GOOD, website: 'https://spam.example', tz: 'UTC', fmt: '24h' } });
    expect(bot.status).toBe(400);
    expect(bot.html).toContain('looked automated');
    const forged = await page(url, { form: { key: key(), ...GOOD, tz: 'UTC', fmt: '24h' }, headers: { origin: 'https://evil.example' } });
    expect(forged.status).toBe(403);
    expect(forged.html).toContain('did not come from this site');
    const huge = await page(url, { form: { key: key(), ...GOOD, notes: 'x'.repeat(40 * 1024), tz: 'UTC', fmt: '24h' } });
    expect(huge.status).toBe(413);
    const list = await api('GET', `/v2/bookings?event_type_id=${host.eventType.id}`, { token: host.token });
    expect(list.json.data).toHaveLength(0);
  });
});

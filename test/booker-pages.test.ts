// The host page and the booker: what they show, which requests they refuse, and that the calendar offers exactly what
// GET /v2/slots/available offers.
import { describe, expect, it } from 'vitest';
import { dayOfDateKey, ZoneCalendar } from '../src/lib/time';
import { api, book, makeAdmin, page, publicHost, upcomingDate } from './helpers';

const links = (html: string, attr: string) => [...html.matchAll(new RegExp(`<a [^>]*${attr}="([^"]+)"`, 'g'))].map((m) => m[1]!);
const timesOf = (html: string) => [...html.matchAll(/<a [^>]*data-start="[^"]+"[^>]*>([^<]+)<\/a>/g)].map((m) => m[1]!);

function nextMonth(): string {
  const d = new Date();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + 1);
  return d.toISOString().slice(0, 7);
}

function monthRange(month: string, tz: string) {
  const cal = new ZoneCalendar(tz);
  const [y, m] = month.split('-').map(Number) as [number, number];
  const next = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
  return {
    start: new Date(cal.startOfLocalDay(dayOfDateKey(`${month}-01`))).toISOString(),
    end: new Date(cal.startOfLocalDay(dayOfDateKey(`${next}-01`))).toISOString(),
  };
}

describe('host page /{username}', () => {
  it('lists the host’s active event types with links to their bookers, cacheable for a minute by the browser only (it sets a cookie)', async () => {
    const host = await publicHost({ eventType: { title: 'Intro Call', description: 'A first chat.', location_type: 'zoom' } });
    await api('POST', '/v2/event-types', { token: host.token, body: { title: 'Hidden', slug: 'hidden', duration_minutes: 30, is_active: false } });
    const res = await page(`/${host.username}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(res.headers.get('cache-control')).toBe('private, max-age=60');
    expect(res.html).toContain(`<h1>${host.user.name}</h1>`);
    expect(res.html).toContain(`href="${host.booker}"`);
    expect(res.html).toContain('A first chat.');
    expect(res.html).toContain('30 min');
    expect(res.html).toContain('Zoom');
    expect(res.html).not.toContain('Hidden');
  });

  it('answers a friendly 404 page for an unknown or deactivated host', async () => {
    const unknown = await page('/nobody-here-at-all');
    expect(unknown.status).toBe(404);
    expect(unknown.html).toContain('There is nobody to book at this address.');
    const host = await publicHost();
    const admin = await makeAdmin();
    await api('DELETE', `/v2/users/${host.user.id}`, { token: admin.token });
    const gone = await page(`/${host.username}`);
    expect(gone.status).toBe(404);
    expect((await page(host.booker)).status).toBe(404);
  });

  it('leaves the API’s and the other areas’ unknown paths to their JSON 404', async () => {
    for (const path of ['/v2/nothing', '/docs/nothing', '/health/x', '/api']) {
      const res = await api('GET', path);
      expect(res.status, path).toBe(404);
      expect(res.json.error.code, path).toBe('not_found');
    }
  });
});

describe('booker /{username}/{slug}', () => {
  it('404s an unknown slug and an inactive event type', async () => {
    const host = await publicHost();
    expect((await page(`/${host.username}/no-such-slug`)).status).toBe(404);
    await api('PATCH', `/v2/event-types/${host.eventType.id}`, { token: host.token, body: { is_active: false } });
    const res = await page(host.booker);
    expect(res.status).toBe(404);
    expect(res.html).toContain('It may have been switched off.');
  });

  it('links exactly the days /v2/slots/available offers for the month and zone, and lists that day’s times', async () => {
    const host = await publicHost({ timezone: 'Europe/Berlin' });
    const month = nextMonth();
    const tz = 'America/New_York';
    const range = monthRange(month, tz);
    const slots = await api('GET', `/v2/slots/available?event_type_id=${host.eventType.id}&start_time=${range.start}&end_time=${range.end}&timezone=${tz}`);
    const res = await page(`${host.booker}?month=${month}&tz=${tz}&fmt=24h`);
    expect(res.status).toBe(200);
    const days = links(res.html, 'data-date');
    expect(days).toEqual(Object.keys(slots.json.slots));
    expect(days.length).toBeGreaterThan(15);
    const day = days[3]!;
    const dayPage = await page(`${host.booker}?month=${month}&date=${day}&tz=${tz}&fmt=24h`);
    const expected = (slots.json.slots[day] as { start: string }[]).map((s) => s.start.slice(11, 16));
    expect(timesOf(dayPage.html)).toEqual(expected);
    expect(dayPage.html).toMatch(new RegExp(`<a [^>]*aria-current="date"[^>]*data-date="${day}"`));
    expect(dayPage.html).toContain('<h2 id="day-heading">');
    // Without JavaScript a day link reloads the page: its fragment lands on the day's times, not at the top.
    expect(dayPage.html).toMatch(new RegExp(`<a href="[^"]*date=${day}[^"]*#day"`));
    expect(dayPage.html).toMatch(/<section class="card" aria-labelledby="day-heading" id="day">/);
  });

  it('without ?month= shows this month as the visitor’s zone sees it (even when UTC is still in the previous one)', async () => {
    const host = await publicHost();
    const offered = async (month: string, tz: string) => {
      const range = monthRange(month, tz);
      return Object.keys((await api('GET', `/v2/slots/available?event_type_id=${host.eventType.id}&start_time=${range.start}&end_time=${range.end}&timezone=${tz}`)).json.slots);
    };
    const heading = (month: string) => {
      const [y, m] = month.split('-').map(Number) as [number, number];
      return `<h2 id="month-heading">${new Date(Date.UTC(y, m - 1, 15)).toLocaleString('en-GB', { month: 'long', timeZone: 'UTC' })} ${y}</h2>`;
    };
    for (const tz of ['Pacific/Kiritimati', 'Pacific/Pago_Pago']) {
      const local = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit' }).format(new Date()).slice(0, 7);
      const [y, m] = local.split('-').map(Number) as [number, number];
      const following = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
      const res = await page(`${host.booker}?tz=${tz}`);
      // This month in that zone, or the next one when nothing is left in this one.
      const shown = (await offered(local, tz)).length > 0 ? local : following;
      expect(res.html, tz).toContain(heading(shown));
      expect(links(res.html, 'data-date'), tz).toEqual(await offered(shown, tz));
    }
  });

  it('opens on the first month with free times when none is named; a named month stays put', async () => {
    const now = new Date();
    const nextStart = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1);
    // Enough notice that nothing is left this month.
    const host = await publicHost({ eventType: { minimum_notice_hours: Math.ceil((nextStart - now.getTime()) / 3_600_000) + 72 } });
    const next = nextMonth();
    const opened = await page(`${host.booker}?tz=UTC`);
    expect(opened.html).toContain(`data-date="${next}-`);
    const thisMonth = now.toISOString().slice(0, 7);
    const named = await page(`${host.booker}?tz=UTC&month=${thisMonth}`);
    expect(links(named.html, 'data-date')).toEqual([]);
    expect(named.html).toContain('No free times in');
  });

  it('shows Berlin’s local times right across the spring DST change, with the zone and its offset', async () => {
    const host = await publicHost({ timezone: 'Europe/Berlin', eventType: { booking_window_days: 730 } });
    const before = await page(`${host.booker}?month=2027-03&date=2027-03-26&tz=Europe/Berlin&fmt=24h`);
    const after = await page(`${host.booker}?month=2027-03&date=2027-03-29&tz=Europe/Berlin&fmt=24h`);
    for (const res of [before, after]) {
      expect(timesOf(res.html)[0]).toBe('09:00');
      expect(timesOf(res.html).at(-1)).toBe('16:30');
    }
    expect(before.html).toContain('Times in <strong id="zone-name">Europe/Berlin</strong> (<span id="zone-offset">UTC+01:00</span>)');
    expect(after.html).toContain('<span id="zone-offset">UTC+02:00</span>');
    // The same hours seen from UTC move by the hour the clocks changed.
    const utcBefore = await page(`${host.booker}?month=2027-03&date=2027-03-26&tz=UTC&fmt=24h`);
    const utcAfter = await page(`${host.booker}?month=2027-03&date=2027-03-29&tz=UTC&fmt=24h`);
    expect(timesOf(utcBefore.html)[0]).toBe('08:00');
    expect(timesOf(utcAfter.html)[0]).toBe('07:00');
    // Accessible names carry the full date and time.
    expect(before.html).toContain('aria-label="Friday 26 March 2027, 09:00, available"');
    expect(before.html).toContain('aria-label="Friday 26 March 2027, available"');
  });

  it('prints 12-hour times as "2:00 PM" from ?fmt=, a cookie, or the Accept-Language region', async () => {
    const host = await publicHost({ eventType: { booking_window_days: 730 } });
    const url = `${host.booker}?month=2027-03&date=2027-03-26&tz=UTC`;
    const twelve = await page(`${url}&fmt=12h`);
    expect(timesOf(twelve.html)).toContain('2:00 PM');
    expect(timesOf(twelve.html)[0]).toBe('9:00 AM');
    expect(twelve.html).toContain('aria-label="Friday 26 March 2027, 2:00 PM, available"');
    expect(twelve.headers.get('set-cookie')).toContain('booker_fmt=12h');
    expect(timesOf((await page(url, { cookie: 'booker_fmt=12h' })).html)).toContain('2:00 PM');
    expect(timesOf((await page(url, { headers: { 'accept-language': 'en-US,en;q=0.9' } })).html)).toContain('2:00 PM');
    expect(timesOf((await page(url, { headers: { 'accept-language': 'de-DE,de;q=0.9' } })).html)).toContain('14:00');
    expect(timesOf((await page(url, { headers: { 'accept-language': 'en-GB' } })).html)).toContain('14:00');
  });

  it('takes the zone from ?tz=, then the remembered cookie, then the host’s zone with a detection script', async () => {
    const host = await publicHost({ timezone: 'Asia/Tokyo' });
    const chosen = await page(`${host.booker}?tz=Europe/Lisbon`);
    expect(chosen.html).toContain('<strong id="zone-name">Europe/Lisbon</strong>');
    expect(chosen.headers.get('set-cookie')).toContain('booker_tz=Europe%2FLisbon');
    expect(chosen.html).not.toContain('<script');
    const remembered = await page(host.booker, { cookie: 'booker_tz=Europe%2FLisbon' });
    expect(remembered.html).toContain('<strong id="zone-name">Europe/Lisbon</strong>');
    const fresh = await page(host.booker);
    expect(fresh.html).toContain('<strong id="zone-name">Asia/Tokyo</strong>');
    const nonce = /script-src 'nonce-([^']+)'/.exec(fresh.headers.get('content-security-policy')!)![1];
    expect(fresh.html).toContain(`<script nonce="${nonce}">`);
    expect(fresh.html).toContain('resolvedOptions().timeZone');
    // A bad zone or month is ignored, never an error.
    const bad = await page(`${host.booker}?tz=Mars/Olympus&month=2027-13&date=nope&fmt=36h`);
    expect(bad.status).toBe(200);
    expect(bad.html).toContain('<strong id="zone-name">Asia/Tokyo</strong>');
  });

  it('answers a friendly 400 page for a month or date out of range, on the booker and the reschedule page', async () => {
    const host = await publicHost();
    const booked = await book(host.eventType.id, `${upcomingDate(1, 7)}T10:00:00.000Z`);
    expect(booked.status).toBe(201);
    for (const base of [host.booker, `/reschedule/${booked.json.uid}`]) {
      for (const query of ['month=9999-12', 'month=0000-01', 'date=9999-12-31', 'date=0001-01-01', 'month=2026-12&date=275760-09-13', 'month=1969-12']) {
        const res = await page(`${base}?${query}&tz=UTC`);
        expect([res.status, query]).toEqual([400, query]);
        expect(res.html).toContain('That month is out of range');
        expect(res.headers.get('content-type')).toContain('text/html');
      }
    }
    // A start far out of range is no error either: the form and the reschedule page say it is not offered.
    for (const path of [`${host.booker}/book?start=9999-12-31T10:00:00Z`, `/reschedule/${booked.json.uid}?start=9999-12-31T10:00:00Z`]) {
      expect((await page(path)).status).toBeLessThan(500);
    }
  });

  it('is small, self-contained and under a strict CSP', async () => {
    const host = await publicHost();
    const res = await page(`${host.booker}?tz=UTC&date=${new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10)}`);
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toMatch(/style-src 'nonce-/);
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(new TextEncoder().encode(res.html).length).toBeLessThan(60 * 1024);
    // No request leaves for another origin: no external src/href other than plain links.
    expect(res.html).not.toMatch(/<(script|link|img|iframe)[^>]+(src|href)="https?:/);
    expect(res.html).toMatch(/<h1>[^<]+<\/h1>/);
    expect(res.html).toContain('<select id="tz" name="tz">');
    expect(res.html).toContain('<option selected="">UTC</option>');
  });
});

describe('the pages leave every other path alone', () => {
  it('unknown API paths of any method stay JSON 404s (the pages’ CSRF and body limits do not apply there)', async () => {
    for (const method of ['GET', 'POST', 'PATCH', 'DELETE']) {
      for (const path of ['/v2/', '/v2/nothing', '/v2/schedules/../overrides/..', '/docs/x/y']) {
        const res = await api(method, path);
        expect(res.status, `${method} ${path}`).toBe(404);
        expect(res.json.error.code, `${method} ${path}`).toBe('not_found');
        expect(res.headers.get('content-security-policy'), `${method} ${path}`).toBeNull();
      }
    }
  });
});

// A recurring event type on the booking pages: the booker offers only starts whose whole series (of the length the
// visitor chose) is free, the form lists every meeting and books them as one series, and the booking page shows
// the series and cancels one meeting, the later ones or all.
import { env } from 'cloudflare:workers';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { api, book, createEventType, page, publicHost } from './helpers';

const WEEK = 7 * 86_400_000;
const iso = (t: number) => new Date(t).toISOString().replace('.000Z', 'Z');

/** Monday 10:00 UTC at least four weeks ahead. */
function mondayAhead(): number {
  const d = new Date(Date.now() + 4 * WEEK);
  while (d.getUTCDay() !== 1) d.setUTCDate(d.getUTCDate() + 1);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), 10);
}

/** A UTC host with a weekly 4-meeting event type, and the third Monday's 10:00 taken by another of their event types. */
async function seriesHost() {
  const host = await publicHost({ eventType: { booking_window_days: 730, recurring_event: { freq: 'weekly', interval: 1, count: 4 } } });
  const first = mondayAhead();
  const other = await createEventType(host.token);
  const blocker = await book(other.id, iso(first + 2 * WEEK));
  expect(blocker.status).toBe(201);
  return { host, first, day: iso(first).slice(0, 10), month: iso(first).slice(0, 7) };
}

const form = (extra: Record<string, string> = {}) => ({ name: 'Ada Lovelace', email: `ada-${crypto.randomUUID()}@example.com`, key: crypto.randomUUID(), ...extra });

beforeEach(() => {
  vi.spyOn(globalThis, 'fetch').mockImplementation(async () => new Response('ok', { status: 200 }));
});
afterEach(() => vi.restoreAllMocks());

describe('the booker of a recurring event type', () => {
  it('offers a start only when every meeting of the chosen series length is free, and keeps the length in its links', async () => {
    const { host, day, month, first } = await seriesHost();
    const full = await page(`${host.booker}?month=${month}&date=${day}&tz=UTC&fmt=24h`);
    expect(full.status).toBe(200);
    expect(full.html).toContain('id="series-summary">Every week, 4 meetings</strong>');
    expect(full.html).toMatch(/<option value="4" selected="">4<\/option>/);
    // The third Monday's 10:00 is taken: a 4-meeting series from this Monday 10:00 is not offered, 10:30 is.
    expect(full.html).not.toContain(`data-start="${iso(first)}"`);
    expect(full.html).toContain(`data-start="${iso(first + 30 * 60_000)}"`);
    expect(full.html).toContain('occurrences=4');
    // Two meetings end before it: offered, and the choice travels into the time links and the zone form.
    const two = await page(`${host.booker}?month=${month}&date=${day}&tz=UTC&fmt=24h&occurrences=2`);
    expect(two.html).toContain('Every week, 2 meetings');
    expect(two.html).toContain(`data-start="${iso(first)}"`);
    expect(two.html).toContain(`/book?start=${encodeURIComponent(iso(first))}&amp;tz=UTC&amp;fmt=24h&amp;occurrences=2`);
    expect(two.html).toContain('<input type="hidden" name="occurrences" value="2"/>');
    // The same answer as the API's slots.
    const slots = await api('GET', `/v2/slots/available?event_type_id=${host.eventType.id}&start_time=${day}T00:00:00Z&end_time=${day}T23:59:59Z&timezone=UTC&recurrence_count=2`);
    expect(slots.json.slots[day].map((s: { start: string }) => s.start)).toContain(`${day}T10:00:00+00:00`);
    // Nonsense lengths mean the full series; never an error.
    for (const bad of ['0', '5', 'x', '99']) expect((await page(`${host.booker}?month=${month}&occurrences=${bad}`)).html).toContain('Every week, 4 meetings');
  });

  it('the form lists every meeting; a series that is not free re-renders the day (409)', async () => {
    const { host, first } = await seriesHost();
    const ok = await page(`${host.booker}/book?start=${iso(first)}&tz=UTC&fmt=24h&occurrences=2`);
    expect(ok.status).toBe(200);
    const listed = [...ok.html.matchAll(/<li><time datetime="([^"]+)"/g)].map((m) => m[1]);
    expect(listed).toEqual([new Date(first).toISOString(), new Date(first + WEEK).toISOString()]);
    expect(ok.html).toContain(`action="${host.booker}/book?start=${encodeURIComponent(iso(first))}&amp;occurrences=2"`);
    const taken = await page(`${host.booker}/book?start=${iso(first)}&tz=UTC&fmt=24h&occurrences=4`);
    expect(taken.status).toBe(409);
    expect(taken.html).toContain('That time was just taken');
  });

  it('books the series as one, lists it on the booking page, and cancels the later meetings', async () => {
    const { host, first } = await seriesHost();
    const res = await page(`${host.booker}/book?start=${iso(first)}&occurrences=2`, { form: form({ tz: 'UTC', fmt: '24h' }) });
    expect(res.status, res.html).toBe(303);
    const uid = res.headers.get('location')!.split('/')[2]!.split('?')[0]!;
    const { results } = await env.DB.prepare('SELECT uid, start_at, status, recurring_booking_uid FROM bookings WHERE event_type_id = ? ORDER BY start_at')
      .bind(host.eventType.id)
      .all<{ uid: string; start_at: number; status: string; recurring_booking_uid: string }>();
    expect(results.map((r) => r.start_at)).toEqual([first, first + WEEK]);
    expect(new Set(results.map((r) => r.recurring_booking_uid)).size).toBe(1);
    expect(results[0]!.uid).toBe(uid);

    const shown = await page(res.headers.get('location')!, { cookie: res.headers.get('set-cookie')!.split(';')[0]! });
    expect(shown.html).toContain('You are booked for 2 meetings.');
    expect(shown.html).toContain('Meeting 1 of 2 in a series');
    expect(shown.html).toContain(`href="/booking/${results[1]!.uid}?tz=UTC&amp;fmt=24h"`);
    expect(shown.html).toContain(`aria-current="page"`);
    expect((await page(`/booking/${uid}?cancel=1`)).html).toContain('name="scope" value="following"');

    const badScope = await page(`/booking/${uid}/cancel`, { form: { scope: 'everything' } });
    expect(badScope.status).toBe(400);
    const cancelled = await page(`/booking/${uid}/cancel?tz=UTC&fmt=24h`, { form: { scope: 'following', reason: 'Moving away' } });
    expect(cancelled.status).toBe(303);
    const after = await page(`/booking/${uid}`, { cookie: cancelled.headers.get('set-cookie')!.split(';')[0]! });
    expect(after.html).toContain('This meeting and the later ones are cancelled.');
    const statuses = await env.DB.prepare('SELECT status FROM bookings WHERE event_type_id = ? ORDER BY start_at').bind(host.eventType.id).all<{ status: string }>();
    expect(statuses.results.map((r) => r.status)).toEqual(['cancelled', 'cancelled']);
  });

  it('a series taken between the form and its submission is not booked; the page names the meeting', async () => {
    const { host, first } = await seriesHost();
    // The form was shown for 2 meetings; meanwhile someone takes the second Monday.
    const other = await createEventType(host.token);
    expect((await book(other.id, iso(first + WEEK))).status).toBe(201);
    const res = await page(`${host.booker}/book?start=${iso(first)}&occurrences=2`, { form: form() });
    expect(res.status).toBe(409);
    expect(res.html).toContain('Not booked: Occurrence 2 of 2 cannot be booked');
    const count = await env.DB.prepare('SELECT count(*) AS n FROM bookings WHERE event_type_id = ?').bind(host.eventType.id).first<{ n: number }>();
    expect(count!.n).toBe(0);
  });

  it('a single meeting of a one-off event type has no series on its page and no scope choice', async () => {
    const host = await publicHost();
    const start = `${iso(mondayAhead()).slice(0, 10)}T11:00:00Z`;
    const res = await book(host.eventType.id, start);
    const shown = await page(`/booking/${res.json.uid}?cancel=1`);
    expect(shown.html).not.toContain('in a series');
    expect(shown.html).not.toContain('name="scope"');
    expect((await page(`${host.booker}`)).html).not.toContain('id="series"');
  });
});

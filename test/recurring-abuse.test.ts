// Recurring series do not multiply the limits (issue #25 item 7): the write rate limit and the attendee caps count a
// series' occurrences, not its request, and an anonymous series of more than 4 occurrences is a request the host
// confirms (a signed-in booker's, or a short one, is booked at once).
import { describe, expect, it } from 'vitest';
import { api, ATTENDEE, createEventType, expectError, freshIp, makeUser, page, publicHost } from './helpers';

const WEEK = 7 * 86_400_000;
const someone = () => ({ ...ATTENDEE, email: `series-${crypto.randomUUID()}@example.com` });
const iso = (t: number) => new Date(t).toISOString();

/** The first Monday at least `weeks` ahead, at hh:mm UTC. */
function mondayAhead(weeks: number, hh = 10, mm = 0): number {
  const d = new Date(Date.now() + weeks * WEEK);
  while (d.getUTCDay() !== 1) d.setUTCDate(d.getUTCDate() + 1);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), hh, mm);
}

async function seriesHost(count: number, extra: Record<string, unknown> = {}) {
  const host = await makeUser();
  const eventType = await createEventType(host.token, { booking_window_days: 365, recurring_event: { freq: 'weekly', interval: 1, count }, ...extra });
  return { ...host, eventType };
}

const bookSeries = (eventTypeId: number, start: number, opts: { attendee?: object; count?: number; ip?: string; token?: string } = {}) =>
  api('POST', '/v2/bookings', {
    token: opts.token,
    headers: opts.ip ? { 'cf-connecting-ip': opts.ip } : {},
    body: { event_type_id: eventTypeId, start: iso(start), attendee: opts.attendee ?? someone(), ...(opts.count ? { recurrence_count: opts.count } : {}) },
  });

describe('recurring series and the limits', () => {
  it('the write rate limit counts occurrences: series of 6 from one client hit 429 within 11 requests (66 occurrences, limit 30)', async () => {
    const { eventType } = await seriesHost(6);
    const ip = freshIp();
    const statuses: number[] = [];
    for (let i = 0; i < 11 && !statuses.includes(429); i++) {
      statuses.push((await bookSeries(eventType.id, mondayAhead(1, 9, i * 30), { ip })).status);
    }
    expect(statuses).toContain(429);
    expect(statuses.filter((s) => s === 201).length).toBeGreaterThanOrEqual(5);
  });

  it('so does the booking form: series of 6 posted from one client hit the 429 page within 11 posts', async () => {
    const host = await publicHost({ eventType: { booking_window_days: 365, recurring_event: { freq: 'weekly', interval: 1, count: 6 } } });
    const ip = freshIp();
    const statuses: number[] = [];
    for (let i = 0; i < 11 && !statuses.includes(429); i++) {
      const start = iso(mondayAhead(1, 9, i * 30));
      const res = await page(`${host.booker}/book?start=${start}&occurrences=6`, {
        headers: { 'cf-connecting-ip': ip },
        form: { key: `k-${crypto.randomUUID()}`, name: 'Series', email: someone().email, tz: 'UTC', fmt: '24h' },
      });
      statuses.push(res.status);
    }
    expect(statuses).toContain(429);
    expect(statuses.filter((s) => s === 303).length).toBeGreaterThanOrEqual(5);
  });

  it('the attendee caps count every occurrence of a series', async () => {
    const own = await seriesHost(4, { max_active_bookings_per_booker: 5 });
    const a = someone();
    expect((await bookSeries(own.eventType.id, mondayAhead(2), { attendee: a })).status).toBe(201);
    const more = await bookSeries(own.eventType.id, mondayAhead(2, 11), { attendee: a, count: 2 });
    expectError(more, 409, 'booker_limit_reached');
    expect(more.json.error.message).toMatch(/series of 2 meetings/);
    expect((await bookSeries(own.eventType.id, mondayAhead(2, 11), { attendee: a, count: 1 })).status).toBe(201);
    // The host-wide cap (10 upcoming bookings per email and host): 4 + 4 fit, 4 more do not.
    const wide = await seriesHost(4);
    const b = someone();
    expect((await bookSeries(wide.eventType.id, mondayAhead(2, 9), { attendee: b })).status).toBe(201);
    expect((await bookSeries(wide.eventType.id, mondayAhead(2, 10), { attendee: b })).status).toBe(201);
    expectError(await bookSeries(wide.eventType.id, mondayAhead(2, 11), { attendee: b }), 409, 'too_many_bookings');
    expect((await bookSeries(wide.eventType.id, mondayAhead(2, 11), { attendee: b, count: 2 })).status).toBe(201);
  });

  it('an anonymous series of more than 4 occurrences waits for the host; 4 or fewer, or a signed-in booker, is booked at once', async () => {
    const { token, eventType } = await seriesHost(6);
    const long = await bookSeries(eventType.id, mondayAhead(2, 9));
    expect(long.status).toBe(201);
    expect(long.json.occurrences.map((o: { status: string }) => o.status)).toEqual(Array(6).fill('pending'));
    const short = await bookSeries(eventType.id, mondayAhead(2, 10), { count: 4 });
    expect(short.json.occurrences.map((o: { status: string }) => o.status)).toEqual(Array(4).fill('accepted'));
    const booker = await makeUser();
    const signedIn = await bookSeries(eventType.id, mondayAhead(2, 11), { token: booker.token });
    expect(signedIn.json.occurrences.map((o: { status: string }) => o.status)).toEqual(Array(6).fill('accepted'));
    // The host confirms the request one occurrence at a time, like any request.
    expect((await api('POST', `/v2/bookings/${long.json.uid}/confirm`, { token })).json.status).toBe('accepted');
  });
});

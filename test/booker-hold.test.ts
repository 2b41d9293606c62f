// The booking form holds its time while someone fills it in (issue #14), and the pages' POSTs are rate limited.
import { describe, expect, it } from 'vitest';
import { api, book, freshIp, page, publicHost, upcomingDate } from './helpers';

const START = () => `${upcomingDate(2, 8)}T11:00:00Z`; // a Tuesday at least 8 days ahead, inside 09:00-17:00 UTC
const OTHER = () => `${upcomingDate(2, 8)}T13:00:00Z`;
const FORM = { name: 'Ada Lovelace', email: 'ada@example.com', tz: 'UTC', fmt: '24h' };
const key = () => `key-${crypto.randomUUID()}`;

const holdUidIn = (html: string) => html.match(/name="reservation_uid" value="([A-Za-z0-9_-]+)"/)?.[1];
const holdCookieOf = (headers: Headers) => headers.get('set-cookie')?.match(/booking_hold=([A-Za-z0-9_-]+)/)?.[1];
const slotStarts = async (eventTypeId: number, day: string) => {
  const res = await api('GET', `/v2/slots/available?event_type_id=${eventTypeId}&start_time=${day}T00:00:00Z&end_time=${day}T23:59:00Z&timezone=UTC`);
  return ((res.json.slots[day] ?? []) as { start: string }[]).map((s) => new Date(s.start).toISOString());
};
const iso = (s: string) => new Date(s).toISOString();

describe('the booking form holds its time', () => {
  it('opening the form takes a 5-minute hold: shown with its end, sent with the form, and the time is gone for others', async () => {
    const host = await publicHost();
    const res = await page(`${host.booker}/book?start=${START()}&tz=UTC&fmt=24h`, { headers: { 'cf-connecting-ip': freshIp() } });
    expect(res.status).toBe(200);
    const uid = holdUidIn(res.html);
    expect(uid).toBeDefined();
    expect(res.html).toMatch(/We are holding this time for you for 5 more minutes, until <time datetime="[^"]+Z">\d\d:\d\d<\/time>/);
    expect(holdCookieOf(res.headers)).toBe(uid);
    expect(res.headers.get('set-cookie')).toContain(`Path=${host.booker}/book`);
    expect(res.headers.get('set-cookie')).toContain('HttpOnly');

    const hold = await api('GET', `/v2/slots/reservations/${uid}`);
    expect(hold.status).toBe(200);
    expect(hold.json).toMatchObject({ event_type_id: host.eventType.id, slot_start: iso(START()) });
    const left = Date.parse(hold.json.expires_at) - Date.now();
    expect(left).toBeGreaterThan(4 * 60_000);
    expect(left).toBeLessThanOrEqual(5 * 60_000);

    expect(await slotStarts(host.eventType.id, START().slice(0, 10))).not.toContain(iso(START()));
    const rival = await book(host.eventType.id, START());
    expect(rival.status).toBe(409);
    expect(rival.json.error.code).toBe('slot_unavailable');
  });

  it('reloading the form keeps the same hold; choosing another time moves it (one hold per browser and form)', async () => {
    const host = await publicHost();
    const ip = freshIp();
    const first = await page(`${host.booker}/book?start=${START()}`, { headers: { 'cf-connecting-ip': ip } });
    const uid = holdUidIn(first.html)!;
    const cookie = `booking_hold=${uid}`;
    const again = await page(`${host.booker}/book?start=${START()}`, { cookie, headers: { 'cf-connecting-ip': ip } });
    expect(again.status).toBe(200);
    expect(holdUidIn(again.html)).toBe(uid);

    const moved = await page(`${host.booker}/book?start=${OTHER()}`, { cookie, headers: { 'cf-connecting-ip': ip } });
    expect(moved.status).toBe(200);
    const next = holdUidIn(moved.html)!;
    expect(next).not.toBe(uid);
    expect((await api('GET', `/v2/slots/reservations/${uid}`)).status).toBe(404);
    const free = await slotStarts(host.eventType.id, START().slice(0, 10));
    expect(free).toContain(iso(START()));
    expect(free).not.toContain(iso(OTHER()));
  });

  it('submitting the form turns the hold into the booking and clears the cookie', async () => {
    const host = await publicHost();
    const ip = freshIp();
    const form = await page(`${host.booker}/book?start=${START()}`, { headers: { 'cf-connecting-ip': ip } });
    const uid = holdUidIn(form.html)!;
    const res = await page(`${host.booker}/book?start=${START()}`, {
      form: { ...FORM, key: key(), reservation_uid: uid },
      cookie: `booking_hold=${uid}`,
      headers: { 'cf-connecting-ip': ip },
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toMatch(/^\/booking\//);
    expect(res.headers.get('set-cookie')).toMatch(/booking_hold=;.*Max-Age=0/);
    expect((await api('GET', `/v2/slots/reservations/${uid}`)).status).toBe(404);
    const bookingUid = res.headers.get('location')!.split('/')[2]!.split('?')[0]!;
    expect((await api('GET', `/v2/bookings/${bookingUid}`)).json).toMatchObject({ status: 'accepted', start: iso(START()) });
  });

  it('a hold that was released or never existed does not stop the booking of free time', async () => {
    const host = await publicHost();
    const ip = freshIp();
    const form = await page(`${host.booker}/book?start=${START()}`, { headers: { 'cf-connecting-ip': ip } });
    const uid = holdUidIn(form.html)!;
    expect((await api('DELETE', `/v2/slots/reservations/${uid}`)).status).toBe(204);
    const res = await page(`${host.booker}/book?start=${START()}`, { form: { ...FORM, key: key(), reservation_uid: uid } });
    expect(res.status).toBe(303);
    const unknown = await page(`${host.booker}/book?start=${OTHER()}`, { form: { ...FORM, key: key(), reservation_uid: 'nosuchreservation00001' } });
    expect(unknown.status).toBe(303);
  });

  it('another visitor opening the held time is sent back to the free times', async () => {
    const host = await publicHost();
    await page(`${host.booker}/book?start=${START()}`, { headers: { 'cf-connecting-ip': freshIp() } });
    const other = await page(`${host.booker}/book?start=${START()}`, { headers: { 'cf-connecting-ip': freshIp() } });
    expect(other.status).toBe(409);
    expect(other.html).toContain('That time was just taken');
    expect(holdUidIn(other.html)).toBeUndefined();
  });

  it('a validation error keeps the hold on the re-rendered form', async () => {
    const host = await publicHost();
    const form = await page(`${host.booker}/book?start=${START()}`, { headers: { 'cf-connecting-ip': freshIp() } });
    const uid = holdUidIn(form.html)!;
    const res = await page(`${host.booker}/book?start=${START()}`, { form: { ...FORM, email: 'not-an-email', key: key(), reservation_uid: uid } });
    expect(res.status).toBe(400);
    expect(holdUidIn(res.html)).toBe(uid);
    expect(res.html).toContain('We are holding this time for you');
  });

  it('beyond the cap of live holds per client the form still opens, without a hold', async () => {
    const host = await publicHost();
    const ip = freshIp();
    const day = upcomingDate(3, 8);
    const uids: (string | undefined)[] = [];
    for (const hour of ['09', '10', '11', '12']) {
      const res = await page(`${host.booker}/book?start=${day}T${hour}:00:00Z`, { headers: { 'cf-connecting-ip': ip } });
      expect(res.status).toBe(200);
      uids.push(holdUidIn(res.html));
    }
    expect(uids.slice(0, 3).every(Boolean)).toBe(true);
    expect(uids[3]).toBeUndefined();
    const last = await page(`${host.booker}/book?start=${day}T12:00:00Z`, { headers: { 'cf-connecting-ip': ip } });
    expect(last.html).not.toContain('We are holding this time');
  });
});

describe('rate limits on the booking pages', () => {
  it('the pages’ POSTs share one per-IP limit and answer 429 as a page with Retry-After; another IP is unaffected', async () => {
    const host = await publicHost();
    const ip = freshIp();
    const posts = [
      () => page(`/booking/nosuchbooking000001/cancel`, { form: { reason: '' }, headers: { 'cf-connecting-ip': ip } }),
      () => page(`/reschedule/nosuchbooking000001`, { form: { start: START() }, headers: { 'cf-connecting-ip': ip } }),
      () => page(`${host.booker}/book?start=${START()}`, { form: { ...FORM, website: 'spam' }, headers: { 'cf-connecting-ip': ip } }),
    ];
    // WRITE_RATE_LIMIT allows 30 a minute; 61 requests must cross it whatever the window alignment.
    const results = [];
    for (let i = 0; i < 61; i++) results.push(await posts[i % 3]!());
    expect(results.slice(0, 30).every((r) => r.status !== 429)).toBe(true);
    const limited = results.find((r) => r.status === 429);
    expect(limited).toBeDefined();
    expect(limited!.headers.get('retry-after')).toBe('60');
    expect(limited!.headers.get('content-type')).toContain('text/html');
    expect(limited!.html).toContain('Too many requests');
    const other = await page(`/booking/nosuchbooking000001/cancel`, { form: { reason: '' }, headers: { 'cf-connecting-ip': freshIp() } });
    expect(other.status).toBe(404);
  });
});

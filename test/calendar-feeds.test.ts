// Host subscription feeds: POST /v2/calendar-feeds, the secret /feeds/{token}.ics, and DELETE to revoke.
import { SELF } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { hostEventUid } from '../src/invites/site';
import { api, BASE, book, expectError, hostWithEventType, makeAdmin, makeUser, upcomingDate } from './helpers';

const MONDAY = upcomingDate(1, 7);
const at = (hhmm: string, date = MONDAY) => `${date}T${hhmm}:00Z`;

/** The feed, and the booking uids its events stand for (each VEVENT's UID is derived from one: see below). */
async function fetchFeed(url: string, headers: Record<string, string> = {}, known: string[] = []) {
  const res = await SELF.fetch(url.replace('https://calflare.example.com', BASE), { headers });
  const text = await res.text();
  const byEventUid = new Map(await Promise.all(known.map(async (uid) => [await hostEventUid(uid), uid] as const)));
  const uids = res.status === 200
    ? new ICAL.Component(ICAL.parse(text)).getAllSubcomponents('vevent').map((v) => {
        const left = new ICAL.Event(v).uid.split('@')[0]!;
        return byEventUid.get(left) ?? left;
      })
    : [];
  return { res, text, uids };
}

async function newFeed(token: string, body: unknown = { name: 'Google Calendar' }) {
  const res = await api('POST', '/v2/calendar-feeds', { token, body });
  expect(res.status).toBe(201);
  return res.json as { id: number; token: string; url: string; name: string | null };
}

describe('calendar feeds', () => {
  it('creates a feed whose URL lists the host\'s accepted and pending bookings, and shows the token only once', async () => {
    const host = await hostWithEventType();
    const pendingType = (await api('POST', '/v2/event-types', { token: host.token, body: { title: 'Request', slug: `req-${Date.now()}`, duration_minutes: 30, requires_confirmation: true } })).json;
    const accepted = (await book(host.eventType.id, at('10:00'))).json;
    const pending = (await book(pendingType.id, at('11:00'))).json;
    const cancelled = (await book(host.eventType.id, at('12:00'))).json;
    expect((await api('DELETE', `/v2/bookings/${cancelled.uid}`)).status).toBe(200);

    const feed = await newFeed(host.token);
    expect(feed).toMatchObject({ name: 'Google Calendar', user_id: host.user.id, token: expect.stringMatching(/^cf_[A-Za-z0-9_-]{40,}$/) });
    expect(feed.url).toBe(`https://calflare.example.com/feeds/${feed.token}.ics`);
    const list = await api('GET', '/v2/calendar-feeds', { token: host.token });
    expect(list.json.data).toEqual([expect.objectContaining({ id: feed.id, name: 'Google Calendar' })]);
    expect(JSON.stringify(list.json)).not.toContain(feed.token);
    const stored = await env.DB.prepare('SELECT token_hash FROM booking_calendar_feeds WHERE id = ?').bind(feed.id).first<{ token_hash: string }>();
    expect(stored!.token_hash).not.toContain(feed.token);

    const { res, text, uids } = await fetchFeed(feed.url, {}, [accepted.uid, pending.uid, cancelled.uid]);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    expect(res.headers.get('etag')).toMatch(/^"[0-9a-f]{32}"$/);
    expect(uids.sort()).toEqual([accepted.uid, pending.uid].sort());
    const cal = new ICAL.Component(ICAL.parse(text));
    expect(cal.hasProperty('method')).toBe(false);
    expect(cal.getFirstPropertyValue('x-wr-calname')).toContain(host.user.name);
  });

  it('answers 304 to an unchanged ETag, and a new ETag once a booking changes; cancelled bookings leave the feed', async () => {
    const host = await hostWithEventType();
    const b = (await book(host.eventType.id, at('10:00'))).json;
    const feed = await newFeed(host.token, {});
    const first = await fetchFeed(feed.url);
    const etag = first.res.headers.get('etag')!;
    const again = await fetchFeed(feed.url, { 'if-none-match': etag });
    expect(again.res.status).toBe(304);
    expect(again.text).toBe('');
    expect((await fetchFeed(feed.url, { 'if-none-match': `W/${etag}, "other"` })).res.status).toBe(304);

    expect((await api('DELETE', `/v2/bookings/${b.uid}`)).status).toBe(200);
    const after = await fetchFeed(feed.url, { 'if-none-match': etag }, [b.uid]);
    expect(after.res.status).toBe(200);
    expect(after.res.headers.get('etag')).not.toBe(etag);
    expect(after.uids).toEqual([]);
  });

  it('never shows other hosts\' bookings', async () => {
    const mine = await hostWithEventType();
    const other = await hostWithEventType();
    const own = (await book(mine.eventType.id, at('10:00'))).json;
    await book(other.eventType.id, at('10:00'));
    const feed = await newFeed(mine.token);
    expect((await fetchFeed(feed.url, {}, [own.uid])).uids).toEqual([own.uid]);
  });

  it('covers 30 days back to the booking window ahead', async () => {
    const host = await hostWithEventType({ booking_window_days: 400 });
    const b = (await book(host.eventType.id, at('10:00'))).json;
    const now = Date.now();
    const row = (day: number) => env.DB.prepare('UPDATE bookings SET start_at = ?, end_at = ? WHERE uid = ?').bind(now + day * 86_400_000, now + day * 86_400_000 + 1_800_000, b.uid).run();
    const feed = await newFeed(host.token);
    await row(-29);
    expect((await fetchFeed(feed.url, {}, [b.uid])).uids).toEqual([b.uid]);
    await row(-31);
    expect((await fetchFeed(feed.url, {}, [b.uid])).uids).toEqual([]);
    await row(399);
    expect((await fetchFeed(feed.url, {}, [b.uid])).uids).toEqual([b.uid]);
    await row(401);
    expect((await fetchFeed(feed.url, {}, [b.uid])).uids).toEqual([]);
  });

  it('a revoked or unknown token is a 404; only the owner (or a super admin) can revoke', async () => {
    const host = await hostWithEventType();
    const stranger = await makeUser();
    const feed = await newFeed(host.token);
    expectError(await api('DELETE', `/v2/calendar-feeds/${feed.id}`, { token: stranger.token }), 404, 'not_found');
    expect((await fetchFeed(feed.url)).res.status).toBe(200);
    expect((await api('DELETE', `/v2/calendar-feeds/${feed.id}`, { token: host.token })).status).toBe(204);
    expectError(await api('GET', `/feeds/${feed.token}.ics`), 404, 'not_found');
    expectError(await api('DELETE', `/v2/calendar-feeds/${feed.id}`, { token: host.token }), 404, 'not_found');
    expectError(await api('GET', `/feeds/cf_${'A'.repeat(43)}.ics`), 404, 'not_found');
    expectError(await api('GET', '/feeds/short.ics'), 404, 'not_found');
    expectError(await api('GET', `/feeds/${feed.token}`), 404, 'not_found');

    const admin = await makeAdmin();
    const another = await newFeed(host.token);
    expect((await api('DELETE', `/v2/calendar-feeds/${another.id}`, { token: admin.token })).status).toBe(204);
  });

  it('requires a session to make or list feeds, validates the body, and paginates', async () => {
    expectError(await api('POST', '/v2/calendar-feeds', { body: {} }), 401, 'unauthorized');
    expectError(await api('GET', '/v2/calendar-feeds'), 401, 'unauthorized');
    const user = await makeUser();
    expectError(await api('POST', '/v2/calendar-feeds', { token: user.token, body: { name: 'x', extra: 1 } }), 400, 'validation_failed');
    expectError(await api('POST', '/v2/calendar-feeds', { token: user.token, body: { name: '' } }), 400, 'validation_failed');
    expect((await api('POST', '/v2/calendar-feeds', { token: user.token })).status).toBe(201);
    await newFeed(user.token);
    await newFeed(user.token);
    const page1 = await api('GET', '/v2/calendar-feeds?limit=2', { token: user.token });
    expect(page1.json.data).toHaveLength(2);
    const page2 = await api('GET', `/v2/calendar-feeds?limit=2&cursor=${page1.json.next_cursor}`, { token: user.token });
    expect(page2.json.data).toHaveLength(1);
    expect(page2.json.next_cursor).toBeNull();
  });

  it('carries no attendee capability: not the booking uid, nor its page, cancel or reschedule link; it links to the host\'s view', async () => {
    const host = await hostWithEventType();
    const b = (await book(host.eventType.id, at('10:00'))).json;
    const feed = await newFeed(host.token);
    const { text, uids } = await fetchFeed(feed.url, {}, [b.uid]);
    expect(uids).toEqual([b.uid]);
    const unfolded = text.replace(/\r\n[ \t]/g, '');
    expect(unfolded).not.toContain(b.uid);
    for (const capability of ['/booking/', '/reschedule/', '/v2/bookings/', 'cancel=1']) expect(unfolded).not.toContain(capability);
    const event = new ICAL.Event(new ICAL.Component(ICAL.parse(text)).getFirstSubcomponent('vevent')!);
    expect(event.uid).toBe(`${await hostEventUid(b.uid)}@calflare.example.com`);
    expect(event.component.getFirstPropertyValue('url')).toBe(`https://calflare.example.com/admin/bookings?from=${MONDAY}&to=${MONDAY}`);
  });

  it('a deactivated host\'s feed stops answering', async () => {
    const host = await hostWithEventType();
    const feed = await newFeed(host.token);
    await env.DB.prepare('UPDATE users SET is_active = 0 WHERE id = ?').bind(host.user.id).run();
    expect((await fetchFeed(feed.url)).res.status).toBe(404);
  });
});

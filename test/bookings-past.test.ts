// Bookings whose start has passed: the attendee can no longer cancel them, a pending request can no longer be
// confirmed and stops holding the host's time (shown as `expired`), while the host and super admins may still mark a
// past booking cancelled.
import { SELF } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { expectDocumented } from './openapi-helpers';
import { api, BASE, book, expectError, hostWithEventType, makeAdmin, makeUser, upcomingDate } from './helpers';

const HOUR = 3_600_000;

/** Moves a booking's times so that it started `agoMs` ago (the API cannot book the past). */
async function startedAgo(uid: string, agoMs: number, durationMs = 30 * 60_000) {
  const start = Date.now() - agoMs;
  await env.DB.prepare('UPDATE bookings SET start_at = ?, end_at = ?, occupied_start = ?, occupied_end = ? WHERE uid = ?')
    .bind(start, start + durationMs, start, start + durationMs, uid)
    .run();
}

const deliveriesOf = async (uid: string) =>
  (await env.DB.prepare('SELECT count(*) AS n FROM booking_webhook_deliveries d JOIN bookings b ON b.id = d.booking_id WHERE b.uid = ?').bind(uid).first<{ n: number }>())!.n;

const hooks: number[] = [];

/** An active webhook on the host's changes; subscribers are stubbed, and the webhook is deleted after the test. */
async function withWebhook(token: string) {
  vi.spyOn(globalThis, 'fetch').mockImplementation(async () => new Response('ok'));
  const res = await api('POST', '/v2/webhooks', {
    token,
    body: { subscriber_url: 'https://hooks.example.com/past', event_triggers: ['BOOKING_CANCELLED', 'BOOKING_CONFIRMED', 'BOOKING_REJECTED'] },
  });
  expect(res.status).toBe(201);
  hooks.push(res.json.id);
}

afterEach(async () => {
  vi.restoreAllMocks();
  if (hooks.length) await env.DB.prepare('DELETE FROM booking_webhooks WHERE id IN (SELECT value FROM json_each(?))').bind(JSON.stringify(hooks.splice(0))).run();
});

describe('cancelling a booking that has started', () => {
  it('answers the attendee (anonymous, by uid) 409 and changes nothing, firing no webhook', async () => {
    const host = await hostWithEventType();
    await withWebhook(host.token);
    const booked = await book(host.eventType.id, `${upcomingDate(1)}T10:00:00Z`);
    await startedAgo(booked.json.uid, HOUR);
    const res = await api('DELETE', `/v2/bookings/${booked.json.uid}`, { body: { reason: 'too late' } });
    expectError(res, 409, 'conflict');
    expect(res.json.error.message).toMatch(/started/i);
    await expectDocumented('DELETE', '/v2/bookings/{uid}', res);
    expect((await api('GET', `/v2/bookings/${booked.json.uid}`)).json.status).toBe('accepted');
    expect(await deliveriesOf(booked.json.uid)).toBe(0);
  });

  it('refuses a signed-in user who is not the host, like an attendee', async () => {
    const host = await hostWithEventType();
    const booked = await book(host.eventType.id, `${upcomingDate(1)}T10:00:00Z`);
    await startedAgo(booked.json.uid, HOUR);
    const stranger = await makeUser();
    expectError(await api('DELETE', `/v2/bookings/${booked.json.uid}`, { token: stranger.token }), 409, 'conflict');
  });

  it('lets the host and a super admin mark a past booking cancelled, with its webhook', async () => {
    const host = await hostWithEventType();
    await withWebhook(host.token);
    const first = await book(host.eventType.id, `${upcomingDate(1)}T10:00:00Z`);
    const second = await book(host.eventType.id, `${upcomingDate(1)}T11:00:00Z`);
    await startedAgo(first.json.uid, 2 * HOUR);
    await startedAgo(second.json.uid, 3 * HOUR);
    const byHost = await api('DELETE', `/v2/bookings/${first.json.uid}`, { token: host.token, body: { reason: 'did not happen' } });
    expect(byHost.status).toBe(200);
    expect(byHost.json).toMatchObject({ status: 'cancelled', cancellation_reason: 'did not happen' });
    expect(await deliveriesOf(first.json.uid)).toBe(1);
    const admin = await makeAdmin();
    expect((await api('DELETE', `/v2/bookings/${second.json.uid}`, { token: admin.token })).json.status).toBe('cancelled');
  });

  it('still lets the attendee cancel a booking that has not started', async () => {
    const host = await hostWithEventType();
    const booked = await book(host.eventType.id, `${upcomingDate(1)}T10:00:00Z`);
    expect((await api('DELETE', `/v2/bookings/${booked.json.uid}`)).json.status).toBe('cancelled');
  });
});

describe('a pending request whose start has passed', () => {
  it('shows as expired, cannot be confirmed (409, no webhook), and is filtered as expired, not pending', async () => {
    const host = await hostWithEventType({ requires_confirmation: true });
    await withWebhook(host.token);
    const booked = await book(host.eventType.id, `${upcomingDate(1)}T10:00:00Z`);
    expect(booked.json.status).toBe('pending');
    await startedAgo(booked.json.uid, HOUR);
    expect((await api('GET', `/v2/bookings/${booked.json.uid}`)).json.status).toBe('expired');
    const confirm = await api('POST', `/v2/bookings/${booked.json.uid}/confirm`, { token: host.token });
    expectError(confirm, 409, 'conflict');
    expect(confirm.json.error.message).toMatch(/expired/i);
    await expectDocumented('POST', '/v2/bookings/{uid}/confirm', confirm);
    await expectDocumented('GET', '/v2/bookings/{uid}', await api('GET', `/v2/bookings/${booked.json.uid}`));
    expect(await deliveriesOf(booked.json.uid)).toBe(0);
    const list = async (status: string) =>
      ((await api('GET', `/v2/bookings?status=${status}&event_type_id=${host.eventType.id}`, { token: host.token })).json.data as { uid: string }[]).map((b) => b.uid);
    expect(await list('expired')).toEqual([booked.json.uid]);
    const listed = await api('GET', `/v2/bookings?event_type_id=${host.eventType.id}`, { token: host.token });
    expect(listed.json.data.map((b: { status: string }) => b.status)).toEqual(['expired']);
    expect(await list('pending')).toEqual([]);
  });

  it('stops holding the host’s time: the rest of its span can be booked', async () => {
    const host = await hostWithEventType({ requires_confirmation: true });
    const slot = `${upcomingDate(2)}T10:00:00Z`;
    const pending = await book(host.eventType.id, slot);
    expectError(await book(host.eventType.id, slot), 409, 'slot_unavailable');
    // Its start passes while its occupied span still covers the slot (a long meeting that began a minute ago).
    await env.DB.prepare('UPDATE bookings SET start_at = ? WHERE uid = ?').bind(Date.now() - 60_000, pending.json.uid).run();
    const slots = await api('GET', `/v2/slots/available?event_type_id=${host.eventType.id}&start_time=${slot}&end_time=${upcomingDate(2)}T10:30:00Z&timezone=UTC`);
    expect(Object.values(slots.json.slots).flat()).toHaveLength(1);
    expect((await book(host.eventType.id, slot)).status).toBe(201);
  });

  it('can still be declined by the host, to close it', async () => {
    const host = await hostWithEventType({ requires_confirmation: true });
    const booked = await book(host.eventType.id, `${upcomingDate(1)}T10:00:00Z`);
    await startedAgo(booked.json.uid, HOUR);
    expect((await api('POST', `/v2/bookings/${booked.json.uid}/decline`, { token: host.token })).json.status).toBe('rejected');
  });

  it('shows as Expired in the admin, without a Confirm button', async () => {
    const host = await hostWithEventType({ requires_confirmation: true });
    const booked = await book(host.eventType.id, `${upcomingDate(1)}T10:00:00Z`);
    await startedAgo(booked.json.uid, HOUR);
    const admin = await makeAdmin();
    const res = await SELF.fetch(`${BASE}/admin/bookings?status=expired`, { headers: { cookie: `session=${admin.token}` } });
    const html = await res.text();
    expect(res.status).toBe(200);
    const row = html.slice(html.indexOf(`id="booking-${booked.json.uid}"`));
    expect(row.slice(0, row.indexOf('</tr>'))).toMatch(/Expired/);
    expect(row.slice(0, row.indexOf('</tr>'))).not.toMatch(/\/confirm/);
  });
});

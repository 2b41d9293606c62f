// Idempotency keys are scoped to the request (event type + attendee email, or the signed-in user) and expire after
// 24 hours, so one client's key never answers, or blocks, anyone else.
import { createScheduledController } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import worker from '../src/index';
import { IDEMPOTENCY_TTL_MS } from '../src/bookings/idempotency';
import { api, ATTENDEE, book, expectError, hostWithEventType, makeUser, upcomingDate } from './helpers';

const at = (hhmm: string, day = 1) => `${upcomingDate(day)}T${hhmm}:00Z`;
const withKey = (key: string) => ({ 'idempotency-key': key });
const ageBooking = (uid: string, ms: number) =>
  env.DB.prepare('UPDATE bookings SET created_at = created_at - ? WHERE uid = ?').bind(ms, uid).run();

describe('Idempotency-Key scope', () => {
  it('does not replay one attendee’s booking to another attendee who sends the same key', async () => {
    const { eventType } = await hostWithEventType();
    const key = `shared-${crypto.randomUUID()}`;
    const first = await book(eventType.id, at('10:00'), {}, withKey(key));
    const other = await book(eventType.id, at('11:00'), { attendee: { ...ATTENDEE, email: 'mallory@example.com' } }, withKey(key));
    expect(other.status).toBe(201);
    expect(other.json.uid).not.toBe(first.json.uid);
  });

  it('keeps keys of different event types apart', async () => {
    const a = await hostWithEventType();
    const b = await hostWithEventType();
    const key = `shared-${crypto.randomUUID()}`;
    expect((await book(a.eventType.id, at('10:00'), {}, withKey(key))).status).toBe(201);
    const res = await book(b.eventType.id, at('10:00'), {}, withKey(key));
    expect(res.status).toBe(201);
    expect(res.json.event_type_id).toBe(b.eventType.id);
  });

  it('scopes a signed-in caller’s keys to that user', async () => {
    const { eventType } = await hostWithEventType();
    const alice = await makeUser();
    const bob = await makeUser();
    const key = `shared-${crypto.randomUUID()}`;
    const post = (token: string, start: string, email: string) =>
      api('POST', '/v2/bookings', { token, headers: withKey(key), body: { event_type_id: eventType.id, start, attendee: { ...ATTENDEE, email } } });
    const first = await post(alice.token, at('10:00'), 'a1@example.com');
    expect(first.status).toBe(201);
    // Alice again, other attendee: the key is hers, so this is a different request with her key.
    expectError(await post(alice.token, at('11:00'), 'a2@example.com'), 422, 'idempotency_key_reused');
    expect((await post(alice.token, at('10:00'), 'a1@example.com')).json.uid).toBe(first.json.uid);
    // Bob's key of the same name is his own.
    expect((await post(bob.token, at('12:00'), 'a1@example.com')).status).toBe(201);
  });
});

describe('Idempotency-Key expiry', () => {
  it('forgets a key after 24 hours: the same key then makes a new booking', async () => {
    const { eventType } = await hostWithEventType();
    const key = `old-${crypto.randomUUID()}`;
    const first = await book(eventType.id, at('10:00'), {}, withKey(key));
    expectError(await book(eventType.id, at('11:00'), {}, withKey(key)), 422, 'idempotency_key_reused');
    await ageBooking(first.json.uid, IDEMPOTENCY_TTL_MS + 60_000);
    const again = await book(eventType.id, at('11:00'), {}, withKey(key));
    expect(again.status).toBe(201);
    expect(again.json.uid).not.toBe(first.json.uid);
  });

  it('the cron clears keys older than 24 hours and keeps younger ones', async () => {
    const { eventType } = await hostWithEventType();
    const old = await book(eventType.id, at('10:00', 2), {}, withKey(`old-${crypto.randomUUID()}`));
    const young = await book(eventType.id, at('11:00', 2), {}, withKey(`young-${crypto.randomUUID()}`));
    await ageBooking(old.json.uid, IDEMPOTENCY_TTL_MS + 60_000);
    await worker.scheduled(createScheduledController(), env);
    const keyOf = async (uid: string) => (await env.DB.prepare('SELECT idempotency_key AS k FROM bookings WHERE uid = ?').bind(uid).first<{ k: string | null }>())!.k;
    expect(await keyOf(old.json.uid)).toBeNull();
    expect(await keyOf(young.json.uid)).not.toBeNull();
  });
});

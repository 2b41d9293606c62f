// Small hardening rules: canonical time zone names, no control characters in text, plain decimal numbers in paths and
// queries, no-store and nosniff headers, nothing new for deactivated users.
import { describe, expect, it } from 'vitest';
import { canonicalTimeZone, isValidTimeZone } from '../src/lib/time';
import { api, ATTENDEE, book, createEventType, expectError, hostWithEventType, makeAdmin, makeUser, TEST_PASSWORD, upcomingDate } from './helpers';

const newUser = (token: string, extra: Record<string, unknown>) =>
  api('POST', '/v2/users', { token, body: { email: `tz-${crypto.randomUUID()}@example.com`, name: 'Tz', password: 'long enough password', ...extra } });

describe('time zones', () => {
  it.each([
    ['us/eastern', 'America/New_York'],
    ['asia/kolkata', 'Asia/Kolkata'],
    ['EST5EDT', 'America/New_York'],
    ['Asia/Calcutta', 'Asia/Kolkata'],
    ['etc/utc', 'UTC'],
    ['utc', 'UTC'],
    ['america/new_york', 'America/New_York'],
    ['europe/kyiv', 'Europe/Kyiv'],
  ])('stores %s as its canonical name %s', async (typed, canonical) => {
    const { token } = await makeAdmin();
    const res = await newUser(token, { timezone: typed });
    expect(res.status).toBe(201);
    expect(res.json.timezone).toBe(canonical);
  });

  it.each(['Factory', 'factory', 'Etc/Unknown', 'SystemV/EST5', '+05:30', 'Mars/Olympus_Mons'])('refuses the pseudo-zone %s with 400', async (zone) => {
    const { token } = await makeAdmin();
    expectError(await newUser(token, { timezone: zone }), 400, 'validation_failed');
  });

  it('canonicalizes schedule and attendee zones the same way', async () => {
    const { token, eventType } = await hostWithEventType();
    const schedule = await api('POST', '/v2/schedules', { token, body: { name: 'Tz', timezone: 'asia/kolkata', availability: [] } });
    expect(schedule.status).toBe(201);
    expect(schedule.json.timezone).toBe('Asia/Kolkata');
    const booked = await book(eventType.id, `${upcomingDate(1)}T10:00:00Z`, { attendee: { ...ATTENDEE, timezone: 'us/eastern' } });
    expect(booked.status).toBe(201);
    expect(booked.json.attendee.timezone).toBe('America/New_York');
    expectError(await book(eventType.id, `${upcomingDate(1)}T11:00:00Z`, { attendee: { ...ATTENDEE, timezone: 'Factory' } }), 400, 'validation_failed');
  });

  it('keeps canonicalTimeZone idempotent and valid for every zone the runtime lists', () => {
    for (const zone of Intl.supportedValuesOf('timeZone')) {
      if (!isValidTimeZone(zone)) continue;
      const canonical = canonicalTimeZone(zone);
      expect(isValidTimeZone(canonical)).toBe(true);
      expect(canonicalTimeZone(canonical)).toBe(canonical);
    }
  });
});

describe('control characters', () => {
  const BAD = ['nul\u0000byte', 'bell\u0007', 'evil\u202Etxt.exe', 'isolate\u2066x\u2069', 'c1\u0085', 'line\u2028sep'];

  it.each(BAD)('refuses %j in a user name, an event type title and an attendee name', async (text) => {
    const { token } = await makeAdmin();
    expectError(await newUser(token, { name: text }), 400, 'validation_failed');
    expectError(await api('POST', '/v2/event-types', { token, body: { title: text, slug: 'ctl', duration_minutes: 30 } }), 400, 'validation_failed');
    const { eventType } = await hostWithEventType();
    const res = await book(eventType.id, `${upcomingDate(2)}T10:00:00Z`, { attendee: { ...ATTENDEE, name: text } });
    expectError(res, 400, 'validation_failed');
  });

  it('refuses them in notes, descriptions, reasons and schedule names, but keeps line breaks and tabs in multi-line text', async () => {
    const { token, eventType } = await hostWithEventType();
    const start = `${upcomingDate(3)}T10:00:00Z`;
    expectError(await book(eventType.id, start, { attendee: { ...ATTENDEE, notes: 'a\u0000b' } }), 400, 'validation_failed');
    expectError(await api('PATCH', `/v2/event-types/${eventType.id}`, { token, body: { description: 'x\u202Ey' } }), 400, 'validation_failed');
    expectError(await api('POST', '/v2/schedules', { token, body: { name: 'x\u0000', timezone: 'UTC', availability: [] } }), 400, 'validation_failed');
    const ok = await book(eventType.id, start, { attendee: { ...ATTENDEE, notes: 'line one\nline two\r\n\tindented' } });
    expect(ok.status).toBe(201);
    expectError(await api('DELETE', `/v2/bookings/${ok.json.uid}`, { body: { reason: 'bye\u0000' } }), 400, 'validation_failed');
    expect((await api('PATCH', `/v2/event-types/${eventType.id}`, { token, body: { description: 'Two\nlines' } })).status).toBe(200);
  });
});

describe('numbers in paths and queries are plain decimal digits', () => {
  it.each(['0x1', '1e0', '+1', '1.0', ' 1', '0b1', '01'])('answers 404 for the path id %j', async (raw) => {
    const { token } = await makeAdmin();
    const et = await createEventType(token);
    expect((await api('GET', `/v2/event-types/${et.id}`, { token })).status).toBe(200);
    // The same id in another spelling names nothing.
    const spelled = raw.replace('1', String(et.id));
    expectError(await api('GET', `/v2/event-types/${encodeURIComponent(spelled)}`, { token }), 404, 'not_found');
  });

  it.each(['0x1', '1e0', '+5', '5.0', ' 5', '05x'])('refuses limit=%j with 400', async (raw) => {
    const { token } = await makeUser();
    expectError(await api('GET', `/v2/webhooks?limit=${encodeURIComponent(raw)}`, { token }), 400, 'validation_failed');
    expectError(await api('GET', `/v2/event-types?limit=${encodeURIComponent(raw)}`), 400, 'validation_failed');
  });

  it('refuses hex and exponent ids in query filters', async () => {
    const { token } = await makeUser();
    expectError(await api('GET', '/v2/event-types?owner_id=0x1'), 400, 'validation_failed');
    expectError(await api('GET', '/v2/bookings?event_type_id=1e0', { token }), 400, 'validation_failed');
    expectError(await api('GET', `/v2/slots/available?event_type_id=0x1&start_time=2030-01-01T00:00:00Z&end_time=2030-01-02T00:00:00Z`), 400, 'validation_failed');
  });

  it('still takes plain ids and limits', async () => {
    const { token } = await makeUser();
    const res = await api('GET', '/v2/event-types?limit=5&owner_id=1');
    expect(res.status).toBe(200);
    expect((await api('GET', '/v2/webhooks?limit=200', { token })).status).toBe(200);
  });
});

describe('response headers', () => {
  it('answers the login (which carries a token) with Cache-Control: no-store', async () => {
    const { user } = await makeUser();
    const res = await api('POST', '/v2/auth/login', { body: { email: user.email, password: TEST_PASSWORD }, headers: { 'cf-connecting-ip': '192.0.2.51' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('sends X-Content-Type-Options: nosniff with JSON answers and errors', async () => {
    for (const res of [await api('GET', '/v2/event-types'), await api('GET', '/v2/me'), await api('GET', '/v2/nothing-here'), await api('GET', '/health')]) {
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });
});

describe('deactivated users', () => {
  it('a super admin cannot create an event type for a deactivated user', async () => {
    const { token } = await makeAdmin();
    const { user } = await makeUser();
    expect((await api('DELETE', `/v2/users/${user.id}`, { token })).status).toBe(200);
    const res = await api('POST', '/v2/event-types', { token, body: { title: 'Ghost', slug: 'ghost', duration_minutes: 30, owner_id: user.id } });
    expectError(res, 400, 'validation_failed');
    expect(res.json.error.issues).toEqual([{ path: 'owner_id', message: expect.stringMatching(/deactivated/i) }]);
  });
});

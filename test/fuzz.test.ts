// Bad input never crashes: random bodies, queries and path segments against every /v2 route must answer a 4xx (or a
// success) with the JSON error shape, never a 5xx.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { api, book, hostWithEventType, makeAdmin, upcomingDate } from './helpers';
import { runs } from './runs';

interface Target {
  method: string;
  path: string;
}

const jsonValue = fc.oneof(
  fc.anything({ maxDepth: 3, withNullPrototype: false, withBigInt: false, withDate: false, withMap: false, withSet: false, withTypedArray: false, withSparseArray: false, withBoxedValues: false }),
  fc.string(),
  fc.integer(),
  fc.double(),
);

/** Objects whose keys are mostly real field names, so validation goes deep instead of stopping at the first key. */
const FIELDS = [
  'email', 'password', 'name', 'role', 'timezone', 'is_active', 'title', 'slug', 'description', 'duration_minutes',
  'buffer_before_minutes', 'buffer_after_minutes', 'minimum_notice_hours', 'slot_interval_minutes', 'booking_window_days',
  'location_type', 'location_value', 'requires_confirmation', 'schedule_id', 'owner_id', 'is_default', 'availability',
  'date_overrides', 'day_of_week', 'start_time', 'end_time', 'date', 'event_type_id', 'start', 'attendee', 'notes',
  'location', 'metadata', 'reason', 'subscriber_url', 'event_triggers', 'active', 'secret', 'user_id',
];
const fieldyObject = fc.dictionary(fc.oneof(fc.constantFrom(...FIELDS), fc.string({ maxLength: 8 })), jsonValue, { maxKeys: 8 });
const body = fc.oneof(fieldyObject, jsonValue, fc.string().map((s) => ({ raw: s })));

const queryValue = fc.oneof(fc.string({ maxLength: 30 }), fc.integer().map(String), fc.constantFrom('2027-03-01T00:00:00Z', 'UTC', '-1', '1e309', 'NaN', ''));
const query = fc.dictionary(
  fc.oneof(fc.constantFrom('limit', 'cursor', 'owner_id', 'status', 'from', 'to', 'event_type_id', 'start_time', 'end_time', 'timezone', 'user_id'), fc.string({ maxLength: 6 })),
  queryValue,
  { maxKeys: 5 },
);
const segment = fc.oneof(fc.integer().map(String), fc.string({ maxLength: 30 }).map(encodeURIComponent), fc.constantFrom('0', '-1', '1.5', '99999999999999999999', '%00', '..'));

function expectNoCrash(res: { status: number; json: any }, what: string) {
  if (res.status >= 500) throw new Error(`${what} answered ${res.status}: ${JSON.stringify(res.json)}`);
  if (res.status >= 400) expect(res.json?.error?.code, what).toEqual(expect.any(String));
}

describe('random input never crashes the API', () => {
  it('bodies and queries of every write and list route', async () => {
    const admin = await makeAdmin();
    const host = await hostWithEventType();
    const booking = await book(host.eventType.id, `${upcomingDate(1, 7)}T10:00:00Z`);
    // Disabled: no background sync of it runs during the fuzzing.
    const calendar = await api('POST', '/v2/calendars', { token: host.token, body: { kind: 'ics', url: 'https://calendar.example.com/a.ics', enabled: false } });
    const targets: Target[] = [
      { method: 'POST', path: '/v2/auth/login' },
      { method: 'POST', path: '/v2/users' },
      { method: 'PATCH', path: `/v2/users/${host.user.id}` },
      { method: 'POST', path: '/v2/event-types' },
      { method: 'PATCH', path: `/v2/event-types/${host.eventType.id}` },
      { method: 'POST', path: '/v2/schedules' },
      { method: 'POST', path: '/v2/bookings' },
      { method: 'PATCH', path: `/v2/bookings/${booking.json.uid}` },
      { method: 'DELETE', path: `/v2/bookings/${booking.json.uid}` },
      { method: 'POST', path: `/v2/bookings/${booking.json.uid}/decline` },
      { method: 'POST', path: '/v2/webhooks' },
      { method: 'POST', path: '/v2/calendars' },
      { method: 'PATCH', path: `/v2/calendars/${calendar.json.id}` },
    ];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...targets), body, async (target, payload) => {
        const res = await api(target.method, target.path, { token: admin.token, body: payload });
        expectNoCrash(res, `${target.method} ${target.path} ${JSON.stringify(payload)}`);
      }),
      { numRuns: runs(100) },
    );
    const lists = ['/v2/users', '/v2/event-types', '/v2/schedules', '/v2/bookings', '/v2/webhooks', '/v2/calendars', '/v2/slots/available'];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...lists), query, async (path, q) => {
        const res = await api('GET', `${path}?${new URLSearchParams(q)}`, { token: admin.token });
        expectNoCrash(res, `GET ${path}?${new URLSearchParams(q)}`);
      }),
      { numRuns: runs(60) },
    );
    // Hundreds of requests: on a loaded 2-core machine this takes far longer than the default test timeout.
  }, 120_000);

  it('path segments of every route with an id or uid', async () => {
    const admin = await makeAdmin();
    const templates = [
      'GET /v2/users/:x', 'GET /v2/event-types/:x', 'DELETE /v2/event-types/:x', 'GET /v2/schedules/:x',
      'DELETE /v2/schedules/:x/overrides/:x', 'GET /v2/bookings/:x', 'POST /v2/bookings/:x/confirm', 'GET /v2/webhooks/:x',
      'GET /v2/webhooks/:x/deliveries', 'POST /v2/webhooks/:x/ping', 'GET /v2/calendars/:x', 'DELETE /v2/calendars/:x',
      'POST /v2/calendars/:x/refresh',
    ];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...templates), segment, async (template, x) => {
        const [method, path] = template.split(' ') as [string, string];
        const res = await api(method, path.replaceAll(':x', x), { token: admin.token });
        expectNoCrash(res, `${method} ${path.replaceAll(':x', x)}`);
      }),
      { numRuns: runs(30) },
    );
  }, 120_000);
});

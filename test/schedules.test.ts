// /v2/schedules: create, list, read, change and delete (the default schedule: schedules-defaults.test.ts; date
// overrides: schedules-overrides.test.ts).
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { api, expectError, issuePaths, makeAdmin, makeUser } from './helpers';
import { ageSchedule, createSchedule, datesFrom, defaults, EPOCH, listOwn, WEEKDAYS_9_TO_5 } from './schedules-helpers';

/** `count` distinct half-hour ranges spread over the week: 00:00-00:30 on every day, then 01:00-01:30, ... */
function halfHours(count: number) {
  return Array.from({ length: count }, (_, i) => {
    const hour = String(Math.floor(i / 7)).padStart(2, '0');
    return { day_of_week: i % 7, start_time: `${hour}:00`, end_time: `${hour}:30` };
  });
}

/** Ids of the user's default schedules, read from D1 (a super admin's list would show everyone's). */
async function defaultIdsOf(userId: number) {
  const { results } = await env.DB.prepare('SELECT id FROM booking_schedules WHERE user_id = ? AND is_default = 1').bind(userId).all<{ id: number }>();
  return results.map((r) => r.id);
}

describe('POST /v2/schedules', () => {
  it('creates a schedule and answers it with both lists sorted', async () => {
    const { user, token } = await makeUser();
    const res = await api('POST', '/v2/schedules', {
      token,
      body: {
        name: 'Split shifts',
        timezone: 'America/New_York',
        availability: [
          { day_of_week: 3, start_time: '13:00', end_time: '17:00' },
          { day_of_week: 1, start_time: '09:00', end_time: '12:00' },
          { day_of_week: 3, start_time: '08:00', end_time: '12:00' },
        ],
        date_overrides: [
          { date: '2025-12-31', start_time: '10:00', end_time: '12:00' },
          { date: '2025-12-24' },
          { date: '2025-12-31', start_time: '08:00', end_time: '09:00' },
        ],
      },
    });
    expect(res.status).toBe(201);
    expect(res.json).toEqual({
      id: expect.any(Number),
      user_id: user.id,
      name: 'Split shifts',
      timezone: 'America/New_York',
      is_default: false,
      availability: [
        { day_of_week: 1, start_time: '09:00', end_time: '12:00' },
        { day_of_week: 3, start_time: '08:00', end_time: '12:00' },
        { day_of_week: 3, start_time: '13:00', end_time: '17:00' },
      ],
      date_overrides: [
        { id: expect.any(Number), date: '2025-12-24', start_time: null, end_time: null },
        { id: expect.any(Number), date: '2025-12-31', start_time: '08:00', end_time: '09:00' },
        { id: expect.any(Number), date: '2025-12-31', start_time: '10:00', end_time: '12:00' },
      ],
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
      updated_at: expect.stringMatching(/Z$/),
    });
    expect((await api('GET', `/v2/schedules/${res.json.id}`, { token })).json).toEqual(res.json);
  });

  it('creates a schedule with no hours when the lists are left out', async () => {
    const { token } = await makeUser();
    const created = await createSchedule(token);
    expect(created).toMatchObject({ name: 'Evenings', timezone: 'Europe/Berlin', is_default: false, availability: [], date_overrides: [] });
  });

  it('accepts adjacent ranges, ranges ending at 24:00, and a null-time whole-day block', async () => {
    const { token } = await makeUser();
    const created = await createSchedule(token, {
      availability: [
        { day_of_week: 0, start_time: '09:00', end_time: '12:00' },
        { day_of_week: 0, start_time: '12:00', end_time: '24:00' },
        { day_of_week: 1, start_time: '00:00', end_time: '23:59' },
      ],
      date_overrides: [{ date: '2024-02-29', start_time: null, end_time: null }],
    });
    expect(created.availability).toHaveLength(3);
    expect(created.date_overrides[0]).toMatchObject({ date: '2024-02-29', start_time: null, end_time: null });
  });

  it('accepts exactly 50 availability ranges and 500 overrides', async () => {
    const { token } = await makeUser();
    const availability = halfHours(50);
    const dates = datesFrom('2026-01-01', 500);
    const created = await createSchedule(token, { availability, date_overrides: dates.map((date) => ({ date })) });
    expect(created.availability).toHaveLength(50);
    expect(created.date_overrides.map((o: { date: string }) => o.date)).toEqual(dates);
  });

  it('requires a session', async () => {
    expectError(await api('POST', '/v2/schedules', { body: { name: 'x', timezone: 'UTC' } }), 401, 'unauthorized');
  });

  it('requires name and timezone', async () => {
    const { token } = await makeUser();
    const res = await api('POST', '/v2/schedules', { token, body: {} });
    expectError(res, 400, 'validation_failed');
    expect(issuePaths(res).sort()).toEqual(['name', 'timezone']);
  });

  const range = (start_time: string, end_time: string, day_of_week = 1) => ({ day_of_week, start_time, end_time });
  it.each([
    ['name', { name: '' }],
    ['name', { name: '   ' }],
    ['name', { name: 'x'.repeat(101) }],
    ['timezone', { timezone: 'Mars/Olympus_Mons' }],
    ['timezone', { timezone: '+05:00' }],
    ['is_default', { is_default: 'yes' }],
    ['availability', { availability: 'Mon-Fri' }],
    ['availability.0.day_of_week', { availability: [range('09:00', '17:00', 7)] }],
    ['availability.0.day_of_week', { availability: [range('09:00', '17:00', -1)] }],
    ['availability.0.day_of_week', { availability: [range('09:00', '17:00', 1.5)] }],
    ['availability.0.start_time', { availability: [range('24:00', '24:00')] }],
    ['availability.0.start_time', { availability: [range('9:00', '17:00')] }],
    ['availability.0.end_time', { availability: [range('09:00', '24:01')] }],
    ['availability.0.end_time', { availability: [range('09:00', '17:60')] }],
    ['availability.1.end_time', { availability: [range('09:00', '12:00'), range('17:00', '09:00')] }],
    ['availability.0.end_time', { availability: [range('09:00', '09:00')] }],
    ['availability.2', { availability: [range('09:00', '12:00'), range('09:00', '12:00', 2), range('11:00', '13:00')] }],
    ['availability.0.color', { availability: [{ ...range('09:00', '17:00'), color: 'red' }] }],
    ['date_overrides.0.date', { date_overrides: [{ date: '2025-02-30' }] }],
    ['date_overrides.0.date', { date_overrides: [{ date: '1999-12-31' }] }],
    ['date_overrides.0.date', { date_overrides: [{ date: '2101-01-01' }] }],
    ['date_overrides.0.date', { date_overrides: [{ date: '2025-12-24T00:00:00Z' }] }],
    ['date_overrides.0.end_time', { date_overrides: [{ date: '2025-12-24', start_time: '09:00' }] }],
    ['date_overrides.0.start_time', { date_overrides: [{ date: '2025-12-24', end_time: '12:00' }] }],
    ['date_overrides.0.end_time', { date_overrides: [{ date: '2025-12-24', start_time: '12:00', end_time: '09:00' }] }],
    ['date_overrides.0.start_time', { date_overrides: [{ date: '2025-12-24', start_time: '24:00', end_time: '24:00' }] }],
    ['date_overrides.1', { date_overrides: [{ date: '2025-12-24' }, { date: '2025-12-24', start_time: '09:00', end_time: '12:00' }] }],
    ['date_overrides.1', { date_overrides: [{ date: '2025-12-24' }, { date: '2025-12-24' }] }],
    [
      'date_overrides.1',
      { date_overrides: [{ date: '2025-12-24', start_time: '09:00', end_time: '12:00' }, { date: '2025-12-24', start_time: '10:00', end_time: '11:00' }] },
    ],
    ['date_overrides.0.id', { date_overrides: [{ id: 1, date: '2025-12-24' }] }],
    ['user_id', { user_id: 0 }],
    ['color', { color: 'red' }],
  ])('rejects an invalid %s', async (path, patch) => {
    const { token } = await makeUser();
    const res = await api('POST', '/v2/schedules', { token, body: { name: 'Bad', timezone: 'UTC', ...patch } });
    expectError(res, 400, 'validation_failed');
    expect(issuePaths(res)).toContain(path);
  });

  it('names both ranges when two ranges of a day overlap', async () => {
    const { token } = await makeUser();
    const res = await api('POST', '/v2/schedules', {
      token,
      body: { name: 'Overlap', timezone: 'UTC', availability: [range('09:00', '12:00', 2), range('11:30', '14:00', 2)] },
    });
    expectError(res, 400, 'validation_failed');
    expect(res.json.error.issues).toEqual([
      { path: 'availability.1', message: 'Tuesday 11:30-14:00 overlaps Tuesday 09:00-12:00 (availability.0)' },
    ]);
  });

  it('explains why an override needs both times or neither', async () => {
    const { token } = await makeUser();
    const res = await api('POST', '/v2/schedules', {
      token,
      body: { name: 'Half', timezone: 'UTC', date_overrides: [{ date: '2025-12-24', start_time: '09:00' }] },
    });
    expect(res.json.error.issues).toEqual([
      { path: 'date_overrides.0.end_time', message: 'Give both start_time and end_time for a time range, or neither to block the whole day' },
    ]);
  });

  it('rejects more than 50 availability ranges and more than 500 overrides', async () => {
    const { token } = await makeUser();
    const tooManyRanges = await api('POST', '/v2/schedules', { token, body: { name: 'Many', timezone: 'UTC', availability: halfHours(51) } });
    expectError(tooManyRanges, 400, 'validation_failed');
    expect(issuePaths(tooManyRanges)).toEqual(['availability']);
    const overrides = datesFrom('2026-01-01', 501).map((date) => ({ date }));
    const tooManyOverrides = await api('POST', '/v2/schedules', { token, body: { name: 'Many', timezone: 'UTC', date_overrides: overrides } });
    expectError(tooManyOverrides, 400, 'validation_failed');
    expect(issuePaths(tooManyOverrides)).toEqual(['date_overrides']);
    expect(await listOwn(token)).toHaveLength(1);
  });

  it('lets a super admin create a schedule for another user; a regular user gets 403', async () => {
    const admin = await makeAdmin();
    const host = await makeUser();
    const created = await api('POST', '/v2/schedules', { token: admin.token, body: { name: 'For host', timezone: 'UTC', user_id: host.user.id } });
    expect(created.status).toBe(201);
    expect(created.json.user_id).toBe(host.user.id);
    expect((await listOwn(host.token)).map((s) => s.id)).toContain(created.json.id);

    const other = await makeUser();
    expectError(
      await api('POST', '/v2/schedules', { token: other.token, body: { name: 'Sneaky', timezone: 'UTC', user_id: host.user.id } }),
      403,
      'forbidden',
    );
    const own = await api('POST', '/v2/schedules', { token: other.token, body: { name: 'Mine', timezone: 'UTC', user_id: other.user.id } });
    expect(own.status).toBe(201);
  });

  it('answers 400 on user_id when a super admin names a user that does not exist', async () => {
    const admin = await makeAdmin();
    const res = await api('POST', '/v2/schedules', { token: admin.token, body: { name: 'Ghost', timezone: 'UTC', user_id: 99_999_999 } });
    expectError(res, 400, 'validation_failed');
    expect(issuePaths(res)).toEqual(['user_id']);
  });
});

describe('GET /v2/schedules', () => {
  it("lists only the caller's own schedules", async () => {
    const a = await makeUser();
    const b = await makeUser();
    const mine = await createSchedule(a.token);
    const theirs = await createSchedule(b.token);
    const ids = (await listOwn(a.token)).map((s) => s.id);
    expect(ids).toContain(mine.id);
    expect(ids).not.toContain(theirs.id);
    expect(ids).toHaveLength(2);
  });

  it("gives a regular user nothing when filtering on another user's id", async () => {
    const a = await makeUser();
    const b = await makeUser();
    const res = await api('GET', `/v2/schedules?user_id=${b.user.id}`, { token: a.token });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ data: [], next_cursor: null });
  });

  it("lets a super admin list anyone's schedules, filtered by user_id", async () => {
    const admin = await makeAdmin();
    const host = await makeUser();
    const extra = await createSchedule(host.token);
    const res = await api('GET', `/v2/schedules?user_id=${host.user.id}`, { token: admin.token });
    expect(res.status).toBe(200);
    expect(res.json.data.map((s: { user_id: number }) => s.user_id)).toEqual([host.user.id, host.user.id]);
    expect(res.json.data[1]).toEqual(extra);
    const all = await api('GET', '/v2/schedules?limit=200', { token: admin.token });
    expect(new Set(all.json.data.map((s: { user_id: number }) => s.user_id)).size).toBeGreaterThan(1);
  });

  it('paginates with a cursor, with each page carrying its lists', async () => {
    const { token } = await makeUser();
    const ids = (await listOwn(token)).map((s) => s.id);
    for (const name of ['B', 'C']) {
      ids.push((await createSchedule(token, { name, availability: [{ day_of_week: 6, start_time: '10:00', end_time: '11:00' }] })).id);
    }
    const first = await api('GET', '/v2/schedules?limit=2', { token });
    expect(first.json.data.map((s: { id: number }) => s.id)).toEqual(ids.slice(0, 2));
    expect(first.json.data[0].availability).toEqual(WEEKDAYS_9_TO_5);
    expect(first.json.next_cursor).toEqual(expect.any(String));
    const second = await api('GET', `/v2/schedules?limit=2&cursor=${first.json.next_cursor}`, { token });
    expect(second.json.data.map((s: { id: number }) => s.id)).toEqual(ids.slice(2));
    expect(second.json.data[0].availability).toEqual([{ day_of_week: 6, start_time: '10:00', end_time: '11:00' }]);
    expect(second.json.next_cursor).toBeNull();
  });

  it('rejects unknown query parameters, bad limits and bad cursors', async () => {
    const { token } = await makeUser();
    const unknown = await api('GET', '/v2/schedules?color=red', { token });
    expectError(unknown, 400, 'validation_failed');
    expect(issuePaths(unknown)).toEqual(['color']);
    expectError(await api('GET', '/v2/schedules?limit=0', { token }), 400, 'validation_failed');
    expectError(await api('GET', '/v2/schedules?limit=201', { token }), 400, 'validation_failed');
    expectError(await api('GET', '/v2/schedules?cursor=nonsense', { token }), 400, 'validation_failed');
  });

  it('requires a session', async () => {
    expectError(await api('GET', '/v2/schedules'), 401, 'unauthorized');
  });
});

describe('GET/PATCH/DELETE /v2/schedules/{id}', () => {
  it('PATCH changes only the given fields and keeps the lists', async () => {
    const { token } = await makeUser();
    const created = await createSchedule(token, {
      availability: [{ day_of_week: 2, start_time: '18:00', end_time: '21:00' }],
      date_overrides: [{ date: '2025-12-24' }],
    });
    await ageSchedule(created.id);
    const res = await api('PATCH', `/v2/schedules/${created.id}`, { token, body: { name: 'Late evenings', timezone: 'Asia/Kolkata' } });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ ...created, name: 'Late evenings', timezone: 'Asia/Kolkata', updated_at: expect.any(String) });
    expect(res.json.updated_at).not.toBe(EPOCH);
  });

  it('PATCH with a list replaces that whole list and leaves the other alone', async () => {
    const { token } = await makeUser();
    const created = await createSchedule(token, {
      availability: [{ day_of_week: 2, start_time: '18:00', end_time: '21:00' }, { day_of_week: 4, start_time: '18:00', end_time: '21:00' }],
      date_overrides: [{ date: '2025-12-24' }],
    });
    const res = await api('PATCH', `/v2/schedules/${created.id}`, {
      token,
      body: { availability: [{ day_of_week: 5, start_time: '07:00', end_time: '08:00' }] },
    });
    expect(res.json.availability).toEqual([{ day_of_week: 5, start_time: '07:00', end_time: '08:00' }]);
    expect(res.json.date_overrides).toEqual(created.date_overrides);

    const replaced = await api('PATCH', `/v2/schedules/${created.id}`, {
      token,
      body: { date_overrides: [{ date: '2026-01-01', start_time: '10:00', end_time: '11:00' }, { date: '2026-01-02' }] },
    });
    expect(replaced.json.date_overrides).toEqual([
      { id: expect.any(Number), date: '2026-01-01', start_time: '10:00', end_time: '11:00' },
      { id: expect.any(Number), date: '2026-01-02', start_time: null, end_time: null },
    ]);
    const cleared = await api('PATCH', `/v2/schedules/${created.id}`, { token, body: { availability: [], date_overrides: [] } });
    expect(cleared.json).toMatchObject({ availability: [], date_overrides: [] });
    expect((await api('GET', `/v2/schedules/${created.id}`, { token })).json).toEqual(cleared.json);
  });

  it('PATCH with an invalid list changes nothing at all', async () => {
    const { token } = await makeUser();
    const created = await createSchedule(token, { availability: [{ day_of_week: 2, start_time: '18:00', end_time: '21:00' }] });
    const res = await api('PATCH', `/v2/schedules/${created.id}`, {
      token,
      body: {
        name: 'Should not stick',
        availability: [{ day_of_week: 1, start_time: '09:00', end_time: '12:00' }, { day_of_week: 1, start_time: '10:00', end_time: '11:00' }],
      },
    });
    expectError(res, 400, 'validation_failed');
    expect(issuePaths(res)).toEqual(['availability.1']);
    expect((await api('GET', `/v2/schedules/${created.id}`, { token })).json).toEqual(created);
  });

  it('validates PATCH bodies: empty, unknown fields, user_id, bad values, malformed JSON', async () => {
    const { token } = await makeUser();
    const created = await createSchedule(token);
    const path = `/v2/schedules/${created.id}`;
    expectError(await api('PATCH', path, { token, body: {} }), 400, 'validation_failed');
    const unknown = await api('PATCH', path, { token, body: { color: 'red' } });
    expectError(unknown, 400, 'validation_failed');
    expect(issuePaths(unknown)).toEqual(['color']);
    expectError(await api('PATCH', path, { token, body: { user_id: 1 } }), 400, 'validation_failed');
    expectError(await api('PATCH', path, { token, body: { name: '' } }), 400, 'validation_failed');
    expectError(await api('PATCH', path, { token, body: { timezone: 'Nowhere/Special' } }), 400, 'validation_failed');
    const badDate = await api('PATCH', path, { token, body: { date_overrides: [{ date: '2025-02-29' }] } });
    expect(issuePaths(badDate)).toEqual(['date_overrides.0.date']);
    expectError(await api('PATCH', path, { token, body: '{"name":' }), 400, 'validation_failed');
  });

  it('DELETE removes a schedule with its lists; it is gone afterwards', async () => {
    const { token } = await makeUser();
    const created = await createSchedule(token, {
      availability: [{ day_of_week: 2, start_time: '18:00', end_time: '21:00' }],
      date_overrides: [{ date: '2025-12-24' }],
    });
    const res = await api('DELETE', `/v2/schedules/${created.id}`, { token });
    expect(res.status).toBe(204);
    expect(res.json).toBeNull();
    expectError(await api('GET', `/v2/schedules/${created.id}`, { token }), 404, 'not_found');
    expectError(await api('DELETE', `/v2/schedules/${created.id}`, { token }), 404, 'not_found');
    const rows = await env.DB.prepare(
      'SELECT (SELECT count(*) FROM booking_availability WHERE schedule_id = ?1) + (SELECT count(*) FROM booking_date_overrides WHERE schedule_id = ?1) AS n',
    )
      .bind(created.id)
      .first<{ n: number }>();
    expect(rows!.n).toBe(0);
  });

  it('DELETE of the default schedule answers 409', async () => {
    const { token } = await makeUser();
    const [original] = await defaults(token);
    const res = await api('DELETE', `/v2/schedules/${original}`, { token });
    expectError(res, 409, 'conflict');
    expect(res.json.error.message).toMatch(/default schedule/);
    expect((await api('GET', `/v2/schedules/${original}`, { token })).status).toBe(200);
  });

  it('DELETE of a schedule an event type uses answers 409 naming the event type, and works once it is moved', async () => {
    const { token } = await makeUser();
    const [original] = await defaults(token);
    const schedule = await createSchedule(token);
    const et = await api('POST', '/v2/event-types', {
      token,
      body: { title: 'Evening call', slug: 'evening-call', duration_minutes: 30, schedule_id: schedule.id },
    });
    expect(et.status).toBe(201);
    const res = await api('DELETE', `/v2/schedules/${schedule.id}`, { token });
    expectError(res, 409, 'conflict');
    expect(res.json.error.message).toContain(`evening-call (id ${et.json.id})`);
    expect((await api('GET', `/v2/schedules/${schedule.id}`, { token })).status).toBe(200);

    expect((await api('PATCH', `/v2/event-types/${et.json.id}`, { token, body: { schedule_id: original } })).status).toBe(200);
    expect((await api('DELETE', `/v2/schedules/${schedule.id}`, { token })).status).toBe(204);
  });

  it("answers 404 for another user's schedule on read, update and delete, and leaves it untouched", async () => {
    const owner = await makeUser();
    const other = await makeUser();
    const schedule = await createSchedule(owner.token, { availability: [{ day_of_week: 1, start_time: '09:00', end_time: '10:00' }] });
    expectError(await api('GET', `/v2/schedules/${schedule.id}`, { token: other.token }), 404, 'not_found');
    expectError(await api('PATCH', `/v2/schedules/${schedule.id}`, { token: other.token, body: { name: 'Hijacked' } }), 404, 'not_found');
    expectError(await api('PATCH', `/v2/schedules/${schedule.id}`, { token: other.token, body: { is_default: true } }), 404, 'not_found');
    expectError(await api('DELETE', `/v2/schedules/${schedule.id}`, { token: other.token }), 404, 'not_found');
    expect((await api('GET', `/v2/schedules/${schedule.id}`, { token: owner.token })).json).toEqual(schedule);
    expect(await defaults(other.token)).toHaveLength(1);
  });

  it('lets a super admin read, update and delete any schedule', async () => {
    const owner = await makeUser();
    const admin = await makeAdmin();
    const [ownerDefault] = await defaults(owner.token);
    const schedule = await createSchedule(owner.token);
    expect((await api('GET', `/v2/schedules/${schedule.id}`, { token: admin.token })).json).toEqual(schedule);
    const patched = await api('PATCH', `/v2/schedules/${schedule.id}`, { token: admin.token, body: { name: 'By admin', is_default: true } });
    expect(patched.json).toMatchObject({ name: 'By admin', is_default: true, user_id: owner.user.id });
    // The default moved among the owner's schedules, not the admin's.
    expect(await defaults(owner.token)).toEqual([schedule.id]);
    expect(await defaultIdsOf(admin.user.id)).toHaveLength(1);
    expect((await api('DELETE', `/v2/schedules/${ownerDefault}`, { token: admin.token })).status).toBe(204);
  });

  it('requires a session for every route', async () => {
    const { token } = await makeUser();
    const schedule = await createSchedule(token, { date_overrides: [{ date: '2025-12-24' }] });
    const overrideId = schedule.date_overrides[0].id;
    expectError(await api('GET', `/v2/schedules/${schedule.id}`), 401, 'unauthorized');
    expectError(await api('PATCH', `/v2/schedules/${schedule.id}`, { body: { name: 'x' } }), 401, 'unauthorized');
    expectError(await api('DELETE', `/v2/schedules/${schedule.id}`), 401, 'unauthorized');
    expectError(await api('POST', `/v2/schedules/${schedule.id}/overrides`, { body: { date: '2025-12-25' } }), 401, 'unauthorized');
    expectError(await api('DELETE', `/v2/schedules/${schedule.id}/overrides/${overrideId}`), 401, 'unauthorized');
    expectError(await api('GET', `/v2/schedules/${schedule.id}`, { token: 'not-a-real-token' }), 401, 'unauthorized');
  });

  it('answers 404 for ids that cannot exist', async () => {
    const { token } = await makeUser();
    expectError(await api('GET', '/v2/schedules/0', { token }), 404, 'not_found');
    expectError(await api('GET', '/v2/schedules/abc', { token }), 404, 'not_found');
    expectError(await api('PATCH', '/v2/schedules/99999999', { token, body: { name: 'x' } }), 404, 'not_found');
    expectError(await api('DELETE', '/v2/schedules/99999999', { token }), 404, 'not_found');
    expectError(await api('DELETE', '/v2/schedules/99999999/overrides/abc', { token }), 404, 'not_found');
  });
});

// /v2/schedules/{id}/overrides: adding and deleting date overrides (the schedule itself: schedules.test.ts).
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { getDb } from '../src/db/client';
import { addOverride } from '../src/schedules/repo';
import { api, expectError, issuePaths, makeAdmin, makeUser } from './helpers';
import { ageSchedule, createSchedule, datesFrom, defaults, EPOCH } from './schedules-helpers';

describe('POST /v2/schedules/{id}/overrides', () => {
  it('adds a whole-day block and a time range, and the schedule shows them', async () => {
    const { token } = await makeUser();
    const schedule = await createSchedule(token);
    await ageSchedule(schedule.id);
    const block = await api('POST', `/v2/schedules/${schedule.id}/overrides`, { token, body: { date: '2025-12-25' } });
    expect(block.status).toBe(201);
    expect(block.json).toEqual({ id: expect.any(Number), date: '2025-12-25', start_time: null, end_time: null });
    const timed = await api('POST', `/v2/schedules/${schedule.id}/overrides`, {
      token,
      body: { date: '2025-12-24', start_time: '09:00', end_time: '12:00' },
    });
    expect(timed.status).toBe(201);
    expect(timed.json).toEqual({ id: expect.any(Number), date: '2025-12-24', start_time: '09:00', end_time: '12:00' });
    const read = await api('GET', `/v2/schedules/${schedule.id}`, { token });
    expect(read.json.date_overrides).toEqual([timed.json, block.json]);
    expect(read.json.updated_at).not.toBe(EPOCH);
  });

  it('accepts several non-overlapping ranges on one date, adjacent ones included', async () => {
    const { token } = await makeUser();
    const schedule = await createSchedule(token, { date_overrides: [{ date: '2025-12-24', start_time: '09:00', end_time: '12:00' }] });
    const path = `/v2/schedules/${schedule.id}/overrides`;
    expect((await api('POST', path, { token, body: { date: '2025-12-24', start_time: '12:00', end_time: '13:00' } })).status).toBe(201);
    expect((await api('POST', path, { token, body: { date: '2025-12-24', start_time: '07:00', end_time: '09:00' } })).status).toBe(201);
    expect((await api('GET', `/v2/schedules/${schedule.id}`, { token })).json.date_overrides.map((o: { start_time: string }) => o.start_time)).toEqual([
      '07:00',
      '09:00',
      '12:00',
    ]);
  });

  it('answers 409 naming the stored override when the new one clashes on its date', async () => {
    const { token } = await makeUser();
    const schedule = await createSchedule(token, {
      date_overrides: [{ date: '2025-12-24', start_time: '09:00', end_time: '12:00' }, { date: '2025-12-31' }],
    });
    const [range, block] = schedule.date_overrides;
    const path = `/v2/schedules/${schedule.id}/overrides`;
    const overlapping = await api('POST', path, { token, body: { date: '2025-12-24', start_time: '11:00', end_time: '13:00' } });
    expectError(overlapping, 409, 'conflict');
    expect(overlapping.json.error.message).toBe(
      `2025-12-24 11:00-13:00 clashes with override ${range.id} (2025-12-24 09:00-12:00): a date has either one whole-day block or non-overlapping time ranges`,
    );
    const wholeDayOverRanges = await api('POST', path, { token, body: { date: '2025-12-24' } });
    expectError(wholeDayOverRanges, 409, 'conflict');
    expect(wholeDayOverRanges.json.error.message).toContain(`override ${range.id}`);
    const rangeOnBlockedDay = await api('POST', path, { token, body: { date: '2025-12-31', start_time: '10:00', end_time: '11:00' } });
    expectError(rangeOnBlockedDay, 409, 'conflict');
    expect(rangeOnBlockedDay.json.error.message).toContain(`override ${block.id}`);
    expectError(await api('POST', path, { token, body: { date: '2025-12-31' } }), 409, 'conflict');
    expect((await api('GET', `/v2/schedules/${schedule.id}`, { token })).json.date_overrides).toEqual(schedule.date_overrides);
  });

  it.each([
    ['date', { date: '2025-02-30' }],
    ['date', { date: '2101-01-01' }],
    ['date', { date: 20251224 }],
    ['date', {}],
    ['end_time', { date: '2025-12-24', start_time: '09:00' }],
    ['start_time', { date: '2025-12-24', end_time: '12:00' }],
    ['end_time', { date: '2025-12-24', start_time: '12:00', end_time: '12:00' }],
    ['start_time', { date: '2025-12-24', start_time: '24:00', end_time: '24:00' }],
    ['end_time', { date: '2025-12-24', start_time: '09:00', end_time: '25:00' }],
    ['reason', { date: '2025-12-24', reason: 'holiday' }],
  ])('rejects an invalid %s', async (path, body) => {
    const { token } = await makeUser();
    const schedule = await createSchedule(token);
    const res = await api('POST', `/v2/schedules/${schedule.id}/overrides`, { token, body });
    expectError(res, 400, 'validation_failed');
    expect(issuePaths(res)).toContain(path);
  });

  it('answers 409 once a schedule holds 500 overrides', async () => {
    const { token } = await makeUser();
    const schedule = await createSchedule(token, { date_overrides: datesFrom('2026-01-01', 500).map((date) => ({ date })) });
    const res = await api('POST', `/v2/schedules/${schedule.id}/overrides`, { token, body: { date: '2030-01-01' } });
    expectError(res, 409, 'conflict');
    expect(res.json.error.message).toMatch(/at most 500/);
  });

  // Two requests can pass the route's check at the same time; the insert itself must still refuse.
  it('refuses a clashing or 501st override in SQL too, not only in the route check', async () => {
    const { token } = await makeUser();
    const db = getDb(env.DB);
    const schedule = await createSchedule(token, {
      date_overrides: [{ date: '2025-12-24', start_time: '09:00', end_time: '12:00' }, { date: '2025-12-31' }],
    });
    expect(await addOverride(db, schedule.id, { date: '2025-12-24' })).toBeUndefined();
    expect(await addOverride(db, schedule.id, { date: '2025-12-24', start_time: '11:59', end_time: '13:00' })).toBeUndefined();
    expect(await addOverride(db, schedule.id, { date: '2025-12-31', start_time: '10:00', end_time: '11:00' })).toBeUndefined();
    expect(await addOverride(db, schedule.id, { date: '2025-12-31' })).toBeUndefined();
    expect(await addOverride(db, schedule.id, { date: '2025-12-24', start_time: '12:00', end_time: '24:00' })).toMatchObject({ startTime: '12:00' });
    expect(await addOverride(db, schedule.id, { date: '2025-12-25' })).toMatchObject({ date: '2025-12-25', startTime: null });

    const full = await createSchedule(token, { date_overrides: datesFrom('2026-01-01', 500).map((date) => ({ date })) });
    expect(await addOverride(db, full.id, { date: '2030-01-01' })).toBeUndefined();
    const stored = await env.DB.prepare('SELECT count(*) AS n FROM booking_date_overrides WHERE schedule_id = ?').bind(full.id).first<{ n: number }>();
    expect(stored!.n).toBe(500);
  });

  it("answers 404 for another user's schedule, and super admins may add to any", async () => {
    const owner = await makeUser();
    const other = await makeUser();
    const admin = await makeAdmin();
    const schedule = await createSchedule(owner.token);
    const path = `/v2/schedules/${schedule.id}/overrides`;
    expectError(await api('POST', path, { token: other.token, body: { date: '2025-12-24' } }), 404, 'not_found');
    expect((await api('GET', `/v2/schedules/${schedule.id}`, { token: owner.token })).json.date_overrides).toEqual([]);
    expect((await api('POST', path, { token: admin.token, body: { date: '2025-12-24' } })).status).toBe(201);
    expect((await api('GET', `/v2/schedules/${schedule.id}`, { token: owner.token })).json.date_overrides).toHaveLength(1);
  });
});

describe('DELETE /v2/schedules/{id}/overrides/{override_id}', () => {
  it('removes the override; a second delete is a 404', async () => {
    const { token } = await makeUser();
    const schedule = await createSchedule(token, { date_overrides: [{ date: '2025-12-24' }, { date: '2025-12-25' }] });
    const [first, second] = schedule.date_overrides;
    await ageSchedule(schedule.id);
    const res = await api('DELETE', `/v2/schedules/${schedule.id}/overrides/${first.id}`, { token });
    expect(res.status).toBe(204);
    const read = await api('GET', `/v2/schedules/${schedule.id}`, { token });
    expect(read.json.date_overrides).toEqual([second]);
    expect(read.json.updated_at).not.toBe(EPOCH);
    expectError(await api('DELETE', `/v2/schedules/${schedule.id}/overrides/${first.id}`, { token }), 404, 'not_found');
  });

  it("answers 404 for an override of another schedule, even the caller's own, and changes nothing", async () => {
    const { token } = await makeUser();
    const a = await createSchedule(token, { date_overrides: [{ date: '2025-12-24' }] });
    const b = await createSchedule(token);
    await ageSchedule(b.id);
    expectError(await api('DELETE', `/v2/schedules/${b.id}/overrides/${a.date_overrides[0].id}`, { token }), 404, 'not_found');
    expect((await api('GET', `/v2/schedules/${a.id}`, { token })).json.date_overrides).toEqual(a.date_overrides);
    expect((await api('GET', `/v2/schedules/${b.id}`, { token })).json.updated_at).toBe(EPOCH);
  });

  it("answers 404 for another user's override; super admins may delete any", async () => {
    const owner = await makeUser();
    const other = await makeUser();
    const admin = await makeAdmin();
    const schedule = await createSchedule(owner.token, { date_overrides: [{ date: '2025-12-24' }] });
    const path = `/v2/schedules/${schedule.id}/overrides/${schedule.date_overrides[0].id}`;
    expectError(await api('DELETE', path, { token: other.token }), 404, 'not_found');
    // Not even through a schedule of their own.
    const [otherDefault] = await defaults(other.token);
    expectError(
      await api('DELETE', `/v2/schedules/${otherDefault}/overrides/${schedule.date_overrides[0].id}`, { token: other.token }),
      404,
      'not_found',
    );
    expect((await api('GET', `/v2/schedules/${schedule.id}`, { token: owner.token })).json.date_overrides).toHaveLength(1);
    expect((await api('DELETE', path, { token: admin.token })).status).toBe(204);
    expect((await api('GET', `/v2/schedules/${schedule.id}`, { token: owner.token })).json.date_overrides).toEqual([]);
  });
});

// The one default schedule per user: how is_default moves between schedules and never leaves a user without one
// (the rest of /v2/schedules: schedules.test.ts; date overrides: schedules-overrides.test.ts).
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { api, expectError, makeUser } from './helpers';
import { createSchedule, defaults, WEEKDAYS_9_TO_5 } from './schedules-helpers';

describe('the one default schedule per user', () => {
  it('starts every user with a default "Working hours" schedule in their timezone', async () => {
    const { user, token } = await makeUser({ timezone: 'Asia/Tokyo' });
    const list = await api('GET', '/v2/schedules', { token });
    expect(list.json.data).toEqual([
      expect.objectContaining({
        user_id: user.id,
        name: 'Working hours',
        timezone: 'Asia/Tokyo',
        is_default: true,
        availability: WEEKDAYS_9_TO_5,
        date_overrides: [],
      }),
    ]);
  });

  it('creating a schedule with is_default true makes it the only default', async () => {
    const { token } = await makeUser();
    const [original] = await defaults(token);
    const created = await createSchedule(token, { is_default: true });
    expect(created.is_default).toBe(true);
    expect(await defaults(token)).toEqual([created.id]);
    expect((await api('GET', `/v2/schedules/${original}`, { token })).json.is_default).toBe(false);
  });

  it("makes a user's first schedule the default even when asked otherwise", async () => {
    const { user, token } = await makeUser();
    await env.DB.prepare('DELETE FROM booking_schedules WHERE user_id = ?').bind(user.id).run();
    const first = await createSchedule(token, { is_default: false });
    expect(first.is_default).toBe(true);
    const second = await createSchedule(token);
    expect(second.is_default).toBe(false);
  });

  it('PATCH is_default true moves the default; the old default stops being one', async () => {
    const { token } = await makeUser();
    const [original] = await defaults(token);
    const other = await createSchedule(token);
    const patched = await api('PATCH', `/v2/schedules/${other.id}`, { token, body: { is_default: true } });
    expect(patched.status).toBe(200);
    expect(patched.json.is_default).toBe(true);
    expect(await defaults(token)).toEqual([other.id]);
    // And back again.
    expect((await api('PATCH', `/v2/schedules/${original}`, { token, body: { is_default: true } })).json.is_default).toBe(true);
    expect(await defaults(token)).toEqual([original]);
  });

  it('PATCH is_default true on the schedule that already is the default changes nothing else', async () => {
    const { token } = await makeUser();
    const [original] = await defaults(token);
    const res = await api('PATCH', `/v2/schedules/${original}`, { token, body: { is_default: true } });
    expect(res.status).toBe(200);
    expect(await defaults(token)).toEqual([original]);
  });

  it('PATCH is_default false on the default answers 409 and asks for another default instead', async () => {
    const { token } = await makeUser();
    const [original] = await defaults(token);
    const res = await api('PATCH', `/v2/schedules/${original}`, { token, body: { is_default: false, name: 'Renamed' } });
    expectError(res, 409, 'conflict');
    expect(res.json.error.message).toMatch(/make another schedule the default instead/);
    const still = await api('GET', `/v2/schedules/${original}`, { token });
    expect(still.json).toMatchObject({ is_default: true, name: 'Working hours' });
  });

  it('PATCH is_default false on a schedule that is not the default is accepted', async () => {
    const { token } = await makeUser();
    const other = await createSchedule(token);
    const res = await api('PATCH', `/v2/schedules/${other.id}`, { token, body: { is_default: false } });
    expect(res.status).toBe(200);
    expect(res.json.is_default).toBe(false);
  });

  it("one user's default does not affect another user's", async () => {
    const a = await makeUser();
    const b = await makeUser();
    const [bDefault] = await defaults(b.token);
    await createSchedule(a.token, { is_default: true });
    expect(await defaults(b.token)).toEqual([bDefault]);
  });
});

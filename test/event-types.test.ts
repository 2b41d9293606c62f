import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { api, create, expectError, issuePaths, makeAdmin, makeUser } from './helpers';
import { SPEC_EXAMPLES } from './spec-examples';

const SPEC_BODY = SPEC_EXAMPLES.createEventType;

/** The spec's example event type, changed by `body`. */
const createFromSpec = (token: string, body: Record<string, unknown> = {}) => create('/v2/event-types', token, { ...SPEC_BODY, ...body });

describe('POST /v2/event-types', () => {
  it('creates the spec example with defaults for the other fields', async () => {
    const { user, token } = await makeUser();
    const res = await api('POST', '/v2/event-types', { token, body: SPEC_BODY });
    expect(res.status).toBe(201);
    const schedule = await env.DB.prepare('SELECT id FROM booking_schedules WHERE user_id = ? AND is_default = 1')
      .bind(user.id)
      .first<{ id: number }>();
    expect(res.json).toEqual({
      id: expect.any(Number),
      owner_id: user.id,
      ...SPEC_BODY,
      description: null,
      slot_interval_minutes: null,
      booking_window_days: 60,
      location_value: null,
      requires_confirmation: false,
      email_notifications: true,
      schedule_id: schedule!.id,
      // The built-in booking questions only.
      booking_fields: [
        { name: 'name', type: 'text', label: 'Your name', required: true },
        { name: 'email', type: 'email', label: 'Email address', required: true },
        { name: 'notes', type: 'textarea', label: 'Additional notes', required: false, placeholder: 'Anything that helps prepare for the meeting' },
        { name: 'guests', type: 'multiemail', label: 'Additional guests', required: false, hidden: true },
      ],
      booking_limits_count: null,
      booking_limits_duration: null,
      only_show_first_available_slot: false,
      max_active_bookings_per_booker: null,
      recurring_event: null,
      seats_per_time_slot: null,
      seats_show_attendees: false,
      seats_show_availability_count: true,
      price: null,
      currency: null,
      payment_deadline_minutes: 30,
      refund_policy: { type: 'full_until_hours_before', hours: 24 },
      // google_meet without a link: the host gives it (generated per booking only when asked for).
      generate_meeting_link: false,
      created_at: expect.stringMatching(/Z$/),
      updated_at: expect.stringMatching(/Z$/),
    });
  });

  it('accepts the cookie session of the spec example workflow', async () => {
    const { token } = await makeUser();
    const res = await api('POST', '/v2/event-types', {
      cookie: `session=${token}`,
      body: SPEC_EXAMPLES.coffeeChat,
    });
    expect(res.status).toBe(201);
    expect(res.json.slug).toBe('coffee-chat');
  });

  it('requires a session', async () => {
    expectError(await api('POST', '/v2/event-types', { body: SPEC_BODY }), 401, 'unauthorized');
  });

  it('rejects a duplicate slug of the same owner with 409, but allows it for another owner', async () => {
    const a = await makeUser();
    const b = await makeUser();
    await createFromSpec(a.token);
    expectError(await api('POST', '/v2/event-types', { token: a.token, body: SPEC_BODY }), 409, 'conflict');
    expect((await api('POST', '/v2/event-types', { token: b.token, body: SPEC_BODY })).status).toBe(201);
  });

  it.each([
    ['title', { title: '' }],
    ['title', { title: 'x'.repeat(201) }],
    ['slug', { slug: 'Has Spaces' }],
    ['slug', { slug: '-leading' }],
    ['duration_minutes', { duration_minutes: 4 }],
    ['duration_minutes', { duration_minutes: 721 }],
    ['duration_minutes', { duration_minutes: 30.5 }],
    ['duration_minutes', { duration_minutes: '30' }],
    ['buffer_before_minutes', { buffer_before_minutes: -1 }],
    ['buffer_after_minutes', { buffer_after_minutes: 241 }],
    ['minimum_notice_hours', { minimum_notice_hours: -1 }],
    ['slot_interval_minutes', { slot_interval_minutes: 1 }],
    ['booking_window_days', { booking_window_days: 0 }],
    ['location_type', { location_type: 'skype' }],
    ['requires_confirmation', { requires_confirmation: 'yes' }],
    ['is_active', { is_active: 1 }],
    ['schedule_id', { schedule_id: 0 }],
    ['color', { color: 'red' }],
  ])('rejects an invalid %s', async (path, patch) => {
    const { token } = await makeUser();
    const res = await api('POST', '/v2/event-types', { token, body: { ...SPEC_BODY, ...patch } });
    expectError(res, 400, 'validation_failed');
    expect(issuePaths(res)).toContain(path);
  });

  it('requires title, slug and duration', async () => {
    const { token } = await makeUser();
    const res = await api('POST', '/v2/event-types', { token, body: {} });
    expectError(res, 400, 'validation_failed');
    expect(issuePaths(res).sort()).toEqual(['duration_minutes', 'slug', 'title']);
  });

  it("rejects a schedule_id that is not one of the owner's schedules", async () => {
    const a = await makeUser();
    const b = await makeUser();
    const other = await env.DB.prepare('SELECT id FROM booking_schedules WHERE user_id = ?').bind(b.user.id).first<{ id: number }>();
    const res = await api('POST', '/v2/event-types', { token: a.token, body: { ...SPEC_BODY, schedule_id: other!.id } });
    expectError(res, 400, 'validation_failed');
    expect(res.json.error.issues[0].path).toBe('schedule_id');
  });

  it('lets a super admin create for another user, but not a regular user', async () => {
    const admin = await makeAdmin();
    const host = await makeUser();
    const res = await api('POST', '/v2/event-types', { token: admin.token, body: { ...SPEC_BODY, owner_id: host.user.id } });
    expect(res.status).toBe(201);
    expect(res.json.owner_id).toBe(host.user.id);
    const other = await makeUser();
    expectError(
      await api('POST', '/v2/event-types', { token: other.token, body: { ...SPEC_BODY, owner_id: host.user.id } }),
      403,
      'forbidden',
    );
  });
});

describe('GET /v2/event-types', () => {
  it('shows anonymous callers active event types only', async () => {
    const { user, token } = await makeUser();
    const active = await createFromSpec(token, { slug: 'active' });
    const inactive = await createFromSpec(token, { slug: 'inactive', is_active: false });
    const res = await api('GET', `/v2/event-types?owner_id=${user.id}`);
    expect(res.status).toBe(200);
    expect(res.json.data.map((e: { id: number }) => e.id)).toEqual([active.id]);
    expect(res.json.data.map((e: { id: number }) => e.id)).not.toContain(inactive.id);
    expect(res.json.next_cursor).toBeNull();
  });

  it("shows owners their inactive ones, not other owners' inactive ones; super admins see all", async () => {
    const a = await makeUser();
    const b = await makeUser();
    const aInactive = await createFromSpec(a.token, { slug: 'a-off', is_active: false });
    const bInactive = await createFromSpec(b.token, { slug: 'b-off', is_active: false });
    const asA = await api('GET', `/v2/event-types?owner_id=${a.user.id}`, { token: a.token });
    expect(asA.json.data.map((e: { id: number }) => e.id)).toEqual([aInactive.id]);
    const aSeesB = await api('GET', `/v2/event-types?owner_id=${b.user.id}`, { token: a.token });
    expect(aSeesB.json.data).toEqual([]);
    const admin = await makeAdmin();
    const asAdmin = await api('GET', `/v2/event-types?owner_id=${b.user.id}`, { token: admin.token });
    expect(asAdmin.json.data.map((e: { id: number }) => e.id)).toEqual([bInactive.id]);
  });

  it('paginates with a cursor', async () => {
    const { user, token } = await makeUser();
    const ids = [];
    for (const slug of ['p1', 'p2', 'p3']) ids.push((await createFromSpec(token, { slug })).id);
    const first = await api('GET', `/v2/event-types?owner_id=${user.id}&limit=2`);
    expect(first.json.data.map((e: { id: number }) => e.id)).toEqual(ids.slice(0, 2));
    const second = await api('GET', `/v2/event-types?owner_id=${user.id}&limit=2&cursor=${first.json.next_cursor}`);
    expect(second.json.data.map((e: { id: number }) => e.id)).toEqual(ids.slice(2));
    expect(second.json.next_cursor).toBeNull();
  });

  it('rejects unknown query parameters', async () => {
    const res = await api('GET', '/v2/event-types?color=red');
    expectError(res, 400, 'validation_failed');
    expect(res.json.error.issues[0].path).toBe('color');
  });
});

describe('GET/PATCH/DELETE /v2/event-types/{id}', () => {
  it('reads, updates and deletes the owner’s own event type', async () => {
    const { token } = await makeUser();
    const et = await createFromSpec(token);
    const read = await api('GET', `/v2/event-types/${et.id}`, { token });
    expect(read.json).toEqual(et);
    const patched = await api('PATCH', `/v2/event-types/${et.id}`, { token, body: { is_active: false, slot_interval_minutes: 15 } });
    expect(patched.status).toBe(200);
    expect(patched.json).toMatchObject({ is_active: false, slot_interval_minutes: 15, title: et.title });
    const deleted = await api('DELETE', `/v2/event-types/${et.id}`, { token });
    expect(deleted.status).toBe(204);
    expectError(await api('GET', `/v2/event-types/${et.id}`, { token }), 404, 'not_found');
  });

  it("answers 404 for another user's event type on read, update and delete, and leaves it untouched", async () => {
    const owner = await makeUser();
    const other = await makeUser();
    const et = await createFromSpec(owner.token);
    expectError(await api('GET', `/v2/event-types/${et.id}`, { token: other.token }), 404, 'not_found');
    expectError(await api('PATCH', `/v2/event-types/${et.id}`, { token: other.token, body: { title: 'Hijacked' } }), 404, 'not_found');
    expectError(await api('DELETE', `/v2/event-types/${et.id}`, { token: other.token }), 404, 'not_found');
    const still = await api('GET', `/v2/event-types/${et.id}`, { token: owner.token });
    expect(still.json.title).toBe(et.title);
  });

  it('lets a super admin read, update and delete any event type', async () => {
    const owner = await makeUser();
    const admin = await makeAdmin();
    const et = await createFromSpec(owner.token);
    expect((await api('GET', `/v2/event-types/${et.id}`, { token: admin.token })).status).toBe(200);
    expect((await api('PATCH', `/v2/event-types/${et.id}`, { token: admin.token, body: { title: 'By admin' } })).json.title).toBe('By admin');
    expect((await api('DELETE', `/v2/event-types/${et.id}`, { token: admin.token })).status).toBe(204);
  });

  it('requires a session for read, update and delete', async () => {
    const { token } = await makeUser();
    const et = await createFromSpec(token);
    expectError(await api('GET', `/v2/event-types/${et.id}`), 401, 'unauthorized');
    expectError(await api('PATCH', `/v2/event-types/${et.id}`, { body: { title: 'x' } }), 401, 'unauthorized');
    expectError(await api('DELETE', `/v2/event-types/${et.id}`), 401, 'unauthorized');
  });

  it('validates updates: empty body, unknown fields, ranges, slug conflicts', async () => {
    const { token } = await makeUser();
    const et = await createFromSpec(token);
    await createFromSpec(token, { slug: 'taken' });
    expectError(await api('PATCH', `/v2/event-types/${et.id}`, { token, body: {} }), 400, 'validation_failed');
    expectError(await api('PATCH', `/v2/event-types/${et.id}`, { token, body: { owner_id: 1 } }), 400, 'validation_failed');
    expectError(await api('PATCH', `/v2/event-types/${et.id}`, { token, body: { duration_minutes: 0 } }), 400, 'validation_failed');
    expectError(await api('PATCH', `/v2/event-types/${et.id}`, { token, body: { slug: 'taken' } }), 409, 'conflict');
    expectError(await api('PATCH', `/v2/event-types/${et.id}`, { token, body: '{bad json' }), 400, 'validation_failed');
    expect((await api('PATCH', `/v2/event-types/${et.id}`, { token, body: { slug: et.slug } })).status).toBe(200);
  });

  it('refuses a blank location_value (null clears it), so bookings and webhooks never carry an empty location', async () => {
    const { token } = await makeUser();
    const create = await api('POST', '/v2/event-types', { token, body: { title: 'Call', slug: 'blank-location', duration_minutes: 30, location_type: 'zoom', location_value: '   ' } });
    expectError(create, 400, 'validation_failed');
    expect(issuePaths(create)).toEqual(['location_value']);
    const et = await createFromSpec(token, { location_type: 'zoom', location_value: 'https://zoom.us/j/1' });
    expectError(await api('PATCH', `/v2/event-types/${et.id}`, { token, body: { location_value: '' } }), 400, 'validation_failed');
    const cleared = await api('PATCH', `/v2/event-types/${et.id}`, { token, body: { location_value: null } });
    expect(cleared.status).toBe(200);
    expect(cleared.json.location_value).toBeNull();
  });

  it('answers 404 for ids that cannot exist', async () => {
    const { token } = await makeUser();
    expectError(await api('GET', '/v2/event-types/0', { token }), 404, 'not_found');
    expectError(await api('GET', '/v2/event-types/abc', { token }), 404, 'not_found');
    expectError(await api('DELETE', '/v2/event-types/99999999', { token }), 404, 'not_found');
  });
});

describe('races with deletions', () => {
  it('an event type whose schedule is deleted between the check and the write gets 400 on schedule_id', async () => {
    const { user, token } = await makeUser();
    const schedule = await env.DB.prepare('SELECT id FROM booking_schedules WHERE user_id = ?').bind(user.id).first<{ id: number }>();
    const trigger = `race_delete_schedule_${schedule!.id}`;
    await env.DB.prepare(
      `CREATE TRIGGER ${trigger} BEFORE INSERT ON booking_event_types WHEN NEW.schedule_id = ${schedule!.id}
       BEGIN DELETE FROM booking_schedules WHERE id = NEW.schedule_id; END`,
    ).run();
    try {
      const res = await api('POST', '/v2/event-types', { token, body: SPEC_BODY });
      expectError(res, 400, 'validation_failed');
      expect(res.json.error.issues[0].path).toBe('schedule_id');
    } finally {
      await env.DB.prepare(`DROP TRIGGER ${trigger}`).run();
    }
  });

  it("hides a deactivated host's event types from the public list", async () => {
    const { user, token } = await makeUser();
    const et = await api('POST', '/v2/event-types', { token, body: SPEC_BODY });
    expect((await api('GET', `/v2/event-types?owner_id=${user.id}`)).json.data.map((e: { id: number }) => e.id)).toEqual([et.json.id]);
    await env.DB.prepare('UPDATE users SET is_active = 0 WHERE id = ?').bind(user.id).run();
    expect((await api('GET', `/v2/event-types?owner_id=${user.id}`)).json.data).toEqual([]);
    const admin = await makeAdmin();
    expect((await api('GET', `/v2/event-types?owner_id=${user.id}`, { token: admin.token })).json.data).toHaveLength(1);
  });
});

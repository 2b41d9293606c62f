// What the public list shows of other people's event types: enough to book, nothing the host keeps for attendees.
import { describe, expect, it } from 'vitest';
import { api, book, createEventType, makeAdmin, makeUser, upcomingDate } from './helpers';
import { expectDocumented } from './openapi-helpers';

const ZOOM = { location_type: 'zoom', location_value: 'https://zoom.us/j/123?pwd=secret' };

async function listed(ownerId: number, token?: string) {
  const res = await api('GET', `/v2/event-types?owner_id=${ownerId}`, { token });
  expect(res.status).toBe(200);
  await expectDocumented('GET', '/v2/event-types', res);
  return res.json.data as Record<string, unknown>[];
}

describe('GET /v2/event-types: public and non-owner views', () => {
  it('shows anonymous callers the location kind but not its value, and no schedule id', async () => {
    const host = await makeUser();
    const et = await createEventType(host.token, ZOOM);
    const [item] = await listed(host.user.id);
    expect(item).toMatchObject({ id: et.id, owner_id: host.user.id, location_type: 'zoom', duration_minutes: 30 });
    expect(item).not.toHaveProperty('location_value');
    expect(item).not.toHaveProperty('schedule_id');
    expect(JSON.stringify(item)).not.toContain('secret');
  });

  it('shows another signed-in user the public view too', async () => {
    const host = await makeUser();
    await createEventType(host.token, { location_type: 'phone', location_value: '+1 555 0100' });
    const other = await makeUser();
    const [item] = await listed(host.user.id, other.token);
    expect(item).toMatchObject({ location_type: 'phone' });
    expect(item).not.toHaveProperty('location_value');
    expect(item).not.toHaveProperty('schedule_id');
  });

  it('shows the owner and super admins everything', async () => {
    const host = await makeUser();
    const et = await createEventType(host.token, ZOOM);
    const admin = await makeAdmin();
    for (const token of [host.token, admin.token]) {
      const [item] = await listed(host.user.id, token);
      expect(item).toMatchObject({ location_value: ZOOM.location_value, schedule_id: et.schedule_id });
    }
  });

  it('still gives the attendee the location in the booking', async () => {
    const host = await makeUser();
    const et = await createEventType(host.token, ZOOM);
    const res = await book(et.id, `${upcomingDate(1)}T10:00:00Z`);
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ location_type: 'zoom', location: ZOOM.location_value });
    expect((await api('GET', `/v2/bookings/${res.json.uid}`)).json.location).toBe(ZOOM.location_value);
  });
});

// Real answers of the slot reservation routes (and the statuses issue #14 added elsewhere), validated against the
// served OpenAPI document: a field or status the document does not describe fails here.
import { describe, expect, it } from 'vitest';
import { api, ATTENDEE, book, freshIp, hostWithEventType, makeUser, reserve, upcomingDate } from './helpers';
import { expectDocumented } from './openapi-helpers';

const MONDAY = upcomingDate(1, 7);
const at = (hhmm: string) => `${MONDAY}T${hhmm}:00Z`;

describe('slot reservations answer as documented', () => {
  it('create, read, move, extend, release, and their errors', async () => {
    const { eventType, token } = await hostWithEventType();
    const stranger = await makeUser();
    const ip = freshIp();
    const created = await reserve(eventType.id, at('10:00'), { ip });
    expect(created.status).toBe(201);
    await expectDocumented('POST', '/v2/slots/reservations', created);
    await expectDocumented('POST', '/v2/slots/reservations', await reserve(eventType.id, at('10:00'), { ip: freshIp() }));
    await expectDocumented('POST', '/v2/slots/reservations', await reserve(eventType.id, at('11:00'), { ip: freshIp(), minutes: 30, token: stranger.token }));
    await expectDocumented('POST', '/v2/slots/reservations', await reserve(999_999_999, at('11:00'), { ip: freshIp() }));
    await expectDocumented('POST', '/v2/slots/reservations', await api('POST', '/v2/slots/reservations', { body: { event_type_id: eventType.id } }));
    await reserve(eventType.id, at('11:00'), { ip });
    await reserve(eventType.id, at('12:00'), { ip });
    const capped = await reserve(eventType.id, at('13:00'), { ip });
    expect(capped.status).toBe(409);
    await expectDocumented('POST', '/v2/slots/reservations', capped);

    const path = `/v2/slots/reservations/${created.json.uid}`;
    await expectDocumented('GET', '/v2/slots/reservations/{uid}', await api('GET', path));
    await expectDocumented('GET', '/v2/slots/reservations/{uid}', await api('GET', '/v2/slots/reservations/nosuchreservation0001'));
    await expectDocumented('PATCH', '/v2/slots/reservations/{uid}', await api('PATCH', path, { body: { slot_start: at('14:00') } }));
    await expectDocumented('PATCH', '/v2/slots/reservations/{uid}', await api('PATCH', path, { body: { reservation_duration_minutes: 30, slot_start: at('14:00') }, token }));
    await expectDocumented('PATCH', '/v2/slots/reservations/{uid}', await api('PATCH', path, { body: { reservation_duration_minutes: 30 } }));
    await expectDocumented('PATCH', '/v2/slots/reservations/{uid}', await api('PATCH', path, { body: { slot_start: at('11:00') } }));
    await expectDocumented('PATCH', '/v2/slots/reservations/{uid}', await api('PATCH', path, { body: { reservation_duration_minutes: 61 }, token }));
    const released = await api('DELETE', path);
    expect(released.status).toBe(204);
    await expectDocumented('DELETE', '/v2/slots/reservations/{uid}', released);
    await expectDocumented('DELETE', '/v2/slots/reservations/{uid}', await api('DELETE', path));
  });

  it('429 from the rate limit and 409 too_many_bookings are documented', async () => {
    const ip = freshIp();
    let limited;
    for (let i = 0; i < 61 && !limited; i++) {
      const res = await api('POST', '/v2/slots/reservations', { headers: { 'cf-connecting-ip': ip }, body: {} });
      if (res.status === 429) limited = res;
    }
    expect(limited?.status).toBe(429);
    await expectDocumented('POST', '/v2/slots/reservations', limited!);

    const { eventType } = await hostWithEventType();
    const attendee = { ...ATTENDEE, email: `contract-cap-${crypto.randomUUID()}@example.com` };
    const starts = ['09:00', '09:30', '10:00', '10:30', '11:00', '11:30', '12:00', '12:30', '13:00', '13:30', '14:00'];
    let over;
    for (const s of starts) over = await book(eventType.id, at(s), { attendee });
    expect(over!.status).toBe(409);
    await expectDocumented('POST', '/v2/bookings', over!);
  });
});

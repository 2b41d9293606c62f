// The attendee's `location` is accepted only where the event type's location kind asks the attendee for it.
import { describe, expect, it } from 'vitest';
import { attendeeLocation } from '../src/bookings/location';
import { book, expectError, hostWithEventType, upcomingDate } from './helpers';
import { expectDocumented } from './openapi-helpers';

const START = () => `${upcomingDate(1)}T10:00:00Z`;

describe('POST /v2/bookings with a location', () => {
  it('refuses any attendee location on a Zoom event type (the host gives the link), javascript: included', async () => {
    const { eventType } = await hostWithEventType({ location_type: 'zoom', location_value: 'https://zoom.us/j/1' });
    for (const location of ['javascript:alert(3)', 'https://evil.example/j/1']) {
      const res = await book(eventType.id, START(), { location });
      expectError(res, 400, 'validation_failed');
      expect(res.json.error.issues).toEqual([{ path: 'location', message: expect.any(String) }]);
      await expectDocumented('POST', '/v2/bookings', res);
    }
    const ok = await book(eventType.id, START());
    expect(ok.json.location).toBe('https://zoom.us/j/1');
  });

  it('refuses it where the event type has no location, and on a phone event type with the host’s own number', async () => {
    const none = await hostWithEventType();
    expectError(await book(none.eventType.id, START(), { location: 'My office' }), 400, 'validation_failed');
    const hostPhone = await hostWithEventType({ location_type: 'phone', location_value: '+1 555 0100' });
    expectError(await book(hostPhone.eventType.id, START(), { location: '+44 20 7946 0000' }), 400, 'validation_failed');
  });

  it('takes the attendee’s phone number where the host calls the attendee, and validates it', async () => {
    const { eventType } = await hostWithEventType({ location_type: 'phone' });
    expectError(await book(eventType.id, START(), { location: 'call me maybe' }), 400, 'validation_failed');
    expectError(await book(eventType.id, START(), { location: 'tel:+15550100' }), 400, 'validation_failed');
    const res = await book(eventType.id, START(), { location: '+1 (555) 010-0199' });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ location_type: 'phone', location: '+15550100199' });
  });

  it('takes the attendee’s place for an in-person event type without a fixed address; a URL must be https', async () => {
    const { eventType } = await hostWithEventType({ location_type: 'in_person' });
    for (const location of ['javascript:alert(3)', 'http://maps.example/x', 'data:text/html,hi', 'JaVaScRiPt:alert(1)']) {
      expectError(await book(eventType.id, START(), { location }), 400, 'validation_failed');
    }
    const res = await book(eventType.id, START(), { location: 'Café Central, Herrengasse 14, Vienna' });
    expect(res.status).toBe(201);
    expect(res.json.location).toBe('Café Central, Herrengasse 14, Vienna');
    const maps = await book(eventType.id, `${upcomingDate(1)}T11:00:00Z`, { location: 'https://maps.example/place/1' });
    expect(maps.status).toBe(201);
  });

  it('refuses the attendee’s place when the host fixed the address', async () => {
    const { eventType } = await hostWithEventType({ location_type: 'in_person', location_value: '1 Main St' });
    expectError(await book(eventType.id, START(), { location: 'Somewhere else' }), 400, 'validation_failed');
    expect((await book(eventType.id, START())).json.location).toBe('1 Main St');
  });
});

describe('attendeeLocation (pure)', () => {
  const et = (locationType: string | null, locationValue: string | null = null) => ({ locationType, locationValue });
  it('keeps the host’s location when the attendee gives none', () => {
    expect(attendeeLocation(et('zoom', 'https://zoom.us/j/1'), null)).toEqual({ ok: true, value: 'https://zoom.us/j/1' });
    expect(attendeeLocation(et('phone'), null)).toEqual({ ok: true, value: null });
  });
  it('normalizes phone numbers and refuses what is not one', () => {
    expect(attendeeLocation(et('phone'), '+49 30 1234567')).toEqual({ ok: true, value: '+49301234567' });
    expect(attendeeLocation(et('phone'), '030 1234567')).toEqual({ ok: true, value: '0301234567' });
    for (const bad of ['12', '+1 555 0100 ext 5', '+0 123 456 789', '++15550100', '5'.repeat(20)]) {
      expect(attendeeLocation(et('phone'), bad).ok).toBe(false);
    }
  });
  it('refuses every URL scheme but https in a place', () => {
    for (const bad of ['javascript:alert(1)', 'vbscript:x', 'file:///etc/passwd', 'ftp://x', 'https:nohost', 'mailto:a@b.c']) {
      expect(attendeeLocation(et('in_person'), bad).ok, bad).toBe(false);
    }
    expect(attendeeLocation(et('in_person'), 'Room: 5').ok).toBe(true);
    expect(attendeeLocation(et('in_person'), 'https://meet.example/r').ok).toBe(true);
  });
});

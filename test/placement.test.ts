import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { calendarPlacement, LOCATION_HINTS } from '../src/bookings/placement';
import { book, hostWithEventType, upcomingDate } from './helpers';

describe('HostCalendar placement from D1_PRIMARY_LOCATION', () => {
  it('passes a known location as the hint, in any case and spacing', () => {
    for (const hint of LOCATION_HINTS) expect(calendarPlacement({ D1_PRIMARY_LOCATION: hint })).toEqual({ locationHint: hint });
    expect(calendarPlacement({ D1_PRIMARY_LOCATION: ' WEUR ' })).toEqual({ locationHint: 'weur' });
  });

  it('gives no hint when unset, empty or unknown', () => {
    expect(calendarPlacement({})).toBeUndefined();
    expect(calendarPlacement({ D1_PRIMARY_LOCATION: '' })).toBeUndefined();
    expect(calendarPlacement({ D1_PRIMARY_LOCATION: 'mars' })).toBeUndefined();
  });

  it('bookings work with the hint set (the test environment sets weur)', async () => {
    expect(env.D1_PRIMARY_LOCATION).toBe('weur');
    const host = await hostWithEventType();
    expect((await book(host.eventType.id, `${upcomingDate(1)}T10:00:00Z`)).status).toBe(201);
  });
});

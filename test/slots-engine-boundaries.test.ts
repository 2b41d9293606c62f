// The engine's two hard edges, hand-worked with literal instants:
// - hours that touch midnight on every day ("all day except lunch") must answer at once, not walk back forever;
// - DST boundaries: a slot is inside the hours when every minute of it, read on the host's wall clock, falls
//   inside that date's ranges, and no listed minute is lost.
// DST dates from the tz rules: New York 2027-03-14 02:00 EST -> 03:00 EDT and 2027-11-07 02:00 EDT -> 01:00 EST;
// Berlin 2027-10-31 03:00 CEST -> 02:00 CET.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { checkSlot, computeSlotStarts, type DateOverride, type SlotInput, type WeeklyRange } from '../src/slots/engine';
import { api, book, createEventType, makeUser, upcomingDate } from './helpers';

const at = (iso: string): number => Date.parse(iso);
const utc = (iso: string): string => new Date(at(iso)).toISOString();
const DAY = 86_400_000;

function everyDay(...ranges: [string, string][]): WeeklyRange[] {
  return [0, 1, 2, 3, 4, 5, 6].flatMap((dayOfWeek) => ranges.map(([startTime, endTime]) => ({ dayOfWeek, startTime, endTime })));
}

/** 30-minute slots every 30 minutes, no buffers or notice, "now" a week before the range. */
function input(fields: Partial<SlotInput> & Pick<SlotInput, 'rangeStart' | 'rangeEnd' | 'scheduleTimeZone'>): SlotInput {
  return {
    durationMinutes: 30,
    slotIntervalMinutes: 30,
    bufferBeforeMinutes: 0,
    bufferAfterMinutes: 0,
    minimumNoticeMinutes: 0,
    bookingWindowDays: 60,
    availability: [],
    overrides: [],
    busy: [],
    now: fields.rangeStart - 7 * DAY,
    ...fields,
  };
}

const starts = (slotInput: SlotInput): string[] => computeSlotStarts(slotInput).map((s) => new Date(s.start).toISOString());

describe('hours touching midnight on every day', () => {
  it('00:00-01:00 + 23:00-24:00 every day answers 00:00, 00:30, 23:00, 23:30 UTC', () => {
    const lunch = input({
      scheduleTimeZone: 'UTC',
      availability: everyDay(['00:00', '01:00'], ['23:00', '24:00']),
      rangeStart: at('2027-06-07T00:00:00Z'),
      rangeEnd: at('2027-06-08T00:00:00Z'),
    });
    expect(starts(lunch)).toEqual(
      ['2027-06-07T00:00:00Z', '2027-06-07T00:30:00Z', '2027-06-07T23:00:00Z', '2027-06-07T23:30:00Z'].map(utc),
    );
    expect(checkSlot(lunch, at('2027-06-07T23:30:00Z'))).toEqual({ ok: true });
    expect(checkSlot(lunch, at('2027-06-07T12:00:00Z'))).toMatchObject({ ok: false, reason: 'outside_hours' });
  });

  it('all day except lunch (00:00-12:00 + 13:00-24:00) keeps its grid from 13:00 the day before', () => {
    const lunch = input({
      scheduleTimeZone: 'Europe/Berlin',
      durationMinutes: 45,
      slotIntervalMinutes: 45,
      availability: everyDay(['00:00', '12:00'], ['13:00', '24:00']),
      rangeStart: at('2027-06-07T00:00:00+02:00'),
      rangeEnd: at('2027-06-07T03:00:00+02:00'),
    });
    // The interval runs from 13:00 on 06-06: 13:00 + 15 x 45 min = 00:15, then 01:00, 01:45, 02:30.
    expect(starts(lunch)).toEqual(
      ['2027-06-07T00:15:00+02:00', '2027-06-07T01:00:00+02:00', '2027-06-07T01:45:00+02:00', '2027-06-07T02:30:00+02:00'].map(utc),
    );
  });

  it('with whole-day overrides chained before it, the walk back still ends', () => {
    const overrides: DateOverride[] = Array.from({ length: 500 }, (_, i) => ({
      date: new Date(at('2027-06-06T00:00:00Z') - i * DAY).toISOString().slice(0, 10),
      startTime: '00:00',
      endTime: '24:00',
    }));
    const lunch = input({
      scheduleTimeZone: 'UTC',
      availability: everyDay(['00:00', '01:00'], ['23:00', '24:00']),
      overrides,
      rangeStart: at('2027-06-07T00:00:00Z'),
      rangeEnd: at('2027-06-08T00:00:00Z'),
    });
    // 500 whole days, then the 23:00-24:00 of the day before them starts the chain: the grid is on the hour and half.
    expect(starts(lunch)).toEqual(
      ['2027-06-07T00:00:00Z', '2027-06-07T00:30:00Z', '2027-06-07T23:00:00Z', '2027-06-07T23:30:00Z'].map(utc),
    );
  });

  it('over HTTP: slots answer and a booking is taken for a host with these hours', async () => {
    const host = await makeUser();
    const created = await api('POST', '/v2/schedules', {
      token: host.token,
      body: {
        name: 'All day except lunch',
        timezone: 'UTC',
        is_default: false,
        availability: [0, 1, 2, 3, 4, 5, 6].flatMap((day_of_week) => [
          { day_of_week, start_time: '00:00', end_time: '12:00' },
          { day_of_week, start_time: '13:00', end_time: '24:00' },
        ]),
      },
    });
    expect(created.status).toBe(201);
    const eventType = await createEventType(host.token, { schedule_id: created.json.id });
    const monday = upcomingDate(1, 7);
    const res = await api(
      'GET',
      `/v2/slots/available?event_type_id=${eventType.id}&start_time=${monday}T00:00:00Z&end_time=${monday}T23:59:59Z&timezone=UTC`,
    );
    expect(res.status).toBe(200);
    const times = (res.json.slots[monday] as { start: string }[]).map((slot) => slot.start.slice(11, 16));
    expect(times).toHaveLength(46);
    expect(times).not.toContain('12:00');
    expect(times).toContain('13:00');
    const booked = await book(eventType.id, `${monday}T23:30:00Z`);
    expect(booked.status).toBe(201);
    const stored = await env.DB.prepare('SELECT count(*) AS n FROM bookings WHERE uid = ?').bind(booked.json.uid).first<{ n: number }>();
    expect(stored!.n).toBe(1);
  });
});

describe('DST boundaries: every offered minute reads inside the hours, no listed minute is lost', () => {
  it('fall back, range ending at the first repeated wall time: Berlin 00:00-02:00 on 2027-10-31 stops at 02:00 CEST', () => {
    const berlin = input({
      scheduleTimeZone: 'Europe/Berlin',
      availability: [{ dayOfWeek: 0, startTime: '00:00', endTime: '02:00' }],
      rangeStart: at('2027-10-31T00:00:00+02:00'),
      rangeEnd: at('2027-11-01T00:00:00+01:00'),
    });
    expect(starts(berlin)).toEqual(
      ['2027-10-31T00:00:00+02:00', '2027-10-31T00:30:00+02:00', '2027-10-31T01:00:00+02:00', '2027-10-31T01:30:00+02:00'].map(utc),
    );
    // 02:00 CEST reads 02:00-02:29: outside 00:00-02:00.
    expect(checkSlot(berlin, at('2027-10-31T02:00:00+02:00'))).toMatchObject({ ok: false, reason: 'outside_hours' });
  });

  it('fall back, range ending at the first repeated wall time: New York 00:00-01:00 on 2027-11-07 stops at 01:00 EDT', () => {
    const newYork = input({
      scheduleTimeZone: 'America/New_York',
      availability: [{ dayOfWeek: 0, startTime: '00:00', endTime: '01:00' }],
      rangeStart: at('2027-11-07T00:00:00-04:00'),
      rangeEnd: at('2027-11-08T00:00:00-05:00'),
    });
    expect(starts(newYork)).toEqual(['2027-11-07T00:00:00-04:00', '2027-11-07T00:30:00-04:00'].map(utc));
    expect(checkSlot(newYork, at('2027-11-07T01:00:00-04:00'))).toMatchObject({ ok: false, reason: 'outside_hours' });
  });

  it('fall back, range starting inside the repeated hour: New York 01:30-03:00 on 2027-11-07 never offers 01:00 EST', () => {
    const newYork = input({
      scheduleTimeZone: 'America/New_York',
      availability: [{ dayOfWeek: 0, startTime: '01:30', endTime: '03:00' }],
      rangeStart: at('2027-11-07T00:00:00-04:00'),
      rangeEnd: at('2027-11-08T00:00:00-05:00'),
    });
    // 01:30-02:00 EDT reads 01:30-01:59; then the clock shows 01:00-01:29 EST (outside); from 01:30 EST inside again.
    expect(starts(newYork)).toEqual(
      ['2027-11-07T01:30:00-04:00', '2027-11-07T01:30:00-05:00', '2027-11-07T02:00:00-05:00', '2027-11-07T02:30:00-05:00'].map(utc),
    );
    expect(checkSlot(newYork, at('2027-11-07T01:00:00-05:00'))).toMatchObject({ ok: false, reason: 'outside_hours' });
  });

  it('a range running through the whole repeated hour keeps its full length: New York 00:00-02:00 on 2027-11-07 is three hours', () => {
    const newYork = input({
      scheduleTimeZone: 'America/New_York',
      durationMinutes: 60,
      slotIntervalMinutes: 60,
      availability: [{ dayOfWeek: 0, startTime: '00:00', endTime: '02:00' }],
      rangeStart: at('2027-11-07T00:00:00-04:00'),
      rangeEnd: at('2027-11-08T00:00:00-05:00'),
    });
    expect(starts(newYork)).toEqual(
      ['2027-11-07T00:00:00-04:00', '2027-11-07T01:00:00-04:00', '2027-11-07T01:00:00-05:00'].map(utc),
    );
  });

  it('spring forward, range ending inside the gap: New York override 00:00-02:30 on 2027-03-14 offers nothing from 03:00 EDT', () => {
    const newYork = input({
      scheduleTimeZone: 'America/New_York',
      availability: everyDay(['09:00', '17:00']),
      overrides: [{ date: '2027-03-14', startTime: '00:00', endTime: '02:30' }],
      rangeStart: at('2027-03-14T00:00:00-05:00'),
      rangeEnd: at('2027-03-15T00:00:00-04:00'),
    });
    expect(starts(newYork)).toEqual(
      ['2027-03-14T00:00:00-05:00', '2027-03-14T00:30:00-05:00', '2027-03-14T01:00:00-05:00', '2027-03-14T01:30:00-05:00'].map(utc),
    );
    expect(checkSlot(newYork, at('2027-03-14T03:00:00-04:00'))).toMatchObject({ ok: false, reason: 'outside_hours' });
  });

  it('spring forward, range starting inside the gap: New York 02:30-05:00 on 2027-03-14 starts at the jump, 03:00 EDT', () => {
    const newYork = input({
      scheduleTimeZone: 'America/New_York',
      availability: [{ dayOfWeek: 0, startTime: '02:30', endTime: '05:00' }],
      rangeStart: at('2027-03-14T00:00:00-05:00'),
      rangeEnd: at('2027-03-15T00:00:00-04:00'),
    });
    expect(starts(newYork)).toEqual(
      ['2027-03-14T03:00:00-04:00', '2027-03-14T03:30:00-04:00', '2027-03-14T04:00:00-04:00', '2027-03-14T04:30:00-04:00'].map(utc),
    );
    expect(checkSlot(newYork, at('2027-03-14T03:00:00-04:00'))).toEqual({ ok: true });
    expect(checkSlot(newYork, at('2027-03-14T01:30:00-05:00'))).toMatchObject({ ok: false, reason: 'outside_hours' });
  });
});

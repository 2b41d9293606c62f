// The two mechanisms behind the team guarantees, each on its own: the SQL guard of a team booking covers EVERY
// attending host, and a lease on a host's HostCalendar holds that host's other writes until it is released.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { guardedTeamInsert } from '../src/bookings/repo';
import { book, bookingRow, hostWithEventType, upcomingDate } from './helpers';

const MONDAY = upcomingDate(1, 7);
const at = (hhmm: string) => `${MONDAY}T${hhmm}:00Z`;

function teamRow(uid: string, organizer: number, eventTypeId: number, start: number) {
  return { ...bookingRow(organizer, eventTypeId, start, { uid, title: 'Team call' }), assignmentReason: null };
}

describe('team booking guard and lease', () => {
  it('the guarded insert refuses a span that overlaps a booking of any attending host, not only the organizer', async () => {
    const a = await hostWithEventType();
    const b = await hostWithEventType();
    expect((await book(b.eventType.id, at('10:00'))).status).toBe(201);
    const start = Date.parse(at('10:00'));
    const refused = await guardedTeamInsert(env.DB, teamRow(`guard-a-${start}-${a.user.id}`, a.user.id, a.eventType.id, start), [a.user.id, b.user.id]).all();
    expect(refused.results).toEqual([]);
    // The same row guarded for the organizer alone goes in: the other host's span is what refused it above.
    const alone = await guardedTeamInsert(env.DB, teamRow(`guard-b-${start}-${a.user.id}`, a.user.id, a.eventType.id, start), [a.user.id]).all();
    expect(alone.results).toHaveLength(1);
  });

  it('a lease on a host holds their personal bookings until it is released', async () => {
    const host = await hostWithEventType();
    const calendar = env.HOST_CALENDAR.get(env.HOST_CALENDAR.idFromName(`host:${host.user.id}`));
    expect(await calendar.acquireLease('test-lease', 5_000, 1_000)).toBe(true);
    let answered = false;
    const pending = book(host.eventType.id, at('11:00')).then((r) => {
      answered = true;
      return r;
    });
    await new Promise((r) => setTimeout(r, 400));
    expect(answered).toBe(false);
    expect(await calendar.releaseLease('test-lease')).toBe(true);
    expect((await pending).status).toBe(201);
  });

  it('a lease nobody releases ends by itself', async () => {
    const host = await hostWithEventType();
    const calendar = env.HOST_CALENDAR.get(env.HOST_CALENDAR.idFromName(`host:${host.user.id}`));
    expect(await calendar.acquireLease('crashed-request', 300, 1_000)).toBe(true);
    const started = Date.now();
    expect((await book(host.eventType.id, at('12:00'))).status).toBe(201);
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
  });
});

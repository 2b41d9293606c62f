import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { guardedInsert } from '../src/bookings/repo';
import { api, book, bookingRow, createEventType, hostWithEventType, upcomingDate } from './helpers';

const MONDAY = upcomingDate(1, 7);
const at = (hhmm: string) => `${MONDAY}T${hhmm}:00Z`;

/** Pairs of live bookings of one host whose occupied spans overlap: must always be zero. */
async function overlapsOf(hostId: number): Promise<number> {
  const row = await env.DB.prepare(
    `SELECT COUNT(*) AS n FROM bookings a JOIN bookings b ON a.host_id = b.host_id AND a.id < b.id
     WHERE a.host_id = ? AND a.status IN ('accepted','pending') AND b.status IN ('accepted','pending')
       AND a.occupied_start < b.occupied_end AND b.occupied_start < a.occupied_end`,
  )
    .bind(hostId)
    .first<{ n: number }>();
  return row!.n;
}

const statuses = (results: { status: number }[]) =>
  results.reduce<Record<number, number>>((acc, r) => ({ ...acc, [r.status]: (acc[r.status] ?? 0) + 1 }), {});

describe('double booking is impossible', () => {
  it('50 parallel bookings of one slot give exactly one 201 and 49 409s', async () => {
    const { user, eventType } = await hostWithEventType();
    const results = await Promise.all(Array.from({ length: 50 }, () => book(eventType.id, at('10:00'))));
    expect(statuses(results)).toEqual({ 201: 1, 409: 50 - 1 });
    for (const r of results.filter((r) => r.status === 409)) expect(r.json.error.code).toBe('slot_unavailable');
    expect(await overlapsOf(user.id)).toBe(0);
    const live = await env.DB.prepare("SELECT COUNT(*) AS n FROM bookings WHERE host_id = ? AND status = 'accepted'").bind(user.id).first<{ n: number }>();
    expect(live!.n).toBe(1);
  });

  it('holds across two event types of one host with overlapping times', async () => {
    const { user, token, eventType } = await hostWithEventType({ duration_minutes: 60 });
    const other = await createEventType(token, { duration_minutes: 30, slot_interval_minutes: 30 });
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => (i % 2 ? book(eventType.id, at('10:00')) : book(other.id, at('10:30')))),
    );
    expect(statuses(results)[201]).toBe(1);
    expect(await overlapsOf(user.id)).toBe(0);
  });

  it('parallel reschedules into one slot: exactly one wins', async () => {
    const { user, eventType } = await hostWithEventType();
    const starts = ['09:00', '09:30', '10:00', '10:30', '11:00', '11:30', '12:00', '12:30', '13:00', '13:30'];
    const created = await Promise.all(starts.map((s) => book(eventType.id, at(s))));
    expect(created.every((r) => r.status === 201)).toBe(true);
    const moves = await Promise.all(created.map((r) => api('PATCH', `/v2/bookings/${r.json.uid}`, { body: { start: at('15:00') } })));
    expect(statuses(moves)).toEqual({ 200: 1, 409: starts.length - 1 });
    expect(await overlapsOf(user.id)).toBe(0);
  });

  it('a new booking and a reschedule racing for one slot: exactly one wins', async () => {
    for (let round = 0; round < 5; round++) {
      const { user, eventType } = await hostWithEventType();
      const existing = await book(eventType.id, at('09:00'));
      const [move, create] = await Promise.all([
        api('PATCH', `/v2/bookings/${existing.json.uid}`, { body: { start: at('16:00') } }),
        book(eventType.id, at('16:00')),
      ]);
      expect([200, 409]).toContain(move.status);
      expect([201, 409]).toContain(create.status);
      expect([move.status, create.status].filter((s) => s === 200 || s === 201)).toHaveLength(1);
      expect(await overlapsOf(user.id)).toBe(0);
    }
  });

  it('the SQL guard alone refuses an overlapping insert that bypassed the host object', async () => {
    const { user, eventType } = await hostWithEventType();
    const first = await book(eventType.id, at('10:00'));
    expect(first.status).toBe(201);
    const [result] = await env.DB.batch([guardedInsert(env.DB, bookingRow(user.id, eventType.id, Date.parse(at('10:15')), { title: 'bypass' }))]);
    expect(result!.results).toEqual([]);
    expect(await overlapsOf(user.id)).toBe(0);
  });
});

// The one rule for what holds a host's time (src/bookings/occupancy.ts): the pure predicate and the SQL fragment the
// guards and the slot query use must agree, and the busy-read margin must cover every span an event type can reach.
import { env } from 'cloudflare:workers';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BUSY_READ_MARGIN_MS, holdsTime, holdsTimeSql, isLive, liveSql, LIVE_STATUSES, spanAt } from '../src/bookings/occupancy';
import { BOOKING_STATUSES } from '../src/db/schema';
import { BUFFER_MINUTES, DURATION_MINUTES } from '../src/event-types/limits';
import { runs } from './runs';

const status = fc.constantFrom(...BOOKING_STATUSES);
const instant = fc.integer({ min: 0, max: 4_000_000_000_000 });

describe('what holds a host time', () => {
  it('the SQL fragment answers exactly as the pure predicate, for every status, start and now', async () => {
    await fc.assert(
      fc.asyncProperty(status, instant, fc.option(instant), instant, async (s, startAt, paymentExpiresAt, now) => {
        const row = await env.DB.prepare(
          `SELECT ${holdsTimeSql(now, 't')} AS holds, ${liveSql('t')} AS live FROM (SELECT ? AS status, ? AS start_at, ? AS payment_expires_at) t`,
        )
          .bind(s, startAt, paymentExpiresAt)
          .first<{ holds: number; live: number }>();
        expect(row!.holds === 1).toBe(holdsTime({ status: s, startAt, paymentExpiresAt }, now));
        expect(row!.live === 1).toBe(isLive(s));
      }),
      { numRuns: runs(150) },
    );
  });

  it('accepted always holds time, pending only until its start, cancelled and declined never', () => {
    expect(holdsTime({ status: 'accepted', startAt: 10 }, 20)).toBe(true);
    expect(holdsTime({ status: 'pending', startAt: 30 }, 20)).toBe(true);
    expect(holdsTime({ status: 'pending', startAt: 20 }, 20)).toBe(false);
    expect(holdsTime({ status: 'cancelled', startAt: 30 }, 20)).toBe(false);
    expect(holdsTime({ status: 'rejected', startAt: 30 }, 20)).toBe(false);
    expect([...LIVE_STATUSES]).toEqual(['accepted', 'pending']);
  });

  it('a non-integer now is refused rather than inlined into SQL', () => {
    expect(() => holdsTimeSql(1.5)).toThrow(RangeError);
    expect(() => holdsTimeSql(Number.NaN)).toThrow(RangeError);
  });
});

describe('occupied span', () => {
  it('is the meeting widened by the buffers on each side', () => {
    const start = Date.UTC(2026, 11, 1, 9);
    expect(spanAt({ durationMinutes: 30, bufferBeforeMinutes: 10, bufferAfterMinutes: 5 }, start)).toEqual({
      startAt: start,
      endAt: start + 30 * 60_000,
      occupiedStart: start - 10 * 60_000,
      occupiedEnd: start + 35 * 60_000,
    });
  });

  it('never reaches further from its start than the busy-read margin, for any valid event type', () => {
    const shape = fc.record({
      durationMinutes: fc.integer({ min: DURATION_MINUTES.min, max: DURATION_MINUTES.max }),
      bufferBeforeMinutes: fc.integer({ min: BUFFER_MINUTES.min, max: BUFFER_MINUTES.max }),
      bufferAfterMinutes: fc.integer({ min: BUFFER_MINUTES.min, max: BUFFER_MINUTES.max }),
    });
    fc.assert(
      fc.property(shape, instant, (et, start) => {
        const span = spanAt(et, start);
        expect(start - span.occupiedStart).toBeLessThanOrEqual(BUSY_READ_MARGIN_MS);
        expect(span.occupiedEnd - start).toBeLessThanOrEqual(BUSY_READ_MARGIN_MS);
        expect(span.occupiedStart).toBeLessThanOrEqual(span.startAt);
        expect(span.occupiedEnd).toBeGreaterThanOrEqual(span.endAt);
      }),
    );
  });
});

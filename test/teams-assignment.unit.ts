// Round-robin assignment (src/teams/assignment.ts): the order of the rules, and fairness over many bookings.
import { describe, expect, it } from 'vitest';
import { eligibleHosts, rankHosts, type AssignmentSettings, type RotatingHost } from '../src/teams/assignment';

const host = (userId: number, extra: Partial<RotatingHost> = {}): RotatingHost => ({ userId, priority: 2, weight: 100, bookings: 0, lastBookedAt: null, ...extra });
const MAX: AssignmentSettings = { distribution: 'maximize_availability', weightsEnabled: false };
const ids = (ranked: { host: RotatingHost }[]) => ranked.map((r) => r.host.userId);

/** Books `n` times in a row, each time giving the first ranked free host one more booking. */
function simulate(hosts: RotatingHost[], settings: AssignmentSettings, n: number, free = new Set(hosts.map((h) => h.userId))) {
  const state = hosts.map((h) => ({ ...h }));
  for (let i = 0; i < n; i++) {
    const [first] = rankHosts(state, free, settings);
    if (!first) throw new Error('nobody free');
    const chosen = state.find((h) => h.userId === first.host.userId)!;
    chosen.bookings++;
    chosen.lastBookedAt = i + 1;
  }
  return new Map(state.map((h) => [h.userId, h.bookings]));
}

describe('round-robin ranking', () => {
  it('weights 1/1/2 over 300 bookings land within ±5% of 25/25/50%', () => {
    const hosts = [host(1, { weight: 1 }), host(2, { weight: 1 }), host(3, { weight: 2 })];
    const counts = simulate(hosts, { distribution: 'maximize_availability', weightsEnabled: true }, 300);
    expect(Math.abs(counts.get(1)! / 300 - 0.25)).toBeLessThanOrEqual(0.05);
    expect(Math.abs(counts.get(2)! / 300 - 0.25)).toBeLessThanOrEqual(0.05);
    expect(Math.abs(counts.get(3)! / 300 - 0.5)).toBeLessThanOrEqual(0.05);
    expect(counts.get(1)! + counts.get(2)! + counts.get(3)!).toBe(300);
  });

  it('weights still balance when one host starts far ahead', () => {
    const hosts = [host(1, { weight: 1, bookings: 40 }), host(2, { weight: 1 }), host(3, { weight: 2 })];
    const counts = simulate(hosts, { distribution: 'maximize_availability', weightsEnabled: true }, 300);
    const total = 340;
    expect(Math.abs(counts.get(1)! / total - 0.25)).toBeLessThanOrEqual(0.05);
    expect(Math.abs(counts.get(3)! / total - 0.5)).toBeLessThanOrEqual(0.05);
  });

  it('without weights, the highest priority free host is always first', () => {
    const hosts = [host(1, { priority: 1 }), host(2, { priority: 4 }), host(3, { priority: 3 })];
    expect(ids(rankHosts(hosts, new Set([1, 2, 3]), MAX))).toEqual([2, 3, 1]);
    expect(rankHosts(hosts, new Set([1, 2, 3]), MAX)[0]!.reason).toBe('highest priority (4)');
    // The top host is busy at that time: the next priority takes it.
    expect(ids(rankHosts(hosts, new Set([1, 3]), MAX))).toEqual([3, 1]);
    const counts = simulate(hosts, MAX, 50);
    expect(counts.get(2)).toBe(50);
  });

  it('equal priority: least recently booked, then the lowest id', () => {
    const hosts = [host(5, { lastBookedAt: 300 }), host(4, { lastBookedAt: 100 }), host(3), host(2)];
    const ranked = rankHosts(hosts, new Set([2, 3, 4, 5]), MAX);
    expect(ids(ranked)).toEqual([2, 3, 4, 5]);
    expect(ranked[0]!.reason).toBe('lowest user id');
    expect(ranked[1]!.reason).toBe('least recently booked');
  });

  it('equal priority rotates evenly by least recently booked', () => {
    const counts = simulate([host(1), host(2), host(3)], MAX, 30);
    expect([...counts.values()]).toEqual([10, 10, 10]);
  });

  it('load balancing hides a host more than 3 bookings ahead of the least-booked one, even when that one is busy', () => {
    const hosts = [host(1, { bookings: 0 }), host(2, { bookings: 3 }), host(3, { bookings: 4, priority: 4 })];
    const lb: AssignmentSettings = { distribution: 'load_balancing', weightsEnabled: false };
    expect(eligibleHosts(hosts, lb).map((h) => h.userId)).toEqual([1, 2]);
    expect(ids(rankHosts(hosts, new Set([2, 3]), lb))).toEqual([2]);
    expect(ids(rankHosts(hosts, new Set([2, 3]), MAX))).toEqual([3, 2]);
  });

  it('load balancing keeps a top-priority host at most 4 bookings ahead', () => {
    const hosts = [host(1, { priority: 4 }), host(2), host(3)];
    const counts = simulate(hosts, { distribution: 'load_balancing', weightsEnabled: false }, 60);
    const values = [...counts.values()];
    expect(Math.max(...values) - Math.min(...values)).toBeLessThanOrEqual(4);
    expect(counts.get(1)).toBeGreaterThan(counts.get(2)!);
  });

  it('only free hosts are ranked; nobody free ranks nobody', () => {
    expect(rankHosts([host(1), host(2)], new Set(), MAX)).toEqual([]);
    expect(ids(rankHosts([host(1), host(2)], new Set([2, 9]), MAX))).toEqual([2]);
  });
});

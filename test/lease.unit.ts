// LeaseHolder (src/lib/lease.ts): a lock held across calls that always ends, by release or by expiry.
import { describe, expect, it } from 'vitest';
import { LeaseHolder } from '../src/lib/lease';
import { Mutex } from '../src/lib/mutex';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('LeaseHolder', () => {
  it('holds the lock until released: a write waits behind it', async () => {
    const lock = new Mutex();
    const leases = new LeaseHolder(lock);
    expect(await leases.acquire('a', 5_000, 1_000)).toBe(true);
    let ran = false;
    const write = lock.run(async () => {
      ran = true;
    });
    await sleep(30);
    expect(ran).toBe(false);
    expect(leases.release('a')).toBe(true);
    await write;
    expect(ran).toBe(true);
  });

  it('expires by itself, so a crashed holder never leaves the lock taken', async () => {
    const lock = new Mutex();
    const leases = new LeaseHolder(lock);
    expect(await leases.acquire('crashed', 50, 1_000)).toBe(true);
    const started = Date.now();
    await lock.run(async () => undefined);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(leases.current).toBeNull();
    // Releasing the expired lease later does nothing (it may not end someone else's).
    expect(await leases.acquire('next', 5_000, 1_000)).toBe(true);
    expect(leases.release('crashed')).toBe(false);
    expect(leases.current).toBe('next');
    leases.release('next');
  });

  it('a waiter gives up after waitMs and is never granted the lock afterwards', async () => {
    const lock = new Mutex();
    const leases = new LeaseHolder(lock);
    expect(await leases.acquire('first', 200, 1_000)).toBe(true);
    expect(await leases.acquire('impatient', 5_000, 20)).toBe(false);
    // After 'first' expires, the lock is free: the abandoned waiter did not take it.
    expect(await leases.acquire('third', 5_000, 1_000)).toBe(true);
    expect(leases.current).toBe('third');
    leases.release('third');
  });

  it('grants leases one at a time, in order', async () => {
    const lock = new Mutex();
    const leases = new LeaseHolder(lock);
    const order: string[] = [];
    await Promise.all(
      ['a', 'b', 'c'].map(async (id) => {
        expect(await leases.acquire(id, 5_000, 5_000)).toBe(true);
        order.push(`+${id}`);
        await sleep(10);
        order.push(`-${id}`);
        leases.release(id);
      }),
    );
    expect(order).toEqual(['+a', '-a', '+b', '-b', '+c', '-c']);
  });
});

/**
 * A lease on a Mutex held across calls: a multi-host booking takes one on each host's HostCalendar (ascending user
 * id), writes, then releases them. While a lease is held, every other write of that host waits behind it, exactly as
 * behind a write running inside the object.
 *
 * The lease ends by itself after `ttlMs`, so a request that crashed, timed out or lost its connection between taking
 * and releasing never leaves a host locked. A holder that outlives its lease loses only the serialization, never the
 * guarantee: every write is still guarded in SQL. Waiting for a lease is bounded too (`waitMs`): a caller that gives
 * up is never granted the lock later.
 */
import type { Mutex } from './mutex';

interface Held {
  id: string;
  end: () => void;
}

export class LeaseHolder {
  private held: Held | null = null;

  constructor(private readonly lock: Mutex) {}

  /** True once the lock is held for `id`; false when it could not be had within `waitMs`. */
  acquire(id: string, ttlMs: number, waitMs: number): Promise<boolean> {
    return new Promise<boolean>((answer) => {
      let settled = false;
      const giveUp = setTimeout(() => {
        settled = true;
        answer(false);
      }, waitMs);
      void this.lock.run(
        () =>
          new Promise<void>((release) => {
            // The caller stopped waiting before our turn came: pass the lock on at once.
            if (settled) return release();
            settled = true;
            clearTimeout(giveUp);
            const expire = setTimeout(() => this.end(id), ttlMs);
            this.held = {
              id,
              end: () => {
                clearTimeout(expire);
                release();
              },
            };
            answer(true);
          }),
      );
    });
  }

  /** Ends the lease `id` (a release of an expired or unknown lease does nothing). */
  release(id: string): boolean {
    return this.end(id);
  }

  private end(id: string): boolean {
    if (this.held?.id !== id) return false;
    const { end } = this.held;
    this.held = null;
    end();
    return true;
  }

  get current(): string | null {
    return this.held?.id ?? null;
  }
}

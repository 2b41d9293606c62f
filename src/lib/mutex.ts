/**
 * A promise-chain lock. Inside a Durable Object every `await` on D1 or fetch opens the input gate, so other
 * requests interleave; holding this across check-then-write keeps a host's writes strictly one at a time, while
 * reads outside it stay concurrent.
 */
export class Mutex {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn);
    // The next holder waits for this one to settle, whether it succeeded or failed.
    this.tail = result.catch(() => undefined);
    return result;
  }
}

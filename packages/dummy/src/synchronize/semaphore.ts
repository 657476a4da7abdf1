import { kShare, registerShareable, type Shared } from '../transport/shareable.js';
import { type AcquireOptions, waitUntil } from './wait-loop.js';

const S = { VALUE: 0, WAITERS: 1, MAX: 2, BOUNDED: 3 } as const;

/** Python's `Semaphore` on threads: a counter in shared memory. */
export class Semaphore {
  protected readonly i32: Int32Array;

  constructor(value = 1, shared?: SharedArrayBuffer) {
    if (shared instanceof SharedArrayBuffer) {
      this.i32 = new Int32Array(shared);
      return;
    }
    if (!Number.isInteger(value) || value < 0) throw new RangeError('semaphore initial value must be an integer >= 0');
    this.i32 = new Int32Array(new SharedArrayBuffer(16));
    this.i32[S.VALUE] = value;
    this.i32[S.MAX] = value;
  }

  async acquire(options?: AcquireOptions): Promise<boolean> {
    const take = () => {
      for (;;) {
        const v = Atomics.load(this.i32, S.VALUE);
        if (v <= 0) return undefined;
        if (Atomics.compareExchange(this.i32, S.VALUE, v, v - 1) === v) return true;
      }
    };
    if (take()) return true;
    if (options?.block === false) return false;
    return waitUntil(this.i32, S.VALUE, S.WAITERS, take, options, () => false);
  }

  release(n = 1): void {
    if (!Number.isInteger(n) || n < 1) throw new RangeError('n must be an integer >= 1');
    if (this.i32[S.BOUNDED]) {
      for (;;) {
        const v = Atomics.load(this.i32, S.VALUE);
        if (v + n > this.i32[S.MAX]) throw new RangeError('Semaphore released too many times');
        if (Atomics.compareExchange(this.i32, S.VALUE, v, v + n) === v) break;
      }
    } else {
      Atomics.add(this.i32, S.VALUE, n);
    }
    if (Atomics.load(this.i32, S.WAITERS) > 0) Atomics.notify(this.i32, S.VALUE);
  }

  /** Python's `get_value()`. */
  getValue(): number {
    return Atomics.load(this.i32, S.VALUE);
  }

  async withLock<R>(fn: () => R | Promise<R>, options?: AcquireOptions): Promise<R> {
    await this.acquire(options);
    try {
      return await fn();
    } finally {
      this.release();
    }
  }

  [kShare](): Shared {
    return { type: 'Semaphore', state: this.i32.buffer };
  }
}

/** Python's `BoundedSemaphore`: releasing above the initial value throws. */
export class BoundedSemaphore extends Semaphore {
  constructor(value = 1, shared?: SharedArrayBuffer) {
    super(value, shared);
    if (!shared) this.i32[S.BOUNDED] = 1;
  }
}

registerShareable('Semaphore', (sab: SharedArrayBuffer) => {
  const i32 = new Int32Array(sab);
  return i32[S.BOUNDED] ? new BoundedSemaphore(0, sab) : new Semaphore(0, sab);
});

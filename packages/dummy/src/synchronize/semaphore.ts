import { kShare, registerShareable, type Shared } from '../transport/shareable.js';
import { Acquirable, type AcquireOptions } from './acquirable.js';
import { checkAcquire, takeShared, withShared } from './lock.js';
import { waitUntil } from './wait-loop.js';

const S = { VALUE: 0, WAITERS: 1, MAX: 2, BOUNDED: 3 } as const;

/** Python's `Semaphore` on threads: a counter in shared memory. Semaphores have no owner. */
export class Semaphore extends Acquirable {
  readonly #i32: Int32Array;

  constructor(value = 1) {
    super();
    const shared = takeShared();
    if (shared) {
      this.#i32 = new Int32Array(shared);
      return;
    }
    if (typeof value !== 'number' || !Number.isInteger(value)) throw new TypeError('value must be an integer');
    if (value < 0) throw new RangeError('semaphore initial value must be >= 0');
    this.#i32 = new Int32Array(new SharedArrayBuffer(16));
    this.#i32[S.VALUE] = value;
    this.#i32[S.MAX] = value;
    if (this instanceof BoundedSemaphore) this.#i32[S.BOUNDED] = 1;
  }

  acquire(options?: AcquireOptions): Promise<boolean> {
    checkAcquire(options);
    const i32 = this.#i32;
    const take = () => {
      for (;;) {
        const v = Atomics.load(i32, S.VALUE);
        if (v <= 0) return undefined;
        if (Atomics.compareExchange(i32, S.VALUE, v, v - 1) === v) return true;
      }
    };
    if (take()) return Promise.resolve(true);
    if (options?.block === false) return Promise.resolve(false);
    return waitUntil(i32, S.VALUE, S.WAITERS, take, options, () => false);
  }

  /** Python's `release(n=1)`. A BoundedSemaphore rejects with `RangeError` above its initial value. */
  async release(n = 1): Promise<void> {
    if (!Number.isInteger(n) || n < 1) throw new RangeError('n must be an integer >= 1');
    const i32 = this.#i32;
    if (i32[S.BOUNDED]) {
      for (;;) {
        const v = Atomics.load(i32, S.VALUE);
        if (v + n > i32[S.MAX]) throw new RangeError('Semaphore released too many times');
        if (Atomics.compareExchange(i32, S.VALUE, v, v + n) === v) break;
      }
    } else {
      Atomics.add(i32, S.VALUE, n);
    }
    if (Atomics.load(i32, S.WAITERS) > 0) Atomics.notify(i32, S.VALUE);
  }

  /** Python's `get_value()`. */
  async getValue(): Promise<number> {
    return Atomics.load(this.#i32, S.VALUE);
  }

  [kShare](): Shared {
    return { type: 'Semaphore', state: this.#i32.buffer };
  }
}

/** Python's `BoundedSemaphore`: releasing above the initial value rejects with `RangeError`. */
export class BoundedSemaphore extends Semaphore {}

registerShareable('Semaphore', (sab: SharedArrayBuffer) =>
  withShared(sab, () => (new Int32Array(sab)[S.BOUNDED] ? new BoundedSemaphore() : new Semaphore())),
);

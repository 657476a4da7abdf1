/** The referents of `manager.Semaphore(n)` and `manager.BoundedSemaphore(n)`. */
import { LockStateError } from '../errors.js';
import { WaitQueue } from '../server/waiters.js';
import type { AcquireOptions } from './lock.js';

export class SharedSemaphore {
  #value: number;
  #waiters = new WaitQueue<boolean>();
  readonly #bound: number | null;

  constructor(value = 1, bounded = false) {
    if (!Number.isInteger(value) || value < 0) throw new RangeError('semaphore initial value must be an integer >= 0');
    this.#value = value;
    this.#bound = bounded ? value : null;
  }

  acquire(options?: AcquireOptions): boolean | Promise<boolean> {
    if (this.#value > 0 && this.#waiters.size === 0) {
      this.#value--;
      return true;
    }
    if (options?.block === false) return false;
    return this.#waiters.park(options?.timeout, () => false);
  }

  release(n = 1): void {
    if (!Number.isInteger(n) || n < 1) throw new RangeError('n must be an integer >= 1');
    if (this.#bound !== null && this.#value + n > this.#bound) {
      throw new LockStateError('Semaphore released too many times');
    }
    for (let i = 0; i < n; i++) {
      const w = this.#waiters.shift();
      if (w) w.grant(true);
      else this.#value++;
    }
  }

  getValue(): number {
    return this.#value;
  }
}

export class SharedBoundedSemaphore extends SharedSemaphore {
  constructor(value = 1) {
    super(value, true);
  }
}

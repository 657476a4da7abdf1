import { checkWaitOptions, type WaitOptions } from '@proc/core';
import { kShare, registerShareable, type Shared } from '../transport/shareable.js';
import { waitUntil } from './wait-loop.js';

/** Python's `Event` on threads: a flag word in shared memory. */
export class Event {
  readonly #i32: Int32Array;

  constructor(shared?: SharedArrayBuffer) {
    this.#i32 = new Int32Array(shared instanceof SharedArrayBuffer ? shared : new SharedArrayBuffer(8));
  }

  isSet(): boolean {
    return Atomics.load(this.#i32, 0) === 1;
  }

  set(): void {
    Atomics.store(this.#i32, 0, 1);
    Atomics.notify(this.#i32, 0);
  }

  clear(): void {
    Atomics.store(this.#i32, 0, 0);
  }

  /** Resolves `true` once set, `false` when `timeout` passes first (Python's return value). */
  wait(options?: WaitOptions): Promise<boolean> {
    if (options !== undefined) checkWaitOptions(options);
    if (this.isSet()) return Promise.resolve(true);
    return waitUntil(this.#i32, 0, -1, () => (this.isSet() ? true : undefined), options, () => false);
  }

  [kShare](): Shared {
    return { type: 'Event', state: this.#i32.buffer };
  }
}

registerShareable('Event', (sab: SharedArrayBuffer) => new Event(sab));

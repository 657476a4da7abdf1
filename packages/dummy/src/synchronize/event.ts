import { checkWaitOptions, type WaitOptions } from '@proc/core';
import { kShare, registerShareable, type Shared } from '../transport/shareable.js';
import { takeShared, withShared } from './lock.js';
import { waitUntil } from './wait-loop.js';

/** Python's `Event` on threads: a flag word in shared memory. */
export class Event {
  readonly #i32: Int32Array;

  constructor() {
    this.#i32 = new Int32Array(takeShared() ?? new SharedArrayBuffer(8));
  }

  /** Sets the flag and wakes every waiter. */
  async set(): Promise<void> {
    Atomics.store(this.#i32, 0, 1);
    Atomics.notify(this.#i32, 0);
  }

  async clear(): Promise<void> {
    Atomics.store(this.#i32, 0, 0);
  }

  async isSet(): Promise<boolean> {
    return Atomics.load(this.#i32, 0) === 1;
  }

  /** Resolves `true` once set, `false` when `timeout` passes first (Python's return value). */
  wait(options?: WaitOptions): Promise<boolean> {
    checkWaitOptions(options, 'options');
    const i32 = this.#i32;
    if (Atomics.load(i32, 0) === 1) return Promise.resolve(true);
    return waitUntil(i32, 0, -1, () => (Atomics.load(i32, 0) === 1 ? true : undefined), options, () => false);
  }

  [kShare](): Shared {
    return { type: 'Event', state: this.#i32.buffer };
  }
}

registerShareable('Event', (sab: SharedArrayBuffer) => withShared(sab, () => new Event()));

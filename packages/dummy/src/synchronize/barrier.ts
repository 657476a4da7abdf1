import { checkWaitOptions, type WaitOptions } from '@proc/core';
import { BrokenBarrierError } from '../errors.js';
import { watchWord } from '../runtime/atomic-wait.js';
import { lockMutex, unlockMutex } from '../runtime/spin-mutex.js';
import { kShare, registerShareable, type Shared } from '../transport/shareable.js';
import { takeShared, withShared } from './lock.js';
import { waitUntil } from './wait-loop.js';

const B = { MUTEX: 0, SLEEPERS: 1, PARTIES: 2, COUNT: 3, GENERATION: 4, BROKEN: 5, BROKEN_GEN: 6, TIMEOUT: 7, HAS_ACTION: 8, ACTION_REQ: 9 } as const;

/**
 * Python's `Barrier(parties, action=None, timeout=None)` on threads. `wait` resolves with the
 * arrival index. A timeout, `abort()`, `reset()` while parties wait, or a failing action breaks
 * it. The action runs in the thread of the last party to arrive when that thread holds it (the
 * one that created the barrier); functions do not travel to other threads.
 */
export class Barrier {
  readonly #i32: Int32Array;
  readonly #action: (() => unknown) | undefined;

  constructor(parties: number, action?: () => unknown, timeout?: number | null) {
    const shared = takeShared();
    if (shared) {
      this.#i32 = new Int32Array(shared);
      this.#action = undefined;
      return;
    }
    if (!Number.isInteger(parties) || parties < 1) throw new RangeError('parties must be an integer >= 1');
    if (action !== undefined && action !== null && typeof action !== 'function') throw new TypeError('action must be a function');
    if (timeout !== undefined && timeout !== null && (typeof timeout !== 'number' || timeout < 0)) {
      throw new RangeError('timeout must be a number of milliseconds >= 0');
    }
    this.#i32 = new Int32Array(new SharedArrayBuffer(48));
    this.#i32[B.PARTIES] = parties;
    this.#i32[B.TIMEOUT] = timeout ?? -1;
    this.#action = action ?? undefined;
    if (this.#action) {
      this.#i32[B.HAS_ACTION] = 1;
      void this.#serveAction();
    }
  }

  /**
   * In the creating thread: runs the action when the last party to arrive is another thread
   * (it asks through ACTION_REQ). Not ref'd: a barrier nobody waits on keeps nothing alive.
   */
  async #serveAction(): Promise<void> {
    const i32 = this.#i32;
    for (;;) {
      await watchWord(i32, B.ACTION_REQ, 0);
      if (Atomics.load(i32, B.ACTION_REQ) !== 1) continue;
      Atomics.store(i32, B.ACTION_REQ, 0);
      await this.#runActionAndRelease();
    }
  }

  async #runActionAndRelease(): Promise<boolean> {
    const i32 = this.#i32;
    try {
      await (this.#action as () => unknown)();
    } catch {
      await this.abort();
      return false;
    }
    lockMutex(i32, B.MUTEX);
    try {
      i32[B.COUNT] = 0;
      Atomics.add(i32, B.GENERATION, 1);
    } finally {
      unlockMutex(i32, B.MUTEX);
    }
    Atomics.notify(i32, B.GENERATION);
    return true;
  }

  get parties(): number {
    return this.#i32[B.PARTIES];
  }

  /** Python's `n_waiting`. */
  async nWaiting(): Promise<number> {
    return Atomics.load(this.#i32, B.COUNT);
  }

  /** Python's `broken`. */
  async broken(): Promise<boolean> {
    return Atomics.load(this.#i32, B.BROKEN) === 1;
  }

  /** Waits for all parties; resolves with this party's arrival index. */
  async wait(options?: WaitOptions): Promise<number> {
    checkWaitOptions(options, 'options');
    const i32 = this.#i32;
    let index = 0;
    let gen = 0;
    for (;;) {
      lockMutex(i32, B.MUTEX);
      let last = false;
      let busy = -1;
      try {
        if (i32[B.BROKEN]) throw new BrokenBarrierError();
        index = i32[B.COUNT];
        gen = i32[B.GENERATION];
        if (index >= i32[B.PARTIES]) busy = gen;
        else {
          i32[B.COUNT] = index + 1;
          last = index + 1 === i32[B.PARTIES];
        }
      } finally {
        unlockMutex(i32, B.MUTEX);
      }
      if (busy >= 0) {
        // The previous generation's last party is running the action: wait for it to finish.
        await waitUntil(i32, B.GENERATION, -1, () => (Atomics.load(i32, B.GENERATION) !== busy || Atomics.load(i32, B.BROKEN) === 1 ? true : undefined), undefined, () => true);
        continue;
      }
      if (!last) break;
      if (this.#action) {
        if (!(await this.#runActionAndRelease())) throw new BrokenBarrierError('The barrier action threw; the barrier is broken');
        return index;
      }
      if (i32[B.HAS_ACTION]) {
        // The action lives in the thread that created the barrier: ask it, and wait as the others do.
        Atomics.store(i32, B.ACTION_REQ, 1);
        Atomics.notify(i32, B.ACTION_REQ);
        break;
      }
      lockMutex(i32, B.MUTEX);
      try {
        i32[B.COUNT] = 0;
        Atomics.add(i32, B.GENERATION, 1);
      } finally {
        unlockMutex(i32, B.MUTEX);
      }
      Atomics.notify(i32, B.GENERATION);
      return index;
    }
    const dflt = i32[B.TIMEOUT] >= 0 ? i32[B.TIMEOUT] : null;
    const timeout = options?.timeout === undefined ? dflt : options.timeout;
    let ok: boolean;
    try {
      ok = await waitUntil(
        i32,
        B.GENERATION,
        -1,
        () => (Atomics.load(i32, B.GENERATION) !== gen || Atomics.load(i32, B.BROKEN) === 1 ? true : undefined),
        { timeout, signal: options?.signal },
        () => false,
      );
    } catch (err) {
      await this.abort();
      throw err;
    }
    if (!ok) {
      await this.abort();
      throw new BrokenBarrierError('The barrier timed out and is now broken');
    }
    if (Atomics.load(i32, B.BROKEN_GEN) === gen + 1) throw new BrokenBarrierError();
    return index;
  }

  /** Breaks the barrier: current and later waiters reject with `BrokenBarrierError` until `reset()`. */
  async abort(): Promise<void> {
    const i32 = this.#i32;
    lockMutex(i32, B.MUTEX);
    try {
      i32[B.BROKEN] = 1;
      Atomics.store(i32, B.BROKEN_GEN, i32[B.GENERATION] + 1);
      Atomics.add(i32, B.GENERATION, 1);
      i32[B.COUNT] = 0;
    } finally {
      unlockMutex(i32, B.MUTEX);
    }
    Atomics.notify(i32, B.GENERATION);
  }

  /** Back to the initial state; parties waiting now reject with `BrokenBarrierError`. */
  async reset(): Promise<void> {
    const i32 = this.#i32;
    lockMutex(i32, B.MUTEX);
    try {
      if (i32[B.COUNT] > 0) {
        Atomics.store(i32, B.BROKEN_GEN, i32[B.GENERATION] + 1);
        Atomics.add(i32, B.GENERATION, 1);
        i32[B.COUNT] = 0;
      }
      i32[B.BROKEN] = 0;
    } finally {
      unlockMutex(i32, B.MUTEX);
    }
    Atomics.notify(i32, B.GENERATION);
  }

  [kShare](): Shared {
    return { type: 'Barrier', state: this.#i32.buffer };
  }
}

registerShareable('Barrier', (sab: SharedArrayBuffer) => withShared(sab, () => new Barrier(0)));

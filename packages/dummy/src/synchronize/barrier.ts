import { checkWaitOptions, type WaitOptions } from '@proc/core';
import { BrokenBarrierError } from '../errors.js';
import { lockMutex, unlockMutex } from '../runtime/spin-mutex.js';
import { kShare, registerShareable, type Shared } from '../transport/shareable.js';
import { waitUntil } from './wait-loop.js';

const B = { MUTEX: 0, SLEEPERS: 1, PARTIES: 2, COUNT: 3, GENERATION: 4, BROKEN: 5, BROKEN_GEN: 6 } as const;

export interface BarrierOptions {
  /** Run by the last thread to arrive, before the others are released (in the thread that created the barrier only, since functions do not cross threads). */
  action?: () => unknown;
  /** Default `timeout` of `wait`. */
  timeout?: number | null;
}

/** Python's `Barrier` on threads. */
export class Barrier {
  readonly #i32: Int32Array;
  readonly #action: (() => unknown) | undefined;
  readonly #timeout: number | null;

  constructor(parties: number, options: BarrierOptions = {}, shared?: SharedArrayBuffer) {
    if (shared instanceof SharedArrayBuffer) {
      this.#i32 = new Int32Array(shared);
    } else {
      if (!Number.isInteger(parties) || parties < 1) throw new RangeError('parties must be an integer >= 1');
      this.#i32 = new Int32Array(new SharedArrayBuffer(32));
      this.#i32[B.PARTIES] = parties;
    }
    this.#action = options.action;
    this.#timeout = options.timeout ?? null;
  }

  get parties(): number {
    return this.#i32[B.PARTIES];
  }

  /** Threads waiting now (Python's `n_waiting`). */
  get nWaiting(): number {
    return Atomics.load(this.#i32, B.COUNT);
  }

  get broken(): boolean {
    return Atomics.load(this.#i32, B.BROKEN) === 1;
  }

  /** Resolves an index in `0..parties-1`, distinct for each party of one generation. */
  async wait(options?: WaitOptions): Promise<number> {
    if (options !== undefined) checkWaitOptions(options);
    const i32 = this.#i32;
    let index: number;
    let gen: number;
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
        await waitUntil(i32, B.GENERATION, -1, () => (Atomics.load(i32, B.GENERATION) !== busy ? true : undefined), undefined, () => true);
        continue;
      }
      if (!last) break;
      if (this.#action) {
        try {
          await this.#action();
        } catch (err) {
          this.abort();
          throw err;
        }
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
    const timeout = options?.timeout === undefined ? this.#timeout : options.timeout;
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
      this.abort();
      throw err;
    }
    if (!ok) {
      this.abort();
      throw new BrokenBarrierError('The barrier timed out and is now broken');
    }
    if (Atomics.load(i32, B.BROKEN_GEN) === gen + 1) {
      throw new BrokenBarrierError();
    }
    return index;
  }

  /** Breaks the barrier: current and later waiters get `BrokenBarrierError` until `reset()`. */
  abort(): void {
    lockMutex(this.#i32, B.MUTEX);
    try {
      this.#breakLocked();
    } finally {
      unlockMutex(this.#i32, B.MUTEX);
    }
  }

  #breakLocked(): void {
    const i32 = this.#i32;
    i32[B.BROKEN] = 1;
    Atomics.store(i32, B.BROKEN_GEN, i32[B.GENERATION] + 1);
    Atomics.add(i32, B.GENERATION, 1);
    i32[B.COUNT] = 0;
    Atomics.notify(i32, B.GENERATION);
  }

  /** Back to the empty state; threads waiting now get `BrokenBarrierError`. */
  reset(): void {
    const i32 = this.#i32;
    lockMutex(i32, B.MUTEX);
    try {
      if (i32[B.COUNT] > 0) {
        Atomics.store(i32, B.BROKEN_GEN, i32[B.GENERATION] + 1);
        Atomics.add(i32, B.GENERATION, 1);
        i32[B.COUNT] = 0;
        Atomics.notify(i32, B.GENERATION);
      }
      i32[B.BROKEN] = 0;
    } finally {
      unlockMutex(i32, B.MUTEX);
    }
  }

  [kShare](): Shared {
    return { type: 'Barrier', state: { sab: this.#i32.buffer, timeout: this.#timeout } };
  }
}

registerShareable('Barrier', (s: { sab: SharedArrayBuffer; timeout: number | null }) => new Barrier(0, { timeout: s.timeout }, s.sab));

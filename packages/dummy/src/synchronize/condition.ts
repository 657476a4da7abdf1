import { checkWaitOptions, type WaitOptions } from '@proc/core';
import { kShare, registerShareable, type Shared } from '../transport/shareable.js';
import { L, Lock, RLock } from './lock.js';
import { waitUntil } from './wait-loop.js';

const C = { NEXT_TICKET: 0, NOTIFIED: 1, WAITERS: 2 } as const;

/**
 * Python's `Condition` on threads. Waiters take tickets in arrival order; `notify(n)` moves the
 * "notified up to" mark n tickets on, so exactly the n longest-waiting are woken.
 */
export class Condition {
  readonly #lock: Lock;
  readonly #i32: Int32Array;

  constructor(lock?: Lock, shared?: SharedArrayBuffer) {
    if (lock !== undefined && !(lock instanceof Lock)) throw new TypeError('lock must be a Lock or RLock');
    this.#lock = lock ?? new RLock();
    this.#i32 = new Int32Array(shared instanceof SharedArrayBuffer ? shared : new SharedArrayBuffer(16));
  }

  acquire(options?: Parameters<Lock['acquire']>[0]): Promise<boolean> {
    return this.#lock.acquire(options);
  }

  release(): void {
    this.#lock.release();
  }

  async withLock<R>(fn: () => R | Promise<R>): Promise<R> {
    return this.#lock.withLock(fn);
  }

  /**
   * Releases the lock, waits for `notify`, takes the lock again. Resolves `false` when `timeout`
   * passed first (Python's return value).
   */
  async wait(options?: WaitOptions): Promise<boolean> {
    if (options !== undefined) checkWaitOptions(options);
    const i32 = this.#i32;
    const held = lockWords(this.#lock);
    if (!this.#lock.locked()) throw new RangeError('cannot wait on un-acquired lock');
    const depth = this.#lock instanceof RLock ? Atomics.load(held, L.COUNT) : 1;
    const ticket = Atomics.add(i32, C.NEXT_TICKET, 1);
    Atomics.add(i32, C.WAITERS, 1);
    for (let i = 0; i < depth; i++) this.#lock.release();
    let notified = false;
    try {
      notified = await waitUntil(
        i32,
        C.NOTIFIED,
        -1,
        () => (Atomics.load(i32, C.NOTIFIED) > ticket ? true : undefined),
        options,
        () => false,
      );
    } finally {
      Atomics.sub(i32, C.WAITERS, 1);
      await this.#lock.acquire();
      if (depth > 1) Atomics.store(held, L.COUNT, depth);
    }
    return notified;
  }

  /** Waits until `predicate()` is truthy (Python's `wait_for`); resolves its last value. */
  async waitFor<R>(predicate: () => R | Promise<R>, options?: WaitOptions): Promise<R> {
    if (options !== undefined) checkWaitOptions(options);
    const deadline = options?.timeout == null ? null : performance.now() + options.timeout;
    let result = await predicate();
    while (!result) {
      const left = deadline === null ? null : deadline - performance.now();
      if (left !== null && left <= 0) break;
      await this.wait({ timeout: left, signal: options?.signal });
      result = await predicate();
    }
    return result;
  }

  /** Wakes up to `n` waiters. */
  notify(n = 1): void {
    if (!this.#lock.locked()) throw new RangeError('cannot notify on un-acquired lock');
    const i32 = this.#i32;
    for (;;) {
      const cur = Atomics.load(i32, C.NOTIFIED);
      const next = Math.min(cur + n, Atomics.load(i32, C.NEXT_TICKET));
      if (next <= cur) return;
      if (Atomics.compareExchange(i32, C.NOTIFIED, cur, next) === cur) break;
    }
    Atomics.notify(i32, C.NOTIFIED);
  }

  notifyAll(): void {
    this.notify(0x7fffffff);
  }

  [kShare](): Shared {
    return { type: 'Condition', state: { lock: this.#lock, sab: this.#i32.buffer } };
  }
}

function lockWords(lock: Lock): Int32Array {
  return (lock as unknown as { i32: Int32Array }).i32;
}

registerShareable('Condition', (s: { lock: Lock; sab: SharedArrayBuffer }) => new Condition(s.lock, s.sab));

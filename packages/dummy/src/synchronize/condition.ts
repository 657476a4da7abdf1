import { checkWaitOptions, StateError } from '@proc/core';
import { kShare, registerShareable, type Shared } from '../transport/shareable.js';
import { Acquirable, type AcquireOptions } from './acquirable.js';
import { Lock, RLock, takeShared, withShared } from './lock.js';
import { currentOwner } from './owner.js';
import { waitUntil } from './wait-loop.js';

const C = { NEXT_TICKET: 0, NOTIFIED: 1 } as const;

export interface ConditionWaitOptions {
  /** Milliseconds to wait for a notify; then `wait` resolves `false`. @default no limit */
  timeout?: number | null;
  /** Aborting rejects with `AbortError` (after the lock is held again, as after any wait). */
  signal?: AbortSignal;
}

/**
 * Python's `Condition(lock=None)` on threads (the lock is an RLock by default). Waiters take
 * tickets in arrival order; `notify(n)` moves the "notified up to" mark n tickets on, so the n
 * longest-waiting are woken.
 */
export class Condition extends Acquirable {
  readonly #lock: Lock | RLock;
  readonly #i32: Int32Array;

  constructor(lock?: Lock | RLock) {
    super();
    if (lock !== undefined && !(lock instanceof Lock)) throw new TypeError('lock must be a Lock or an RLock');
    const shared = takeShared();
    this.#lock = lock ?? new RLock();
    this.#i32 = new Int32Array(shared ?? new SharedArrayBuffer(8));
  }

  /** The underlying lock. */
  get lock(): Lock | RLock {
    return this.#lock;
  }

  acquire(options?: AcquireOptions): Promise<boolean> {
    return this.#lock.acquire(options);
  }

  release(): Promise<void> {
    return this.#lock.release();
  }

  /** Resolves `true` when notified, `false` on timeout; the lock is held again either way. */
  async wait(options?: ConditionWaitOptions): Promise<boolean> {
    checkWaitOptions(options, 'options');
    const word = this.#lock.word;
    const owner = currentOwner();
    if (!word.isMine(owner)) throw new StateError('cannot wait on un-acquired lock');
    const i32 = this.#i32;
    const ticket = Atomics.add(i32, C.NEXT_TICKET, 1);
    const depth = word.releaseAll();
    let notified = false;
    let failure: unknown;
    try {
      notified = await waitUntil(
        i32,
        C.NOTIFIED,
        -1,
        () => (Atomics.load(i32, C.NOTIFIED) > ticket ? true : undefined),
        { timeout: options?.timeout ?? null, signal: options?.signal },
        () => false,
      );
    } catch (err) {
      failure = err;
    }
    // Hold the lock again, whatever ended the wait (an abandoned lock is ours all the same).
    await word.acquire(undefined).catch(() => {});
    word.restore(depth);
    if (failure !== undefined) throw failure;
    return notified;
  }

  /** Python's `wait_for(predicate, timeout)`: resolves with the predicate's last value. */
  async waitFor<R>(predicate: () => R | Promise<R>, options?: ConditionWaitOptions): Promise<R> {
    if (typeof predicate !== 'function') throw new TypeError('predicate must be a function');
    checkWaitOptions(options, 'options');
    const end = options?.timeout == null ? null : performance.now() + options.timeout;
    let result = await predicate();
    while (!result) {
      let wait: number | null = null;
      if (end !== null) {
        wait = end - performance.now();
        if (wait <= 0) break;
      }
      await this.wait({ timeout: wait, signal: options?.signal });
      result = await predicate();
    }
    return result;
  }

  /** Wakes up to `n` waiters; rejects with `StateError` unless the caller holds the lock. */
  async notify(n = 1): Promise<void> {
    if (!Number.isInteger(n) || n < 0) throw new RangeError('n must be an integer >= 0');
    if (!this.#lock.word.isMine()) throw new StateError('cannot notify on un-acquired lock');
    const i32 = this.#i32;
    for (;;) {
      const cur = Atomics.load(i32, C.NOTIFIED);
      const next = Math.min(cur + n, Atomics.load(i32, C.NEXT_TICKET));
      if (next <= cur) return;
      if (Atomics.compareExchange(i32, C.NOTIFIED, cur, next) === cur) break;
    }
    Atomics.notify(i32, C.NOTIFIED);
  }

  async notifyAll(): Promise<void> {
    await this.notify(0x7fffffff);
  }

  [kShare](): Shared {
    return { type: 'Condition', state: { lock: this.#lock, sab: this.#i32.buffer } };
  }
}

registerShareable('Condition', (s: { lock: Lock; sab: SharedArrayBuffer }) => withShared(s.sab, () => new Condition(s.lock)));

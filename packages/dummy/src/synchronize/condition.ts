import { checkWaitOptions, StateError } from '@proc/core';
import { kShare, registerShareable, type Shared } from '../transport/shareable.js';
import { Acquirable, type AcquireOptions } from './acquirable.js';
import { Lock, RLock, takeShared, withShared } from './lock.js';
import { currentOwner } from './owner.js';
import { waitUntil } from './wait-loop.js';
import { WaiterTable } from './waiter-table.js';

export interface ConditionWaitOptions {
  /** Milliseconds to wait for a notify; then `wait` resolves `false`. @default no limit */
  timeout?: number | null;
  /** Aborting rejects with `AbortError` (after the lock is held again, as after any wait). */
  signal?: AbortSignal;
}

/**
 * Python's `Condition(lock=None)` on threads (the lock is an RLock by default). Each waiter has
 * a slot of its own in shared memory (Python's per-waiter lock); `notify(n)` marks the n
 * longest-waiting slots notified. A waiter whose wait times out or is aborted gives its slot up
 * with one compare-and-swap, so a notify cannot be spent on a waiter that has left (see
 * waiter-table.ts).
 */
export class Condition extends Acquirable {
  readonly #lock: Lock | RLock;
  readonly #waiters: WaiterTable;

  constructor(lock?: Lock | RLock) {
    super();
    if (lock !== undefined && !(lock instanceof Lock)) throw new TypeError('lock must be a Lock or an RLock');
    const shared = takeShared();
    this.#lock = lock ?? new RLock();
    this.#waiters = new WaiterTable(shared);
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
    const waiters = this.#waiters;
    // Registered while the lock is held, so a notify made after our release sees us.
    const slot = waiters.register();
    const depth = word.releaseAll();
    const i32 = waiters.i32;
    let notified = false;
    let failure: unknown;
    try {
      notified = await waitUntil(i32, slot, -1, () => (waiters.isNotified(slot) ? true : undefined), {
        timeout: options?.timeout ?? null,
        signal: options?.signal,
      }, () => false);
    } catch (err) {
      failure = err;
    }
    // Leave the table. If a notify chose us after the wait gave up, a timed-out wait takes it
    // as its wake-up (resolves true); an aborted one, which will not report it, passes it on.
    const chosen = waiters.leave(slot);
    let passOn = false;
    if (failure === undefined) notified = chosen;
    else passOn = chosen;
    // Hold the lock again, whatever ended the wait (an abandoned lock is ours all the same).
    await word.acquire(undefined).catch(() => {});
    word.restore(depth);
    if (passOn) waiters.notify(1);
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
    this.#waiters.notify(n);
  }

  async notifyAll(): Promise<void> {
    await this.notify(0x7fffffff);
  }

  [kShare](): Shared {
    return { type: 'Condition', state: { lock: this.#lock, sab: this.#waiters.sab } };
  }
}

registerShareable('Condition', (s: { lock: Lock; sab: SharedArrayBuffer }) => withShared(s.sab, () => new Condition(s.lock)));

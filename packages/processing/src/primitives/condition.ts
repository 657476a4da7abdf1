import { abortError, checkWaitOptions } from '@proc/core';
import { Acquirable, type AcquireOptions } from './acquirable.js';
import { attachingRef, internalsOf } from './base.js';
import { Lock, RLock } from './lock.js';
import { currentOwner } from './owner.js';
import { Op } from './protocol.js';

export interface ConditionWaitOptions {
  /** Milliseconds to wait for a notify; then `wait` resolves `false`. @default no limit */
  timeout?: number | null;
  /** Aborting rejects with `AbortError` (after the lock is held again, as after any wait). */
  signal?: AbortSignal;
}

/**
 * Python's `multiprocessing.Condition(lock=None)`: the lock is an RLock by default. The
 * Condition lives on its lock's host, whichever process creates it. `wait` releases the lock,
 * waits for a notify, and holds the lock again before it resolves.
 */
export class Condition extends Acquirable {
  readonly #lock: Lock | RLock;

  constructor(lock?: Lock | RLock) {
    const ref = attachingRef();
    const l = ref ? (ref.params.lock as Lock | RLock) : (lock ?? new RLock());
    if (!(l instanceof Lock || l instanceof RLock)) throw new TypeError('lock must be a Lock or an RLock');
    const li = internalsOf(l);
    super('Condition', { lock: l }, { kind: 'condition', lock: li.prim }, { channel: li.channel, address: li.ref.address, pid: li.ref.pid });
    this.#lock = l;
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
    const owner = currentOwner();
    const f = await this.channel.call(Op.CondWait, this.prim, options?.timeout ?? -1, 0, owner, undefined, {
      signal: options?.signal,
      onAbort: 'verdict',
    });
    if (f.b === 1) throw abortError(options?.signal as AbortSignal);
    return f.a === 1;
  }

  /** Python's `wait_for(predicate, timeout)`: waits until `predicate()` is truthy; resolves with its last value. */
  async waitFor<R>(predicate: () => R | Promise<R>, options?: ConditionWaitOptions): Promise<R> {
    if (typeof predicate !== 'function') throw new TypeError('predicate must be a function');
    checkWaitOptions(options, 'options');
    const timeout = options?.timeout ?? null;
    const end = timeout === null ? null : performance.now() + timeout;
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
    await this.channel.call(Op.Notify, this.prim, 0, n, currentOwner());
  }

  async notifyAll(): Promise<void> {
    await this.channel.call(Op.Notify, this.prim, 0, -1, currentOwner());
  }
}

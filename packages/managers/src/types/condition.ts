/** The referent of `manager.Condition(lock?)`: its lock is an RLock unless one is given. */
import { AbortError } from '@proc/core';
import { LockStateError } from '../errors.js';
import { currentCall } from '../server/call-context.js';
import { WaitQueue } from '../server/waiters.js';
import { type AcquireOptions, SharedLock, SharedRLock } from './lock.js';

export class SharedCondition {
  readonly #lock: SharedLock;
  #waiters = new WaitQueue<boolean>();

  constructor(lock?: unknown) {
    this.#lock = lock instanceof SharedLock ? lock : new SharedRLock();
  }

  acquire(options?: AcquireOptions): boolean | Promise<boolean> {
    return this.#lock.acquire(options);
  }

  release(): void {
    this.#lock.release();
  }

  /** Releases the lock, waits for a notify (or `timeout`: resolves `false`), reacquires. */
  async wait(options?: { timeout?: number | null }): Promise<boolean> {
    const owner = currentCall().owner;
    if (!this.#lock.isOwnedBy(owner)) throw new LockStateError('cannot wait on an un-acquired lock');
    const parked = this.#waiters.park(options?.timeout, () => false);
    const depth = this.#lock.releaseAll(owner);
    let result: boolean;
    try {
      result = await parked;
    } catch (err) {
      // Withdrawn: reacquire for a live client that gave up (its finally will release), not a dead one.
      if (owner.alive && err instanceof AbortError) await this.#lock.reacquire(owner, depth);
      throw err;
    }
    await this.#lock.reacquire(owner, depth);
    return result;
  }

  notify(n = 1): void {
    if (!this.#lock.isOwnedBy(currentCall().owner)) throw new LockStateError('cannot notify on an un-acquired lock');
    for (let i = 0; i < n; i++) {
      const w = this.#waiters.shift();
      if (!w) return;
      w.grant(true);
    }
  }

  notifyAll(): void {
    this.notify(Number.MAX_SAFE_INTEGER);
  }
}

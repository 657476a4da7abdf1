import { TimeoutError } from '@proc/core';
import { Primitive } from './base.js';
import type { AcquireOptions } from './client/lock-core.js';
import { LockAbandonedError } from './errors.js';

export type { AcquireOptions };

/** What `hold()` returns: release it by hand or with `await using`. */
export interface Held extends AsyncDisposable {
  release(): Promise<void>;
}

/** Shared by every primitive with acquire/release: `withLock` and `hold` (for `await using`). */
export abstract class Acquirable extends Primitive {
  abstract acquire(options?: AcquireOptions): Promise<boolean>;
  abstract release(): Promise<void>;

  /**
   * Acquires, runs `fn`, releases (also when `fn` throws). Rejects with `TimeoutError` when a
   * `timeout` passes first, and with `LockAbandonedError` (after releasing) when the previous
   * owner died holding the lock.
   */
  async withLock<R>(fn: () => R | Promise<R>, options?: AcquireOptions): Promise<R> {
    if (typeof fn !== 'function') throw new TypeError('withLock(fn): fn must be a function');
    await this.#acquireOrThrow(options);
    try {
      return await fn();
    } finally {
      await this.release();
    }
  }

  /** `await using held = await lock.hold()`: acquired now, released when the scope ends. */
  async hold(options?: AcquireOptions): Promise<Held> {
    await this.#acquireOrThrow(options);
    let released = false;
    const release = async () => {
      if (released) return;
      released = true;
      await this.release();
    };
    return { release, [Symbol.asyncDispose]: release };
  }

  async #acquireOrThrow(options?: AcquireOptions): Promise<void> {
    let ok: boolean;
    try {
      ok = await this.acquire(options);
    } catch (err) {
      if (err instanceof LockAbandonedError) await this.release();
      throw err;
    }
    if (!ok) {
      throw new TimeoutError(
        options?.block === false ? 'The lock is held by another owner' : `Could not acquire within ${options?.timeout} ms`,
      );
    }
  }
}

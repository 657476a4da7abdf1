import { TimeoutError, type WaitOptions } from '@proc/core';
import { LockAbandonedError } from '../errors.js';

export interface AcquireOptions extends WaitOptions {
  /** `false`: resolve `false` at once instead of waiting. @default true */
  block?: boolean;
}

/** What `hold()` returns: release it by hand or with `await using`. */
export interface Held extends AsyncDisposable {
  release(): Promise<void>;
}

/** Shared by every primitive with acquire/release: `withLock` and `hold` (for `await using`). */
export abstract class Acquirable {
  abstract acquire(options?: AcquireOptions): Promise<boolean>;
  abstract release(): Promise<void>;

  /** Acquires, runs `fn`, releases (also when `fn` throws). `TimeoutError` when not acquired in time. */
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
      throw new TimeoutError(options?.block === false ? 'The lock is held by another owner' : `Could not acquire within ${options?.timeout} ms`);
    }
  }
}

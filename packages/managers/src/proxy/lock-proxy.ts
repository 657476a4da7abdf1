import type { Undo } from '../client/manager-client.js';
import { BaseProxy, serverOptions, type WaitOptions } from './base-proxy.js';

export interface AcquireOptions extends WaitOptions {
  /** `false`: resolve `false` at once when the lock is taken. @default true */
  block?: boolean;
}

const release: Undo = (granted) => (granted === true ? ['release', []] : null);

/**
 * `manager.Lock()` / `manager.RLock()`. The owner is this process's connection to the manager
 * (an RLock is re-entered by any task of the same process).
 *
 * Abandoned locks: when the owner dies holding the lock, the server releases it, and the next
 * `acquire()` obtains the lock but rejects with `LockAbandonedError` (code
 * `PROC_ERR_LOCK_ABANDONED`, `acquired: true`): the caller holds the lock and should check the
 * state it guards before calling `release()`.
 */
export class LockProxy extends BaseProxy {
  /** `true` once held; `false` without `block` or after `timeout`. */
  acquire(options?: AcquireOptions): Promise<boolean> {
    try {
      const o = serverOptions(options);
      return this.$callWaiting('acquire', o ? [o] : [], options?.signal, release) as Promise<boolean>;
    } catch (err) {
      return Promise.reject(err);
    }
  }

  release(): Promise<void> {
    return this.$call('release') as Promise<void>;
  }

  locked(): Promise<boolean> {
    return this.$call('locked') as Promise<boolean>;
  }

  /** Runs `fn` holding the lock (released however `fn` ends). */
  async withLock<R>(fn: () => R | Promise<R>, options?: AcquireOptions): Promise<R> {
    await this.acquire(options);
    try {
      return await fn();
    } finally {
      await this.release();
    }
  }
}

export class RLockProxy extends LockProxy {}

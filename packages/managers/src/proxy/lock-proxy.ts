import type { Undo } from '../client/manager-client.js';
import { currentOwner } from '../client/owner.js';
import { BaseProxy, serverOptions, type WaitOptions } from './base-proxy.js';

export interface AcquireOptions extends WaitOptions {
  /** `false`: resolve `false` at once when the lock is taken. @default true */
  block?: boolean;
}

const release: Undo = (granted) => (granted === true ? ['release', []] : null);

/**
 * `manager.Lock()` / `manager.RLock()`. The owner is the calling async task of this process: each
 * call carries the task's owner token (its AsyncLocalStorage context, see `ownerScope`) and the
 * server keys ownership by connection + token, so two unrelated tasks of one process do not share
 * an RLock, and re-entry works only within the owning task.
 *
 * Abandoned locks: when the owner's process dies holding the lock, the server releases it, and
 * the next `acquire()` obtains the lock but rejects with `LockAbandonedError` (code
 * `PROC_ERR_LOCK_ABANDONED`, `acquired: true`): the caller holds the lock and should check the
 * state it guards before calling `release()`.
 */
export class LockProxy extends BaseProxy {
  /** `true` once held; `false` without `block` or after `timeout`. */
  acquire(options?: AcquireOptions): Promise<boolean> {
    try {
      const o = serverOptions(options);
      return this.$callWaiting('acquire', o ? [o] : [], options?.signal, release, currentOwner()) as Promise<boolean>;
    } catch (err) {
      return Promise.reject(err);
    }
  }

  release(): Promise<void> {
    return this.$callAsTask('release') as Promise<void>;
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

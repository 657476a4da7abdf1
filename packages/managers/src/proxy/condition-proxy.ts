import { currentOwner } from '../client/owner.js';
import { BaseProxy, serverOptions, type WaitOptions } from './base-proxy.js';
import type { AcquireOptions } from './lock-proxy.js';

/**
 * `manager.Condition(lock?)`. `wait` releases the lock, waits for a notify, reacquires. Ownership
 * (who may `wait`/`notify`/`release`) is per async task, as for `LockProxy`.
 */
export class ConditionProxy extends BaseProxy {
  acquire(options?: AcquireOptions): Promise<boolean> {
    try {
      const o = serverOptions(options);
      return this.$callWaiting('acquire', o ? [o] : [], options?.signal, (g) => (g === true ? ['release', []] : null), currentOwner()) as Promise<boolean>;
    } catch (err) {
      return Promise.reject(err);
    }
  }

  release(): Promise<void> {
    return this.$callAsTask('release') as Promise<void>;
  }

  /** `true` when notified, `false` after `timeout`. The lock is held again either way. */
  wait(options?: WaitOptions): Promise<boolean> {
    try {
      const o = serverOptions(options);
      return this.$callWaiting('wait', o ? [o] : [], options?.signal, null, currentOwner()) as Promise<boolean>;
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** Waits until `predicate()` is truthy (checked with the lock held); its last value. */
  async waitFor<R>(predicate: () => R | Promise<R>, options?: WaitOptions): Promise<R> {
    const deadline = options?.timeout === undefined || options.timeout === null ? null : Date.now() + options.timeout;
    let r = await predicate();
    while (!r) {
      const left = deadline === null ? null : deadline - Date.now();
      if (left !== null && left <= 0) return r;
      await this.wait({ timeout: left, signal: options?.signal });
      r = await predicate();
    }
    return r;
  }

  notify(n = 1): Promise<void> {
    return this.$callAsTask('notify', [n]) as Promise<void>;
  }

  notifyAll(): Promise<void> {
    return this.$callAsTask('notifyAll') as Promise<void>;
  }
}


import type { Undo } from '../client/manager-client.js';
import { BaseProxy, serverOptions } from './base-proxy.js';
import type { AcquireOptions } from './lock-proxy.js';

const release: Undo = (granted) => (granted === true ? ['release', []] : null);

/** `manager.Semaphore(n)` / `manager.BoundedSemaphore(n)` (over-release: `LockStateError`). */
export class SemaphoreProxy extends BaseProxy {
  acquire(options?: AcquireOptions): Promise<boolean> {
    try {
      const o = serverOptions(options);
      return this.$callWaiting('acquire', o ? [o] : [], options?.signal, release) as Promise<boolean>;
    } catch (err) {
      return Promise.reject(err);
    }
  }

  release(n?: number): Promise<void> {
    return this.$call('release', n === undefined ? [] : [n]) as Promise<void>;
  }

  getValue(): Promise<number> {
    return this.$call('getValue') as Promise<number>;
  }
}

export class BoundedSemaphoreProxy extends SemaphoreProxy {}

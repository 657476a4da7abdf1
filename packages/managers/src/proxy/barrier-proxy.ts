import { BaseProxy, serverOptions, type WaitOptions } from './base-proxy.js';

/** `manager.Barrier(parties, { timeout })`. */
export class BarrierProxy extends BaseProxy {
  /** The arrival index (0 .. parties-1); `BrokenBarrierError` when broken, reset or timed out. */
  wait(options?: WaitOptions): Promise<number> {
    try {
      const o = serverOptions(options);
      return this.$callWaiting('wait', o ? [o] : [], options?.signal, null) as Promise<number>;
    } catch (err) {
      return Promise.reject(err);
    }
  }

  abort(): Promise<void> {
    return this.$call('abort') as Promise<void>;
  }

  reset(): Promise<void> {
    return this.$call('reset') as Promise<void>;
  }

  parties(): Promise<number> {
    return this.$call('parties') as Promise<number>;
  }

  nWaiting(): Promise<number> {
    return this.$call('nWaiting') as Promise<number>;
  }

  broken(): Promise<boolean> {
    return this.$call('broken') as Promise<boolean>;
  }
}

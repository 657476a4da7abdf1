import { BaseProxy, serverOptions, type WaitOptions } from './base-proxy.js';

/** `manager.Event()`. */
export class EventProxy extends BaseProxy {
  set(): Promise<void> {
    return this.$call('set') as Promise<void>;
  }

  clear(): Promise<void> {
    return this.$call('clear') as Promise<void>;
  }

  isSet(): Promise<boolean> {
    return this.$call('isSet') as Promise<boolean>;
  }

  /** `true` once set, `false` after `timeout`. */
  wait(options?: WaitOptions): Promise<boolean> {
    try {
      const o = serverOptions(options);
      return this.$callWaiting('wait', o ? [o] : [], options?.signal, null) as Promise<boolean>;
    } catch (err) {
      return Promise.reject(err);
    }
  }
}

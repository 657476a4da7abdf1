import { BaseProxy } from './base-proxy.js';

/** `manager.Value(typecode, value)`: Python's `v.value` is `await v.get()` / `await v.set(x)`. */
export class ValueProxy<T = unknown> extends BaseProxy {
  get(): Promise<T> {
    return this.$call('get') as Promise<T>;
  }

  set(value: T): Promise<void> {
    return this.$call('set', [value]) as Promise<void>;
  }

  typecode(): Promise<string | null> {
    return this.$call('typecode') as Promise<string | null>;
  }
}

import { BaseProxy } from './base-proxy.js';

/** `manager.Namespace()`: named attributes (Python's `ns.x` is `await ns.get('x')`). */
export class NamespaceProxy<T extends Record<string, unknown> = Record<string, unknown>> extends BaseProxy {
  get<N extends keyof T & string>(name: N): Promise<T[N] | undefined> {
    return this.$call('get', [name]) as Promise<T[N] | undefined>;
  }

  set<N extends keyof T & string>(name: N, value: T[N]): Promise<void> {
    return this.$call('set', [name, value]) as Promise<void>;
  }

  has(name: keyof T & string): Promise<boolean> {
    return this.$call('has', [name]) as Promise<boolean>;
  }

  delete(name: keyof T & string): Promise<boolean> {
    return this.$call('delete', [name]) as Promise<boolean>;
  }

  /** A local copy of every attribute. */
  toObject(): Promise<Partial<T>> {
    return this.$call('toObject') as Promise<Partial<T>>;
  }
}

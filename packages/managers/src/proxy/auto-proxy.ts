/**
 * A proxy for a registered type without a `proxyType` (Python's AutoProxy): every method in the
 * token's `exposed` list becomes `(...args) => Promise`. Anything else reads `undefined`, `then`
 * included, so awaiting it never hangs.
 */
import { BaseProxy, type ProxyInit } from './base-proxy.js';

// biome-ignore lint/suspicious/noExplicitAny: a remote object's methods take anything
export type AutoProxy = BaseProxy & Record<string, (...args: any[]) => Promise<any>>;

export function makeAutoProxy(init: ProxyInit): AutoProxy {
  const base = new BaseProxy(init);
  const exposed = new Set(init.token.exposed ?? []);
  const methods = new Map<string, (...args: unknown[]) => Promise<unknown>>();
  return new Proxy(base, {
    get(target, prop, receiver) {
      if (typeof prop !== 'string' || prop.startsWith('$') || prop === 'then' || !exposed.has(prop)) {
        const v = Reflect.get(target, prop, target);
        return typeof v === 'function' ? v.bind(target) : v;
      }
      let m = methods.get(prop);
      if (!m) {
        m = (...args: unknown[]) => target.$call(prop, args);
        methods.set(prop, m);
      }
      void receiver;
      return m;
    },
    has(target, prop) {
      return (typeof prop === 'string' && exposed.has(prop)) || prop in target;
    },
  }) as AutoProxy;
}

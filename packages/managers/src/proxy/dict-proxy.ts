import { checkKey, type DictKey } from '../types/keys.js';
import { BaseProxy } from './base-proxy.js';

function key(k: unknown): DictKey {
  return checkKey(k);
}

function guard<T>(f: () => Promise<T>): Promise<T> {
  try {
    return f();
  } catch (err) {
    return Promise.reject(err);
  }
}

/**
 * `manager.dict()`: a Map-like shared dict. Keys are primitives (string, number, bigint,
 * boolean); an object key rejects with `InvalidKeyError`. Each method is atomic on the server.
 */
export class DictProxy<K extends DictKey = DictKey, V = unknown> extends BaseProxy {
  /** The value, or `dflt` (default `undefined`) when the key is absent. */
  get(k: K): Promise<V | undefined>;
  get<D>(k: K, dflt: D): Promise<V | D>;
  get(k: K, ...dflt: unknown[]): Promise<unknown> {
    // The hot path of the headline figure: no closure.
    try {
      return this.$call('get', dflt.length > 0 ? [key(k), dflt[0]] : [key(k)]);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  set(k: K, value: V): Promise<void> {
    return guard(() => this.$call('set', [key(k), value]) as Promise<void>);
  }

  has(k: K): Promise<boolean> {
    return guard(() => this.$call('has', [key(k)]) as Promise<boolean>);
  }

  /** `true` when the key was there. */
  delete(k: K): Promise<boolean> {
    return guard(() => this.$call('delete', [key(k)]) as Promise<boolean>);
  }

  keys(): Promise<K[]> {
    return this.$call('keys') as Promise<K[]>;
  }

  values(): Promise<V[]> {
    return this.$call('values') as Promise<V[]>;
  }

  items(): Promise<[K, V][]> {
    return this.$call('items') as Promise<[K, V][]>;
  }

  len(): Promise<number> {
    return this.$call('len') as Promise<number>;
  }

  /** Sets every entry of a Map, an array of pairs, or a plain object, atomically. */
  update(other: Map<K, V> | Iterable<[K, V]> | Record<string, V>): Promise<void> {
    return guard(() => {
      const arg = other instanceof Map || Array.isArray(other) ? other : Symbol.iterator in Object(other) ? [...(other as Iterable<[K, V]>)] : other;
      if (Array.isArray(arg)) for (const [k] of arg as [K, V][]) key(k);
      if (arg instanceof Map) for (const k of arg.keys()) key(k);
      return this.$call('update', [arg]) as Promise<void>;
    });
  }

  /** Removes the key and returns its value; `dflt` when absent, or `KeyError` without one. */
  pop(k: K): Promise<V>;
  pop<D>(k: K, dflt: D): Promise<V | D>;
  pop(k: K, ...dflt: unknown[]): Promise<unknown> {
    return guard(() => this.$call('pop', [key(k), ...dflt.slice(0, 1)]));
  }

  /** Removes and returns the last inserted entry (`KeyError` when empty). */
  popitem(): Promise<[K, V]> {
    return this.$call('popitem') as Promise<[K, V]>;
  }

  /** The value; when absent, sets it to `dflt` first (atomically). */
  setdefault(k: K, dflt?: V): Promise<V> {
    return guard(() => this.$call('setdefault', [key(k), dflt]) as Promise<V>);
  }

  clear(): Promise<void> {
    return this.$call('clear') as Promise<void>;
  }

  /** A local copy. */
  copy(): Promise<Map<K, V>> {
    return this.$call('copy') as Promise<Map<K, V>>;
  }
}

/** The referent of `manager.dict()`: a Map with Python's dict methods. */
import { KeyError } from '../errors.js';
import { contentsSymbol } from '../server/server-ref.js';
import { checkKey, type DictKey } from './keys.js';

export class SharedDict {
  #m: Map<DictKey, unknown>;

  constructor(init?: Iterable<[DictKey, unknown]> | Record<string, unknown> | Map<DictKey, unknown>) {
    this.#m = new Map();
    if (init !== undefined && init !== null) this.update(init);
  }

  get(key: DictKey, dflt?: unknown): unknown {
    const v = this.#m.get(key);
    return v === undefined && !this.#m.has(key) ? dflt : v;
  }

  set(key: DictKey, value: unknown): void {
    this.#m.set(checkKey(key), value);
  }

  has(key: DictKey): boolean {
    return this.#m.has(key);
  }

  delete(key: DictKey): boolean {
    return this.#m.delete(key);
  }

  keys(): DictKey[] {
    return [...this.#m.keys()];
  }

  values(): unknown[] {
    return [...this.#m.values()];
  }

  items(): [DictKey, unknown][] {
    return [...this.#m.entries()];
  }

  len(): number {
    return this.#m.size;
  }

  update(other: Iterable<[DictKey, unknown]> | Record<string, unknown> | Map<DictKey, unknown>): void {
    if (other instanceof Map || Array.isArray(other)) {
      for (const [k, v] of other as Iterable<[DictKey, unknown]>) this.#m.set(checkKey(k), v);
    } else if (typeof other === 'object' && other !== null) {
      for (const k of Object.keys(other)) this.#m.set(k, (other as Record<string, unknown>)[k]);
    } else {
      throw new TypeError('update() takes a Map, an array of [key, value] pairs, or a plain object');
    }
  }

  pop(key: DictKey, ...dflt: [unknown?]): unknown {
    if (this.#m.has(key)) {
      const v = this.#m.get(key);
      this.#m.delete(key);
      return v;
    }
    if (dflt.length > 0) return dflt[0];
    throw new KeyError(`Key not found: ${String(key)}`);
  }

  popitem(): [DictKey, unknown] {
    let last: DictKey | undefined;
    let found = false;
    for (const k of this.#m.keys()) {
      last = k;
      found = true;
    }
    if (!found) throw new KeyError('popitem(): dictionary is empty');
    const v = this.#m.get(last as DictKey);
    this.#m.delete(last as DictKey);
    return [last as DictKey, v];
  }

  setdefault(key: DictKey, dflt?: unknown): unknown {
    if (this.#m.has(key)) return this.#m.get(key);
    this.#m.set(checkKey(key), dflt);
    return dflt;
  }

  clear(): void {
    this.#m.clear();
  }

  copy(): Map<DictKey, unknown> {
    return new Map(this.#m);
  }

  [contentsSymbol](): Iterable<unknown> {
    return this.#m.values();
  }
}

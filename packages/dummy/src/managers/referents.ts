/**
 * What a thread manager serves: plain objects living in the thread that created the manager,
 * with the methods of @proc/managers' shared types (synchronous here: the proxy makes them
 * Promise-returning).
 */
import { IndexError, InvalidKeyError, KeyError, ValueError } from '@proc/managers';

type DictKey = string | number | bigint | boolean;

function checkKey(key: unknown): DictKey {
  const t = typeof key;
  if (t === 'string' || t === 'number' || t === 'bigint' || t === 'boolean') return key as DictKey;
  throw new InvalidKeyError(
    `A shared dict key must be a string, number, bigint or boolean, got ${key === null ? 'null' : t}: an object key rebuilt in another thread would never equal yours. Use a string id instead.`,
  );
}

export class DictReferent {
  readonly m = new Map<DictKey, unknown>();

  constructor(init?: unknown) {
    if (init !== undefined && init !== null) this.update(init);
  }

  get(key: DictKey, ...dflt: unknown[]): unknown {
    const v = this.m.get(key);
    return v === undefined && !this.m.has(key) ? dflt[0] : v;
  }

  set(key: DictKey, value: unknown): void {
    this.m.set(checkKey(key), value);
  }

  has(key: DictKey): boolean {
    return this.m.has(key);
  }

  delete(key: DictKey): boolean {
    return this.m.delete(key);
  }

  keys(): DictKey[] {
    return [...this.m.keys()];
  }

  values(): unknown[] {
    return [...this.m.values()];
  }

  items(): [DictKey, unknown][] {
    return [...this.m.entries()];
  }

  len(): number {
    return this.m.size;
  }

  update(other: unknown): void {
    if (other instanceof Map || Array.isArray(other)) {
      for (const [k, v] of other as Iterable<[DictKey, unknown]>) this.m.set(checkKey(k), v);
    } else if (typeof other === 'object' && other !== null) {
      for (const k of Object.keys(other)) this.m.set(k, (other as Record<string, unknown>)[k]);
    } else {
      throw new TypeError('update() takes a Map, an array of [key, value] pairs, or a plain object');
    }
  }

  pop(key: DictKey, ...dflt: unknown[]): unknown {
    if (this.m.has(key)) {
      const v = this.m.get(key);
      this.m.delete(key);
      return v;
    }
    if (dflt.length > 0) return dflt[0];
    throw new KeyError(`Key not found: ${String(key)}`);
  }

  popitem(): [DictKey, unknown] {
    if (this.m.size === 0) throw new KeyError('popitem(): dictionary is empty');
    const last = [...this.m.keys()].pop() as DictKey;
    const v = this.m.get(last);
    this.m.delete(last);
    return [last, v];
  }

  setdefault(key: DictKey, dflt?: unknown): unknown {
    if (this.m.has(key)) return this.m.get(key);
    this.m.set(checkKey(key), dflt);
    return dflt;
  }

  clear(): void {
    this.m.clear();
  }

  copy(): Map<DictKey, unknown> {
    return new Map(this.m);
  }
}

export class ListReferent {
  a: unknown[];

  constructor(init?: Iterable<unknown>) {
    this.a = init === undefined ? [] : [...init];
  }

  #idx(i: number, forInsert = false): number {
    if (!Number.isInteger(i)) throw new TypeError('list indices must be integers');
    const n = this.a.length;
    const j = i < 0 ? i + n : i;
    if (forInsert) return Math.max(0, Math.min(n, j));
    if (j < 0 || j >= n) throw new IndexError('list index out of range');
    return j;
  }

  append(v: unknown): void {
    this.a.push(v);
  }

  extend(vs: Iterable<unknown>): void {
    for (const v of vs) this.a.push(v);
  }

  get(i: number): unknown {
    return this.a[this.#idx(i)];
  }

  set(i: number, v: unknown): void {
    this.a[this.#idx(i)] = v;
  }

  len(): number {
    return this.a.length;
  }

  pop(i = -1): unknown {
    if (this.a.length === 0) throw new IndexError('pop from empty list');
    return this.a.splice(this.#idx(i), 1)[0];
  }

  insert(i: number, v: unknown): void {
    this.a.splice(this.#idx(i, true), 0, v);
  }

  remove(v: unknown): void {
    const i = this.a.findIndex((x) => Object.is(x, v) || x === v);
    if (i < 0) throw new ValueError('list.remove(x): x not in list');
    this.a.splice(i, 1);
  }

  index(v: unknown, start = 0, end = this.a.length): number {
    const s = start < 0 ? Math.max(0, start + this.a.length) : start;
    const e = end < 0 ? end + this.a.length : end;
    for (let i = s; i < Math.min(e, this.a.length); i++) if (this.a[i] === v || Object.is(this.a[i], v)) return i;
    throw new ValueError(`${String(v)} is not in list`);
  }

  count(v: unknown): number {
    return this.a.filter((x) => x === v || Object.is(x, v)).length;
  }

  includes(v: unknown): boolean {
    return this.a.includes(v);
  }

  slice(start?: number, end?: number): unknown[] {
    return this.a.slice(start, end);
  }

  setSlice(start: number | null, end: number | null, values: unknown[]): void {
    const n = this.a.length;
    const s = start === null ? 0 : start < 0 ? Math.max(0, start + n) : Math.min(start, n);
    const e = end === null ? n : end < 0 ? Math.max(0, end + n) : Math.min(end, n);
    this.a.splice(s, Math.max(0, e - s), ...values);
  }

  reverse(): void {
    this.a.reverse();
  }

  sort(options?: { reverse?: boolean }): void {
    this.a.sort((x, y) => ((x as number) < (y as number) ? -1 : (x as number) > (y as number) ? 1 : 0));
    if (options?.reverse) this.a.reverse();
  }

  clear(): void {
    this.a.length = 0;
  }

  copy(): unknown[] {
    return [...this.a];
  }
}

export class NamespaceReferent {
  readonly o: Record<string, unknown>;

  constructor(init?: Record<string, unknown>) {
    this.o = { ...(init ?? {}) };
  }

  get(name: string): unknown {
    return Object.hasOwn(this.o, name) ? this.o[name] : undefined;
  }

  set(name: string, v: unknown): void {
    this.o[name] = v;
  }

  has(name: string): boolean {
    return Object.hasOwn(this.o, name);
  }

  delete(name: string): boolean {
    const had = Object.hasOwn(this.o, name);
    delete this.o[name];
    return had;
  }

  toObject(): Record<string, unknown> {
    return { ...this.o };
  }
}

export class ValueReferent {
  #v: unknown;
  readonly #typecode: string | null;

  constructor(typecode: string | null, value: unknown) {
    this.#typecode = typecode;
    this.#v = value;
  }

  get(): unknown {
    return this.#v;
  }

  set(v: unknown): void {
    this.#v = v;
  }

  typecode(): string | null {
    return this.#typecode;
  }
}

type Numeric = Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | Float32Array | Float64Array | BigInt64Array | BigUint64Array;

const ctors: Record<string, new (n: number) => Numeric> = {
  b: Int8Array,
  B: Uint8Array,
  h: Int16Array,
  H: Uint16Array,
  i: Int32Array,
  I: Uint32Array,
  l: Int32Array,
  L: Uint32Array,
  q: BigInt64Array,
  Q: BigUint64Array,
  f: Float32Array,
  d: Float64Array,
};

export class ArrayReferent {
  readonly #a: Numeric;
  readonly #typecode: string;

  constructor(typecode: string, init: number | Iterable<number | bigint>) {
    const C = ctors[typecode];
    if (!C) throw new TypeError(`Unknown typecode ${JSON.stringify(typecode)}; one of ${Object.keys(ctors).join(', ')}`);
    this.#typecode = typecode;
    if (typeof init === 'number') this.#a = new C(init);
    else {
      const vals = [...init];
      this.#a = new C(vals.length);
      for (let i = 0; i < vals.length; i++) (this.#a as unknown as unknown[])[i] = vals[i];
    }
  }

  #idx(i: number): number {
    const n = this.#a.length;
    const j = i < 0 ? i + n : i;
    if (!Number.isInteger(j) || j < 0 || j >= n) throw new IndexError('array index out of range');
    return j;
  }

  get(i: number): number | bigint {
    return this.#a[this.#idx(i)];
  }

  set(i: number, v: number | bigint): void {
    (this.#a as unknown as (number | bigint)[])[this.#idx(i)] = v;
  }

  len(): number {
    return this.#a.length;
  }

  slice(start?: number, end?: number): (number | bigint)[] {
    return [...this.#a.slice(start, end)];
  }

  toArray(): (number | bigint)[] {
    return [...this.#a];
  }

  typecode(): string {
    return this.#typecode;
  }
}

/** The methods a proxy of each type exposes. */
export const exposed: Record<string, readonly string[]> = {
  dict: ['get', 'set', 'has', 'delete', 'keys', 'values', 'items', 'len', 'update', 'pop', 'popitem', 'setdefault', 'clear', 'copy'],
  list: ['append', 'extend', 'get', 'set', 'len', 'pop', 'insert', 'remove', 'index', 'count', 'includes', 'slice', 'setSlice', 'reverse', 'sort', 'clear', 'copy'],
  Namespace: ['get', 'set', 'has', 'delete', 'toObject'],
  Value: ['get', 'set', 'typecode'],
  Array: ['get', 'set', 'len', 'slice', 'toArray', 'typecode'],
};

/** Methods that do not change their object: a thread may reuse an answer while the object's version is unchanged. */
export const readOnly: Record<string, ReadonlySet<string>> = {
  dict: new Set(['get', 'has', 'keys', 'values', 'items', 'len', 'copy']),
  list: new Set(['get', 'len', 'index', 'count', 'includes', 'slice', 'copy']),
  Namespace: new Set(['get', 'has', 'toObject']),
  Value: new Set(['get', 'typecode']),
  Array: new Set(['get', 'len', 'slice', 'toArray', 'typecode']),
};

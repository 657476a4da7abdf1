/** The referent of `manager.list()`: Python's list over a JS array. */
import { isDeepStrictEqual } from 'node:util';
import { IndexError, ValueError } from '../errors.js';
import { contentsSymbol } from '../server/server-ref.js';

function norm(i: number, len: number, what: string): number {
  if (!Number.isInteger(i)) throw new TypeError(`${what}: the index must be an integer, got ${i}`);
  const j = i < 0 ? i + len : i;
  if (j < 0 || j >= len) throw new IndexError(`${what}: index ${i} out of range (length ${len})`);
  return j;
}

function clamp(i: number | undefined | null, len: number, dflt: number): number {
  if (i === undefined || i === null) return dflt;
  const j = i < 0 ? i + len : i;
  return Math.min(Math.max(j, 0), len);
}

export class SharedList {
  #a: unknown[];

  constructor(init?: Iterable<unknown>) {
    this.#a = init ? [...init] : [];
  }

  append(value: unknown): void {
    this.#a.push(value);
  }

  extend(values: Iterable<unknown>): void {
    for (const v of values) this.#a.push(v);
  }

  get(index: number): unknown {
    return this.#a[norm(index, this.#a.length, 'get')];
  }

  set(index: number, value: unknown): void {
    this.#a[norm(index, this.#a.length, 'set')] = value;
  }

  len(): number {
    return this.#a.length;
  }

  pop(index = -1): unknown {
    if (this.#a.length === 0) throw new IndexError('pop from empty list');
    const j = norm(index, this.#a.length, 'pop');
    return this.#a.splice(j, 1)[0];
  }

  insert(index: number, value: unknown): void {
    this.#a.splice(clamp(index, this.#a.length, 0), 0, value);
  }

  remove(value: unknown): void {
    const i = this.index(value);
    this.#a.splice(i, 1);
  }

  index(value: unknown, start?: number, end?: number): number {
    const s = clamp(start, this.#a.length, 0);
    const e = clamp(end, this.#a.length, this.#a.length);
    for (let i = s; i < e; i++) if (isDeepStrictEqual(this.#a[i], value)) return i;
    throw new ValueError('The value is not in the list');
  }

  count(value: unknown): number {
    let n = 0;
    for (const v of this.#a) if (isDeepStrictEqual(v, value)) n++;
    return n;
  }

  includes(value: unknown): boolean {
    return this.#a.some((v) => isDeepStrictEqual(v, value));
  }

  slice(start?: number, end?: number): unknown[] {
    return this.#a.slice(clamp(start, this.#a.length, 0), clamp(end, this.#a.length, this.#a.length));
  }

  /** Replaces the elements from `start` to `end` with `values` (Python's `l[a:b] = values`). */
  setSlice(start: number | null, end: number | null, values: unknown[]): void {
    const s = clamp(start, this.#a.length, 0);
    const e = Math.max(s, clamp(end, this.#a.length, this.#a.length));
    this.#a.splice(s, e - s, ...values);
  }

  reverse(): void {
    this.#a.reverse();
  }

  /** Sorts in place with JS's default order for strings and numeric order for numbers/bigints. */
  sort(options?: { reverse?: boolean }): void {
    this.#a.sort((x, y) => {
      if ((typeof x === 'number' || typeof x === 'bigint') && (typeof y === 'number' || typeof y === 'bigint')) {
        return x < y ? -1 : x > y ? 1 : 0;
      }
      const a = String(x);
      const b = String(y);
      return a < b ? -1 : a > b ? 1 : 0;
    });
    if (options?.reverse) this.#a.reverse();
  }

  clear(): void {
    this.#a.length = 0;
  }

  copy(): unknown[] {
    return this.#a.slice();
  }

  [contentsSymbol](): Iterable<unknown> {
    return this.#a;
  }
}

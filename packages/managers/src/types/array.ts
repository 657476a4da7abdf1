/** The referent of `manager.Array(typecode, values)`: a fixed-length array of numbers. */
import { IndexError } from '../errors.js';

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

export const typecodes = Object.keys(ctors);

export class SharedArray {
  #a: Numeric;
  readonly #typecode: string;

  constructor(typecode: string, init: number | Iterable<number | bigint>) {
    const C = ctors[typecode];
    if (!C) throw new TypeError(`Unknown typecode ${JSON.stringify(typecode)}; one of ${typecodes.join(', ')}`);
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
    if (!Number.isInteger(j) || j < 0 || j >= n) throw new IndexError(`array index ${i} out of range (length ${n})`);
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
    return Array.from(this.#a.slice(start, end) as ArrayLike<number | bigint>);
  }

  toArray(): (number | bigint)[] {
    return Array.from(this.#a as ArrayLike<number | bigint>);
  }

  typecode(): string {
    return this.#typecode;
  }
}

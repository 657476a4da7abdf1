/**
 * Python's `array` typecodes, as Value and SharedArray take them. 64-bit codes ('l', 'L', 'q',
 * 'Q': a C long is 64-bit on Linux) hold bigints; the others hold numbers, wrapped or rounded
 * as C would store them.
 */
export type Typecode = 'b' | 'B' | 'h' | 'H' | 'i' | 'I' | 'l' | 'L' | 'q' | 'Q' | 'f' | 'd';

type TypedArrayCtor =
  | Int8ArrayConstructor
  | Uint8ArrayConstructor
  | Int16ArrayConstructor
  | Uint16ArrayConstructor
  | Int32ArrayConstructor
  | Uint32ArrayConstructor
  | BigInt64ArrayConstructor
  | BigUint64ArrayConstructor
  | Float32ArrayConstructor
  | Float64ArrayConstructor;

const codes: Record<Typecode, TypedArrayCtor> = {
  b: Int8Array,
  B: Uint8Array,
  h: Int16Array,
  H: Uint16Array,
  i: Int32Array,
  I: Uint32Array,
  l: BigInt64Array,
  L: BigUint64Array,
  q: BigInt64Array,
  Q: BigUint64Array,
  f: Float32Array,
  d: Float64Array,
};

/** A typecode, or a typed array class standing for one (`Int32Array` for 'i'). */
export type TypecodeOrType = Typecode | TypedArrayCtor;

export function toTypecode(t: unknown): Typecode {
  if (typeof t === 'string' && Object.hasOwn(codes, t)) return t as Typecode;
  if (typeof t === 'function') {
    for (const [k, v] of Object.entries(codes)) if (v === t) return k as Typecode;
  }
  throw new TypeError(`typecode must be one of ${Object.keys(codes).join(', ')} or a typed array class, got ${String(t)}`);
}

export function isBigTypecode(t: Typecode): boolean {
  return t === 'l' || t === 'L' || t === 'q' || t === 'Q';
}

export function typedArrayFor(typecode: string, length: number): ArrayLike<number | bigint> {
  return new codes[toTypecode(typecode)](length);
}

/** Bigints do not survive JSON: they travel as strings ending in 'n'. */
export function encodeValues(values: readonly (number | bigint)[]): (number | string)[] {
  return values.map((v) => (typeof v === 'bigint' ? `${v}n` : v));
}

export function decodeValues(values: readonly unknown[]): (number | bigint)[] {
  return values.map((v) => (typeof v === 'string' && v.endsWith('n') ? BigInt(v.slice(0, -1)) : (v as number)));
}

/** Checks and normalizes a value for the typecode (a caller mistake throws at once). */
export function checkValue(typecode: Typecode, v: unknown): number | bigint {
  if (isBigTypecode(typecode)) {
    if (typeof v === 'bigint') return v;
    if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
    throw new TypeError(`typecode '${typecode}' holds integers (bigint or integral number), got ${String(v)}`);
  }
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  throw new TypeError(`typecode '${typecode}' holds numbers, got ${typeof v}`);
}

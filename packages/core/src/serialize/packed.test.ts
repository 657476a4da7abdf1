import { describe, expect, it } from 'vitest';
import { SerializationError } from '../errors.js';
import { deserialize, serialize } from './index.js';
import { PACK_MIN } from './packed.js';
import * as T from './tags.js';

const roundTrip = <T>(v: T): T => deserialize(serialize(v)) as T;

/** Object.is on every item: what "lossless" means for numbers (-0, NaN). */
function expectSame(a: unknown[], b: unknown[]): void {
  expect(b.length).toBe(a.length);
  for (let i = 0; i < a.length; i++) {
    if (!Object.is(a[i], b[i])) throw new Error(`[${i}]: ${String(a[i])} became ${String(b[i])}`);
  }
}

/** The PACKED kind the encoder chose for a top-level array, or undefined when it did not pack. */
function packedKind(v: unknown[]): number | undefined {
  const msg = serialize(v);
  return msg[1] === T.PACKED ? msg[2] : undefined;
}

const fill = (n: number, f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i));

describe('arrays of numbers travel packed, exactly', () => {
  it.each([
    ['u8', fill(300, (i) => i & 0xff), T.PACK_U8],
    ['i16 (a negative)', fill(40, (i) => i - 1), T.PACK_I16],
    ['i16 bounds', [...fill(20, (i) => i), -0x8000, 0x7fff], T.PACK_I16],
    ['i32 (just past i16)', [...fill(20, (i) => i), 0x8000], T.PACK_I32],
    ['i32 (just below i16)', [...fill(20, (i) => i), -0x8001], T.PACK_I32],
    ['i32 bounds', [...fill(20, (i) => i), 2 ** 31 - 1, -(2 ** 31)], T.PACK_I32],
    ['f64 (past int32)', [...fill(20, (i) => i), 2 ** 31], T.PACK_F64],
    ['f64 (fractions)', fill(100, (i) => i / 3), T.PACK_F64],
    ['f64 (squares past int32)', fill(1000, (i) => (i + 46_000) ** 2), T.PACK_F64],
  ])('%s', (_name, v, kind) => {
    expect(packedKind(v)).toBe(kind);
    expectSame(v, roundTrip(v));
  });

  it('keeps -0, NaN, the infinities, 2^53 and the smallest denormal (as float64)', () => {
    const specials = [-0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 2 ** 53, -(2 ** 53), Number.MIN_VALUE, Number.MAX_VALUE];
    for (const x of specials) {
      const v = [...fill(PACK_MIN, (i) => i), x];
      expect(packedKind(v)).toBe(T.PACK_F64);
      expectSame(v, roundTrip(v));
    }
    // -0 alone among ints: an int kind would turn it into 0.
    const zeros = fill(PACK_MIN, () => -0);
    expectSame(zeros, roundTrip(zeros));
  });

  it('only arrays of numbers are packed: a hole, a string, a boxed number or a short array are not', () => {
    // biome-ignore lint/suspicious/noSparseArray: the point of the test
    const holey = [1, , 3, ...fill(20, (i) => i)];
    expect(packedKind(holey)).toBeUndefined();
    expect(roundTrip(holey)).toStrictEqual([1, undefined, 3, ...fill(20, (i) => i)]);
    expect(packedKind([...fill(20, (i) => i), 'x'])).toBeUndefined();
    expect(packedKind([...fill(20, (i) => i), Object(1)])).toBeUndefined();
    expect(packedKind([...fill(20, (i) => i), 1n])).toBeUndefined();
    expect(packedKind(fill(PACK_MIN - 1, (i) => i * 100_000))).toBeUndefined();
    expect(packedKind(fill(PACK_MIN, (i) => i * 100_000))).toBe(T.PACK_I32);
  });

  it('a packed array is an array like any other: shared references, nesting, growth', () => {
    const xs = fill(50, (i) => i * 1.5);
    const r = roundTrip({ a: xs, b: xs, c: [xs, 'x'] });
    expect(r.a).toBe(r.b);
    expect(r.c[0]).toBe(r.a);
    expectSame(xs, r.a);
    // Bigger than a slab: the encoder grows its buffer first.
    const big = fill(1_000_000, (i) => i * 7 - 3_000_000);
    const back = roundTrip(big);
    expect(Array.isArray(back)).toBe(true);
    expectSame(big, back);
    // A decoded array is an ordinary, writable array.
    back.push(1.5);
    expect(back.length).toBe(1_000_001);
  });

  it('decodes from a view at an odd offset (no alignment needed)', () => {
    const v = fill(40, (i) => i * 0.1);
    const msg = serialize(v);
    const shifted = Buffer.alloc(msg.length + 3);
    msg.copy(shifted, 3);
    expectSame(v, deserialize(shifted.subarray(3)) as number[]);
  });

  it('every truncation and an unknown kind are SerializationErrors', () => {
    const msg = Buffer.from(serialize([...fill(20, (i) => i), 0.5]));
    for (let n = 1; n < msg.length; n++) expect(() => deserialize(msg.subarray(0, n))).toThrow(SerializationError);
    msg[2] = 9;
    expect(() => deserialize(msg)).toThrow(/unknown packed kind 9/);
  });
});

/**
 * Dense arrays of numbers (a map chunk's items and results, coordinates, samples) travel as
 * the bytes of a typed array, written and read in one tight loop: no tag per element, no
 * boxing of doubles on the way back, and a result that V8 keeps as an unboxed element array.
 *
 * The element type is the narrowest that holds every item exactly: u8, i16 or i32 for int32
 * values (never -0), else float64 (which keeps -0, NaN and the infinities bit for bit). An
 * array with a hole or any non-number is written item by item as before.
 */
import * as T from './tags.js';

/** Shorter arrays gain nothing from packing (a FIXARRAY costs a byte, small ints a byte each). */
export const PACK_MIN = 16;

const SIZES = [1, 2, 4, 8];

/** Bytes per element of a PACK_* kind (undefined for an unknown kind). */
export function packSize(kind: number): number | undefined {
  return SIZES[kind];
}

/**
 * The narrowest PACK_* kind that holds every item of `v` exactly, or -1 when an item is not a
 * number (a hole reads as undefined, so a sparse array is never packed).
 */
export function packKind(v: unknown[], n: number): number {
  let ints = true;
  let min = 0;
  let max = 0;
  for (let i = 0; i < n; i++) {
    const x = v[i];
    if (typeof x !== 'number') return -1;
    if (ints) {
      if ((x | 0) === x && (x !== 0 || 1 / x > 0)) {
        if (x < min) min = x;
        else if (x > max) max = x;
      } else {
        ints = false;
      }
    }
  }
  if (!ints) return T.PACK_F64;
  if (min >= 0 && max <= 0xff) return T.PACK_U8;
  if (min >= -0x8000 && max <= 0x7fff) return T.PACK_I16;
  return T.PACK_I32;
}

/** Writes the `n` elements of `v` as `kind` at byte `at` of `dv` (the caller made room). */
export function writePacked(dv: DataView, at: number, v: number[], n: number, kind: number): void {
  switch (kind) {
    case T.PACK_U8:
      for (let i = 0; i < n; i++) dv.setUint8(at + i, v[i]);
      return;
    case T.PACK_I16:
      for (let i = 0; i < n; i++) dv.setInt16(at + 2 * i, v[i], true);
      return;
    case T.PACK_I32:
      for (let i = 0; i < n; i++) dv.setInt32(at + 4 * i, v[i], true);
      return;
    default:
      for (let i = 0; i < n; i++) dv.setFloat64(at + 8 * i, v[i], true);
  }
}

/**
 * Reads `n` elements of `kind` at byte `at` of `dv` into a new array (the caller checked the
 * bounds). `new Array(n)` filled in order: V8 gives it flat element storage at any length, and
 * doubles stay unboxed.
 */
export function readPacked(dv: DataView, at: number, n: number, kind: number): number[] {
  const a = new Array<number>(n);
  switch (kind) {
    case T.PACK_U8:
      for (let i = 0; i < n; i++) a[i] = dv.getUint8(at + i);
      break;
    case T.PACK_I16:
      for (let i = 0; i < n; i++) a[i] = dv.getInt16(at + 2 * i, true);
      break;
    case T.PACK_I32:
      for (let i = 0; i < n; i++) a[i] = dv.getInt32(at + 4 * i, true);
      break;
    default:
      for (let i = 0; i < n; i++) a[i] = dv.getFloat64(at + 8 * i, true);
  }
  return a;
}

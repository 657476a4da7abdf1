/** Classifies built-in objects for the encoder. */
import * as T from './tags.js';

/** The BIN_* kind of a typed array, DataView or Buffer. */
export function viewKind(v: ArrayBufferView): number {
  if (Buffer.isBuffer(v)) return T.BIN_BUFFER;
  if (v instanceof Uint8Array) return T.BIN_UINT8;
  if (v instanceof DataView) return T.BIN_DATAVIEW;
  if (v instanceof Float64Array) return T.BIN_FLOAT64;
  if (v instanceof Int32Array) return T.BIN_INT32;
  if (v instanceof Uint32Array) return T.BIN_UINT32;
  if (v instanceof Float32Array) return T.BIN_FLOAT32;
  if (v instanceof Int16Array) return T.BIN_INT16;
  if (v instanceof Uint16Array) return T.BIN_UINT16;
  if (v instanceof Int8Array) return T.BIN_INT8;
  if (v instanceof Uint8ClampedArray) return T.BIN_UINT8C;
  if (v instanceof BigInt64Array) return T.BIN_BIGINT64;
  if (v instanceof BigUint64Array) return T.BIN_BIGUINT64;
  return T.BIN_UINT8;
}

/** Built-ins that hold something no byte string can carry (as structured clone refuses them). */
export function refusedKind(v: object): string | undefined {
  if (v instanceof Promise) return 'Promise';
  if (v instanceof WeakMap) return 'WeakMap';
  if (v instanceof WeakSet) return 'WeakSet';
  if (v instanceof WeakRef) return 'WeakRef';
  if (v instanceof FinalizationRegistry) return 'FinalizationRegistry';
  if (v instanceof SharedArrayBuffer) return 'SharedArrayBuffer (memory cannot be shared across processes)';
  return undefined;
}

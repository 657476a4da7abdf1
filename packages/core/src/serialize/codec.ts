/**
 * The public face of serialization: `serialize` / `deserialize` go through the current codec
 * (proc's own unless `setCodec` chose another). The choice is process-wide, shared by every
 * copy of @proc/core through a `Symbol.for` key, since both ends must agree.
 */
import { decode, decodeAsync, encode, preload, procCodec } from './proc-codec.js';
import type { Codec, RebuildContext, ReduceContext } from './types.js';

const key = Symbol.for('proc.codec.current');
/** `codec` is null while the default is in use: the hot path then skips a dynamic call. */
const g = globalThis as { [key]?: { codec: Codec | null } };
const current: { codec: Codec | null } = g[key] ?? { codec: null };
g[key] = current;

/**
 * Encodes a value into a Buffer that the caller owns. As small Buffers from
 * `Buffer.allocUnsafe` are views of Node's pool, it may be a view of a 32 KiB slab that later
 * messages are written after (never over): `postMessage` without a transfer list clones the
 * whole slab, and a transfer list sends a copy (the slab is marked untransferable). Use
 * `new Uint8Array(msg)` for an exact, transferable copy.
 *
 * Carries what structured clone carries (primitives including undefined, -0, NaN and bigint;
 * plain objects, arrays, Map, Set, Date, RegExp, ArrayBuffer, typed arrays, DataView and
 * Buffer, boxed primitives, shared references and cycles) plus:
 * - errors with their class, `name`, `message`, `stack`, `cause`, `errors` and own enumerable
 *   properties (`code`, `errno`, `syscall`...), see `registerErrorClass`;
 * - instances of classes registered with `registerClass`;
 * - objects with a `[reduceSymbol]` method, rebuilt remotely by an exported function.
 *
 * As structured clone does, it copies an instance of an unregistered class as a plain object
 * of its own enumerable properties, drops symbol keys, reads array holes as `undefined`,
 * copies only the bytes a typed array views, and writes lone surrogates as U+FFFD.
 *
 * @throws SerializationError for a function, symbol, Promise, WeakMap, WeakSet, WeakRef or
 *   SharedArrayBuffer, or when a reducer throws; the message names the path
 *   (`Cannot serialize args[1].foo: a function (f) is not serializable`).
 */
export function serialize(value: unknown, ctx?: ReduceContext): Buffer {
  const codec = current.codec;
  return codec === null ? encode(value, ctx) : codec.encode(value, ctx);
}

/**
 * Decodes a message synchronously. Every binary value in the result is a fresh copy (the input
 * may be reused afterwards).
 *
 * @throws ModuleNotLoadedError (code `PROC_ERR_SERIALIZE_MODULE_NOT_LOADED`) when the message
 *   holds reduced values whose rebuild modules are not loaded in this process yet: use
 *   `deserializeAsync`, or `await preloadModules(buf)` first.
 * @throws SerializationError when the message is corrupt or names an unregistered class.
 */
export function deserialize(buf: Uint8Array, ctx?: RebuildContext): unknown {
  const codec = current.codec;
  return codec === null ? decode(buf, ctx) : codec.decode(buf, ctx);
}

/** Imports the modules the message needs (if any are not loaded), then decodes it once. */
export function deserializeAsync(buf: Uint8Array, ctx?: RebuildContext): Promise<unknown> {
  const codec = current.codec;
  if (codec === null) return decodeAsync(buf, ctx);
  if (codec.decodeAsync) return codec.decodeAsync(buf, ctx);
  return new Promise((resolve) => resolve(codec.decode(buf, ctx)));
}

/** Imports the modules `buf` needs, so that `deserialize(buf)` then succeeds synchronously. */
export function preloadModules(buf: Uint8Array): Promise<void> {
  const codec = current.codec;
  if (codec === null) return preload(buf);
  return codec.preload ? codec.preload(buf) : Promise.resolve();
}

/** Chooses the process-wide codec; `null` restores proc's default. Both ends must match. */
export function setCodec(codec: Codec | null): void {
  if (codec !== null && (typeof codec?.encode !== 'function' || typeof codec.decode !== 'function')) {
    throw new TypeError('setCodec: expected { encode(value, ctx), decode(buf, ctx) } or null');
  }
  current.codec = codec === procCodec ? null : codec;
}

/** The codec `serialize` uses now. */
export function getCodec(): Codec {
  return current.codec ?? procCodec;
}

export { procCodec };

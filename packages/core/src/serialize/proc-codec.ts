/**
 * proc's default codec: assembles messages around the Encoder/Decoder and handles the module
 * table that lets reduced values be rebuilt after an async import, yet decoded only once.
 */
import { SerializationError } from '../errors.js';
import { Decoder } from './decoder.js';
import { EncodeFailure, Encoder } from './encoder.js';
import { ModuleNotLoadedError } from './module-not-loaded-error.js';
import { loadedModule, loadModules } from './modules.js';
import { findPath } from './path.js';
import * as T from './tags.js';
import type { Codec, RebuildContext, ReduceContext } from './types.js';

/** The encoder that is not in use, or null while one call is running (re-entrancy gets a new one). */
let idle: Encoder | null = new Encoder();
const noModules: Record<string, unknown>[] = [];

/** Encodes `value` into a new Buffer that the caller owns. */
export function encode(value: unknown, ctx?: ReduceContext): Buffer {
  const enc = idle ?? new Encoder();
  idle = null;
  try {
    enc.write(value, ctx);
    return assemble(enc);
  } catch (e) {
    throw toSerializationError(e, value, ctx?.label);
  } finally {
    enc.reset();
    idle = enc;
  }
}

function assemble(enc: Encoder): Buffer {
  if (enc.modules.length === 0 && enc.chunks.length === 0) return enc.take();
  const end = enc.pos;
  const scratch = enc.buf;
  const header = enc.modules.length === 0 ? Buffer.of(T.HEADER_PLAIN) : moduleHeader(enc.modules);
  const out = Buffer.allocUnsafe(header.length + end - enc.start - 1 + enc.chunkBytes);
  let off = header.copy(out, 0);
  let from = enc.start + 1;
  for (const chunk of enc.chunks) {
    off += scratch.copy(out, off, from, chunk.at);
    out.set(chunk.bytes, off);
    off += chunk.bytes.byteLength;
    from = chunk.at;
  }
  scratch.copy(out, off, from, end);
  return out;
}

/** HEADER_MODULES, varint count, each URL as a STR32 string. */
function moduleHeader(urls: string[]): Buffer {
  const encoded = urls.map((u) => Buffer.from(u, 'utf8'));
  const parts: Buffer[] = [Buffer.of(T.HEADER_MODULES)];
  let n = urls.length;
  const varint: number[] = [];
  while (n >= 0x80) {
    varint.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  varint.push(n);
  parts.push(Buffer.from(varint));
  for (const bytes of encoded) {
    const len = Buffer.allocUnsafe(5);
    len[0] = T.STR32;
    len.writeUInt32LE(bytes.length, 1);
    parts.push(len, bytes);
  }
  return Buffer.concat(parts);
}

function toSerializationError(e: unknown, root: unknown, label = 'value'): Error {
  if (e instanceof EncodeFailure) {
    const path = findPath(root, e.value);
    const where = `${label}${path ?? '<somewhere>'}${e.innerPath}`;
    return new SerializationError(`Cannot serialize ${where}: ${e.reason}`, { cause: e.cause });
  }
  if (e instanceof RangeError && /call stack/i.test(e.message)) {
    return new SerializationError(`Cannot serialize ${label}: it is nested too deeply`, { cause: e });
  }
  if (e instanceof SerializationError) return e;
  return new SerializationError(`Cannot serialize ${label}: ${e instanceof Error ? e.message : String(e)}`, {
    cause: e,
  });
}

/** Synchronous decode; throws ModuleNotLoadedError when a needed module is not loaded yet. */
export function decode(buf: Uint8Array, ctx?: RebuildContext): unknown {
  const b = asBuffer(buf);
  const h = b[0];
  if (h === T.HEADER_PLAIN) return new Decoder(b, 1, noModules, ctx).run();
  if (h !== T.HEADER_MODULES) throw notOurs(h);
  const { urls, start } = readModuleTable(b);
  const namespaces: Record<string, unknown>[] = [];
  const missing: string[] = [];
  for (const url of urls) {
    const ns = loadedModule(url);
    if (ns === undefined) missing.push(url);
    else namespaces.push(ns);
  }
  if (missing.length > 0) throw new ModuleNotLoadedError(missing);
  return new Decoder(b, start, namespaces, ctx).run();
}

/** Imports the modules a message needs, then decodes it (once). */
export async function decodeAsync(buf: Uint8Array, ctx?: RebuildContext): Promise<unknown> {
  await preload(buf);
  return decode(buf, ctx);
}

/** Imports the modules a message needs, so that a synchronous decode of it succeeds. */
export async function preload(buf: Uint8Array): Promise<void> {
  const b = asBuffer(buf);
  if (b[0] === T.HEADER_PLAIN) return;
  if (b[0] !== T.HEADER_MODULES) throw notOurs(b[0]);
  const { urls } = readModuleTable(b);
  try {
    await loadModules(urls);
  } catch (cause) {
    throw new SerializationError(
      `Cannot deserialize: importing a module the message needs failed (${urls.join(', ')})`,
      { cause },
    );
  }
}

function readModuleTable(b: Buffer): { urls: string[]; start: number } {
  const d = new Decoder(b, 1, noModules, undefined);
  const n = d.varint();
  const urls: string[] = [];
  for (let i = 0; i < n; i++) urls.push(d.string());
  return { urls, start: d.pos };
}

function asBuffer(buf: Uint8Array): Buffer {
  if (Buffer.isBuffer(buf)) return buf;
  if (buf instanceof Uint8Array) return Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if ((buf as unknown) instanceof ArrayBuffer) return Buffer.from(buf as unknown as ArrayBuffer);
  throw new TypeError('deserialize: expected a Uint8Array (or Buffer)');
}

function notOurs(first: number | undefined): SerializationError {
  return new SerializationError(
    first === undefined
      ? 'Cannot deserialize an empty message'
      : `Cannot deserialize: not a message of proc's codec (first byte 0x${first.toString(16)})`,
  );
}

/** proc's default codec. */
export const procCodec: Codec = { name: 'proc', encode, decode, decodeAsync, preload };

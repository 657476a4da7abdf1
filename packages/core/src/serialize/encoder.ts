/**
 * Writes values in the format described in `tags.ts`. One Encoder is reused across calls (its
 * scratch buffer is the point); a nested `serialize()` (a reducer that serializes) gets a
 * fresh one, see `codec.ts`.
 *
 * Hot-path choices, measured with `bench/codec.ts`:
 * - messages are views of a shared slab, not copies (see `buf`);
 * - short strings are UTF-8 encoded by hand (cheaper than a call into C++ below ~32 chars);
 * - the first 32 objects are remembered in an array searched linearly, which beats a Map for
 *   the small messages that dominate IPC; bigger messages switch to a Map;
 * - binaries of 16 KiB and more are not copied into the scratch buffer: they are copied once,
 *   straight into the output, when the message is assembled;
 * - arrays of numbers only are written as typed-array bytes (see `packed.ts`).
 */
import { markAsUntransferable } from 'node:worker_threads';
import { type ClassEntry, classByPrototype } from './class-registry.js';
import { encodeError } from './error-codec.js';
import { PACK_MIN, packKind, packSize, writePacked } from './packed.js';
import { findPath } from './path.js';
import * as T from './tags.js';
import { type ReduceContext, reduceSymbol } from './types.js';
import type { NodeBuffer } from './utf8.js';
import { refusedKind, viewKind } from './value-kinds.js';

const SLAB_SIZE = 32 * 1024;
/** Start the next message in a fresh slab when less than this is left. */
const SLAB_MIN_FREE = 512;
const CHUNK_MIN = 16 * 1024;
const SEEN_LINEAR_MAX = 32;
const emptyContext: ReduceContext = Object.freeze({});

/** Thrown inside the encoder; `codec.ts` turns it into a SerializationError with a path. */
export class EncodeFailure extends Error {
  constructor(
    readonly reason: string,
    /** The value that could not be encoded (located in the input afterwards, lazily). */
    readonly value: unknown,
    /** Where inside `value` it failed, when `value` is a reducible whose state failed. */
    readonly innerPath: string,
    options?: { cause?: unknown },
  ) {
    super(reason, options);
  }
}

interface Chunk {
  /** Position in the scratch buffer after which the chunk's bytes belong. */
  at: number;
  bytes: Uint8Array;
}

export class Encoder {
  /**
   * Messages are written one after another into this slab and handed out as views of it, as
   * Node's Buffer pool does with small Buffers: that saves a copy per message (and Node's pool
   * refills, which dominate around 1 KiB). The slab is marked untransferable, as Node's pool
   * is, so a caller putting a message's `.buffer` in a transfer list gets a copy sent instead
   * of detaching the other messages. A message that outgrows the slab moves to a buffer of
   * its own (see `grow` and `take`).
   */
  buf: Buffer = newSlab(SLAB_SIZE);
  /** Where the current message starts in `buf` (its header byte). */
  start = 0;
  pos = 0;
  ctx: ReduceContext = emptyContext;
  /** Objects already written, in encounter order (their index is their back-reference id). */
  private seen: (object | undefined)[] = new Array(SEEN_LINEAR_MAX).fill(undefined);
  private seenMap: Map<object, number> | null = null;
  private seenCount = 0;
  /** Module URLs of reduced values, in first-use order. */
  modules: string[] = [];
  /** A DataView of `buf` for packed arrays, made again when `buf` changes. */
  private dv: DataView | null = null;
  chunks: Chunk[] = [];
  chunkBytes = 0;

  /** Encodes `value` after one reserved header byte; `codec.ts` assembles the message. */
  write(value: unknown, ctx: ReduceContext | undefined): void {
    this.ctx = ctx ?? emptyContext;
    if (this.buf.length - this.start < SLAB_MIN_FREE) {
      this.buf = newSlab(SLAB_SIZE);
      this.start = 0;
    }
    this.pos = this.start + 1;
    this.value(value);
  }

  /** The message just written, when it needs no assembly: a view of the slab, now the caller's. */
  take(): Buffer {
    const buf = this.buf;
    const n = this.pos - this.start;
    let out: Buffer;
    if (buf.length === SLAB_SIZE || n * 2 >= buf.length) {
      out = buf.subarray(this.start, this.pos);
    } else {
      // A big message in a buffer sized for the worst case (3 bytes per char): copy it out
      // rather than pin twice its size.
      out = Buffer.allocUnsafe(n);
      buf.copy(out, 0, this.start, this.pos);
    }
    out[0] = T.HEADER_PLAIN;
    // The next message starts 8-aligned after this one; an oversized buffer is not reused.
    this.start = buf.length === SLAB_SIZE ? (this.pos + 7) & ~7 : buf.length;
    return out;
  }

  /** Forgets everything about the last message (and drops references to its values). */
  reset(): void {
    this.ctx = emptyContext;
    // Not clear(): refilling a cleared Map measured 10x slower than filling a new one.
    if (this.seenMap !== null) this.seenMap = null;
    else for (let i = 0; i < this.seenCount; i++) this.seen[i] = undefined;
    this.seenCount = 0;
    // A buffer the message outgrew is not kept alive through the view.
    if (this.dv !== null && this.dv.buffer !== this.buf.buffer) this.dv = null;
    if (this.modules.length > 0) this.modules = [];
    if (this.chunks.length > 0) {
      this.chunks = [];
      this.chunkBytes = 0;
    }
  }

  value(v: unknown): void {
    switch (typeof v) {
      case 'number':
        this.number(v);
        return;
      case 'string':
        this.string(v);
        return;
      case 'boolean':
        this.byte(v ? T.TRUE : T.FALSE);
        return;
      case 'undefined':
        this.byte(T.UNDEFINED);
        return;
      case 'object':
        if (v === null) {
          this.byte(T.NULL);
          return;
        }
        this.object(v);
        return;
      case 'bigint':
        this.byte(T.BIGINT);
        this.string(v.toString(16));
        return;
      default:
        throw new EncodeFailure(describeUnserializable(v), v, '');
    }
  }

  byte(b: number): void {
    if (this.pos >= this.buf.length) this.grow(1);
    this.buf[this.pos++] = b;
  }

  number(v: number): void {
    if (this.pos + 9 > this.buf.length) this.grow(9);
    const buf = this.buf;
    if ((v | 0) === v && (v !== 0 || 1 / v > 0)) {
      if (v >= 0 && v <= T.POSFIX_MAX) {
        buf[this.pos++] = v;
        return;
      }
      if (v < 0 && v >= -32) {
        buf[this.pos++] = v & 0xff;
        return;
      }
      buf[this.pos] = T.INT32;
      buf[this.pos + 1] = v;
      buf[this.pos + 2] = v >> 8;
      buf[this.pos + 3] = v >> 16;
      buf[this.pos + 4] = v >> 24;
      this.pos += 5;
      return;
    }
    buf[this.pos] = T.FLOAT64;
    buf.writeDoubleLE(v, this.pos + 1);
    this.pos += 9;
  }

  string(s: string): void {
    const len = s.length;
    if (len <= T.FIXSTR_MAX) {
      if (this.pos + len * 3 + 2 > this.buf.length) this.grow(len * 3 + 2);
      const buf = this.buf;
      const start = this.pos;
      let p = start + 1;
      for (let i = 0; i < len; i++) {
        let c = s.charCodeAt(i);
        if (c < 0x80) {
          buf[p++] = c;
        } else if (c < 0x800) {
          buf[p++] = 0xc0 | (c >> 6);
          buf[p++] = 0x80 | (c & 0x3f);
        } else {
          if (c >= 0xd800 && c <= 0xdbff) {
            const d = i + 1 < len ? s.charCodeAt(i + 1) : 0;
            if (d >= 0xdc00 && d <= 0xdfff) {
              c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
              i++;
              buf[p++] = 0xf0 | (c >> 18);
              buf[p++] = 0x80 | ((c >> 12) & 0x3f);
              buf[p++] = 0x80 | ((c >> 6) & 0x3f);
              buf[p++] = 0x80 | (c & 0x3f);
              continue;
            }
            c = 0xfffd; // a lone surrogate: what UTF-8 encoders write for it
          } else if (c >= 0xdc00 && c <= 0xdfff) {
            c = 0xfffd;
          }
          buf[p++] = 0xe0 | (c >> 12);
          buf[p++] = 0x80 | ((c >> 6) & 0x3f);
          buf[p++] = 0x80 | (c & 0x3f);
        }
      }
      const n = p - start - 1;
      if (n <= T.FIXSTR_MAX) {
        buf[start] = T.FIXSTR | n;
        this.pos = p;
      } else {
        // Non-ASCII made it longer than a fixstr: make room for a one-byte length.
        buf.copyWithin(start + 2, start + 1, p);
        buf[start] = T.STR8;
        buf[start + 1] = n;
        this.pos = p + 1;
      }
      return;
    }
    // Past 64 Ki chars, measure exactly rather than reserve 3 bytes per char.
    const max = len > 0x10000 ? Buffer.byteLength(s) : len * 3;
    if (max <= 0xff) {
      if (this.pos + max + 2 > this.buf.length) this.grow(max + 2);
      const n = (this.buf as NodeBuffer).utf8Write(s, this.pos + 2);
      this.buf[this.pos] = T.STR8;
      this.buf[this.pos + 1] = n;
      this.pos += 2 + n;
    } else {
      if (this.pos + max + 5 > this.buf.length) this.grow(max + 5);
      const n = (this.buf as NodeBuffer).utf8Write(s, this.pos + 5);
      this.buf[this.pos] = T.STR32;
      this.buf.writeUInt32LE(n, this.pos + 1);
      this.pos += 5 + n;
    }
  }

  /** A tag followed by a u32. */
  tagU32(tag: number, n: number): void {
    if (this.pos + 5 > this.buf.length) this.grow(5);
    this.buf[this.pos] = tag;
    this.buf.writeUInt32LE(n, this.pos + 1);
    this.pos += 5;
  }

  varint(n: number): void {
    if (this.pos + 5 > this.buf.length) this.grow(5);
    while (n >= 0x80) {
      this.buf[this.pos++] = (n & 0x7f) | 0x80;
      n >>>= 7;
    }
    this.buf[this.pos++] = n;
  }

  object(v: object): void {
    // Shared references and cycles: a value met before is written as a back reference.
    const index = this.lookup(v);
    if (index >= 0) {
      this.byte(T.REF);
      this.varint(index);
      return;
    }
    this.track(v);
    if (Array.isArray(v)) {
      this.array(v);
      return;
    }
    const proto = Object.getPrototypeOf(v);
    if (proto === Object.prototype || proto === null) {
      if ((v as { [reduceSymbol]?: unknown })[reduceSymbol] === undefined) {
        this.plain(v as Record<string, unknown>);
        return;
      }
    }
    const reduce = (v as { [reduceSymbol]?: unknown })[reduceSymbol];
    if (typeof reduce === 'function') {
      this.reduced(v, reduce as (ctx: ReduceContext) => unknown);
      return;
    }
    const entry = classByPrototype(proto);
    if (entry !== undefined) {
      this.registered(v, entry);
      return;
    }
    this.builtin(v);
  }

  private lookup(v: object): number {
    if (this.seenMap !== null) return this.seenMap.get(v) ?? -1;
    const seen = this.seen;
    for (let i = 0; i < this.seenCount; i++) if (seen[i] === v) return i;
    return -1;
  }

  private track(v: object): void {
    const index = this.seenCount++;
    if (this.seenMap !== null) {
      this.seenMap.set(v, index);
      return;
    }
    if (index < SEEN_LINEAR_MAX) {
      this.seen[index] = v;
      return;
    }
    const map = new Map<object, number>();
    for (let i = 0; i < SEEN_LINEAR_MAX; i++) {
      map.set(this.seen[i] as object, i);
      this.seen[i] = undefined;
    }
    map.set(v, index);
    this.seenMap = map;
  }

  private array(v: unknown[]): void {
    const n = v.length;
    if (n >= PACK_MIN) {
      const kind = packKind(v, n);
      if (kind >= 0) {
        this.packed(v as number[], n, kind);
        return;
      }
    }
    if (n <= T.FIXARRAY_MAX) this.byte(T.FIXARRAY | n);
    else this.tagU32(T.ARRAY, n);
    // Holes are read as undefined: sparse arrays arrive dense.
    for (let i = 0; i < n; i++) this.value(v[i]);
  }

  private packed(v: number[], n: number, kind: number): void {
    const bytes = n * (packSize(kind) as number);
    if (this.pos + 6 + bytes > this.buf.length) this.grow(6 + bytes);
    const buf = this.buf;
    let dv = this.dv;
    if (dv === null || dv.buffer !== buf.buffer) {
      dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
      this.dv = dv;
    }
    buf[this.pos] = T.PACKED;
    buf[this.pos + 1] = kind;
    buf.writeUInt32LE(n, this.pos + 2);
    writePacked(dv, this.pos + 6, v, n, kind);
    this.pos += 6 + bytes;
  }

  /**
   * A plain object's properties. `for...in` is V8's fastest walk (its enum cache) and, on an
   * object whose prototype is Object.prototype or null, yields exactly its own enumerable
   * string keys (a property someone made enumerable on Object.prototype would be sent too, a
   * price we pay for speed); the count is patched in afterwards.
   */
  private plain(v: Record<string, unknown>): void {
    if (this.pos + 5 > this.buf.length) this.grow(5);
    const rel = this.pos - this.start; // `grow` may move the message meanwhile
    this.pos++;
    let n = 0;
    for (const k in v) {
      this.string(k);
      this.value(v[k]);
      n++;
    }
    const at = this.start + rel;
    if (n <= T.FIXOBJECT_MAX) {
      this.buf[at] = T.FIXOBJECT | n;
      return;
    }
    if (this.pos + 4 > this.buf.length) this.grow(4);
    const tagAt = this.start + rel;
    this.buf.copyWithin(tagAt + 5, tagAt + 1, this.pos);
    for (const chunk of this.chunks) if (chunk.at > tagAt) chunk.at += 4;
    this.buf[tagAt] = T.OBJECT;
    this.buf.writeUInt32LE(n, tagAt + 1);
    this.pos += 4;
  }

  /** Own enumerable string-keyed properties, as structured clone copies them. */
  props(v: object, fixTag: number, tag: number): void {
    const keys = Object.keys(v);
    const n = keys.length;
    if (n <= T.FIXOBJECT_MAX && fixTag !== 0) this.byte(fixTag | n);
    else this.tagU32(tag, n);
    for (let i = 0; i < n; i++) {
      const k = keys[i];
      this.string(k);
      this.value((v as Record<string, unknown>)[k]);
    }
  }

  private reduced(v: object, reduce: (ctx: ReduceContext) => unknown): void {
    let r: { module?: unknown; rebuild?: unknown; state?: unknown };
    try {
      r = reduce.call(v, this.ctx) as typeof r;
    } catch (cause) {
      throw new EncodeFailure(`its [reduceSymbol]() threw: ${messageOf(cause)}`, v, '', { cause });
    }
    if (typeof r !== 'object' || r === null || typeof r.module !== 'string' || typeof r.rebuild !== 'string') {
      throw new EncodeFailure('its [reduceSymbol]() must return { module: string, rebuild: string, state }', v, '');
    }
    let index = this.modules.indexOf(r.module);
    if (index < 0) index = this.modules.push(r.module) - 1;
    this.byte(T.REDUCED);
    this.varint(index);
    this.string(r.rebuild);
    this.state(v, r.state);
  }

  private registered(v: object, entry: ClassEntry): void {
    if (entry.reduce === undefined && entry.rebuild === undefined) {
      this.byte(T.CLASS_PROPS);
      this.string(entry.id);
      this.props(v, 0, T.OBJECT);
      return;
    }
    let state: unknown;
    try {
      state = entry.reduce ? entry.reduce(v as never, this.ctx) : { ...v };
    } catch (cause) {
      throw new EncodeFailure(`the reduce function registered for class '${entry.id}' threw: ${messageOf(cause)}`, v, '', {
        cause,
      });
    }
    this.byte(T.CLASS_STATE);
    this.string(entry.id);
    this.state(v, state);
  }

  /** Writes a reducer's state; a failure inside it is reported at `owner` plus a path. */
  private state(owner: object, state: unknown): void {
    try {
      this.value(state);
    } catch (e) {
      if (!(e instanceof EncodeFailure)) throw e;
      const inner = e.value === state ? '' : (findPath(state, e.value) ?? '...');
      throw new EncodeFailure(e.reason, owner, `.<reduced state>${inner}${e.innerPath}`, { cause: e.cause });
    }
  }

  private builtin(v: object): void {
    if (v instanceof Error) {
      encodeError(this, v);
      return;
    }
    if (ArrayBuffer.isView(v)) {
      this.view(v);
      return;
    }
    if (v instanceof Map) {
      this.tagU32(T.MAP, v.size);
      for (const [k, x] of v) {
        this.value(k);
        this.value(x);
      }
      return;
    }
    if (v instanceof Set) {
      this.tagU32(T.SET, v.size);
      for (const x of v) this.value(x);
      return;
    }
    if (v instanceof Date) {
      if (this.pos + 9 > this.buf.length) this.grow(9);
      this.buf[this.pos] = T.DATE;
      this.buf.writeDoubleLE(v.getTime(), this.pos + 1);
      this.pos += 9;
      return;
    }
    if (v instanceof RegExp) {
      this.byte(T.REGEXP);
      this.string(v.source);
      this.string(v.flags);
      return;
    }
    if (v instanceof ArrayBuffer) {
      this.bytes(T.BIN_ARRAYBUFFER, new Uint8Array(v));
      return;
    }
    if (v instanceof Number || v instanceof String || v instanceof Boolean || v instanceof BigInt) {
      this.byte(T.BOXED);
      this.value(v.valueOf());
      return;
    }
    const refused = refusedKind(v);
    if (refused !== undefined) throw new EncodeFailure(`a ${refused} is not serializable`, v, '');
    // An instance of an unregistered class travels as structured clone sends it: a plain
    // object with its own enumerable properties (register the class to keep it).
    this.props(v, T.FIXOBJECT, T.OBJECT);
  }

  private view(v: ArrayBufferView): void {
    // A Uint8Array (or Buffer) is its own bytes: no `.buffer` (a call into the runtime) or new view.
    const bytes = v instanceof Uint8Array ? v : new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
    this.bytes(viewKind(v), bytes);
  }

  private bytes(kind: number, bytes: Uint8Array): void {
    const n = bytes.byteLength;
    if (this.pos + 6 > this.buf.length) this.grow(6);
    this.buf[this.pos] = T.BINARY;
    this.buf[this.pos + 1] = kind;
    this.buf.writeUInt32LE(n, this.pos + 2);
    this.pos += 6;
    if (n >= CHUNK_MIN) {
      this.chunks.push({ at: this.pos, bytes });
      this.chunkBytes += n;
      return;
    }
    if (this.pos + n > this.buf.length) this.grow(n);
    this.buf.set(bytes, this.pos);
    this.pos += n;
  }

  /** Moves the message being written to a new buffer with at least `extra` more bytes free. */
  private grow(extra: number): void {
    const used = this.pos - this.start;
    const need = used + extra;
    // A fresh slab when the message fits one, else a buffer of its own with room to go on.
    const next = newSlab(need <= SLAB_SIZE / 2 ? SLAB_SIZE : need + (need >> 1) + 1024);
    this.buf.copy(next, 0, this.start, this.pos);
    for (const chunk of this.chunks) chunk.at -= this.start;
    this.buf = next;
    this.pos = used;
    this.start = 0;
  }
}

function newSlab(size: number): Buffer {
  const buf = Buffer.allocUnsafeSlow(size);
  markAsUntransferable(buf.buffer);
  return buf;
}

function describeUnserializable(v: unknown): string {
  if (typeof v === 'function') return `a function${v.name ? ` (${v.name})` : ''} is not serializable`;
  if (typeof v === 'symbol') return `a symbol (${v.toString()}) is not serializable`;
  return `a ${typeof v} is not serializable`;
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

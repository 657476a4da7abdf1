/**
 * Reads one message body (see `tags.ts`). A Decoder lives for one call: rebuild functions may
 * deserialize other messages re-entrantly.
 *
 * Every binary value is copied out of the input: the caller's buffer may be a reused receive
 * buffer, and a decoded Buffer must stay valid after it is reused. Small typed arrays are copied
 * into a shared slab (`slab.ts`), as Node's small Buffers live in its pool.
 */
import { SerializationError } from '../errors.js';
import { classById } from './class-registry.js';
import { decodeError } from './error-codec.js';
import { packSize, readPacked } from './packed.js';
import { SLAB_MAX, SLAB_MIN, slabCopy } from './slab.js';
import * as T from './tags.js';
import type { RebuildContext, RebuildFunction } from './types.js';
import type { NodeBuffer } from './utf8.js';

const KEY_CACHE_MAX_LENGTH = 24;
const KEY_CACHE_MASK = 0xfff;
const keyCache: (string | undefined)[] = new Array(KEY_CACHE_MASK + 1).fill(undefined);

const emptyContext: RebuildContext = Object.freeze({});
/** Placeholder for a value whose rebuild has not returned yet (a cycle through it fails). */
const PENDING: unknown = Symbol('pending');

export class Decoder {
  pos: number;
  private readonly refs: unknown[] = [];
  /** A DataView of `buf`, made at the first packed array. */
  private dv: DataView | null = null;
  private readonly ctx: RebuildContext;

  constructor(
    private readonly buf: Buffer,
    start: number,
    /** Namespaces of the message's module table, by index. */
    private readonly modules: ReadonlyArray<Record<string, unknown>>,
    ctx: RebuildContext | undefined,
  ) {
    this.pos = start;
    this.ctx = ctx ?? emptyContext;
  }

  /** Decodes the body and checks nothing follows it. */
  run(): unknown {
    const v = this.value();
    if (this.pos !== this.buf.length) throw corrupt(`${this.buf.length - this.pos} trailing bytes`);
    return v;
  }

  value(): unknown {
    const buf = this.buf;
    const t = buf[this.pos++];
    if (t <= T.POSFIX_MAX) return t;
    if (t < T.FIXARRAY) return this.str(t & T.FIXSTR_MAX);
    if (t < T.FIXOBJECT) return this.array(t & T.FIXARRAY_MAX);
    if (t < T.NULL) return this.object(t & T.FIXOBJECT_MAX);
    if (t >= T.NEGFIX) return t - 0x100;
    switch (t) {
      case T.NULL:
        return null;
      case T.UNDEFINED:
        return undefined;
      case T.FALSE:
        return false;
      case T.TRUE:
        return true;
      case T.INT32: {
        this.need(4);
        const p = this.pos;
        this.pos += 4;
        return buf[p] | (buf[p + 1] << 8) | (buf[p + 2] << 16) | (buf[p + 3] << 24);
      }
      case T.FLOAT64:
        return this.float64();
      case T.STR8:
        this.need(1);
        return this.str(buf[this.pos++]);
      case T.STR32:
        return this.str(this.u32());
      case T.ARRAY:
        return this.array(this.count());
      case T.OBJECT:
        return this.object(this.count());
      case T.BIGINT: {
        const s = this.string();
        return s.charCodeAt(0) === 45 /* - */ ? -BigInt(`0x${s.slice(1)}`) : BigInt(`0x${s}`);
      }
      case T.DATE:
        return this.track(new Date(this.float64()));
      case T.REGEXP: {
        const source = this.string();
        return this.track(new RegExp(source, this.string()));
      }
      case T.MAP: {
        const n = this.count();
        const m = this.track(new Map());
        for (let i = 0; i < n; i++) {
          const k = this.value();
          m.set(k, this.value());
        }
        return m;
      }
      case T.SET: {
        const n = this.count();
        const s = this.track(new Set());
        for (let i = 0; i < n; i++) s.add(this.value());
        return s;
      }
      case T.BINARY:
        return this.track(this.binary());
      case T.REF: {
        const index = this.varint();
        if (index >= this.refs.length) throw corrupt(`reference to object #${index}, which does not exist`);
        const v = this.refs[index];
        if (v === PENDING) {
          throw new SerializationError(
            'Cannot deserialize: a cycle passes through a value rebuilt by a reducer (its rebuild needs its own state first)',
          );
        }
        return v;
      }
      case T.ERROR:
        return decodeError(this);
      case T.CLASS_PROPS: {
        const entry = this.classEntry();
        return this.fill(this.track(Object.create(entry.prototype) as object), this.propCount());
      }
      case T.CLASS_STATE: {
        const entry = this.classEntry();
        const slot = this.reserve();
        const state = this.value();
        let v: unknown;
        if (entry.rebuild) v = entry.rebuild(state as never, this.ctx);
        else v = Object.assign(Object.create(entry.prototype) as object, state);
        this.refs[slot] = v;
        return v;
      }
      case T.REDUCED:
        return this.reduced();
      case T.PACKED:
        return this.track(this.packed());
      case T.BOXED: {
        const slot = this.reserve();
        const v = Object(this.value()) as unknown;
        this.refs[slot] = v;
        return v;
      }
      default:
        throw corrupt(t === undefined ? 'it ends early' : `unknown tag 0x${t.toString(16)}`);
    }
  }

  /** Reads a string value (any string tag). */
  string(): string {
    const t = this.buf[this.pos++];
    if (t >= T.FIXSTR && t < T.FIXARRAY) return this.str(t & T.FIXSTR_MAX);
    if (t === T.STR8) {
      this.need(1);
      return this.str(this.buf[this.pos++]);
    }
    if (t === T.STR32) return this.str(this.u32());
    throw corrupt('a string was expected');
  }

  byte(): number {
    this.need(1);
    return this.buf[this.pos++];
  }

  varint(): number {
    let n = 0;
    let shift = 0;
    for (;;) {
      const b = this.byte();
      n += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return n;
      shift += 7;
      if (shift > 35) throw corrupt('bad varint');
    }
  }

  /** Registers a decoded object under the next back-reference index. */
  track<V>(v: V): V {
    this.refs.push(v);
    return v;
  }

  /** The u32 count of an OBJECT-tagged property list (errors, registered classes). */
  propCount(): number {
    if (this.byte() !== T.OBJECT) throw corrupt('a property list was expected');
    return this.count();
  }

  /**
   * Reads a property key. Short ASCII keys come from a small cache: the same key string each
   * time, so V8 skips building and internalizing a new string for every property.
   */
  key(): string {
    const buf = this.buf;
    const t = buf[this.pos];
    const n = t - T.FIXSTR;
    if (!(n >= 0 && n <= KEY_CACHE_MAX_LENGTH)) return this.string(); // also at the end (NaN)
    const start = this.pos + 1;
    const end = start + n;
    if (end > buf.length) throw corrupt('it ends inside a string');
    let h = n;
    for (let i = start; i < end; i++) h = (h * 31 + buf[i]) | 0;
    h &= KEY_CACHE_MASK;
    const cached = keyCache[h];
    if (cached !== undefined && cached.length === n) {
      let i = 0;
      while (i < n && cached.charCodeAt(i) === buf[start + i]) i++;
      if (i === n) {
        this.pos = end;
        return cached;
      }
    }
    this.pos = start;
    const s = this.str(n);
    if (s.length === n) keyCache[h] = s; // ASCII only: a char per byte
    return s;
  }

  private str(n: number): string {
    const start = this.pos;
    const end = start + n;
    if (end > this.buf.length) throw corrupt('it ends inside a string');
    this.pos = end;
    const buf = this.buf;
    if (n < 16) {
      // Short ASCII (keys, names) is decoded in JS; a call into C++ costs more than it.
      let s = '';
      for (let i = start; i < end; i++) {
        const c = buf[i];
        if (c >= 0x80) return (buf as NodeBuffer).utf8Slice(start, end);
        s += String.fromCharCode(c);
      }
      return s;
    }
    return (buf as NodeBuffer).utf8Slice(start, end);
  }

  private array(n: number): unknown[] {
    const a = this.track([] as unknown[]);
    for (let i = 0; i < n; i++) a.push(this.value());
    return a;
  }

  private packed(): number[] {
    const kind = this.byte();
    const size = packSize(kind);
    if (size === undefined) throw corrupt(`unknown packed kind ${kind}`);
    const n = this.u32();
    const buf = this.buf;
    if (n * size > buf.length - this.pos) throw corrupt('it ends inside a packed array');
    this.dv ??= new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    const a = readPacked(this.dv, this.pos, n, kind);
    this.pos += n * size;
    return a;
  }

  private object(n: number): Record<string, unknown> {
    return this.fill(this.track({}), n);
  }

  private fill<O extends object>(o: O, n: number): O {
    for (let i = 0; i < n; i++) {
      const k = this.key();
      const v = this.value();
      // Assigning '__proto__' would set the prototype instead of a property.
      if (k === '__proto__') Object.defineProperty(o, k, { value: v, writable: true, enumerable: true, configurable: true });
      else (o as Record<string, unknown>)[k] = v;
    }
    return o;
  }

  private reduced(): unknown {
    const index = this.varint();
    const name = this.string();
    const ns = this.modules[index];
    if (ns === undefined) throw corrupt(`module #${index} is not in its module table`);
    const rebuild = ns[name];
    if (typeof rebuild !== 'function') {
      throw new SerializationError(`Cannot deserialize: the module that rebuilds this value has no export '${name}'`);
    }
    const slot = this.reserve();
    const v = (rebuild as RebuildFunction)(this.value(), this.ctx);
    this.refs[slot] = v;
    return v;
  }

  private classEntry() {
    const id = this.string();
    const entry = classById(id);
    if (entry === undefined) {
      throw new SerializationError(`Cannot deserialize: class '${id}' is not registered in this process (registerClass)`);
    }
    return entry;
  }

  private reserve(): number {
    return this.refs.push(PENDING) - 1;
  }

  private binary(): object {
    const kind = this.byte();
    const n = this.u32();
    const start = this.pos;
    if (start + n > this.buf.length) throw corrupt('it ends inside a binary');
    this.pos += n;
    const src = this.buf.subarray(start, start + n);
    if (kind === T.BIN_BUFFER) return Buffer.from(src); // a copy
    // A view of 65 B to 4 KiB comes from the slab (`slab.ts`); an ArrayBuffer is always its own.
    const pooled = kind !== T.BIN_ARRAYBUFFER && n >= SLAB_MIN && n <= SLAB_MAX;
    const copy = pooled ? slabCopy(src) : new Uint8Array(n);
    if (!pooled) copy.set(src);
    // The common case first, before `.buffer` (a call into the runtime, measurable per item).
    if (kind === T.BIN_UINT8) return copy;
    const ab = copy.buffer;
    const at = copy.byteOffset;
    switch (kind) {
      case T.BIN_ARRAYBUFFER:
        return ab;
      case T.BIN_DATAVIEW:
        return new DataView(ab, at, n);
      case T.BIN_INT8:
        return new Int8Array(ab, at, n);
      case T.BIN_UINT8C:
        return new Uint8ClampedArray(ab, at, n);
    }
    const size = kind === T.BIN_INT16 || kind === T.BIN_UINT16 ? 2 : kind <= T.BIN_FLOAT32 ? 4 : 8;
    if (n % size !== 0) throw corrupt('a typed array has a partial element');
    const len = n / size;
    switch (kind) {
      case T.BIN_INT16:
        return new Int16Array(ab, at, len);
      case T.BIN_UINT16:
        return new Uint16Array(ab, at, len);
      case T.BIN_INT32:
        return new Int32Array(ab, at, len);
      case T.BIN_UINT32:
        return new Uint32Array(ab, at, len);
      case T.BIN_FLOAT32:
        return new Float32Array(ab, at, len);
      case T.BIN_FLOAT64:
        return new Float64Array(ab, at, len);
      case T.BIN_BIGINT64:
        return new BigInt64Array(ab, at, len);
      case T.BIN_BIGUINT64:
        return new BigUint64Array(ab, at, len);
      default:
        throw corrupt(`unknown binary kind ${kind}`);
    }
  }

  private float64(): number {
    this.need(8);
    const v = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return v;
  }

  private u32(): number {
    this.need(4);
    const v = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return v;
  }

  /** A u32 element count, checked against what is left (each element takes a byte at least). */
  private count(): number {
    const n = this.u32();
    if (n > this.buf.length - this.pos) throw corrupt('a count exceeds the message size');
    return n;
  }

  private need(n: number): void {
    if (this.pos + n > this.buf.length) throw corrupt('it ends early');
  }
}

function corrupt(why: string): SerializationError {
  return new SerializationError(`Cannot deserialize: the message is corrupt (${why})`);
}

import { MessageChannel } from 'node:worker_threads';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SerializationError } from '../errors.js';
import { deserialize, getCodec, procCodec, serialize, setCodec, v8Codec } from './index.js';

const roundTrip = <T>(v: T): T => deserialize(serialize(v)) as T;
const bytes1k = (seed: number) => Uint8Array.from({ length: 1024 }, (_, i) => (i + seed) & 0xff);

describe('round trips', () => {
  it.each([
    ['0', 0],
    ['127', 127],
    ['128', 128],
    ['-1', -1],
    ['-32', -32],
    ['-33', -33],
    ['int32 max', 2 ** 31 - 1],
    ['int32 min', -(2 ** 31)],
    ['2^31', 2 ** 31],
    ['2^53', 2 ** 53],
    ['float', 1.5],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['-Infinity', Number.NEGATIVE_INFINITY],
    ['true', true],
    ['false', false],
    ['null', null],
    ['undefined', undefined],
    ['empty string', ''],
    ['ascii', 'hello'],
    ['31 ascii', 'x'.repeat(31)],
    ['32 ascii', 'x'.repeat(32)],
    ['2-byte chars', 'héllo wörld'],
    ['3-byte chars that overflow a fixstr', '✓'.repeat(20)],
    ['astral', '🎉 party 🎉'],
    ['85 3-byte chars', '✓'.repeat(85)],
    ['86 3-byte chars', '✓'.repeat(86)],
    ['long', 'abc'.repeat(100_000)],
    ['long non-ascii', 'é✓🎉'.repeat(30_000)],
    ['bigint', 10n],
    ['negative bigint', -(2n ** 100n)],
    ['bigint 0', 0n],
  ])('%s', (_name, v) => {
    expect(roundTrip(v)).toStrictEqual(v);
  });

  it('keeps -0', () => {
    expect(Object.is(roundTrip(-0), -0)).toBe(true);
    expect(Object.is(roundTrip([-0])[0], -0)).toBe(true);
    expect(Object.is(roundTrip(0), 0)).toBe(true);
  });

  it('keeps undefined in arrays and objects, and densifies holes', () => {
    expect(roundTrip([1, undefined, 3])).toStrictEqual([1, undefined, 3]);
    const o = roundTrip({ a: undefined, b: 1 });
    expect(Object.keys(o)).toEqual(['a', 'b']);
    // biome-ignore lint/suspicious/noSparseArray: the point of the test
    const sparse = roundTrip([1, , 3]);
    expect(sparse).toStrictEqual([1, undefined, 3]);
    expect(1 in sparse).toBe(true);
  });

  it('plain objects, nested, big', () => {
    const big = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`k${i}`, { i, s: `v${i}` }]));
    expect(roundTrip(big)).toStrictEqual(big);
    expect(roundTrip({ id: 1, name: 'x', tags: ['a', 'b'] })).toStrictEqual({ id: 1, name: 'x', tags: ['a', 'b'] });
    expect(roundTrip(Object.create(null))).toStrictEqual({});
    expect(roundTrip({ '': 1, 'a b': 2, 0: 3, é: 4 })).toStrictEqual({ '': 1, 'a b': 2, 0: 3, é: 4 });
  });

  it("a '__proto__' key stays a property and does not set the prototype", () => {
    const o = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}');
    const r = roundTrip(o);
    expect(Object.getPrototypeOf(r)).toBe(Object.prototype);
    expect(Object.hasOwn(r, '__proto__')).toBe(true);
    expect((r as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it('Map, Set, Date, RegExp, boxed primitives', () => {
    const m = new Map<unknown, unknown>([
      [1, 'a'],
      ['k', { x: [1] }],
      [{ o: 1 }, new Set([1, 2])],
    ]);
    expect(roundTrip(m)).toStrictEqual(m);
    expect(roundTrip(new Set(['a', 1, null]))).toStrictEqual(new Set(['a', 1, null]));
    expect(roundTrip(new Date(1_700_000_000_123))).toStrictEqual(new Date(1_700_000_000_123));
    expect(Number.isNaN((roundTrip(new Date(Number.NaN)) as Date).getTime())).toBe(true);
    const re = roundTrip(/a+b/giu);
    expect(re).toBeInstanceOf(RegExp);
    expect(re.source).toBe('a+b');
    expect(re.flags).toBe('giu');
    expect(roundTrip(Object(5))).toStrictEqual(Object(5));
    expect(roundTrip(Object('s'))).toStrictEqual(Object('s'));
    expect(roundTrip(Object(false))).toStrictEqual(Object(false));
  });

  it('binary: Buffer stays Buffer, each typed array keeps its type', () => {
    const buf = Buffer.from('hello');
    const rb = roundTrip(buf);
    expect(Buffer.isBuffer(rb)).toBe(true);
    expect(rb.equals(buf)).toBe(true);
    const u8 = roundTrip(new Uint8Array([1, 2, 3]));
    expect(Buffer.isBuffer(u8)).toBe(false);
    expect(u8).toStrictEqual(new Uint8Array([1, 2, 3]));
    const views = [
      new Int8Array([-1, 2]),
      new Uint8ClampedArray([255, 0]),
      new Int16Array([-300, 300]),
      new Uint16Array([65535]),
      new Int32Array([-(2 ** 31)]),
      new Uint32Array([2 ** 32 - 1]),
      new Float32Array([1.5]),
      new Float64Array([Math.PI, -0]),
      new BigInt64Array([-1n]),
      new BigUint64Array([2n ** 64n - 1n]),
    ];
    for (const v of views) expect(roundTrip(v)).toStrictEqual(v);
    const ab = new Uint8Array([9, 8, 7]).buffer;
    expect(new Uint8Array(roundTrip(ab))).toStrictEqual(new Uint8Array([9, 8, 7]));
    expect(roundTrip(ab)).toBeInstanceOf(ArrayBuffer);
    const dv = roundTrip(new DataView(new Uint8Array([1, 2, 3, 4]).buffer, 1, 2));
    expect(dv).toBeInstanceOf(DataView);
    expect([dv.getUint8(0), dv.getUint8(1)]).toEqual([2, 3]);
    // A view into a bigger buffer carries only the bytes it views.
    const f64 = new Float64Array([1, 2, 3, 4]).subarray(1, 3);
    expect(roundTrip(f64)).toStrictEqual(new Float64Array([2, 3]));
  });

  it('large binaries (written straight into the output) in the middle of other data', () => {
    const big = Buffer.alloc(200_000, 1);
    big[199_999] = 2;
    const f = new Float64Array(50_000).fill(0.5);
    const value = { before: 'x'.repeat(100), big, mid: [1, 2, 3], f, after: { s: 'end' } };
    const r = roundTrip(value);
    expect(r.big.equals(big)).toBe(true);
    expect(r.f).toStrictEqual(f);
    expect(r).toStrictEqual(value);
    // also in an object with more than 15 keys (its count is patched after its entries)
    const wide: Record<string, unknown> = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, i]));
    wide.k5 = big;
    expect(roundTrip([wide, big])).toStrictEqual([wide, big]);
  });

  it('decoded binaries are copies: reusing the input buffer does not change them', () => {
    const msg = serialize({ b: Buffer.from('abc'), u: new Uint8Array([1, 2]), big: Buffer.alloc(100_000, 3) });
    const r = deserialize(msg) as { b: Buffer; u: Uint8Array; big: Buffer };
    msg.fill(0);
    expect(r.b.toString()).toBe('abc');
    expect([...r.u]).toEqual([1, 2]);
    expect(r.big.every((x) => x === 3)).toBe(true);
  });

  it('typed arrays of 65 B to 4 KiB share a slab; smaller and larger ones, and ArrayBuffers, are their own', () => {
    const bytes = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 7 + seed) & 0xff);
    const [a, b] = roundTrip([bytes(1024, 1), bytes(1000, 2)]);
    expect(a).toStrictEqual(bytes(1024, 1));
    expect(b).toStrictEqual(bytes(1000, 2));
    expect(a.buffer).toBe(b.buffer);
    expect(a.buffer.byteLength).toBeGreaterThan(a.byteLength);
    expect(b.byteOffset % 8).toBe(0);
    // Writing one view leaves its neighbours alone.
    a.fill(0);
    expect(b).toStrictEqual(bytes(1000, 2));
    for (const n of [64, 4097]) {
      const own = roundTrip(bytes(n, 3));
      expect([own.byteOffset, own.buffer.byteLength]).toEqual([0, n]);
    }
    const ab = roundTrip(bytes(1024, 4).buffer);
    expect(ab.byteLength).toBe(1024);
    // Every element type keeps its values at its offset in the slab.
    const f64 = Float64Array.from({ length: 100 }, (_, i) => i / 3);
    const i16 = Int16Array.from({ length: 101 }, (_, i) => -i * 300);
    const dv = new DataView(bytes(200, 5).buffer, 3, 150);
    const [rf, ri, rd] = roundTrip([f64, i16, dv]);
    expect(rf).toStrictEqual(f64);
    expect(ri).toStrictEqual(i16);
    expect(rd).toBeInstanceOf(DataView);
    expect(new Uint8Array(rd.buffer, rd.byteOffset, rd.byteLength)).toStrictEqual(bytes(200, 5).subarray(3, 153));
  });

  it('a slab named in a transfer list is copied, not detached: the views sharing it stay intact', async () => {
    const [a, b] = roundTrip([bytes1k(1), bytes1k(2)]);
    const { port1, port2 } = new MessageChannel();
    const got = new Promise<Uint8Array>((resolve) => port2.once('message', resolve));
    port1.postMessage(a, [a.buffer]);
    const received = await got;
    port1.close();
    expect(new Uint8Array(received.buffer, received.byteOffset, 1024)).toStrictEqual(bytes1k(1));
    expect(a).toStrictEqual(bytes1k(1));
    expect(b).toStrictEqual(bytes1k(2));
    expect(roundTrip(bytes1k(3))).toStrictEqual(bytes1k(3));
  });

  it('a serialized message stays valid after later serializations (and after growth)', async () => {
    // A fresh copy of the module: a fresh encoder, whatever earlier tests left in this one.
    vi.resetModules();
    const { serialize, deserialize } = await import('./index.js');
    const first = serialize({ a: 'first' });
    const copy = Buffer.from(first);
    const batch = Array.from({ length: 500 }, (_, i) => serialize({ i }));
    for (let i = 0; i < 5000; i++) serialize({ i, s: 'x'.repeat(i % 300) });
    serialize('y'.repeat(3_000_000));
    expect(first.equals(copy)).toBe(true);
    expect(deserialize(first)).toEqual({ a: 'first' });
    for (const [i, m] of batch.entries()) expect(deserialize(m)).toEqual({ i });
  });

  it('transferring the ArrayBuffer under a message detaches nothing (the slab is untransferable)', () => {
    const msg = serialize({ a: 1 });
    const other = serialize({ b: 2 });
    structuredClone(msg.buffer, { transfer: [msg.buffer as ArrayBuffer] });
    expect(deserialize(msg)).toEqual({ a: 1 });
    expect(deserialize(other)).toEqual({ b: 2 });
    expect(roundTrip({ c: 3 })).toEqual({ c: 3 });
  });

  it('accepts a Uint8Array view at an offset', () => {
    const msg = serialize({ a: [1, 'two'] });
    const padded = new Uint8Array(msg.length + 10);
    padded.set(msg, 7);
    expect(deserialize(padded.subarray(7, 7 + msg.length))).toEqual({ a: [1, 'two'] });
  });
});

describe('references', () => {
  it('keeps cycles', () => {
    const a: Record<string, unknown> = { name: 'a' };
    a.self = a;
    a.list = [a, { back: a }];
    const r = roundTrip(a) as typeof a & { list: [unknown, { back: unknown }] };
    expect(r.self).toBe(r);
    expect(r.list[0]).toBe(r);
    expect(r.list[1].back).toBe(r);
  });

  it('keeps shared references (not only cycles), across every container kind', () => {
    const shared = { s: 1 };
    const date = new Date(0);
    const buf = Buffer.from('x');
    const m = new Map([[shared, shared]]);
    const set = new Set([shared]);
    const value = [shared, shared, m, set, date, date, buf, buf, m];
    const r = roundTrip(value);
    expect(r[0]).toBe(r[1]);
    const rm = r[2] as Map<unknown, unknown>;
    expect([...rm.keys()][0]).toBe(r[0]);
    expect([...rm.values()][0]).toBe(r[0]);
    expect([...(r[3] as Set<unknown>)][0]).toBe(r[0]);
    expect(r[4]).toBe(r[5]);
    expect(r[6]).toBe(r[7]);
    expect(r[8]).toBe(r[2]);
  });

  it('keeps references beyond the first 32 objects (where tracking switches to a Map)', () => {
    const objs = Array.from({ length: 100 }, (_, i) => ({ i }));
    const value = [...objs, ...objs.slice().reverse()];
    const r = roundTrip(value);
    for (let i = 0; i < 100; i++) expect(r[i]).toBe(r[199 - i]);
    // and the tracker is reset between messages
    expect(roundTrip([objs[0], objs[0]])).toStrictEqual([{ i: 0 }, { i: 0 }]);
  });

  it('a cyclic Map and Set', () => {
    const m = new Map<string, unknown>();
    m.set('me', m);
    const s = new Set<unknown>();
    s.add(s);
    const rm = roundTrip(m);
    expect(rm.get('me')).toBe(rm);
    const rs = roundTrip(s);
    expect([...rs][0]).toBe(rs);
  });
});

describe('unserializable values', () => {
  it.each([
    ['a function', () => 1, /a function/],
    ['a symbol', Symbol('s'), /a symbol/],
    ['a Promise', Promise.resolve(), /a Promise/],
    ['a WeakMap', new WeakMap(), /a WeakMap/],
    ['a WeakSet', new WeakSet(), /a WeakSet/],
    ['a SharedArrayBuffer', new SharedArrayBuffer(8), /SharedArrayBuffer/],
  ])('%s throws SerializationError', (_name, v, message) => {
    expect(() => serialize(v)).toThrow(SerializationError);
    expect(() => serialize(v)).toThrow(message);
  });

  it('names the path, with the caller label', () => {
    function handler() {}
    const args = [1, { foo: handler }];
    expect(() => serialize(args, { label: 'args' })).toThrow('Cannot serialize args[1].foo: a function (handler)');
    const nested = { a: new Map([['k', [0, { 'odd key': Symbol('s') }]]]) };
    expect(() => serialize(nested)).toThrow('value.a.get("k")[1]["odd key"]');
    expect(() => serialize(new Set([1, () => 2]))).toThrow('value.<Set item 1>');
  });

  it('the error is a SerializationError with its code, and the encoder is usable afterwards', () => {
    let err: unknown;
    try {
      serialize({ ok: 'x'.repeat(1000), bad: () => 0 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SerializationError);
    expect((err as SerializationError).code).toBe('PROC_ERR_SERIALIZE');
    expect(roundTrip({ a: 1 })).toEqual({ a: 1 });
  });

  it('too deep a nesting is a SerializationError, not a crash', () => {
    let deep: unknown[] = [];
    const root = deep;
    for (let i = 0; i < 200_000; i++) {
      const next: unknown[] = [];
      deep.push(next);
      deep = next;
    }
    expect(() => serialize(root)).toThrow(/nested too deeply/);
  });

  it('an instance of an unregistered class travels as a plain object of its own enumerable props', () => {
    class Thing {
      a = 1;
      #hidden = 2;
      get b() {
        return this.#hidden;
      }
    }
    const r = roundTrip(new Thing());
    expect(Object.getPrototypeOf(r)).toBe(Object.prototype);
    expect(r).toStrictEqual({ a: 1 });
  });
});

describe('corrupt input', () => {
  it.each([
    ['empty', Buffer.alloc(0), /empty/],
    ['foreign', Buffer.from('{"a":1}'), /not a message of proc/],
    ['v8 format', Buffer.from([0xff, 0x0f, 0x49, 0x02]), /not a message of proc/],
  ])('%s', (_name, buf, message) => {
    expect(() => deserialize(buf)).toThrow(message);
  });

  it('every truncation of a message throws a SerializationError (never returns garbage)', () => {
    const msg = serialize({ a: [1, 'two', 3.5, new Date(1)], b: new Map([[1, Buffer.from('xyz')]]), c: 10n });
    for (let n = 1; n < msg.length; n++) {
      expect(() => deserialize(msg.subarray(0, n))).toThrow(SerializationError);
    }
    const longer = Buffer.concat([msg, Buffer.from([0])]);
    expect(() => deserialize(longer)).toThrow(/trailing/);
  });
});

describe('pluggable codec', () => {
  afterEach(() => setCodec(null));

  it('defaults to proc, switches, and restores', () => {
    expect(getCodec()).toBe(procCodec);
    setCodec(v8Codec);
    expect(getCodec()).toBe(v8Codec);
    const msg = serialize({ a: 1 });
    expect(msg[0]).not.toBe(0x50);
    expect(deserialize(msg)).toEqual({ a: 1 });
    setCodec(null);
    expect(getCodec()).toBe(procCodec);
    expect(serialize({ a: 1 })[0]).toBe(0x50);
  });

  it('rejects what is not a codec', () => {
    expect(() => setCodec({} as never)).toThrow(TypeError);
  });
});

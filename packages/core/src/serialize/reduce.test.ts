import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Point, rebuildCount } from '../../test/fixtures/codec-point.js';
import { SerializationError } from '../errors.js';
import {
  deserialize,
  deserializeAsync,
  ModuleNotLoadedError,
  preloadModules,
  type Reduced,
  reduceSymbol,
  registerModule,
  serialize,
} from './index.js';

const fixtureUrl = new URL('../../test/fixtures/codec-point.ts', import.meta.url).href;

/** A module URL nobody has loaded, that resolves to the fixture (a query makes it distinct). */
let fresh = 0;
function freshUrl(): string {
  return `${fixtureUrl}?copy=${++fresh}`;
}

/** A reducible that names the fixture under `url`. */
function pointAt(url: string, x: number, y: number) {
  return {
    [reduceSymbol]: (): Reduced => ({ module: url, rebuild: 'rebuildPoint', state: { x, y } }),
  };
}

describe('reducible values', () => {
  it('writes a module table only when needed; plain messages have a 1-byte header', () => {
    const plain = serialize(7);
    expect([...plain]).toEqual([0x50, 7]);
    const withModule = serialize(new Point(1, 2));
    expect(withModule[0]).toBe(0x51);
    expect(withModule.includes(Buffer.from(fixtureUrl))).toBe(true);
  });

  it('sync deserialize throws ModuleNotLoadedError, with a code, when a module is not loaded', () => {
    const url = freshUrl();
    const msg = serialize([pointAt(url, 1, 2)]);
    let err: unknown;
    try {
      deserialize(msg);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ModuleNotLoadedError);
    expect(err).toBeInstanceOf(SerializationError);
    expect((err as ModuleNotLoadedError).code).toBe('PROC_ERR_SERIALIZE_MODULE_NOT_LOADED');
    expect((err as ModuleNotLoadedError).modules).toEqual([url]);
  });

  it('deserializeAsync imports the module, then rebuilds exactly once per reduced value', async () => {
    const url = freshUrl();
    const shared = pointAt(url, 5, 6);
    const msg = serialize({ a: pointAt(url, 1, 2), b: [pointAt(url, 3, 4)], s1: shared, s2: shared });
    const before = rebuildCount();
    const r = (await deserializeAsync(msg)) as Record<string, unknown> & { b: unknown[] };
    expect(rebuildCount() - before).toBe(3); // a, b[0], and the shared one once
    expect(r.s1).toBe(r.s2);
    expect(r.a).toMatchObject({ x: 1, y: 2 });
    expect((r.b[0] as Point).x).toBe(3);
    expect((r.a as object).constructor.name).toBe('Point');
    // now loaded: the synchronous path works
    const again = deserialize(msg) as { a: Point };
    expect(again.a.y).toBe(2);
    expect(rebuildCount() - before).toBe(6);
  });

  it('preloadModules lets a later sync deserialize succeed', async () => {
    const url = freshUrl();
    const msg = serialize(pointAt(url, 7, 8));
    expect(() => deserialize(msg)).toThrow(ModuleNotLoadedError);
    await preloadModules(msg);
    expect(deserialize(msg)).toMatchObject({ x: 7, y: 8 });
    await preloadModules(serialize('no modules')); // a no-op
  });

  it('registerModule makes a module known without importing it', () => {
    const url = 'proc-test:virtual-module';
    registerModule(url, { make: (s: { n: number }) => ({ made: s.n }) });
    const msg = serialize({ [reduceSymbol]: () => ({ module: url, rebuild: 'make', state: { n: 3 } }) });
    expect(deserialize(msg)).toEqual({ made: 3 });
  });

  it('the reduced state is encoded recursively (nested reducibles, shared refs, Buffers)', async () => {
    const url = freshUrl();
    registerModule('proc-test:wrap', { wrap: (s: unknown) => ({ wrapped: s }) });
    const inner = pointAt(url, 1, 1);
    const value = {
      [reduceSymbol]: () => ({ module: 'proc-test:wrap', rebuild: 'wrap', state: [inner, inner, Buffer.from('b')] }),
    };
    const r = (await deserializeAsync(serialize(value))) as { wrapped: [Point, Point, Buffer] };
    expect(r.wrapped[0]).toBe(r.wrapped[1]);
    expect(r.wrapped[0].x).toBe(1);
    expect(Buffer.isBuffer(r.wrapped[2])).toBe(true);
  });

  it('a reducer may serialize (and a rebuild deserialize) re-entrantly', () => {
    registerModule('proc-test:nested', { open: (s: Buffer) => deserialize(s) });
    const inner = { deep: ['x'.repeat(40_000), 1n] };
    const value = {
      before: 'a'.repeat(100),
      r: { [reduceSymbol]: () => ({ module: 'proc-test:nested', rebuild: 'open', state: serialize(inner) }) },
      after: [1, 2, 3],
    };
    const r = deserialize(serialize(value)) as typeof value & { r: typeof inner };
    expect(r.r).toStrictEqual(inner);
    expect(r.before).toBe(value.before);
    expect(r.after).toEqual([1, 2, 3]);
  });

  it('passes ReduceContext.transferHandle and RebuildContext.takeHandle through', async () => {
    const handles: unknown[] = [];
    const socketLike = { fd: 42 };
    const msg = serialize([new Point(1, 2, socketLike)], {
      transferHandle: (h) => handles.push(h) - 1,
    });
    expect(handles).toEqual([socketLike]);
    const r = (await deserializeAsync(msg, { takeHandle: (i) => handles[i] })) as Point[];
    expect(r[0].handle).toBe(socketLike);
  });

  it('a reducer that throws, or returns garbage, fails with the path', () => {
    const boom = new Error('cannot reduce');
    const bad = {
      [reduceSymbol]() {
        throw boom;
      },
    };
    expect(() => serialize({ args: [0, bad] })).toThrow('Cannot serialize value.args[1]: its [reduceSymbol]() threw: cannot reduce');
    const garbage = { [reduceSymbol]: () => ({ module: 1 }) };
    expect(() => serialize([garbage])).toThrow(/value\[0\]: its \[reduceSymbol\]\(\) must return/);
  });

  it('an unserializable value inside a reduced state names the reducible and the inner path', () => {
    const holder = { [reduceSymbol]: () => ({ module: fixtureUrl, rebuild: 'rebuildPoint', state: { x: { f: () => 1 } } }) };
    expect(() => serialize({ h: holder })).toThrow('Cannot serialize value.h.<reduced state>.x.f: a function');
  });

  it('a missing export is a clear SerializationError', async () => {
    const msg = serialize({ [reduceSymbol]: () => ({ module: fixtureUrl, rebuild: 'noSuchExport', state: null }) });
    await expect(deserializeAsync(msg)).rejects.toThrow("no export 'noSuchExport'");
    const msg2 = serialize({ [reduceSymbol]: () => ({ module: fixtureUrl, rebuild: 'notAFunction', state: null }) });
    await expect(deserializeAsync(msg2)).rejects.toThrow("no export 'notAFunction'");
  });

  it('a module that cannot be imported rejects with a SerializationError whose cause says why', async () => {
    const msg = serialize({ [reduceSymbol]: () => ({ module: 'file:///no/such/module.js', rebuild: 'x', state: 1 }) });
    const err = await deserializeAsync(msg).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SerializationError);
    expect((err as Error).message).toContain('file:///no/such/module.js');
    expect((err as Error).cause).toBeDefined();
  });

  it('works across a real process boundary: the child imports the module, decodes once', () => {
    const msg = serialize({ p: new Point(3, 4), n: [1, 2n] });
    const child = `
      import { deserialize, deserializeAsync } from ${JSON.stringify(new URL('./index.ts', import.meta.url).href)};
      import { rebuildCount } from ${JSON.stringify(fixtureUrl)};
      const msg = Buffer.from(process.argv[1], 'base64');
      let code = '';
      try { deserialize(msg); } catch (e) { code = e.code; }
      const v = await deserializeAsync(msg);
      console.log(JSON.stringify({ code, x: v.p.x, y: v.p.y, ctor: v.p.constructor.name, n: String(v.n[1]), rebuilds: rebuildCount() }));
    `;
    const out = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', child, msg.toString('base64')],
      { cwd: fileURLToPath(new URL('../..', import.meta.url)), encoding: 'utf8', timeout: 30_000 },
    );
    expect(out.stderr).toBe('');
    expect(JSON.parse(out.stdout)).toEqual({
      code: 'PROC_ERR_SERIALIZE_MODULE_NOT_LOADED',
      x: 3,
      y: 4,
      ctor: 'Point',
      n: '2',
      rebuilds: 1,
    });
  });
});

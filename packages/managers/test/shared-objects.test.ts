import {
  ArrayProxy,
  DictProxy,
  IndexError,
  InvalidKeyError,
  KeyError,
  ListProxy,
  Manager,
  type SyncManager,
  UnknownMethodError,
  ValueError,
} from '@proc/managers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let m: SyncManager;
beforeAll(async () => {
  m = await Manager();
});
afterAll(async () => {
  await m?.shutdown();
});

describe('dict', () => {
  it('is Map-like', async () => {
    const d = await m.dict<string | number | bigint | boolean, unknown>();
    expect(d).toBeInstanceOf(DictProxy);
    await d.set('a', 1);
    await d.set(2, { deep: [1, 2] });
    await d.set(3n, 'big');
    await d.set(true, null);
    expect(await d.get('a')).toBe(1);
    expect(await d.get(2)).toEqual({ deep: [1, 2] });
    expect(await d.get(3n)).toBe('big');
    expect(await d.get(true)).toBe(null);
    expect(await d.get('missing')).toBeUndefined();
    expect(await d.get('missing', 'dflt')).toBe('dflt');
    expect(await d.has('a')).toBe(true);
    expect(await d.len()).toBe(4);
    expect(await d.keys()).toEqual(['a', 2, 3n, true]);
    expect(await d.values()).toEqual([1, { deep: [1, 2] }, 'big', null]);
    expect((await d.items())[0]).toEqual(['a', 1]);
    expect(await d.delete('a')).toBe(true);
    expect(await d.delete('a')).toBe(false);
    expect(await d.pop(3n)).toBe('big');
    expect(await d.pop('nope', 7)).toBe(7);
    await expect(d.pop('nope')).rejects.toBeInstanceOf(KeyError);
    expect(await d.setdefault('s', 5)).toBe(5);
    expect(await d.setdefault('s', 6)).toBe(5);
    await d.update({ u: 1 });
    await d.update(new Map([['v', 2]]));
    await d.update([['w', 3]]);
    const copy = await d.copy();
    expect(copy).toBeInstanceOf(Map);
    expect(copy.get('u')).toBe(1);
    expect(copy.get('w')).toBe(3);
    await d.clear();
    expect(await d.len()).toBe(0);
    await d.$close();
  });

  it('refuses object keys with a clear error, and the server carries on', async () => {
    const d = await m.dict();
    const err = await d.set({} as never, 1).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidKeyError);
    expect((err as InvalidKeyError).code).toBe('PROC_ERR_INVALID_KEY');
    // A raw call bypassing the proxy's check is refused by the server too.
    await expect(d.$call('set', [[1], 1])).rejects.toBeInstanceOf(InvalidKeyError);
    await d.set('ok', 1);
    expect(await d.get('ok')).toBe(1);
  });

  it('can be awaited without hanging (then is undefined)', async () => {
    const d = await m.dict();
    expect((d as unknown as { then?: unknown }).then).toBeUndefined();
    expect(await d).toBe(d);
    expect(await Promise.resolve(d)).toBe(d);
  });

  it('keeps nested proxies as proxies (a dict of lists)', async () => {
    const d = await m.dict<string, ListProxy<number>>();
    const l = await m.list<number>([1]);
    await d.set('l', l);
    const back = await d.get('l');
    expect(back).toBeInstanceOf(ListProxy);
    await back?.append(2);
    expect(await l.copy()).toEqual([1, 2]);
    expect(back?.$id).toBe(l.$id);
  });
});

describe('list', () => {
  it('is Python’s list', async () => {
    const l = await m.list<number | string>([1, 2, 3]);
    await l.append(4);
    await l.extend([5, 6]);
    expect(await l.len()).toBe(6);
    expect(await l.get(0)).toBe(1);
    expect(await l.get(-1)).toBe(6);
    await l.set(-1, 60);
    expect(await l.pop()).toBe(60);
    expect(await l.pop(0)).toBe(1);
    await l.insert(0, 'zero');
    await l.remove(3);
    expect(await l.index(4)).toBe(2);
    expect(await l.slice(1, 3)).toEqual([2, 4]);
    expect(await l.count(2)).toBe(1);
    expect(await l.copy()).toEqual(['zero', 2, 4, 5]);
    await expect(l.get(10)).rejects.toBeInstanceOf(IndexError);
    await expect(l.remove(99)).rejects.toBeInstanceOf(ValueError);
    await l.reverse();
    expect(await l.copy()).toEqual([5, 4, 2, 'zero']);
    await l.clear();
    expect(await l.len()).toBe(0);
  });

  it('rethrows a remote exception with its name, message and the remote stack', async () => {
    const l = await m.list();
    const err = (await l.get(5).catch((e: unknown) => e)) as IndexError;
    expect(err).toBeInstanceOf(IndexError);
    expect(err.name).toBe('IndexError');
    expect(err.code).toBe('PROC_ERR_INDEX');
    expect(err.message).toMatch(/out of range/);
    // The server's frames: the method that threw, in list.js (or in the server's one-file bundle).
    expect(err.stack).toMatch(/SharedList\.get \(.*(list|entry\.bundle)\.js:\d+/);
    expect(await l.len()).toBe(0);
  });
});

describe('Namespace, Value, Array', () => {
  it('Namespace holds named attributes', async () => {
    const ns = await m.Namespace<{ x: number; y: string }>({ x: 1 });
    await ns.set('y', 'why');
    expect(await ns.get('x')).toBe(1);
    expect(await ns.toObject()).toEqual({ x: 1, y: 'why' });
    expect(await ns.has('z' as never)).toBe(false);
  });

  it('Value keeps a value and its typecode', async () => {
    const v = await m.Value('i', 3);
    expect(await v.get()).toBe(3);
    await v.set(4);
    expect(await v.get()).toBe(4);
    expect(await v.typecode()).toBe('i');
    const w = await m.Value('text');
    expect(await w.get()).toBe('text');
  });

  it('Array is fixed-length and typed', async () => {
    const a = await m.Array<number>('i', [1, 2, 3]);
    expect(a).toBeInstanceOf(ArrayProxy);
    await a.set(0, 10);
    expect(await a.toArray()).toEqual([10, 2, 3]);
    expect(await a.len()).toBe(3);
    expect(await a.slice(1)).toEqual([2, 3]);
    await expect(a.get(3)).rejects.toBeInstanceOf(IndexError);
    const z = await m.Array('d', 2);
    expect(await z.toArray()).toEqual([0, 0]);
  });
});

describe('exposure', () => {
  it('refuses unknown, private and unexposed methods with typed errors', async () => {
    const d = await m.dict();
    await expect(d.$call('nope')).rejects.toBeInstanceOf(UnknownMethodError);
    await expect(d.$call('constructor')).rejects.toBeInstanceOf(UnknownMethodError);
    await expect(d.$call('_m')).rejects.toBeInstanceOf(UnknownMethodError);
    await expect(d.$call('__proto__')).rejects.toBeInstanceOf(UnknownMethodError);
    const q = await m.Queue();
    // `unget` is internal (undo only), not callable.
    await expect(q.$call('unget', [[1]])).rejects.toBeInstanceOf(UnknownMethodError);
    await d.set('still', 'fine');
    expect(await d.get('still')).toBe('fine');
  });
});

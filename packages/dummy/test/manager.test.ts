import { Lock, Manager, Process, Queue } from '@proc/dummy';
import { InvalidKeyError, KeyError } from '@proc/managers';
import { describe, expect, it } from 'vitest';
import * as targets from './fixtures/targets.js';
import { targetsUrl } from './helpers.js';

describe('Manager() inside the process', () => {
  it('dict, list, Namespace, Value, Array proxies with Promise-returning methods', async () => {
    await using m = await Manager();
    const d = await m.dict<string, unknown>({ a: 1 });
    await d.set('b', { deep: [1] });
    expect(await d.get('a')).toBe(1);
    expect(await d.get('zz', 'dflt')).toBe('dflt');
    expect(await d.len()).toBe(2);
    expect((await d.copy()) instanceof Map).toBe(true);
    await expect(d.pop('nope')).rejects.toBeInstanceOf(KeyError);
    await expect(d.set({} as never, 1)).rejects.toBeInstanceOf(InvalidKeyError);
    const v = (await d.get('b')) as { deep: number[] };
    v.deep.push(2);
    expect(await d.get('b')).toEqual({ deep: [1] });
    const l = await m.list([1, 2]);
    await l.append(3);
    expect(await l.copy()).toEqual([1, 2, 3]);
    expect(await l.pop()).toBe(3);
    const ns = await m.Namespace<Record<string, number>>({ x: 1 });
    await ns.set('y', 2);
    expect(await ns.toObject()).toEqual({ x: 1, y: 2 });
    const val = await m.Value('i', 5);
    await val.set(6);
    expect(await val.get()).toBe(6);
    const arr = await m.Array('d', [1.5, 2.5]);
    expect(await arr.toArray()).toEqual([1.5, 2.5]);
    expect((d as unknown as { then?: unknown }).then).toBeUndefined();
    expect(await m.Queue()).toBeInstanceOf(Queue);
    expect(await m.Lock()).toBeInstanceOf(Lock);
  });

  it('nested proxies stay proxies: a dict of lists, in the host thread', async () => {
    await using m = await Manager();
    const d = await m.dict<string, unknown>();
    const l = await m.list<number>();
    await d.set('l', l);
    const got = (await d.get('l')) as { append(x: number): Promise<void> };
    await got.append(5);
    expect(await l.copy()).toEqual([5]);
  });

  it('a dict proxy passed to a thread reaches the same object', async () => {
    const m = await Manager();
    const d = await m.dict();
    await d.set('x', 42);
    const out = new Queue();
    const p = new Process({ target: targets.dictGets, args: [d, 1000, out], module: targetsUrl });
    await p.start();
    expect(await out.get()).toBeGreaterThan(0);
    await p.join();
    expect(p.exitCode).toBe(0);
    await m.shutdown();
  });

  it('a thread reusing read answers sees every write made after them', async () => {
    const { Event } = await import('@proc/dummy');
    const m = await Manager();
    const d = await m.dict();
    await d.set('x', 1);
    const go = new Event();
    const out = new Queue();
    const p = new Process({ target: targets.readAround, args: [d, go, out], module: targetsUrl });
    await p.start();
    expect(await out.get()).toBe(1);
    expect(await out.get()).toBe(1);
    await d.set('x', 2);
    await go.set();
    expect(await out.get()).toBe(2);
    await p.join();
    await m.shutdown();
  });
});

import { AbortError, AsyncResult, Pool, PoolBrokenError, PoolTerminatedError, StateError, TimeoutError, WorkerLostError } from '@proc/dummy';
import { afterEach, describe, expect, it } from 'vitest';
import * as targets from './fixtures/targets.js';
import { targetsUrl } from './helpers.js';

const module = targetsUrl;
const pools: Pool[] = [];
function pool(options: ConstructorParameters<typeof Pool>[0] = {}): Pool {
  const p = new Pool({ processes: 2, ...options });
  pools.push(p);
  return p;
}
afterEach(async () => {
  for (const p of pools.splice(0)) {
    p.terminate();
    await p.join();
  }
});

describe('Pool on worker threads', () => {
  it('apply, map (default and explicit chunksize), starmap, imap, imapUnordered', async () => {
    const p = pool();
    expect(await p.apply(targets.add, [2, 3], { module })).toBe(5);
    const xs = Array.from({ length: 1000 }, (_, i) => i);
    expect(await p.map(targets.square, xs, { module })).toEqual(xs.map((x) => x * x));
    expect(await p.map(targets.square, xs, { module, chunksize: 1 })).toEqual(xs.map((x) => x * x));
    expect(await p.map(targets.square, [], { module })).toEqual([]);
    expect(await p.starmap(targets.add, [[1, 2], [3, 4]], { module })).toEqual([3, 7]);
    const ordered: number[] = [];
    for await (const v of p.imap(targets.square, [1, 2, 3, 4], { module })) ordered.push(v);
    expect(ordered).toEqual([1, 4, 9, 16]);
    const unordered: number[] = [];
    for await (const v of p.imapUnordered(targets.square, [1, 2, 3, 4], { module, chunksize: 2 })) unordered.push(v);
    expect(unordered.sort((a, b) => a - b)).toEqual([1, 4, 9, 16]);
  });

  it('imap consumes a lazy input with backpressure', async () => {
    const p = pool();
    let pulled = 0;
    function* gen() {
      for (let i = 0; i < 10_000; i++) {
        pulled++;
        yield i;
      }
    }
    const it = p.imap(targets.square, gen(), { module, chunksize: 10 });
    const first = await it.next();
    expect(first.value).toBe(0);
    expect(pulled).toBeLessThan(1000);
    await it.return?.(undefined);
  });

  it('AsyncResult: get, wait, ready, successful, callbacks, timeout', async () => {
    const p = pool();
    let cb: unknown;
    const r = p.applyAsync(targets.slowSquare, [4, 50], { module, callback: (v) => (cb = v) });
    expect(r).toBeInstanceOf(AsyncResult);
    expect(r.ready()).toBe(false);
    expect(() => r.successful()).toThrow(StateError);
    await expect(r.get({ timeout: 1 })).rejects.toBeInstanceOf(TimeoutError);
    expect(await r.get()).toBe(16);
    expect(r.successful()).toBe(true);
    expect(cb).toBe(16);
    const m = p.mapAsync(targets.square, [1, 2], { module });
    await m.wait();
    expect(m.ready()).toBe(true);
    expect(await m.get()).toEqual([1, 4]);
    const bad = p.applyAsync(targets.throwsRange, ['x'], { module });
    await bad.wait();
    expect(bad.successful()).toBe(false);
  });

  it('a task that throws rejects that call (class, code, remote stack); the worker lives on', async () => {
    const p = pool({ processes: 1 });
    const err = await p.apply(targets.throwsRange, ['boom'], { module }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RangeError);
    expect((err as { code?: string }).code).toBe('E_BOOM');
    expect((err as Error).stack).toContain('throwsRange');
    expect(await p.apply(targets.square, [3], { module })).toBe(9);
  });

  it('an unhandled rejection in a task is that task\'s failure', async () => {
    const p = pool({ processes: 1 });
    await expect(p.apply(targets.rejectLater, [], { module })).rejects.toThrow('unhandled in task');
    expect(await p.apply(targets.square, [2], { module })).toBe(4);
  });

  it('a worker that exits or runs out of memory fails its tasks with WorkerLostError and is replaced', async () => {
    const p = pool({ processes: 1, resourceLimits: { maxOldGenerationSizeMb: 32 } });
    const err = await p.apply(targets.exits, [3], { module }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkerLostError);
    expect((err as WorkerLostError).exitCode).toBe(3);
    const oom = await p.apply(targets.leak, [], { module }).catch((e: unknown) => e);
    expect(oom).toBeInstanceOf(WorkerLostError);
    expect(await p.apply(targets.square, [5], { module })).toBe(25);
  });

  it('signal: a queued task is dropped, a running one ends by replacing its worker', async () => {
    const p = pool({ processes: 1 });
    const ac = new AbortController();
    const running = p.apply(targets.spin, [], { module, signal: ac.signal });
    const queued = p.apply(targets.square, [2], { module, signal: ac.signal });
    await new Promise((r) => setTimeout(r, 200));
    ac.abort();
    await expect(running).rejects.toBeInstanceOf(AbortError);
    await expect(queued).rejects.toBeInstanceOf(AbortError);
    expect(await p.apply(targets.square, [6], { module })).toBe(36);
  });

  it('initializer runs in each worker; one that keeps failing breaks the pool instead of looping', async () => {
    const p = pool({ processes: 2, initializer: targets.init, initargs: ['ready'], module });
    expect(await p.apply(targets.initValue, [], { module })).toBe('ready');
    const broken = pool({ processes: 1, initializer: targets.failInit, module });
    const err = await broken.apply(targets.square, [2], { module }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PoolBrokenError);
    expect(((err as Error).cause as Error).message).toBe('init failed');
  });

  it('maxtasksperchild recycles workers', async () => {
    const p = pool({ processes: 1, maxtasksperchild: 2 });
    const who = await p.map(targets.whoami, [1, 2, 3, 4, 5], { module, chunksize: 1 });
    const names = new Set(who.map((w) => w.name));
    expect(names.size).toBe(3);
    expect(who.every((w) => !w.main)).toBe(true);
  });

  it('close() lets work finish; terminate() rejects pending work; join() needs one of them', async () => {
    const p = pool();
    await expect(p.join()).rejects.toBeInstanceOf(StateError);
    const r = p.apply(targets.slowSquare, [3, 50], { module });
    p.close();
    expect(() => p.apply(targets.square, [1], { module })).toThrow(StateError);
    expect(await r).toBe(9);
    await p.join();
    const t = pool({ processes: 1 });
    const spinning = t.apply(targets.spin, [], { module });
    await new Promise((res) => setTimeout(res, 100));
    t.terminate();
    await expect(spinning).rejects.toBeInstanceOf(PoolTerminatedError);
    await t.join();
  });
});

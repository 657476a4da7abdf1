import { Barrier, BoundedSemaphore, BrokenBarrierError, Condition, Event, Lock, LockAbandonedError, Manager, ownerScope, Process, RLock, Semaphore, SharedArray, StateError, Value } from '@proc/dummy';
import { describe, expect, it } from 'vitest';
import * as targets from './fixtures/targets.js';
import { targetsUrl } from './helpers.js';

const module = targetsUrl;

describe('locks and friends on shared memory', () => {
  it('Lock: acquire/release, non-blocking and timed acquire resolve false', async () => {
    const l = new Lock();
    expect(await l.acquire()).toBe(true);
    expect(await l.acquire({ block: false })).toBe(false);
    expect(await l.acquire({ timeout: 20 })).toBe(false);
    await l.release();
    expect(await l.acquire({ block: false })).toBe(true);
    await l.release();
    await expect(l.release()).rejects.toBeInstanceOf(RangeError);
  });

  it('Lock: many threads increment a shared counter without a lost update', async () => {
    const lock = new Lock();
    const m = await Manager();
    const d = await m.dict();
    await d.set('n', 0);
    const ps = [0, 1, 2].map(() => new Process({ target: targets.counter, args: [lock, d, 200], module }));
    for (const p of ps) await p.start();
    for (const p of ps) await p.join();
    expect(ps.map((p) => p.exitCode)).toEqual([0, 0, 0]);
    expect(await d.get('n')).toBe(600);
    await m.shutdown();
  });

  it('a thread terminated while holding a Lock: the next acquirer gets it, told it was abandoned', async () => {
    const lock = new Lock();
    const ready = new Event();
    const p = new Process({ target: targets.holdLock, args: [lock, ready], module });
    await p.start();
    expect(await ready.wait({ timeout: 10_000 })).toBe(true);
    expect(await lock.acquire({ timeout: 50 })).toBe(false);
    const waiting = lock.acquire();
    p.terminate();
    await p.join();
    const err = await waiting.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LockAbandonedError);
    // The acquire that was told holds the lock.
    expect(await ownerScope(() => lock.acquire({ block: false }))).toBe(false);
    await lock.release();
    expect(await lock.acquire()).toBe(true);
    await lock.release();
  });

  it('a thread that exits holding a Lock does not deadlock later acquirers', async () => {
    const lock = new Lock();
    const p = new Process({ target: targets.exitHoldingLock, args: [lock], module });
    await p.start();
    await p.join();
    await expect(lock.acquire({ timeout: 5000 })).rejects.toBeInstanceOf(LockAbandonedError);
    await lock.release();
  });

  it('RLock: re-entrant for its owner (thread and async context), refused to other owners', async () => {
    const r = new RLock();
    expect(await r.acquire()).toBe(true);
    expect(await r.acquire()).toBe(true);
    expect(await ownerScope(() => r.acquire({ block: false }))).toBe(false);
    await expect(ownerScope(() => r.release())).rejects.toBeInstanceOf(StateError);
    await r.release();
    await r.release();
    await expect(r.release()).rejects.toBeInstanceOf(StateError);
  });

  it('Semaphore and BoundedSemaphore', async () => {
    const s = new Semaphore(2);
    expect(await s.acquire()).toBe(true);
    expect(await s.acquire()).toBe(true);
    expect(await s.acquire({ block: false })).toBe(false);
    await s.release();
    expect(await s.getValue()).toBe(1);
    const b = new BoundedSemaphore(1);
    await b.acquire();
    await b.release();
    await expect(b.release()).rejects.toBeInstanceOf(RangeError);
  });

  it('Event set from a thread wakes a waiter here', async () => {
    const e = new Event();
    expect(await e.wait({ timeout: 10 })).toBe(false);
    const p = new Process({ target: targets.setEvent, args: [e], module });
    await p.start();
    expect(await e.wait({ timeout: 10_000 })).toBe(true);
    expect(await e.isSet()).toBe(true);
    await e.clear();
    expect(await e.isSet()).toBe(false);
    await p.join();
  });

  it('Condition: notify wakes one waiter, notifyAll the rest, waitFor checks a predicate', async () => {
    const c = new Condition(new Lock());
    let woken = 0;
    let waiting = 0;
    const waiter = () =>
      ownerScope(async () => {
        await c.acquire();
        waiting++;
        await c.wait();
        woken++;
        await c.release();
      });
    const w1 = waiter();
    const w2 = waiter();
    while (waiting < 2) await new Promise((r) => setImmediate(r));
    await c.acquire();
    await c.notify();
    await c.release();
    await Promise.race([w1, w2]);
    expect(woken).toBe(1);
    await c.acquire();
    await c.notifyAll();
    await c.release();
    await Promise.all([w1, w2]);
    expect(woken).toBe(2);
    let flag = false;
    setTimeout(() => {
      void ownerScope(async () => {
        await c.acquire();
        flag = true;
        await c.notifyAll();
        await c.release();
      });
    }, 10);
    await c.acquire();
    expect(await c.waitFor(() => flag, { timeout: 5000 })).toBe(true);
    await c.release();
  });

  it('Barrier across threads, abort() breaks it', async () => {
    const { Queue } = await import('@proc/dummy');
    let actions = 0;
    const b = new Barrier(3, () => {
      actions++;
    });
    const q = new Queue();
    const ps = [0, 1].map(() => new Process({ target: targets.waitBarrier, args: [b, q], module }));
    for (const p of ps) await p.start();
    const mine = await b.wait();
    const all = [mine, await q.get(), await q.get()].sort();
    expect(all).toEqual([0, 1, 2]);
    expect(actions).toBe(1);
    for (const p of ps) await p.join();
    const b2 = new Barrier(2);
    const w = b2.wait();
    await b2.abort();
    await expect(w).rejects.toBeInstanceOf(BrokenBarrierError);
    expect(await b2.broken()).toBe(true);
    await b2.reset();
    expect(await b2.broken()).toBe(false);
    await expect(b2.wait({ timeout: 20 })).rejects.toBeInstanceOf(BrokenBarrierError);
  });

  it('Value and SharedArray live in shared memory and travel to threads', async () => {
    const v = new Value('i', 0);
    const a = new SharedArray('d', [1, 2]);
    const ps = [0, 1, 2].map(() => new Process({ target: targets.bump, args: [v, a, 50], module }));
    for (const p of ps) await p.start();
    for (const p of ps) await p.join();
    expect(await v.get()).toBe(150);
    expect(await a.toArray()).toEqual([151, 2]);
    const big = new Value('q', 2n ** 62n, { lock: false });
    expect(await big.get()).toBe(2n ** 62n);
    expect(() => big.getLock()).toThrow(TypeError);
  });
});

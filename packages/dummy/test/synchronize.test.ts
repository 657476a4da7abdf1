import { Barrier, BoundedSemaphore, BrokenBarrierError, Condition, Event, Lock, LockAbandonedError, Manager, Process, RLock, Semaphore } from '@proc/dummy';
import { describe, expect, it } from 'vitest';
import * as targets from './fixtures/targets.ts';
import { targetsUrl } from './helpers.ts';

const module = targetsUrl;

describe('locks and friends on shared memory', () => {
  it('Lock: acquire/release, non-blocking and timed acquire resolve false', async () => {
    const l = new Lock();
    expect(await l.acquire()).toBe(true);
    expect(l.locked()).toBe(true);
    expect(await l.acquire({ block: false })).toBe(false);
    expect(await l.acquire({ timeout: 20 })).toBe(false);
    l.release();
    expect(l.locked()).toBe(false);
    expect(() => l.release()).toThrow(RangeError);
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
    expect(lock.locked()).toBe(true);
    lock.release();
    expect(await lock.acquire()).toBe(true);
  });

  it('a thread that exits holding a Lock does not deadlock later acquirers', async () => {
    const lock = new Lock();
    const p = new Process({ target: targets.exitHoldingLock, args: [lock], module });
    await p.start();
    await p.join();
    await expect(lock.acquire({ timeout: 5000 })).rejects.toBeInstanceOf(LockAbandonedError);
    lock.release();
  });

  it('RLock: re-entrant for its owner thread', async () => {
    const r = new RLock();
    expect(await r.acquire()).toBe(true);
    expect(await r.acquire()).toBe(true);
    r.release();
    expect(r.locked()).toBe(true);
    r.release();
    expect(r.locked()).toBe(false);
    expect(() => r.release()).toThrow(RangeError);
  });

  it('Semaphore and BoundedSemaphore', async () => {
    const s = new Semaphore(2);
    expect(await s.acquire()).toBe(true);
    expect(await s.acquire()).toBe(true);
    expect(await s.acquire({ block: false })).toBe(false);
    s.release();
    expect(s.getValue()).toBe(1);
    const b = new BoundedSemaphore(1);
    await b.acquire();
    b.release();
    expect(() => b.release()).toThrow(RangeError);
  });

  it('Event set from a thread wakes a waiter here', async () => {
    const e = new Event();
    expect(await e.wait({ timeout: 10 })).toBe(false);
    const p = new Process({ target: targets.setEvent, args: [e], module });
    await p.start();
    expect(await e.wait({ timeout: 10_000 })).toBe(true);
    expect(e.isSet()).toBe(true);
    e.clear();
    expect(e.isSet()).toBe(false);
    await p.join();
  });

  it('Condition: notify wakes one waiter, notifyAll the rest, waitFor checks a predicate', async () => {
    const c = new Condition(new Lock());
    let woken = 0;
    const waiter = async () => {
      await c.acquire();
      await c.wait();
      woken++;
      c.release();
    };
    const w1 = waiter();
    const w2 = waiter();
    await new Promise((r) => setTimeout(r, 20));
    await c.acquire();
    c.notify();
    c.release();
    await Promise.race([w1, w2]);
    expect(woken).toBe(1);
    await c.acquire();
    c.notifyAll();
    c.release();
    await Promise.all([w1, w2]);
    expect(woken).toBe(2);
    let flag = false;
    setTimeout(async () => {
      await c.acquire();
      flag = true;
      c.notifyAll();
      c.release();
    }, 10);
    await c.acquire();
    expect(await c.waitFor(() => flag, { timeout: 5000 })).toBe(true);
    c.release();
  });

  it('Barrier across threads, abort() breaks it', async () => {
    const { Queue } = await import('@proc/dummy');
    const b = new Barrier(3);
    const q = new Queue();
    const ps = [0, 1].map(() => new Process({ target: targets.waitBarrier, args: [b, q], module }));
    for (const p of ps) await p.start();
    const mine = await b.wait();
    const all = [mine, await q.get(), await q.get()].sort();
    expect(all).toEqual([0, 1, 2]);
    for (const p of ps) await p.join();
    const b2 = new Barrier(2);
    const w = b2.wait();
    b2.abort();
    await expect(w).rejects.toBeInstanceOf(BrokenBarrierError);
    expect(b2.broken).toBe(true);
    b2.reset();
    expect(b2.broken).toBe(false);
    await expect(b2.wait({ timeout: 20 })).rejects.toBeInstanceOf(BrokenBarrierError);
  });
});

import { BrokenBarrierError, LockStateError, Manager, type SyncManager } from '@proc/managers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notifyOnce } from './fixtures/targets.js';
import { child } from './helpers.js';

let m: SyncManager;
beforeAll(async () => {
  m = await Manager();
});
afterAll(async () => {
  await m?.shutdown();
});

describe('Lock and RLock', () => {
  it('Lock: acquire, release, non-blocking and timed acquires', async () => {
    const lock = await m.Lock();
    expect(await lock.acquire()).toBe(true);
    expect(await lock.locked()).toBe(true);
    expect(await lock.acquire({ block: false })).toBe(false);
    expect(await lock.acquire({ timeout: 1 })).toBe(false);
    await lock.release();
    expect(await lock.locked()).toBe(false);
    await expect(lock.release()).rejects.toBeInstanceOf(LockStateError);
    expect(await lock.withLock(() => 42)).toBe(42);
    expect(await lock.locked()).toBe(false);
  });

  it('a waiting acquire is granted on release', async () => {
    const lock = await m.Lock();
    await lock.acquire();
    const second = lock.acquire();
    await lock.release();
    expect(await second).toBe(true);
    await lock.release();
  });

  it('RLock is re-entrant for its owner', async () => {
    const r = await m.RLock();
    expect(await r.acquire()).toBe(true);
    expect(await r.acquire()).toBe(true);
    await r.release();
    expect(await r.locked()).toBe(true);
    await r.release();
    expect(await r.locked()).toBe(false);
  });
});

describe('Semaphore', () => {
  it('counts, and BoundedSemaphore refuses an over-release', async () => {
    const s = await m.Semaphore(2);
    expect(await s.acquire()).toBe(true);
    expect(await s.acquire()).toBe(true);
    expect(await s.acquire({ block: false })).toBe(false);
    const waiting = s.acquire();
    await s.release();
    expect(await waiting).toBe(true);
    expect(await s.getValue()).toBe(0);
    const b = await m.BoundedSemaphore(1);
    await expect(b.release()).rejects.toBeInstanceOf(LockStateError);
    await b.acquire();
    await b.release();
  });
});

describe('Event, Condition, Barrier', () => {
  it('Event: wait resolves once set, false on timeout', async () => {
    const e = await m.Event();
    expect(await e.wait({ timeout: 1 })).toBe(false);
    const w = e.wait();
    await e.set();
    expect(await w).toBe(true);
    expect(await e.isSet()).toBe(true);
    await e.clear();
    expect(await e.isSet()).toBe(false);
  });

  it('Condition: wait times out, and is woken by another process', async () => {
    const c = await m.Condition();
    await c.acquire();
    expect(await c.wait({ timeout: 1 })).toBe(false);
    const woken = c.wait();
    await child(notifyOnce, [c]);
    expect(await woken).toBe(true);
    await c.release();
    await expect(c.release()).rejects.toBeInstanceOf(LockStateError);
  });

  it('Condition over a given Lock', async () => {
    const lock = await m.Lock();
    const c = await m.Condition(lock);
    await c.acquire();
    expect(await lock.locked()).toBe(true);
    await c.release();
    expect(await lock.locked()).toBe(false);
  });

  it('Barrier: releases its parties with their arrival index; abort breaks it', async () => {
    const b = await m.Barrier(2);
    expect(await b.parties()).toBe(2);
    const idx = await Promise.all([b.wait(), b.wait()]);
    expect(idx.sort()).toEqual([0, 1]);
    const lone = b.wait();
    await b.abort();
    await expect(lone).rejects.toBeInstanceOf(BrokenBarrierError);
    expect(await b.broken()).toBe(true);
    await b.reset();
    expect(await b.broken()).toBe(false);
    await expect(b.wait({ timeout: 1 })).rejects.toBeInstanceOf(BrokenBarrierError);
  });
});

import { Condition, Lock, ownerScope, Queue } from '@proc/dummy';
import { describe, expect, it } from 'vitest';
import * as targets from './fixtures/targets.js';
import { threadStarter } from './helpers.js';

const start = threadStarter();

/** Resolves once `i32[index]` is no longer 0 (another thread stores and notifies it). */
async function until(i32: Int32Array, index: number): Promise<void> {
  while (Atomics.load(i32, index) === 0) {
    const r = (Atomics as unknown as { waitAsync(a: Int32Array, i: number, v: number, t: number): { value: unknown } }).waitAsync(i32, index, 0, 100);
    await r.value;
  }
}

describe('Condition: a waiter that stops waiting leaves the line', () => {
  it('a notify after a waiter timed out wakes the live waiter, not the one that left', async () => {
    const c = new Condition(new Lock());
    const q = new Queue();
    await start(targets.conditionWaitOnce, [c, 20, q]);
    expect(await q.get()).toBe('waiting');
    expect(await q.get()).toBe(false);
    await start(targets.conditionWaitOnce, [c, 30_000, q]);
    expect(await q.get()).toBe('waiting');
    await c.acquire();
    await c.notify();
    await c.release();
    // Before the fix the notify went to the timed-out waiter's place and this one slept on.
    expect(await q.get({ timeout: 10_000 })).toBe(true);
  });

  it('a waiter aborted after a notify chose it passes the wake-up on', async () => {
    const c = new Condition(new Lock());
    const q = new Queue();
    const flags = new Int32Array(new SharedArrayBuffer(8));
    await start(targets.conditionAbortWhenChosen, [c, flags.buffer, q]);
    // The thread waits, then blocks its event loop in a timer until flags[1] is set.
    await until(flags, 0);
    let liveWaiting = false;
    const live = ownerScope(async () => {
      await c.acquire();
      liveWaiting = true;
      const r = await c.wait({ timeout: 10_000 });
      await c.release();
      return r;
    });
    while (!liveWaiting) await new Promise((r) => setImmediate(r));
    await c.acquire();
    await c.notify(); // chooses the thread's waiter: it arrived first
    await c.release();
    Atomics.store(flags, 1, 1);
    Atomics.notify(flags, 1);
    expect(await q.get()).toBe('AbortError');
    expect(await live).toBe(true);
  });

  it('notifies racing waiters that time out are neither lost nor doubled', async () => {
    const c = new Condition(new Lock());
    const q = new Queue();
    // counts: [stop, notified waits in the racing threads]
    const counts = new Int32Array(new SharedArrayBuffer(8));
    for (let i = 0; i < 3; i++) await start(targets.conditionRacer, [c, counts.buffer, q]);
    const N = 600;
    let liveWaiting = false;
    let liveWoken = 0;
    let liveTimedOut = 0;
    let stop = false;
    const live = ownerScope(async () => {
      for (;;) {
        await c.acquire();
        liveWaiting = true;
        const r = await c.wait({ timeout: 10_000 });
        liveWaiting = false;
        if (stop) break;
        if (r) liveWoken++;
        else liveTimedOut++;
        await c.release();
      }
      await c.release();
    });
    const delivered = () => liveWoken + Atomics.load(counts, 1);
    const deadline = performance.now() + 20_000;
    for (let k = 0; k < N && performance.now() < deadline; k++) {
      await c.acquire();
      // One notify at a time: the previous one has been received, and the live waiter is in
      // the line and not chosen yet, so this notify(1) has someone to wake.
      while (!(liveWaiting && delivered() === k) && performance.now() < deadline) {
        await c.release();
        await new Promise((r) => setImmediate(r));
        await c.acquire();
      }
      await c.notify();
      await c.release();
    }
    while (delivered() < N && performance.now() < deadline) await new Promise((r) => setImmediate(r));
    await c.acquire();
    Atomics.store(counts, 0, 1);
    stop = true;
    await c.notifyAll();
    await c.release();
    await live;
    for (let i = 0; i < 3; i++) expect(await q.get()).toBe('done');
    expect({ delivered: delivered(), liveTimedOut }).toEqual({ delivered: N, liveTimedOut: 0 });
  });
});

import { AbortError, Empty, Full, JoinableQueue, Process, Queue, SimpleQueue } from '@proc/dummy';
import { describe, expect, it } from 'vitest';
import * as targets from './fixtures/targets.js';
import { targetsUrl } from './helpers.js';

const module = targetsUrl;

describe('Queue (SharedArrayBuffer ring)', () => {
  it('keeps FIFO order for every kind of value', async () => {
    const q = new Queue();
    const values = [1, -2.5, 'short', 'x'.repeat(1000), null, undefined, true, false, { a: [1, 2] }, new Map([[1, 2]]), 10n];
    for (const v of values) await q.put(v);
    expect(await q.qsize()).toBe(values.length);
    for (const v of values) expect(await q.get()).toEqual(v);
    expect(await q.empty()).toBe(true);
  });

  it('maxsize: putNowait rejects with Full, getNowait with Empty, and so do timeouts (as Python)', async () => {
    const q = new Queue({ maxsize: 2 });
    await q.put(1);
    await q.putNowait(2);
    expect(await q.full()).toBe(true);
    await expect(q.putNowait(3)).rejects.toBeInstanceOf(Full);
    await expect(q.put(3, { block: false })).rejects.toBeInstanceOf(Full);
    await expect(q.put(3, { timeout: 30 })).rejects.toBeInstanceOf(Full);
    expect(await q.get()).toBe(1);
    expect(await q.get()).toBe(2);
    await expect(q.getNowait()).rejects.toBeInstanceOf(Empty);
    await expect(q.get({ timeout: 30 })).rejects.toBeInstanceOf(Empty);
  });

  it('a blocked put resumes when a get makes room; an aborted get takes nothing', async () => {
    const q = new Queue({ maxsize: 1 });
    await q.put('a');
    const put = q.put('b');
    expect(await q.get()).toBe('a');
    await put;
    const ac = new AbortController();
    const e = new Queue();
    const g = e.get({ signal: ac.signal });
    ac.abort(new Error('stop'));
    const err = await g.catch((x: unknown) => x);
    expect(err).toBeInstanceOf(AbortError);
    expect((err as Error).cause).toEqual(new Error('stop'));
    await e.put(42);
    expect(await e.get()).toBe(42);
    expect(await q.get()).toBe('b');
  });

  it('carries 200k items from a thread in order', async () => {
    const q = new Queue();
    const p = new Process({ target: targets.queueProducer, args: [q, 200_000], module });
    await p.start();
    let expected = 0;
    for (;;) {
      const v = await q.get();
      if (v === -1) break;
      expect(v).toBe(expected++);
    }
    expect(expected).toBe(200_000);
    await p.join();
  });

  it('JoinableQueue: join() waits for taskDone() from a thread; too many taskDone throws', async () => {
    const q = new JoinableQueue();
    for (let i = 0; i < 5; i++) await q.put(i);
    const p = new Process({ target: targets.consumeJoinable, args: [q, 5], module });
    await p.start();
    await q.join({ timeout: 10_000 });
    await p.join();
    await expect(q.taskDone()).rejects.toBeInstanceOf(RangeError);
  });

  it('SimpleQueue travels to a thread', async () => {
    const q = new SimpleQueue();
    const p = new Process({ target: targets.report, args: [q], module });
    await p.start();
    expect(((await q.get()) as { main: boolean }).main).toBe(false);
    await p.join();
    expect(await q.empty()).toBe(true);
  });

  it('for await yields items; close() makes this handle refuse puts', async () => {
    const q = new Queue<number>();
    for (const i of [1, 2, 3]) await q.put(i);
    const got: number[] = [];
    for await (const v of q) {
      got.push(v);
      if (got.length === 3) break;
    }
    expect(got).toEqual([1, 2, 3]);
    await q.close();
    await expect(q.put(4)).rejects.toThrow('closed');
  });
});

describe('Queue limits', () => {
  it('errors travel as items, with their class', async () => {
    const q = new Queue();
    await q.put(new RangeError('as an item'));
    const e = await q.get();
    expect(e).toBeInstanceOf(RangeError);
    expect(await q.qsize()).toBe(0);
  });
});

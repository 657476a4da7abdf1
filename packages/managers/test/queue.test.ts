import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { AbortError, resolveTsx } from '@proc/core';
import { Empty, Full, Manager, type SyncManager } from '@proc/managers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { putSquares } from './fixtures/targets.js';
import { child } from './helpers.js';

let m: SyncManager;
beforeAll(async () => {
  m = await Manager();
});
afterAll(async () => {
  await m?.shutdown();
});

describe('Queue', () => {
  it('runs the seed program: a child puts squares, the parent gets them', async () => {
    const q = await m.Queue({ maxsize: 3 });
    const p = await child(putSquares, [q]);
    const got: unknown[] = [];
    let result: unknown = null;
    while (result !== 'STOP') {
      result = await q.get();
      got.push(result);
    }
    await p.join();
    expect(got).toEqual([0, 1, 4, 9, 16, 25, 36, 49, 64, 81, 'STOP']);
    expect(p.exitCode).toBe(0);
  });

  it('runs the seed program as written, as its own process', async () => {
    const seed = fileURLToPath(new URL('./fixtures/seed.ts', import.meta.url));
    const { stdout } = await promisify(execFile)(process.execPath, [`--import=${resolveTsx()}`, seed], {
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    expect(stdout.trim().split('\n')).toEqual(['0', '1', '4', '9', '16', '25', '36', '49', '64', '81', 'STOP']);
  });

  it('raises Empty and Full without blocking or after a timeout', async () => {
    const q = await m.Queue<number>({ maxsize: 1 });
    expect(await q.empty()).toBe(true);
    await expect(q.getNowait()).rejects.toBeInstanceOf(Empty);
    await expect(q.get({ timeout: 1 })).rejects.toBeInstanceOf(Empty);
    await q.putNowait(1);
    expect(await q.full()).toBe(true);
    expect(await q.qsize()).toBe(1);
    await expect(q.putNowait(2)).rejects.toBeInstanceOf(Full);
    await expect(q.put(2, { timeout: 1 })).rejects.toBeInstanceOf(Full);
    await expect(q.put(2, { block: false })).rejects.toBeInstanceOf(Full);
    expect(await q.get()).toBe(1);
    expect(await q.get({ block: false }).catch((e: unknown) => e)).toBeInstanceOf(Empty);
  });

  it('a put waiting for room goes in once a get makes room, in order', async () => {
    const q = await m.Queue<number>({ maxsize: 2 });
    await q.put(1);
    await q.put(2);
    const third = q.put(3);
    expect(await q.get()).toBe(1);
    await third;
    expect([await q.get(), await q.get()]).toEqual([2, 3]);
  });

  it('rejects at once with an already aborted signal, and a withdrawn get takes no item', async () => {
    const q = await m.Queue<string>();
    const ac = new AbortController();
    ac.abort('early');
    const early = await q.get({ signal: ac.signal }).catch((e: unknown) => e);
    expect(early).toBeInstanceOf(AbortError);
    expect((early as AbortError).cause).toBe('early');
    const ac2 = new AbortController();
    const waiting = q.get({ signal: ac2.signal });
    ac2.abort('late');
    await expect(waiting).rejects.toBeInstanceOf(AbortError);
    await q.put('item');
    expect(await q.get()).toBe('item');
  });

  it('loses no item when gets are withdrawn while items arrive', async () => {
    const q = await m.Queue<number>();
    const n = 300;
    const got: number[] = [];
    const gets: Promise<void>[] = [];
    for (let i = 0; i < n; i++) {
      const ac = new AbortController();
      gets.push(
        q.get({ signal: ac.signal }).then(
          (v) => void got.push(v),
          () => {},
        ),
      );
      // Half the withdrawals race with the puts below (same tick).
      if (i % 2 === 0) queueMicrotask(() => ac.abort());
      void q.put(i);
    }
    await Promise.all(gets);
    // Whatever was granted to a get that had already given up went back to the queue.
    for (let left = await q.qsize(); left > 0; left--) got.push(await q.get());
    expect(got.sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
  });

  it('for await fetches in batches and puts back what a break leaves', async () => {
    const q = await m.Queue<number>();
    // Exact counts below: no lease (an idle lease given back mid-qsize would make it approximate).
    q.$prefetch = 0;
    for (let i = 0; i < 10; i++) await q.put(i);
    const seen: number[] = [];
    for await (const item of q) {
      seen.push(item);
      if (item === 3) break;
    }
    expect(seen).toEqual([0, 1, 2, 3]);
    expect(await q.get()).toBe(4);
    expect(await q.qsize()).toBe(5);
  });
});

describe('JoinableQueue', () => {
  it('join resolves once every item is marked done', async () => {
    const q = await m.JoinableQueue<number>();
    await q.put(1);
    await q.put(2);
    expect(await q.join({ timeout: 1 })).toBe(false);
    const joined = q.join();
    await q.get();
    await q.taskDone();
    await q.get();
    await q.taskDone();
    expect(await joined).toBe(true);
    await expect(q.taskDone()).rejects.toMatchObject({ code: 'PROC_ERR_LOCK_STATE' });
  });
});

/**
 * A hundred concurrent client connections (4 processes x 25 connections, each its own client and
 * proxies) hammering one dict: no lost update where the API promises atomicity, no crash, and the
 * server serves on afterwards.
 */
import { Process } from '@proc/core';
import { Manager, type SyncManager } from '@proc/managers';
import { afterAll, beforeAll, expect, it, onTestFinished } from 'vitest';
import { manyConnections } from './fixtures/connections.js';
import { until } from './helpers.js';

let m: SyncManager;
beforeAll(async () => {
  m = await Manager();
});
afterAll(async () => {
  await m?.shutdown();
});

it('a hundred concurrent clients hammering one dict lose no atomic update and the server serves on', async () => {
  const procs = 4;
  const conns = 25;
  const n = 4;
  const tokens = 100; // each tried by many clients at once
  const d = await m.dict<string, number>();
  const lock = await m.Lock();
  await d.update(Array.from({ length: tokens }, (_, t): [string, number] => [`tok${t}`, t]));
  const connected = await m.Barrier(procs + 1);
  const go = await m.Barrier(procs + 1);
  const before = (await m.debugInfo()).connections;
  const ps = Array.from(
    { length: procs },
    (_, id) =>
      new Process({
        target: manyConnections as never,
        module: new URL('./fixtures/connections.ts', import.meta.url).href,
        args: [d, lock, connected, go, id, conns, n, tokens] as never,
      }),
  );
  onTestFinished(async () => {
    for (const p of ps) {
      if (p.isAlive()) {
        p.kill();
        await p.join();
      }
    }
  });
  await Promise.all(ps.map((p) => p.start()));
  await connected.wait();
  // All hundred dedicated connections are open at once (plus each child's shared one).
  expect((await m.debugInfo()).connections).toBeGreaterThanOrEqual(before + procs * conns);
  await go.wait();
  await Promise.all(ps.map((p) => p.join()));
  for (const p of ps) expect(p.exitCode).toBe(0);

  const clients = procs * conns;
  expect(await d.get('count')).toBe(clients * n);
  for (let id = 0; id < procs; id++)
    for (let c = 0; c < conns; c++) for (let i = 0; i < n; i++) expect(await d.get(`k-${id}-${c}-${i}`)).toBe(i);
  // Every token popped exactly once: none is left, and there is one winner per token (a double
  // pop would make two `won<t>-<client>` keys).
  const keys = (await d.keys()) as string[];
  expect(keys.filter((k) => k.startsWith('tok'))).toEqual([]);
  expect(keys.filter((k) => k.startsWith('won')).length).toBe(tokens);
  const first = (await d.get('first')) as number;
  expect(first).toBeGreaterThanOrEqual(0);
  expect(first).toBeLessThan(clients);
  expect(await lock.locked()).toBe(false);

  // The server serves on, and the hundred connections are gone from it.
  await until(async () => (await m.debugInfo()).connections <= before);
  await d.set('after', 1);
  expect(await d.get('after')).toBe(1);
  const fresh = await m.dict<string, number>();
  await fresh.set('x', 2);
  expect(await fresh.get('x')).toBe(2);
});

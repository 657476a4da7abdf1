/**
 * `get()` leases items ahead (prefetch): leased items a consumer does not hand out go back to
 * the head of the queue, in order, so nothing is lost or doubled, whether the consumer dies,
 * closes its proxy, or goes idle while another consumer waits.
 */
import { Manager, type QueueProxy, type SyncManager } from '@proc/managers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leaseAndSpin } from './fixtures/targets.js';
import { child } from './helpers.js';

let m: SyncManager;
beforeAll(async () => {
  m = await Manager();
});
afterAll(async () => {
  await m?.shutdown();
});

const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);

/** A second proxy of the same queue in this process (its own lease), via a shared dict. */
async function anotherProxy<T>(q: QueueProxy<T>): Promise<QueueProxy<T>> {
  const d = await m.dict<string, QueueProxy<T>>();
  await d.set('q', q);
  return (await d.get('q')) as QueueProxy<T>;
}

describe('Queue prefetch (leases)', () => {
  it('a consumer killed holding leased items: they go back to the head in order, none lost or doubled', async () => {
    const N = 300;
    const q = await m.Queue<number | null>();
    for (let i = 0; i < N; i++) await q.put(i);
    await q.put(null);
    const report = await m.Queue<number>();
    const p = await child(leaseAndSpin, [q, report, 20]);
    const got: number[] = [];
    while (got.length < 20) got.push(await report.get());
    expect(got).toEqual(range(0, 20));
    // The child holds items on lease beyond the 20 it handed out.
    expect(await q.qsize()).toBeLessThan(N - 20 + 1);
    p.kill();
    await p.join();
    const rest: number[] = [];
    for (let x = await q.get(); x !== null; x = await q.get()) rest.push(x);
    expect(rest).toEqual(range(20, N));
    expect(await q.qsize()).toBe(0);
  });

  it('closing a proxy gives its leased items back, in order', async () => {
    const q = await m.Queue<number>();
    for (let i = 0; i < 100; i++) await q.put(i);
    const a = await anotherProxy(q);
    const first: number[] = [];
    for (let i = 0; i < 10; i++) first.push(await a.get());
    expect(first).toEqual(range(0, 10));
    await a.$close();
    const rest: number[] = [];
    for (let i = 10; i < 100; i++) rest.push(await q.get());
    expect(rest).toEqual(range(10, 100));
  });

  it('an idle consumer gives its lease back, so a waiting consumer gets those items', async () => {
    const q = await m.Queue<number>();
    const N = 200;
    for (let i = 0; i < N; i++) await q.put(i);
    const a = await anotherProxy(q);
    const fromA: number[] = [];
    for (let i = 0; i < 10; i++) fromA.push(await a.get());
    // a stops calling get(), holding items on lease; q needs every remaining item.
    const fromQ: number[] = [];
    while (fromQ.length < N - 10) fromQ.push(await q.get());
    expect(fromA).toEqual(range(0, 10));
    expect([...fromQ].sort((x, y) => x - y)).toEqual(range(10, N));
    expect(await q.qsize()).toBe(0);
    await a.$close();
  });

  it('$prefetch = 0 turns leasing off: each get takes one item from the server', async () => {
    const q = await m.Queue<number>();
    q.$prefetch = 0;
    for (let i = 0; i < 5; i++) await q.put(i);
    expect(await q.get()).toBe(0);
    const other = await anotherProxy(q);
    other.$prefetch = 0;
    expect(await other.qsize()).toBe(4);
    expect(await other.get()).toBe(1);
    expect(() => {
      q.$prefetch = -1;
    }).toThrow(RangeError);
    await other.$close();
  });

  it('a bounded queue does not lease (its room counts every item)', async () => {
    const q = await m.Queue<number>({ maxsize: 10 });
    expect(q.$prefetch).toBe(0);
    for (let i = 0; i < 10; i++) await q.put(i);
    expect(await q.get()).toBe(0);
    expect(await q.qsize()).toBe(9);
    expect(await q.full()).toBe(false);
  });
});

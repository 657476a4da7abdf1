import { ListProxy, Manager, ProxyClosedError, type SyncManager } from '@proc/managers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAndHold, sendProxy, useAndLeave } from './fixtures/targets.js';
import { child, until } from './helpers.js';

let m: SyncManager;
beforeAll(async () => {
  m = await Manager();
});
afterAll(async () => {
  await m?.shutdown();
});

const objects = async () => (await m.debugInfo()).objects;

describe('reference counting', () => {
  it('$close frees the object; a closed proxy refuses calls', async () => {
    const before = await objects();
    const d = await m.dict();
    expect(await objects()).toBe(before + 1);
    await d.$close();
    await d.$close();
    expect(await objects()).toBe(before);
    await expect(d.get('x')).rejects.toBeInstanceOf(ProxyClosedError);
  });

  it('await using drops the reference at the end of the block', async () => {
    const before = await objects();
    {
      await using l = await m.list();
      await l.append(1);
      expect(await objects()).toBe(before + 1);
    }
    expect(await objects()).toBe(before);
  });

  it('a proxy passed to a child arrives connected; the child’s references go with it', async () => {
    const before = await objects();
    const d = await m.dict();
    const l = await m.list(['parent']);
    const p = await child(useAndLeave, [d, l]);
    await p.join();
    expect(p.exitCode).toBe(0);
    expect(await d.get('childSaw')).toBe(2);
    expect(await l.copy()).toEqual(['parent', 'child']);
    await d.$close();
    await l.$close();
    // The child exited without closing its proxies: its connection's ledger drops them.
    await until(async () => (await objects()) === before);
  });

  it('a proxy in transit keeps its object alive until it is claimed', async () => {
    const q = await m.Queue();
    const l = await m.list([1, 2]);
    const p = await child(sendProxy, [q, l]);
    await p.join();
    await l.$close();
    // Only the copy inside the queue holds the list now.
    const back = (await q.get()) as ListProxy;
    expect(back).toBeInstanceOf(ListProxy);
    expect(await back.copy()).toEqual([1, 2]);
  });

  it('an object stored in a shared dict outlives the proxy that stored it', async () => {
    const d = await m.dict<string, ListProxy<number>>();
    const l = await m.list<number>([7]);
    await d.set('l', l);
    await l.$close();
    const back = await d.get('l');
    expect(await back?.copy()).toEqual([7]);
  });

  it('a client killed while holding references frees them', async () => {
    const ready = await m.Event();
    const never = await m.Event();
    const before = await objects();
    const p = await child(makeAndHold, [m.address, ready, never]);
    await ready.wait();
    expect(await objects()).toBe(before + 2);
    p.kill();
    await p.join();
    await until(async () => (await objects()) === before);
  });
});

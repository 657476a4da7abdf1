import { randomBytes } from 'node:crypto';
import { BaseProxy, type QueueProxy, SyncManager, UnknownMethodError } from '@proc/managers';
import { describe, expect, it, onTestFinished } from 'vitest';
import { remoteClient } from './fixtures/targets.js';
import { Counter, CounterProxy, MyManager } from './fixtures/types.js';
import { child } from './helpers.js';

describe('remote managers', () => {
  it('serves over TCP with an authkey: getServer().serveForever() and connect()', async () => {
    const authkey = randomBytes(32);
    const host = new SyncManager({ address: ['127.0.0.1', 0], authkey });
    const server = host.getServer();
    const serving = server.serveForever();
    onTestFinished(() => server.shutdown());
    const address = (await server.listen()) as [string, number];
    expect(address[1]).toBeGreaterThan(0);

    const user = new SyncManager({ address, authkey });
    await user.connect();
    onTestFinished(() => user.shutdown());
    const q = (await user.Queue()) as QueueProxy<string>;
    const d = await user.dict();
    await d.set('from', 'parent');
    expect(await d.get('from')).toBe('parent');

    // Another process connects by address and key (as from another machine).
    const p = await child(remoteClient, [address, authkey, 'hello']);
    await p.join();
    expect(p.exitCode).toBe(0);
    expect((await user.debugInfo()).objects).toBeGreaterThanOrEqual(2);
    void q;
    await server.shutdown();
    await serving;
  });
});

describe('registered types', () => {
  it('an in-process server uses the factory itself', async () => {
    class Local extends SyncManager {}
    Local.register('Counter', Counter);
    const host = new Local({ address: ['127.0.0.1', 0] });
    const server = host.getServer();
    onTestFinished(() => server.shutdown());
    const address = await server.listen();
    const user = new Local({ address });
    await user.connect();
    onTestFinished(() => user.shutdown());
    const c = await user.create<BaseProxy & { inc(n?: number): Promise<number> }>('Counter', 5);
    expect(await c.inc(2)).toBe(7);
    expect((c as unknown as { then?: unknown }).then).toBeUndefined();
  });

  it('a spawned server finds factories by module and name; AutoProxy, proxyType, methodToTypeid', async () => {
    const m = new MyManager();
    onTestFinished(() => m.shutdown());
    await m.start();
    const c = (await (m as unknown as { Counter(start: number): Promise<BaseProxy> }).Counter(10)) as BaseProxy &
      Record<string, (...a: unknown[]) => Promise<unknown>>;
    expect(c).toBeInstanceOf(BaseProxy);
    expect(await c.inc(1)).toBe(11);
    expect(await c.value()).toBe(11);
    expect(c._secret).toBeUndefined();
    await expect(c.$call('_secret')).rejects.toBeInstanceOf(UnknownMethodError);
    const err = (await c.fail().catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(RangeError);
    expect(err.message).toBe('counter at 11 refuses');
    expect(err.stack).toMatch(/fail/);
    // methodToTypeid: the result is shared and comes back as a proxy.
    const forked = (await c.fork()) as typeof c;
    expect(forked).toBeInstanceOf(BaseProxy);
    expect(await forked.inc(5)).toBe(16);
    expect(await c.value()).toBe(11);
    const t = await m.create<CounterProxy>('TypedCounter', 1);
    expect(t).toBeInstanceOf(CounterProxy);
    expect(await t.inc()).toBe(2);
    await expect(t.$call('fork')).rejects.toBeInstanceOf(UnknownMethodError);
  });
});

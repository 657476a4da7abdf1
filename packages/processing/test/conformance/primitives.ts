/**
 * The behaviour of the manager-free primitives, written once and run against every backend:
 * `@proc/processing` (processes) here, `@proc/dummy` (worker threads) later. Tests that need
 * what threads lack are guarded by `caps`.
 */
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';

type Api = typeof import('@proc/processing');

export interface PrimitivesCaps {
  /** Workers are separate processes (separate address spaces, a host that can be gone). */
  processes: boolean;
  /** Workers can be killed with signals (SIGKILL) at any moment. */
  signals: boolean;
  /** Workers have a pid of their own. */
  pid: boolean;
}

export interface PrimitivesSuiteOptions {
  /** The module specifier targets import to reach the backend. @default '@proc/processing' */
  backend?: string;
}

const fixtures = new URL('../fixtures/primitives.ts', import.meta.url).href;

export function definePrimitivesSuite(api: Api, caps: PrimitivesCaps, options: PrimitivesSuiteOptions = {}): void {
  const backend = options.backend ?? '@proc/processing';
  const { Queue, SimpleQueue, JoinableQueue, Lock, RLock, Semaphore, BoundedSemaphore, Condition, Event, Barrier, Value, SharedArray } =
    api;

  /** Starts a child running the fixture `name`; it is killed and reaped when the test ends. */
  async function spawn(name: string, args: unknown[]): Promise<InstanceType<Api['Process']>> {
    const ns = (await import(fixtures)) as Record<string, (...a: never[]) => unknown>;
    const p = new api.Process({ target: ns[name], args: args as never[], module: fixtures, exportName: name });
    onTestFinished(async () => {
      if (p.isAlive()) {
        p.kill();
        await p.join();
      }
    });
    await p.start();
    return p;
  }

  const code = (err: unknown) => (err as { code?: string }).code;

  describe('Queue', () => {
    it('is FIFO, counts, and reports empty/full', async () => {
      const q = new Queue<number>({ maxsize: 3 });
      expect(q.maxsize).toBe(3);
      expect(await q.empty()).toBe(true);
      await q.put(1);
      await q.put(2);
      await q.put(3);
      expect(await q.qsize()).toBe(3);
      expect(await q.full()).toBe(true);
      expect([await q.get(), await q.get(), await q.get()]).toEqual([1, 2, 3]);
      expect(await q.empty()).toBe(true);
    });

    it('rejects with Full and Empty without blocking or after a timeout', async () => {
      const q = new Queue({ maxsize: 1 });
      await q.putNowait('a');
      await expect(q.putNowait('b')).rejects.toBeInstanceOf(api.Full);
      await expect(q.put('b', { timeout: 10 })).rejects.toSatisfy((e) => code(e) === 'PROC_ERR_FULL');
      expect(await q.getNowait()).toBe('a');
      await expect(q.getNowait()).rejects.toBeInstanceOf(api.Empty);
      await expect(q.get({ timeout: 10 })).rejects.toSatisfy((e) => code(e) === 'PROC_ERR_EMPTY');
      // Nothing was lost or doubled by the refusals.
      await q.put('c');
      expect(await q.get()).toBe('c');
      expect(await q.qsize()).toBe(0);
    });

    it('validates arguments at once', () => {
      expect(() => new Queue({ maxsize: 1.5 })).toThrow(TypeError);
      const q = new Queue();
      expect(() => q.get({ timeout: -1 })).toThrow(RangeError);
      expect(() => q.put(1, { block: 'yes' as never })).toThrow(TypeError);
    });

    it('a get aborted while waiting rejects with AbortError and loses nothing', async () => {
      const q = new Queue<string>();
      const ac = new AbortController();
      const pending = q.get({ signal: ac.signal });
      ac.abort(new Error('stop'));
      await expect(pending).rejects.toSatisfy((e) => code(e) === 'PROC_ERR_ABORTED' && (e as Error).cause instanceof Error);
      await q.put('x');
      expect(await q.get()).toBe('x');
      await expect(q.get({ signal: AbortSignal.abort() })).rejects.toSatisfy((e) => code(e) === 'PROC_ERR_ABORTED');
    });

    it('an item racing an aborted get is handed back: every item is got exactly once', async () => {
      const q = new Queue<number>();
      const got: number[] = [];
      for (let i = 0; i < 50; i++) {
        const ac = new AbortController();
        const g = q.get({ signal: ac.signal }).then(
          (v) => got.push(v),
          () => {},
        );
        await q.put(i);
        if (i % 2 === 0) await Promise.resolve();
        ac.abort();
        await g;
      }
      for (let n = await q.qsize(); n > 0; n--) got.push(await q.get());
      expect(got.sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    });

    it('concurrent gets in one process share what was lent ahead, and none hangs', async () => {
      const q = new Queue<number>();
      for (let i = 0; i < 5; i++) await q.put(i);
      const got = await Promise.all([q.get(), q.get(), q.get()]);
      expect(got.sort()).toEqual([0, 1, 2]);
      const rest = Promise.all([q.get(), q.get(), q.get()]);
      await q.put(5);
      expect((await rest).sort()).toEqual([3, 4, 5]);
      expect(await q.qsize()).toBe(0);
    });

    it('for await yields items in order and a break leaves the rest', async () => {
      const q = new Queue<number>();
      for (let i = 0; i < 5; i++) await q.put(i);
      const seen: number[] = [];
      for await (const x of q) {
        seen.push(x);
        if (x === 2) break;
      }
      expect(seen).toEqual([0, 1, 2]);
      expect([await q.get(), await q.get()]).toEqual([3, 4]);
    });

    it('close() stops this handle from putting and flushes', async () => {
      const q = new Queue();
      await q.put(1);
      await q.close();
      await expect(q.put(2)).rejects.toSatisfy((e) => code(e) === 'PROC_ERR_STATE');
      expect(await q.get()).toBe(1);
    });

    it('carries values through the codec', async () => {
      const q = new Queue();
      const v = { a: [1, 'two', null], m: new Map([[1, new Set([2])]]), d: new Date(5), big: 10n, bytes: new Uint8Array([1, 2]) };
      await q.put(v);
      expect(await q.get()).toEqual(v);
    });

    it('a child producer delivers in order (bounded queue)', async () => {
      const q = new Queue({ maxsize: 3 });
      const items = Array.from({ length: 100 }, (_, i) => i * i);
      const p = await spawn('producer', [q, items, 'STOP']);
      const got: unknown[] = [];
      for (let x = await q.get(); x !== 'STOP'; x = await q.get()) got.push(x);
      expect(got).toEqual(items);
      await p.join();
      expect(p.exitCode).toBe(0);
    });

    it('a child consumer gets what the parent puts', async () => {
      const q = new Queue({ maxsize: 2 });
      const out = new Queue();
      const p = await spawn('consumer', [q, out, 20]);
      for (let i = 0; i < 20; i++) await q.put(i);
      const got: unknown[] = [];
      for (let i = 0; i < 20; i++) got.push(await out.get());
      expect(got).toEqual(Array.from({ length: 20 }, (_, i) => i));
      await p.join();
    });

    it('many producers and consumers: every item exactly once', async () => {
      const q = new Queue({ maxsize: 7 });
      const out = new Queue();
      const producers = 3;
      const per = 60;
      const consumers = 3;
      const procs = [];
      for (let c = 0; c < consumers; c++) procs.push(await spawn('consumer', [q, out, (producers * per) / consumers]));
      for (let p = 0; p < producers; p++) {
        procs.push(
          await spawn('producer', [
            q,
            Array.from({ length: per }, (_, i) => `${p}:${i}`),
          ]),
        );
      }
      const got: string[] = [];
      for (let i = 0; i < producers * per; i++) got.push((await out.get()) as string);
      for (const p of procs) await p.join();
      const want = Array.from({ length: producers }, (_, p) => Array.from({ length: per }, (_, i) => `${p}:${i}`)).flat();
      expect(got.sort()).toEqual(want.sort());
      // Per producer, order is kept.
      for (let p = 0; p < producers; p++) {
        const mine = got.filter((x) => x.startsWith(`${p}:`));
        expect(mine.length).toBe(per);
      }
      expect(await q.qsize()).toBe(0);
    });

    it('travels to grandchildren', async () => {
      const q = new Queue();
      const p = await spawn('spawnGrandchild', [q, 'from-grandchild', backend]);
      expect(await q.get()).toBe('from-grandchild');
      await p.join();
      expect(p.exitCode).toBe(0);
    });

    it.runIf(caps.processes)('a queue hosted by a child reaches the parent, and its host going away is a typed error', async () => {
      const out = new Queue();
      const stop = new Event();
      const p = await spawn('hostInChild', [out, stop, backend]);
      const theirs = (await out.get()) as InstanceType<Api['Queue']>;
      expect(await theirs.get()).toBe('from-child-host');
      const pending = theirs.get().catch((e: unknown) => e);
      await stop.set();
      await p.join();
      const err = await pending;
      expect(err).toBeInstanceOf(api.HostGoneError);
      expect(code(err)).toBe('PROC_ERR_HOST_GONE');
      await expect(theirs.put(1)).rejects.toBeInstanceOf(api.HostGoneError);
    });

    it.runIf(caps.signals)('a consumer killed while waiting in get loses no item', async () => {
      const q = new Queue();
      const ready = new Event();
      const out = new Queue();
      const p = await spawn('blockedGetter', [q, ready, out]);
      await ready.wait();
      p.kill();
      await p.join();
      await q.put('kept');
      expect(await q.get({ timeout: 10_000 })).toBe('kept');
      expect(await out.qsize()).toBe(0);
    });

    it.runIf(caps.signals)('a producer killed after put resolved loses nothing', async () => {
      const q = new Queue();
      const progress = new Queue<number>();
      const p = await spawn('killableProducer', [q, progress, 'k', 1_000_000]);
      let last = -1;
      while (last < 50) last = await progress.get();
      p.kill();
      await p.join();
      // Every put that resolved (at least those reported) arrives, in order, once.
      const got: string[] = [];
      for (let n = await q.qsize(); n > 0; n--) got.push((await q.get()) as string);
      expect(got.length).toBeGreaterThanOrEqual(last + 1);
      expect(got).toEqual(Array.from({ length: got.length }, (_, i) => `k:${i}`));
    });
  });

  describe('JoinableQueue and SimpleQueue', () => {
    it('join() resolves once every item is marked done', async () => {
      const q = new JoinableQueue();
      const results = new Queue<number>();
      const p = await spawn('worker', [q, results]);
      for (let i = 1; i <= 10; i++) await q.put(i);
      await q.put(null);
      await q.join();
      const got: number[] = [];
      for (let i = 0; i < 10; i++) got.push(await results.get());
      expect(got).toEqual(Array.from({ length: 10 }, (_, i) => (i + 1) * 2));
      await p.join();
      await expect(q.taskDone()).rejects.toBeInstanceOf(RangeError);
      await q.put('x');
      await expect(q.join({ timeout: 10 })).rejects.toSatisfy((e) => code(e) === 'PROC_ERR_TIMEOUT');
    });

    it('SimpleQueue puts, gets and crosses processes', async () => {
      const q = new SimpleQueue();
      expect(await q.empty()).toBe(true);
      const p = await spawn('producer', [q, [1, 2, 3]]);
      expect([await q.get(), await q.get(), await q.get()]).toEqual([1, 2, 3]);
      await p.join();
      await q.close();
    });
  });

  describe('Lock and RLock', () => {
    it('excludes across processes', async () => {
      const lock = new Lock();
      const held = new Event();
      const go = new Event();
      const p = await spawn('holdLock', [lock, held, go]);
      await held.wait();
      expect(await lock.acquire({ block: false })).toBe(false);
      expect(await lock.acquire({ timeout: 20 })).toBe(false);
      await go.set();
      expect(await lock.acquire()).toBe(true);
      await lock.release();
      await p.join();
    });

    it('Lock: release when unlocked is a RangeError; withLock and hold release', async () => {
      const lock = new Lock();
      await expect(lock.release()).rejects.toBeInstanceOf(RangeError);
      expect(await lock.withLock(() => 42)).toBe(42);
      await expect(lock.withLock(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
      const held = await lock.hold();
      expect(await lock.acquire({ block: false })).toBe(false);
      await held[Symbol.asyncDispose]();
      await held.release();
      expect(await lock.acquire({ block: false })).toBe(true);
      await lock.release();
    });

    it('RLock is re-entrant for its owner and refuses other owners', async () => {
      const r = new RLock();
      expect(await r.acquire()).toBe(true);
      expect(await r.acquire()).toBe(true);
      // Another async context (owner) in the same process does not share it.
      expect(await api.ownerScope(() => r.acquire({ block: false }))).toBe(false);
      await expect(api.ownerScope(() => r.release())).rejects.toSatisfy((e) => code(e) === 'PROC_ERR_STATE');
      await r.release();
      expect(await api.ownerScope(() => r.acquire({ block: false }))).toBe(false);
      await r.release();
      await expect(r.release()).rejects.toSatisfy((e) => code(e) === 'PROC_ERR_STATE');
      const other = api.ownerScope(async () => {
        await r.acquire();
        await r.release();
        return 'other-ok';
      });
      expect(await other).toBe('other-ok');
    });

    it('RLock excludes another process', async () => {
      const r = new RLock();
      const held = new Event();
      const go = new Event();
      const p = await spawn('holdLock', [r, held, go]);
      await held.wait();
      expect(await r.acquire({ block: false })).toBe(false);
      await go.set();
      expect(await r.acquire()).toBe(true);
      await r.release();
      await p.join();
    });

    it('an aborted acquire rejects and does not keep the lock', async () => {
      const lock = new Lock();
      await lock.acquire();
      const ac = new AbortController();
      const waiting = api.ownerScope(() => lock.acquire({ signal: ac.signal }));
      ac.abort();
      await expect(waiting).rejects.toSatisfy((e) => code(e) === 'PROC_ERR_ABORTED');
      await lock.release();
      expect(await lock.acquire({ timeout: 5000 })).toBe(true);
      await lock.release();
    });

    it('a lock another process released (and keeps cached) is free for a non-blocking acquire', async () => {
      for (const lock of [new Lock(), new RLock()]) {
        const done = new Event();
        const stop = new Event();
        const p = await spawn('lockOnceThenIdle', [lock, done, stop]);
        await done.wait();
        expect(await lock.acquire({ block: false })).toBe(true);
        await lock.release();
        expect(await lock.acquire({ timeout: 5000 })).toBe(true);
        await lock.release();
        await stop.set();
        await p.join();
      }
    });

    it('a Lock handed between processes many times keeps mutual exclusion', async () => {
      const lock = new Lock();
      const v = new Value('i', 0, { lock: false });
      const ps = [];
      for (let i = 0; i < 3; i++) ps.push(await spawn('incrementWith', [lock, v, 100]));
      for (let i = 0; i < 50; i++) {
        await lock.acquire();
        await v.set((await v.get()) + 1);
        await lock.release();
      }
      for (const p of ps) await p.join();
      expect(await v.get()).toBe(350);
    });

    it.runIf(caps.signals)('a process killed while it only keeps a lock cached does not abandon it', async () => {
      const lock = new Lock();
      const done = new Event();
      const stop = new Event();
      const p = await spawn('lockOnceThenIdle', [lock, done, stop]);
      await done.wait();
      p.kill();
      await p.join();
      expect(await lock.acquire()).toBe(true);
      await lock.release();
    });

    it.runIf(caps.signals)('a lock whose holder is killed is released, and the next acquirer is told', async () => {
      const lock = new Lock();
      const held = new Event();
      const p = await spawn('grabLockForever', [lock, held]);
      await held.wait();
      const next = lock.acquire().catch((e: unknown) => e);
      p.kill();
      await p.join();
      expect(await next).toBeInstanceOf(api.LockAbandonedError);
      // The rejected acquire holds the lock now.
      expect(await api.ownerScope(() => lock.acquire({ block: false }))).toBe(false);
      await lock.release();
      expect(await lock.acquire()).toBe(true);
      await lock.release();
    });
  });

  describe('Semaphore and BoundedSemaphore', () => {
    it('counts across processes', async () => {
      const sem = new Semaphore(2);
      const out = new Queue();
      const go = new Event();
      const a = await spawn('semaphoreHolder', [sem, out, go]);
      const b = await spawn('semaphoreHolder', [sem, out, go]);
      await out.get();
      await out.get();
      expect(await sem.getValue()).toBe(0);
      expect(await sem.acquire({ block: false })).toBe(false);
      expect(await sem.acquire({ timeout: 10 })).toBe(false);
      await go.set();
      expect(await sem.acquire()).toBe(true);
      await a.join();
      await b.join();
      await sem.release();
      expect(await sem.getValue()).toBe(2);
    });

    it('BoundedSemaphore refuses to be released above its initial value', async () => {
      const b = new BoundedSemaphore(1);
      await expect(b.release()).rejects.toBeInstanceOf(RangeError);
      await b.acquire();
      await b.release();
      await expect(b.release()).rejects.toBeInstanceOf(RangeError);
      const s = new Semaphore(0);
      await s.release(2);
      expect(await s.getValue()).toBe(2);
      expect(() => new Semaphore(-1)).toThrow(RangeError);
    });
  });

  describe('Condition', () => {
    it('wait/notifyAll across processes with waitFor', async () => {
      const cond = new Condition();
      const box = new Value('i', 0);
      const out = new Queue();
      const started = new Semaphore(0);
      const p = await spawn('condWaiter', [cond, box, out, started]);
      await started.acquire();
      await cond.withLock(async () => {
        await box.set(7);
        await cond.notifyAll();
      });
      expect(await out.get()).toBe(7);
      await p.join();
    });

    it('wait times out to false and holds the lock again; notify needs the lock', async () => {
      const cond = new Condition(new Lock());
      await expect(cond.notify()).rejects.toSatisfy((e) => code(e) === 'PROC_ERR_STATE');
      await expect(cond.wait({ timeout: 5 })).rejects.toSatisfy((e) => code(e) === 'PROC_ERR_STATE');
      await cond.acquire();
      expect(await cond.wait({ timeout: 10 })).toBe(false);
      expect(await api.ownerScope(() => cond.acquire({ block: false }))).toBe(false);
      expect(await cond.waitFor(() => 0, { timeout: 10 })).toBe(0);
      await cond.release();
    });

    it('an aborted wait rejects holding the lock again', async () => {
      const cond = new Condition();
      await cond.acquire();
      const ac = new AbortController();
      const w = cond.wait({ signal: ac.signal });
      ac.abort();
      await expect(w).rejects.toSatisfy((e) => code(e) === 'PROC_ERR_ABORTED');
      expect(await api.ownerScope(() => cond.acquire({ block: false }))).toBe(false);
      await cond.release();
    });
  });

  describe('Event', () => {
    it('set, clear, isSet and wait across processes', async () => {
      const ev = new Event();
      const out = new Queue();
      expect(await ev.isSet()).toBe(false);
      expect(await ev.wait({ timeout: 5 })).toBe(false);
      const p = await spawn('eventWaiter', [ev, out]);
      await ev.set();
      expect(await out.get()).toBe(true);
      expect(await ev.isSet()).toBe(true);
      await ev.clear();
      expect(await ev.isSet()).toBe(false);
      await p.join();
    });
  });

  describe('Barrier', () => {
    it('releases all parties with distinct indexes, running the action once', async () => {
      let actions = 0;
      const b = new Barrier(3, () => {
        actions++;
      });
      expect(b.parties).toBe(3);
      const out = new Queue<number>();
      const p1 = await spawn('barrierParty', [b, out]);
      const p2 = await spawn('barrierParty', [b, out]);
      const mine = await b.wait();
      const indexes = [mine, await out.get(), await out.get()].sort();
      expect(indexes).toEqual([0, 1, 2]);
      expect(actions).toBe(1);
      await p1.join();
      await p2.join();
      expect(await b.broken()).toBe(false);
    });

    it('abort breaks it, reset restores it, a timeout breaks it', async () => {
      const b = new Barrier(2);
      const out = new Queue();
      const p = await spawn('barrierParty', [b, out]);
      while ((await b.nWaiting()) < 1) await new Promise((r) => setImmediate(r));
      await b.abort();
      expect(await out.get()).toBe('BrokenBarrierError');
      expect(await b.broken()).toBe(true);
      await expect(b.wait()).rejects.toBeInstanceOf(api.BrokenBarrierError);
      await b.reset();
      expect(await b.broken()).toBe(false);
      await expect(b.wait({ timeout: 10 })).rejects.toBeInstanceOf(api.BrokenBarrierError);
      expect(await b.broken()).toBe(true);
      await p.join();
    });

    it('an action that throws breaks the barrier', async () => {
      const b = new Barrier(1, () => {
        throw new Error('no');
      });
      await expect(b.wait()).rejects.toBeInstanceOf(api.BrokenBarrierError);
    });
  });

  describe('Value and SharedArray', () => {
    it('increments under the lock from several processes add up', async () => {
      const v = new Value('i', 0);
      const ps = [];
      for (let i = 0; i < 3; i++) ps.push(await spawn('increment', [v, 20]));
      for (const p of ps) await p.join();
      expect(await v.get()).toBe(60);
    });

    it('stores as the typecode does, and arrays slice', async () => {
      const v = new Value('b', 127);
      await v.set(128);
      expect(await v.get()).toBe(-128);
      const big = new Value<bigint>('q', 2n ** 62n);
      expect(await big.get()).toBe(2n ** 62n);
      const d = new Value(Float64Array, 0.5, { lock: false });
      expect(d.typecode).toBe('d');
      expect(() => d.getLock()).toThrow(TypeError);
      expect(() => new Value('x' as never, 1)).toThrow(TypeError);
      const a = new SharedArray('i', [1, 2, 3, 4]);
      expect(a.length).toBe(4);
      await a.set(-1, 40);
      expect(await a.get(3)).toBe(40);
      expect(await a.slice(1, 3)).toEqual([2, 3]);
      await a.setSlice(2, [30, 41]);
      expect(await a.toArray()).toEqual([1, 2, 30, 41]);
      await expect(a.setSlice(3, [1, 2])).rejects.toBeInstanceOf(RangeError);
      await expect(a.get(4)).rejects.toBeInstanceOf(RangeError);
      const z = new SharedArray('d', 3);
      expect(await z.toArray()).toEqual([0, 0, 0]);
    });

    it('an array updated by children', async () => {
      const a = new SharedArray('i', [1, 2, 3]);
      const ps = [await spawn('addToArray', [a, 10]), await spawn('addToArray', [a, 100])];
      for (const p of ps) await p.join();
      expect(await a.toArray()).toEqual([111, 112, 113]);
    });
  });

  if (caps.pid) {
    afterAll(async () => {
      const { childrenOf } = await import('../fixtures/primitives-helpers.js');
      expect(childrenOf(process.pid)).toEqual([]);
    });
  }
}

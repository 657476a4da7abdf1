/**
 * The Pool conformance suite: behaviour tests written once and run against every backend
 * (`@proc/processing` here, `@proc/dummy` on threads). Tests that need what threads lack are
 * tagged by capability and skipped there.
 *
 * Real workers, no mocks, no sleeps: tests wait on events (a result, an exit). Every pool is
 * terminated when its test ends, and the suite checks that no worker is left behind.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, expectTypeOf, it, onTestFinished } from 'vitest';
import * as tasks from '../fixtures/pool-tasks.js';

type Api = typeof import('@proc/processing');
type PoolInstance = InstanceType<Api['Pool']>;

export interface PoolCaps {
  /** Workers are processes (exit codes, `process.exit`, crashes that end only the worker). */
  processes: boolean;
  /** Workers can be sent signals (SIGKILL, SIGINT). */
  signals: boolean;
  /** Each worker has a pid of its own. */
  pid: boolean;
}

const module = new URL('../fixtures/pool-tasks.ts', import.meta.url).href;
const sigintProgram = fileURLToPath(new URL('../fixtures/pool-sigint.ts', import.meta.url));

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function definePoolSuite(api: Api, caps: PoolCaps): void {
  const { Pool } = api;

  /** A pool terminated when the test ends, whatever happens. */
  function pool(options: ConstructorParameters<Api['Pool']>[0] = {}): PoolInstance {
    const p = new Pool({ processes: 2, module, ...options });
    onTestFinished(() => p.terminate());
    return p;
  }

  function workers(): { name: string; pid: number | undefined }[] {
    return api.activeChildren().filter((c) => c.name.includes('PoolWorker'));
  }

  afterAll(() => {
    expect(workers()).toEqual([]);
  });

  describe('calls', () => {
    it('apply, map and starmap run functions in workers, typed end to end', async () => {
      const p = pool();
      const a = await p.apply(tasks.add, [2, 3]);
      expectTypeOf(a).toEqualTypeOf<number>();
      expect(a).toBe(5);
      const xs = Array.from({ length: 50 }, (_, i) => i);
      const m = await p.map(tasks.square, xs);
      expectTypeOf(m).toEqualTypeOf<number[]>();
      expect(m).toEqual(xs.map((x) => x * x));
      const slow = await p.map(tasks.slowSquare, xs, { chunksize: 7 });
      expectTypeOf(slow).toEqualTypeOf<number[]>();
      expect(slow).toEqual(xs.map((x) => x * x));
      expect(await p.map(tasks.square, xs, { chunksize: 1 })).toEqual(xs.map((x) => x * x));
      expect(await p.map(tasks.square, [])).toEqual([]);
      const s = await p.starmap(tasks.add, [
        [1, 2],
        [3, 4],
        [5, 6],
      ]);
      expect(s).toEqual([3, 7, 11]);
      expect(await p.starmap(tasks.add, [[1, 1]], { chunksize: 1 })).toEqual([2]);
    });

    it('map and starmap read async iterables', async () => {
      const p = pool();
      async function* gen() {
        for (let i = 0; i < 10; i++) yield i;
      }
      expect(await p.map(tasks.square, gen())).toEqual([0, 1, 4, 9, 16, 25, 36, 49, 64, 81]);
      async function* pairs() {
        yield [1, 2] as [number, number];
        yield [3, 4] as [number, number];
      }
      expect(await p.starmap(tasks.add, pairs())).toEqual([3, 7]);
    });

    it('applyAsync, mapAsync and starmapAsync return AsyncResults', async () => {
      const p = pool();
      let called: unknown;
      const r = p.applyAsync(tasks.add, [1, 2], { callback: (v) => (called = v) });
      expectTypeOf(r.get).returns.resolves.toEqualTypeOf<number>();
      expect(await r.get()).toBe(3);
      await r.wait();
      expect(r.ready()).toBe(true);
      expect(r.successful()).toBe(true);
      expect(called).toBe(3);
      const m = p.mapAsync(tasks.square, [1, 2, 3]);
      expect(await m.get()).toEqual([1, 4, 9]);
      const s = p.starmapAsync(tasks.add, [[1, 1]]);
      expect(await s.get()).toEqual([2]);
      let failure: unknown;
      const bad = p.applyAsync(tasks.throwsRange, ['nope'], { errorCallback: (e) => (failure = e) });
      await bad.wait();
      expect(bad.successful()).toBe(false);
      await expect(bad.get()).rejects.toThrow('nope');
      expect(failure).toBeInstanceOf(RangeError);
    });

    it('AsyncResult: get({ timeout }) rejects with TimeoutError, wait({ timeout }) returns, successful() throws while pending', async () => {
      const p = pool();
      const r = p.applyAsync(tasks.forever);
      expect(r.ready()).toBe(false);
      expect(() => r.successful()).toThrow(api.StateError);
      await expect(r.get({ timeout: 20 })).rejects.toBeInstanceOf(api.TimeoutError);
      await r.wait({ timeout: 20 });
      expect(r.ready()).toBe(false);
    });

    it('imap yields in order and reads its input lazily, with backpressure', async () => {
      const p = pool();
      let pulled = 0;
      let closed = false;
      function* naturals() {
        try {
          for (let i = 0; ; i++) {
            pulled++;
            yield i;
          }
        } finally {
          closed = true;
        }
      }
      const out: number[] = [];
      for await (const y of p.imap(tasks.square, naturals(), { chunksize: 3 })) {
        out.push(y);
        if (out.length === 20) break;
      }
      expect(out).toEqual(Array.from({ length: 20 }, (_, i) => i * i));
      // An endless input: only a bounded window of it was ever read, and it was closed.
      expect(pulled).toBeLessThan(10_000);
      expect(closed).toBe(true);
    });

    it('imap and imapUnordered take async iterables and deliver everything', async () => {
      const p = pool();
      async function* gen() {
        for (let i = 0; i < 30; i++) yield i;
      }
      const ordered: number[] = [];
      for await (const y of p.imap(tasks.slowSquare, gen())) ordered.push(y);
      expect(ordered).toEqual(Array.from({ length: 30 }, (_, i) => i * i));
      const unordered: number[] = [];
      for await (const y of p.imapUnordered(tasks.square, gen(), { chunksize: 4 })) unordered.push(y);
      expect(unordered.sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i * i));
    });

    it('imap throws a task failure at its position and ends', async () => {
      const p = pool();
      const it = p.imap(tasks.square, [1, 2, 3]);
      expect(await it.next()).toEqual({ done: false, value: 1 });
      const bad = p.imap(tasks.throwsRange, ['a', 'b']);
      await expect(bad.next()).rejects.toBeInstanceOf(RangeError);
      expect(await bad.next()).toEqual({ done: true, value: undefined });
      await it.return();
    });

    it('chunksize follows Python: any chunking gives the same results', async () => {
      const p = pool({ processes: 3 });
      const xs = Array.from({ length: 101 }, (_, i) => i);
      for (const chunksize of [undefined, 1, 2, 10, 100, 1000]) {
        expect(await p.map(tasks.square, xs, { chunksize })).toEqual(xs.map((x) => x * x));
      }
    });
  });

  describe('failures', () => {
    it('a task that throws rejects with its class, code and remote stack; the worker lives on', async () => {
      const p = pool({ processes: 1 });
      const before = await p.apply(tasks.pid);
      const err = await p.apply(tasks.throwsRange, ['boom']).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RangeError);
      expect(err).toMatchObject({ message: 'boom', code: 'E_TASK' });
      expect((err as Error).stack).toContain('throwsRange');
      expect(await p.apply(tasks.pid)).toBe(before);
    });

    it('map rejects with the first failing item', async () => {
      const p = pool();
      const xs = Array.from({ length: 40 }, (_, i) => i);
      await expect(p.starmap(tasks.failsOn, xs.map((x) => [x, 17] as [number, number]), { chunksize: 2 })).rejects.toThrow(
        'bad item 17',
      );
      expect(await p.apply(tasks.square, [3])).toBe(9);
    });

    it('an unhandled rejection inside a task is that task failure', async () => {
      const p = pool({ processes: 1 });
      const before = await p.apply(tasks.pid);
      await expect(p.apply(tasks.leavesRejection, ['left behind'])).rejects.toThrow('left behind');
      expect(await p.apply(tasks.pid)).toBe(before);
    });

    it('a result that cannot travel rejects with SerializationError; the worker lives on', async () => {
      const p = pool({ processes: 1 });
      await expect(p.apply(tasks.returnsFunction)).rejects.toMatchObject({ code: 'PROC_ERR_SERIALIZE' });
      expect(await p.apply(tasks.square, [4])).toBe(16);
    });

    it.runIf(caps.processes)('a worker that calls process.exit: its task rejects with WorkerLostError (code, stderr tail); the pool goes on', async () => {
      const p = pool({ processes: 1 });
      const err = await p.apply(tasks.exitWith, [3]).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(api.WorkerLostError);
      expect(err).toBeInstanceOf(api.ChildExitError);
      expect(err).toMatchObject({ code: 'PROC_ERR_POOL_WORKER_LOST', exitCode: 3, signal: null });
      expect((err as { stderrTail: string }).stderrTail).toContain('exiting with 3');
      expect(await p.apply(tasks.square, [5])).toBe(25);
    });

    it.runIf(caps.processes)('a worker that throws at top level dies; its task rejects with the stack in the stderr tail', async () => {
      const p = pool({ processes: 1 });
      const err = await p.apply(tasks.crashLater, ['thrown from a timer']).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(api.WorkerLostError);
      expect(err).toMatchObject({ exitCode: 1 });
      expect((err as { stderrTail: string }).stderrTail).toContain('thrown from a timer');
      expect(await p.apply(tasks.square, [6])).toBe(36);
    });

    it.runIf(caps.signals)('a worker killed with SIGKILL: its tasks reject with the signal, the worker is replaced', async () => {
      const p = pool({ processes: 1 });
      const before = await p.apply(tasks.pid);
      const err = await p.apply(tasks.killSelf).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(api.WorkerLostError);
      expect(err).toMatchObject({ signal: 'SIGKILL', exitCode: -9 });
      expect((err as { stderrTail: string }).stderrTail).toContain('about to be killed');
      const after = await p.apply(tasks.pid);
      expect(after).not.toBe(before);
      if (caps.pid) expect(isAlive(before)).toBe(false);
    });

    it.runIf(caps.processes)('a map whose worker dies rejects instead of hanging (CPython gh-96062)', async () => {
      const p = pool({ processes: 2 });
      const args = Array.from({ length: 8 }, (_, i) => (i === 5 ? 9 : 0));
      await expect(p.map(tasks.exitWith, args, { chunksize: 1 })).rejects.toBeInstanceOf(api.WorkerLostError);
      expect(await p.map(tasks.square, [1, 2, 3])).toEqual([1, 4, 9]);
    });

    it.runIf(caps.processes)('a worker that runs out of memory: its task rejects, the pool goes on', async () => {
      // A small heap makes it quick (execArgv is a process backend's option).
      const p = pool({ processes: 1, ...({ execArgv: ['--max-old-space-size=32'] } as object) });
      const err = await p.apply(tasks.exhaustMemory).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(api.WorkerLostError);
      expect((err as { stderrTail: string }).stderrTail).toMatch(/heap|memory/i);
      expect(await p.apply(tasks.square, [7])).toBe(49);
    });
  });

  describe('initializer and recycling', () => {
    it('runs the initializer in every worker before its tasks', async () => {
      const p = pool({ initializer: tasks.init, initargs: ['ready'] });
      expect(await p.map(tasks.readInit, [1, 2, 3, 4], { chunksize: 1 })).toEqual(['ready', 'ready', 'ready', 'ready']);
    });

    it('an initializer that keeps failing breaks the pool after a bound: typed error, no crash loop', async () => {
      const p = pool({ initializer: tasks.initFails, initargs: ['init broke'] });
      const err = await p.apply(tasks.square, [2]).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(api.PoolBrokenError);
      expect(err).toMatchObject({ code: 'PROC_ERR_POOL_BROKEN' });
      expect(((err as Error).cause as Error).message).toBe('init broke');
      // Later calls fail the same way at once instead of starting workers again.
      await expect(p.apply(tasks.square, [2])).rejects.toBeInstanceOf(api.PoolBrokenError);
      p.close();
      await p.join();
    });

    it.runIf(caps.pid)('maxtasksperchild replaces workers after that many tasks', async () => {
      const p = pool({ processes: 1, maxtasksperchild: 2 });
      const pids: number[] = [];
      for (let i = 0; i < 6; i++) pids.push(await p.apply(tasks.pid));
      expect(new Set(pids).size).toBe(3);
      expect(pids[0]).toBe(pids[1]);
      expect(pids[2]).toBe(pids[3]);
    });

    it('maxtasksperchild loses no result of a recycled worker (map, chunksize 1)', async () => {
      const p = pool({ processes: 2, maxtasksperchild: 3 });
      const xs = Array.from({ length: 24 }, (_, i) => i);
      expect(await p.map(tasks.square, xs, { chunksize: 1 })).toEqual(xs.map((x) => x * x));
    });
  });

  describe('abort signals', () => {
    it('an already aborted signal rejects at once with AbortError (cause: the reason)', async () => {
      const p = pool();
      const ac = new AbortController();
      const reason = new Error('why');
      ac.abort(reason);
      await expect(p.apply(tasks.square, [1], { signal: ac.signal })).rejects.toMatchObject({ code: 'PROC_ERR_ABORTED', cause: reason });
      await expect(p.map(tasks.square, [1, 2], { signal: ac.signal })).rejects.toBeInstanceOf(api.AbortError);
    });

    it('a queued task is dropped: the pool goes on with the others', async () => {
      const p = pool({ processes: 1 });
      const blocker = p.applyAsync(tasks.forever);
      const ac = new AbortController();
      const queued = p.apply(tasks.square, [3], { signal: ac.signal });
      ac.abort();
      await expect(queued).rejects.toBeInstanceOf(api.AbortError);
      expect(blocker.ready()).toBe(false);
    });

    it('a running task ends by replacing its worker', async () => {
      const p = pool({ processes: 1 });
      const before = await p.apply(tasks.pid);
      for (const fn of [tasks.forever, tasks.spin]) {
        const ac = new AbortController();
        const running = p.apply(fn, [], { signal: ac.signal });
        // Once the worker reports anything after this task was sent, it is running it.
        const probe = p.applyAsync(tasks.pid);
        queueMicrotask(() => ac.abort());
        await expect(running).rejects.toBeInstanceOf(api.AbortError);
        const after = await probe.get();
        if (caps.pid) expect(after).not.toBe(before);
      }
      expect(await p.apply(tasks.square, [8])).toBe(64);
    });

    it('an aborted map drops its chunks and rejects', async () => {
      const p = pool();
      const ac = new AbortController();
      const m = p.map(tasks.forever, [1, 2, 3, 4, 5, 6], { chunksize: 1, signal: ac.signal });
      queueMicrotask(() => ac.abort());
      await expect(m).rejects.toBeInstanceOf(api.AbortError);
      expect(await p.map(tasks.square, [2, 3])).toEqual([4, 9]);
    });

    it('an aborted imap rejects the pending next() and closes its input', async () => {
      const p = pool();
      const ac = new AbortController();
      let closed = false;
      function* input() {
        try {
          for (let i = 0; ; i++) yield i;
        } finally {
          closed = true;
        }
      }
      const it = p.imap(tasks.forever, input(), { signal: ac.signal });
      const next = it.next();
      ac.abort();
      await expect(next).rejects.toBeInstanceOf(api.AbortError);
      expect(closed).toBe(true);
    });
  });

  describe('lifecycle', () => {
    it('close() lets queued work finish; join() waits for the workers; later calls throw', async () => {
      const p = pool();
      const r = p.mapAsync(tasks.slowSquare, Array.from({ length: 20 }, (_, i) => i), { chunksize: 1 });
      p.close();
      expect(() => p.apply(tasks.square, [1])).toThrow(api.StateError);
      await p.join();
      expect(r.ready()).toBe(true);
      expect(await r.get()).toHaveLength(20);
      expect(workers()).toEqual([]);
    });

    it('join() on a running pool rejects (as Python)', async () => {
      const p = pool();
      await expect(p.join()).rejects.toBeInstanceOf(api.StateError);
    });

    it('terminate() rejects queued and running work with PoolTerminatedError and leaves no process behind', async () => {
      const p = pool();
      const running = p.apply(tasks.spin).catch((e: unknown) => e);
      const queued = p.map(tasks.square, [1, 2, 3]).catch((e: unknown) => e);
      await p.apply(tasks.square, [1]).catch(() => {});
      const pids = workers().map((w) => w.pid as number);
      await p.terminate();
      expect(await running).toBeInstanceOf(api.PoolTerminatedError);
      expect(await queued).toSatisfy((e) => e instanceof api.PoolTerminatedError || Array.isArray(e));
      await p.join();
      expect(workers()).toEqual([]);
      if (caps.pid) for (const pid of pids) expect(isAlive(pid)).toBe(false);
      // Idempotent.
      await p.terminate();
    });

    it('a task that never ends collects no tasks behind it: the other worker runs them', async () => {
      const p = pool();
      // Measured first: a fast function is prefetched many at a time, but never behind `spin`.
      expect(await p.map(tasks.square, [1, 2, 3, 4])).toEqual([1, 4, 9, 16]);
      const running = p.apply(tasks.spin).catch((e: unknown) => e);
      const xs = Array.from({ length: 40 }, (_, i) => i);
      expect(await Promise.all(xs.map((x) => p.apply(tasks.square, [x])))).toEqual(xs.map((x) => x * x));
      expect(await p.map(tasks.square, xs, { chunksize: 1 })).toEqual(xs.map((x) => x * x));
      await p.terminate();
      expect(await running).toBeInstanceOf(api.PoolTerminatedError);
    });

    it('await using terminates the pool at the end of the scope', async () => {
      let pids: number[] = [];
      {
        await using p = new Pool({ processes: 2, module });
        expect(await p.apply(tasks.square, [3])).toBe(9);
        pids = workers().map((w) => w.pid as number);
      }
      expect(workers()).toEqual([]);
      if (caps.pid) for (const pid of pids) expect(isAlive(pid)).toBe(false);
    });

    it('rejects wrong arguments at once', () => {
      expect(() => new Pool({ processes: 0 })).toThrow(RangeError);
      expect(() => new Pool({ maxtasksperchild: 0 })).toThrow(RangeError);
      expect(() => new Pool({ initargs: 'x' as never })).toThrow(TypeError);
      const p = pool();
      expect(() => p.map(tasks.square, [1], { chunksize: 0 })).toThrow(RangeError);
      expect(() => p.apply(tasks.add, 'x' as never)).toThrow(TypeError);
      expect(() => p.map(tasks.square, 5 as never)).toThrow(TypeError);
      expect(() => p.apply((() => 1) as never)).toThrow();
    });
  });

  describe.runIf(caps.signals)('signals', () => {
    it('workers ignore SIGINT', async () => {
      const p = pool({ processes: 1 });
      expect(await p.apply(tasks.ignoresSigint)).toBe('alive');
    });

    it('Ctrl-C in the parent ends the pool in order: the parent dies of SIGINT and no worker is left', async () => {
      const tsx = import.meta.resolve('tsx');
      const child = spawn(process.execPath, [`--import=${tsx}`, sigintProgram], { stdio: ['ignore', 'pipe', 'inherit'] });
      onTestFinished(() => {
        child.kill('SIGKILL');
      });
      const pids = await new Promise<number[]>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d;
          if (out.includes('\n')) resolve(JSON.parse(out) as number[]);
        });
        child.once('exit', (code) => reject(new Error(`the program exited early (${code})`)));
      });
      expect(pids).toHaveLength(2);
      const exited = new Promise<[number | null, NodeJS.Signals | null]>((r) => child.once('exit', (c, s) => r([c, s])));
      child.kill('SIGINT');
      expect(await exited).toEqual([null, 'SIGINT']);
      for (const pid of pids) expect(isAlive(pid)).toBe(false);
    });
  });
}

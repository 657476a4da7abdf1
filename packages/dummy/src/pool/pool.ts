import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ResourceLimits } from 'node:worker_threads';
import { abortError, callerModule, checkWaitOptions, cpuCount, currentProcess, locateTarget, StateError, type WaitOptions, withDeadline } from '@proc/core';
import { makeBoot } from '../runtime/boot.js';
import { defaultResourceLimits } from '../runtime/worker-options.js';
import { unpack } from '../transport/pack.js';
import { AsyncResult } from './async-result.js';
import { PoolBrokenError, PoolTerminatedError, WorkerLostError } from './errors.js';
import { IMapIterator } from './imap-iterator.js';
import { type FunctionDefinition, ResultStatus, TaskKind, type ToPool } from './messages.js';
import { ThreadWorker, WorkerState } from './thread-worker.js';

// biome-ignore lint/suspicious/noExplicitAny: task functions take any arguments
type AnyFn = (...args: any[]) => unknown;

export interface PoolOptions<I extends AnyFn = AnyFn> {
  /** Worker threads. @default cpuCount() */
  processes?: number;
  /** Run in each worker before it takes tasks (an exported function, found as task functions are). */
  initializer?: I;
  initargs?: Parameters<I>;
  /** Tasks a worker runs before it is replaced by a fresh one. @default no limit */
  maxtasksperchild?: number | null;
  /** Accepted for compatibility with @proc/processing (threads have one start method). */
  context?: unknown;
  /**
   * The module exporting `initializer` (and, after each call's own, where task functions are
   * looked for), when it is not the module creating the pool: `import.meta.url`.
   */
  module?: string | URL;
  /** Heap limits of each worker thread. @default half of this process's heap limit */
  resourceLimits?: ResourceLimits;
}

export interface CallOptions {
  /** Aborting drops the call's queued tasks; a running task ends by replacing its worker. */
  signal?: AbortSignal;
  /** The module exporting the function (`import.meta.url`), when it is not the caller's module. */
  module?: string | URL;
  /** The export name of the function, when it differs from `fn.name`. */
  exportName?: string;
}

export interface MapOptions extends CallOptions {
  /** Items per task. @default map: Python's formula (about 4 chunks per worker); imap: 1 */
  chunksize?: number;
}

export interface ApplyAsyncOptions<R> extends CallOptions {
  callback?: (value: R) => void;
  errorCallback?: (err: unknown) => void;
}

export interface MapAsyncOptions<R> extends MapOptions {
  callback?: (value: R) => void;
  errorCallback?: (err: unknown) => void;
}

enum PoolState {
  Running = 0,
  Closed = 1,
  Terminated = 2,
  Broken = 3,
}

enum TaskState {
  Queued = 0,
  Held = 1,
  Done = 2,
}

interface FnEntry {
  id: number;
  def: FunctionDefinition;
  /** Moving average of one item's run time in microseconds; -1 until measured. */
  microsPerItem: number;
}

interface Task {
  id: number;
  fn: FnEntry;
  kind: TaskKind;
  payload: unknown;
  items: number;
  /** Set when an abort asked the worker to drop it: if the worker does not answer, it is stopped. */
  graceTimer: NodeJS.Timeout | undefined;
  state: TaskState;
  worker: ThreadWorker | undefined;
  settle(ok: boolean, value: unknown): void;
}

const packageDir = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
/** Consecutive initializer failures after which the pool stops starting workers. */
const MAX_INIT_FAILURES = 3;
/** Tasks a worker may hold at most. */
const MAX_WINDOW = 256;
/** How long a worker may take to drop an aborted task before it is stopped. */
const GRACE_MS = 200;
/** Prefetch: tasks a worker holds should take about this long in all. */
const PREFETCH_MICROS = 2000;

/**
 * The run time a task is expected to take, in microseconds. A function not measured yet counts
 * as a full prefetch budget: nothing is queued behind it on its worker until it is known.
 */
function estimate(task: Task): number {
  const per = task.fn.microsPerItem;
  return per < 0 ? PREFETCH_MICROS : per * task.items;
}

/**
 * Python's `Pool` on worker threads, with the API and fault handling of @proc/processing's
 * process pool: a worker that dies fails the tasks it held with `WorkerLostError` and is
 * replaced; an initializer that keeps failing breaks the pool (`PoolBrokenError`) instead of
 * looping; `terminate()` leaves no thread behind.
 */
export class Pool {
  readonly #size: number;
  readonly #options: PoolOptions;
  readonly #limits: ResourceLimits;
  readonly #module: string | undefined;
  #state = PoolState.Running;
  readonly #workers = new Set<ThreadWorker>();
  readonly #tasks = new Map<number, Task>();
  #pending: (Task | undefined)[] = [];
  #pendingHead = 0;
  #nextId = 1;
  #nextFnId = 1;
  readonly #fns = new WeakMap<AnyFn, Map<string, FnEntry>>();
  readonly #modules = new Set<string>();
  #initializer: FunctionDefinition | null = null;
  #initFailures = 0;
  #brokenCause: unknown;
  #dispatchScheduled = false;
  #workerCounter = 0;

  constructor(options: PoolOptions = {}) {
    if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
    const { processes, initializer, initargs, maxtasksperchild } = options;
    if (processes !== undefined && processes !== null && (!Number.isInteger(processes) || processes < 1)) {
      throw new RangeError('processes must be an integer >= 1');
    }
    if (initializer !== undefined && initializer !== null && typeof initializer !== 'function') throw new TypeError('initializer must be a function');
    if (initargs !== undefined && !Array.isArray(initargs)) throw new TypeError('initargs must be an array');
    if (maxtasksperchild !== undefined && maxtasksperchild !== null && (!Number.isInteger(maxtasksperchild) || maxtasksperchild < 1)) {
      throw new RangeError('maxtasksperchild must be an integer >= 1 or null');
    }
    this.#options = { ...options };
    this.#module = options.module === undefined ? undefined : toUrl(options.module);
    this.#size = processes ?? cpuCount();
    this.#limits = options.resourceLimits ?? defaultResourceLimits();
    if (initializer) {
      const ref = locateTarget(initializer, { module: this.#module, kind: 'function', skipDirs: [packageDir] });
      this.#initializer = { fnId: 0, modules: [ref.module], exportName: ref.exportName, fingerprint: ref.fingerprint, explicitModule: this.#module !== undefined };
      this.#modules.add(ref.module);
    }
    for (let i = 0; i < this.#size; i++) this.#spawn();
  }

  /** Worker threads the pool keeps. */
  get processes(): number {
    return this.#size;
  }

  // -------------------------------------------------------------------------------------------
  // The API

  /** Python's `apply`: runs `fn(...args)` in a worker and resolves its result. */
  apply<A extends unknown[], R>(fn: (...args: A) => R, args?: A, options?: CallOptions): Promise<Awaited<R>> {
    const entry = this.#fnEntry(fn as AnyFn, options);
    if (args !== undefined && !Array.isArray(args)) throw new TypeError('args must be an array');
    const signal = options?.signal;
    if (signal) return this.#call(entry, TaskKind.Apply, [args ?? []], options).then((r) => r[0] as Awaited<R>);
    return new Promise((resolve, reject) => {
      this.#submit(entry, TaskKind.Apply, args ?? [], (ok, value) => (ok ? resolve(value as Awaited<R>) : reject(value)));
    });
  }

  /** Python's `apply_async`. */
  applyAsync<A extends unknown[], R>(fn: (...args: A) => R, args?: A, options?: ApplyAsyncOptions<Awaited<R>>): AsyncResult<Awaited<R>> {
    return withCallbacks(this.apply(fn, args, options), options);
  }

  /** Python's `map`: `fn(item)` for every item, results in order. */
  map<T, R>(fn: (x: T) => R, iterable: Iterable<T> | AsyncIterable<T>, options?: MapOptions): Promise<Awaited<R>[]> {
    const entry = this.#fnEntry(fn as AnyFn, options);
    return this.#map(entry, TaskKind.Map, iterable, options) as Promise<Awaited<R>[]>;
  }

  /** Python's `map_async`. */
  mapAsync<T, R>(fn: (x: T) => R, iterable: Iterable<T> | AsyncIterable<T>, options?: MapAsyncOptions<Awaited<R>[]>): AsyncResult<Awaited<R>[]> {
    return withCallbacks(this.map(fn, iterable, options), options);
  }

  /** Python's `starmap`: `fn(...args)` for every argument list. */
  starmap<A extends unknown[], R>(fn: (...args: A) => R, iterable: Iterable<A> | AsyncIterable<A>, options?: MapOptions): Promise<Awaited<R>[]> {
    const entry = this.#fnEntry(fn as AnyFn, options);
    return this.#map(entry, TaskKind.Starmap, iterable, options) as Promise<Awaited<R>[]>;
  }

  #map(entry: FnEntry, kind: TaskKind, iterable: Iterable<unknown> | AsyncIterable<unknown>, options: MapOptions | undefined): Promise<unknown[]> {
    checkIterable(iterable);
    const chunksize = checkChunksize(options?.chunksize);
    const run = (items: unknown[]) => {
      if (kind === TaskKind.Starmap) for (const a of items) if (!Array.isArray(a)) throw new TypeError('starmap items must be argument arrays');
      const chunks = chunk(items, mapChunksize(items.length, this.#size, chunksize));
      return this.#call(entry, kind, chunks, options).then((r) => (r as unknown[][]).flat());
    };
    if (Array.isArray(iterable)) return run(iterable);
    return collect(iterable).then((items) => {
      this.#checkRunning();
      return run(items);
    });
  }

  /** Python's `starmap_async`. */
  starmapAsync<A extends unknown[], R>(fn: (...args: A) => R, iterable: Iterable<A> | AsyncIterable<A>, options?: MapAsyncOptions<Awaited<R>[]>): AsyncResult<Awaited<R>[]> {
    return withCallbacks(this.starmap(fn, iterable, options), options);
  }

  /** Python's `imap`: results in order, input consumed lazily (a bounded number of chunks ahead). */
  imap<T, R>(fn: (x: T) => R, iterable: Iterable<T> | AsyncIterable<T>, options?: MapOptions): IMapIterator<Awaited<R>> {
    return this.#startImap(fn as AnyFn, iterable, options, true) as IMapIterator<Awaited<R>>;
  }

  /** Python's `imap_unordered`: results as they complete. */
  imapUnordered<T, R>(fn: (x: T) => R, iterable: Iterable<T> | AsyncIterable<T>, options?: MapOptions): IMapIterator<Awaited<R>> {
    return this.#startImap(fn as AnyFn, iterable, options, false) as IMapIterator<Awaited<R>>;
  }

  /** No more work will be submitted; workers exit once the queued work is done. Idempotent. */
  close(): void {
    if (this.#state !== PoolState.Running) return;
    this.#state = PoolState.Closed;
    this.#maybeStopIdle();
  }

  /**
   * Stops the workers now; queued and running work rejects with `PoolTerminatedError`.
   * Resolves when no worker thread is left. Idempotent.
   */
  terminate(): Promise<void> {
    if (this.#state !== PoolState.Terminated) {
      this.#state = PoolState.Terminated;
      this.#failAll(new PoolTerminatedError('The pool was terminated'));
      for (const w of this.#workers) w.kill('terminated');
    }
    return this.#whenNoWorkers();
  }

  /** Waits for the workers to exit, after `close()` (the work finishes first) or `terminate()`; rejects on a running pool (as Python). */
  join(options?: WaitOptions): Promise<void> {
    checkWaitOptions(options);
    if (this.#state === PoolState.Running) return Promise.reject(new StateError('join() needs close() or terminate() first'));
    return withDeadline(() => this.#whenNoWorkers(), options, 'join');
  }

  async #whenNoWorkers(): Promise<void> {
    while (this.#workers.size > 0) await Promise.all([...this.#workers].map((w) => w.ended));
  }

  /** `await using pool = new Pool()`: `terminate()` at the end of the scope (Python's `with Pool()`). */
  [Symbol.asyncDispose](): Promise<void> {
    return this.terminate();
  }

  toString(): string {
    return `<Pool state=${['RUN', 'CLOSE', 'TERMINATE', 'BROKEN'][this.#state]} pool_size=${this.#size}>`;
  }

  get [Symbol.toStringTag](): string {
    return 'Pool';
  }

  // -------------------------------------------------------------------------------------------
  // Engine

  #checkRunning(): void {
    // A broken pool takes calls and rejects them with PoolBrokenError (see #submit).
    if (this.#state === PoolState.Closed || this.#state === PoolState.Terminated) throw new StateError('Pool not running');
  }

  #fnEntry(fn: AnyFn, options: CallOptions | undefined): FnEntry {
    this.#checkRunning();
    if (typeof fn !== 'function') throw new TypeError('fn must be a function exported by a module');
    if (options !== undefined && (typeof options !== 'object' || options === null)) throw new TypeError('options must be an object');
    const key = options?.module === undefined && options?.exportName === undefined ? '' : `${String(options?.module)}\n${options?.exportName}`;
    let byKey = this.#fns.get(fn);
    const hit = byKey?.get(key);
    if (hit) return hit;
    // As @proc/processing's pool: the call's module, else the pool's, else the caller's; a
    // module the caller named is found by name (Python's rule).
    const explicit = options?.module === undefined ? undefined : toUrl(options.module);
    const ref = locateTarget(fn, { module: explicit ?? this.#module, exportName: options?.exportName, kind: 'function', skipDirs: [packageDir] });
    let modules = [ref.module];
    if (explicit === undefined && this.#module !== undefined) {
      const caller = callerModule([packageDir]);
      if (caller && caller !== ref.module) modules = [ref.module, caller];
    }
    const entry: FnEntry = {
      id: this.#nextFnId++,
      def: { fnId: 0, modules, exportName: ref.exportName, fingerprint: ref.fingerprint, explicitModule: explicit !== undefined || this.#module !== undefined },
      microsPerItem: -1,
    };
    entry.def.fnId = entry.id;
    this.#modules.add(modules[0]);
    if (!byKey) {
      byKey = new Map();
      this.#fns.set(fn, byKey);
    }
    byKey.set(key, entry);
    return entry;
  }

  /** Submits one task per payload; resolves all results in order, rejects on the first failure. */
  #call(fn: FnEntry, kind: TaskKind, payloads: unknown[], options: CallOptions | undefined): Promise<unknown[]> {
    const signal = options?.signal;
    if (signal?.aborted) return Promise.reject(abortError(signal));
    if (payloads.length === 0) return Promise.resolve([]);
    return new Promise<unknown[]>((resolve, reject) => {
      const results = new Array<unknown>(payloads.length);
      let left = payloads.length;
      let done = false;
      const tasks: Task[] = [];
      const finish = (ok: boolean, value: unknown, aborted = false) => {
        if (done) return;
        done = true;
        signal?.removeEventListener('abort', onAbort);
        if (ok) resolve(value as unknown[]);
        else {
          reject(value);
          // An abort stops the call's running tasks too; a failure only drops what is queued.
          for (const t of tasks) if (aborted || t.state === TaskState.Queued) this.#cancel(t);
        }
      };
      const onAbort = () => finish(false, abortError(signal as AbortSignal), true);
      signal?.addEventListener('abort', onAbort, { once: true });
      for (let i = 0; i < payloads.length; i++) {
        const task = this.#submit(fn, kind, payloads[i], (ok, value) => {
          if (!ok) return finish(false, value);
          results[i] = value;
          if (--left === 0) finish(true, results);
        });
        tasks.push(task);
      }
    });
  }

  #submit(fn: FnEntry, kind: TaskKind, payload: unknown, settle: Task['settle']): Task {
    const items = kind === TaskKind.Apply ? 1 : (payload as unknown[]).length;
    const task: Task = { id: this.#nextId++, fn, kind, payload, items, graceTimer: undefined, state: TaskState.Queued, worker: undefined, settle };
    if (this.#state === PoolState.Broken) {
      task.state = TaskState.Done;
      const err = new PoolBrokenError('The pool is broken: its initializer kept failing', { cause: this.#brokenCause });
      queueMicrotask(() => settle(false, err));
      return task;
    }
    this.#tasks.set(task.id, task);
    this.#pending.push(task);
    this.#scheduleDispatch();
    return task;
  }

  #scheduleDispatch(): void {
    if (this.#dispatchScheduled) return;
    this.#dispatchScheduled = true;
    queueMicrotask(() => {
      this.#dispatchScheduled = false;
      this.#dispatch();
    });
  }

  #pendingCount(): number {
    return this.#pending.length - this.#pendingHead;
  }

  #dispatch(): void {
    const ready: ThreadWorker[] = [];
    for (const w of this.#workers) if (w.state === WorkerState.Ready) ready.push(w);
    this.#updateRef();
    if (ready.length === 0 || this.#pendingCount() === 0) {
      this.#maybeStopIdle();
      return;
    }
    const max = this.#options.maxtasksperchild ?? null;
    let progress = true;
    while (progress && this.#pendingCount() > 0) {
      progress = false;
      const share = Math.max(1, Math.ceil(this.#pendingCount() / ready.length));
      for (const w of ready) {
        if (w.state !== WorkerState.Ready) continue;
        let sent = 0;
        while (this.#pendingCount() > 0 && sent < share) {
          if (max !== null && w.dispatched >= max) break;
          const task = this.#pending[this.#pendingHead];
          if (!task || task.state !== TaskState.Queued) {
            this.#pending[this.#pendingHead++] = undefined;
            continue;
          }
          // Prefetch only what the worker will finish soon: a task queued behind a long one
          // would wait while another worker idles. What counts is all the worker holds (a
          // never-ending task ahead must not collect fast ones behind it).
          const est = estimate(task);
          if (w.held.size > 0 && (w.held.micros + est > PREFETCH_MICROS || w.held.size >= MAX_WINDOW)) break;
          this.#pending[this.#pendingHead++] = undefined;
          if (!w.defined.has(task.fn.id)) {
            w.defined.add(task.fn.id);
            w.send({ type: 'proc:define', def: task.fn.def });
          }
          task.state = TaskState.Held;
          task.worker = w;
          w.queueTask(task.id, task.fn.id, task.kind, task.payload, est);
          sent++;
          progress = true;
        }
        if (max !== null && w.dispatched >= max) {
          // Recycle: it finishes what it holds, then exits and is replaced.
          w.flush();
          w.state = WorkerState.Stopping;
          w.send({ type: 'proc:stop' });
        }
      }
    }
    if (this.#pendingHead > 1024 && this.#pendingHead * 2 > this.#pending.length) {
      this.#pending = this.#pending.slice(this.#pendingHead);
      this.#pendingHead = 0;
    }
  }

  #spawn(): void {
    const name = `PoolWorker-${++this.#workerCounter}`;
    const me = currentProcess();
    const boot = {
      ...makeBoot({ name, daemon: true, identity: [...me.identity, this.#workerCounter], authkey: me.authkey, module: [...this.#modules][0] }),
      initializer: this.#initializer,
      initargs: this.#options.initargs ?? [],
      preload: [...this.#modules],
    };
    let w: ThreadWorker;
    const onMessage = (m: ToPool) => this.#onMessage(w, m);
    w = new ThreadWorker(boot, this.#limits, onMessage, (id, err) => {
      const task = this.#tasks.get(id);
      if (task) this.#settle(task, false, err);
    });
    this.#workers.add(w);
    w.setRef(this.#busy());
    void w.ended.then((code) => this.#onExit(w, code));
  }

  #onMessage(w: ThreadWorker, m: ToPool): void {
    switch (m.type) {
      case 'proc:ready':
        this.#initFailures = 0;
        if (w.state === WorkerState.Starting) w.state = WorkerState.Ready;
        this.#dispatch();
        break;
      case 'proc:initFailed':
        this.#initFailures++;
        this.#brokenCause = unpackSafe(m.error);
        break;
      case 'proc:results': {
        const flat = unpack(m.flat) as unknown[];
        for (let i = 0; i < flat.length; i += 4) {
          const id = flat[i] as number;
          w.held.delete(id);
          const task = this.#tasks.get(id);
          if (!task) continue;
          const status = flat[i + 1] as ResultStatus;
          if (status === ResultStatus.Dropped) {
            this.#tasks.delete(id);
            task.state = TaskState.Done;
            continue;
          }
          const micros = flat[i + 3] as number;
          const per = micros / Math.max(1, task.items);
          task.fn.microsPerItem = task.fn.microsPerItem < 0 ? per : task.fn.microsPerItem * 0.8 + per * 0.2;
          this.#settle(task, status === ResultStatus.Ok, flat[i + 2]);
        }
        this.#dispatch();
        break;
      }
      case 'proc:cancelRunning': {
        // The aborted task is running: hand back what it never started, replace the worker.
        for (const id of m.returned) {
          w.held.delete(id);
          const t = this.#tasks.get(id);
          if (t && t.state === TaskState.Held) {
            t.state = TaskState.Queued;
            t.worker = undefined;
            this.#pending.splice(this.#pendingHead, 0, t);
          }
        }
        w.held.delete(m.id);
        w.kill('aborted');
        this.#scheduleDispatch();
        break;
      }
    }
  }

  #settle(task: Task, ok: boolean, value: unknown): void {
    if (task.state === TaskState.Done) return;
    task.state = TaskState.Done;
    if (task.graceTimer) clearTimeout(task.graceTimer);
    this.#tasks.delete(task.id);
    task.settle(ok, value);
  }

  #cancel(task: Task): void {
    if (task.state === TaskState.Queued) {
      task.state = TaskState.Done;
      this.#tasks.delete(task.id);
    } else if (task.state === TaskState.Held && task.worker) {
      const w = task.worker;
      w.send({ type: 'proc:cancel', id: task.id });
      // A worker blocked in the task cannot answer: stop it (its other tasks go back to the queue).
      task.state = TaskState.Done;
      this.#tasks.delete(task.id);
      const timer = setTimeout(() => {
        if (w.held.has(task.id)) w.kill('aborted');
      }, GRACE_MS);
      timer.unref();
    }
  }

  #onExit(w: ThreadWorker, code: number): void {
    this.#workers.delete(w);
    if (w.killReason === 'aborted' && this.#state !== PoolState.Terminated) {
      // Stopped to end an aborted task: what else it held was not its fault; run it elsewhere.
      const back: Task[] = [];
      for (const id of w.held) {
        const t = this.#tasks.get(id);
        if (t && t.state === TaskState.Held) {
          t.state = TaskState.Queued;
          t.worker = undefined;
          back.push(t);
        }
      }
      w.held.clear();
      this.#pending.splice(this.#pendingHead, 0, ...back);
    }
    if (w.held.size > 0) {
      const terminated = this.#state === PoolState.Terminated;
      const reason = w.killReason === 'aborted' ? 'was stopped to end an aborted task' : `ended (exit code ${code})`;
      for (const id of w.held) {
        const task = this.#tasks.get(id);
        if (!task) continue;
        const err = terminated
          ? new PoolTerminatedError('The pool was terminated')
          : new WorkerLostError(`Pool worker thread ${w.threadId} ${reason} while it held this task`, {
              exitCode: code,
              signal: null,
              stderrTail: w.tail.toString(),
              pid: process.pid,
            }, { cause: w.error });
        this.#settle(task, false, err);
      }
      w.held.clear();
    }
    if (this.#state === PoolState.Terminated) {
      return;
    }
    if (this.#initFailures >= MAX_INIT_FAILURES) {
      this.#state = PoolState.Broken;
      this.#failAll(new PoolBrokenError(`The pool's initializer failed ${this.#initFailures} times in a row; the pool stopped`, { cause: this.#brokenCause }));
      for (const x of this.#workers) x.kill('broken');
      return;
    }
    const needed = this.#state === PoolState.Running || this.#pendingCount() > 0 || this.#tasks.size > 0;
    if (needed) this.#spawn();
    this.#scheduleDispatch();
  }

  #failAll(err: Error): void {
    for (const task of [...this.#tasks.values()]) this.#settle(task, false, err);
    this.#pending = [];
    this.#pendingHead = 0;
  }

  #busy(): boolean {
    return this.#tasks.size > 0;
  }

  #updateRef(): void {
    const busy = this.#busy();
    for (const w of this.#workers) w.setRef(busy);
  }

  /** After close(): once nothing is left, workers are told to exit. */
  #maybeStopIdle(): void {
    if (this.#state !== PoolState.Closed || this.#tasks.size > 0) return;
    for (const w of this.#workers) {
      if (w.state === WorkerState.Ready || w.state === WorkerState.Starting) {
        w.state = WorkerState.Stopping;
        w.send({ type: 'proc:stop' });
      }
    }
    // Workers exiting keep the process alive only until they are gone.
    for (const w of this.#workers) w.setRef(true);
  }

  #startImap(fn: AnyFn, iterable: Iterable<unknown> | AsyncIterable<unknown>, options: MapOptions | undefined, ordered: boolean): IMapIterator<unknown> {
    const entry = this.#fnEntry(fn as AnyFn, options);
    checkIterable(iterable);
    const size = checkChunksize(options?.chunksize) ?? 1;
    return new IMapIterator(this.#imap(entry, iterable, size, options, ordered));
  }

  async *#imap(entry: FnEntry, iterable: Iterable<unknown> | AsyncIterable<unknown>, size: number, options: MapOptions | undefined, ordered: boolean): AsyncGenerator<unknown, void, undefined> {
    const signal = options?.signal;
    if (signal?.aborted) throw abortError(signal);
    const ahead = Math.max(2, this.#size * 4);
    const it = toAsyncIterator(iterable);
    let exhausted = false;
    let nextIndex = 0;
    let yieldIndex = 0;
    const done = new Map<number, { ok: boolean; value: unknown }>();
    const inflight = new Set<Task>();
    let wake: (() => void) | undefined;
    const onAbort = () => wake?.();
    signal?.addEventListener('abort', onAbort, { once: true });
    const fill = async () => {
      while (!exhausted && inflight.size + done.size < ahead) {
        const items: unknown[] = [];
        while (items.length < size) {
          const r = await it.next();
          if (r.done) {
            exhausted = true;
            break;
          }
          items.push(r.value);
        }
        if (items.length === 0) break;
        this.#checkRunning();
        const index = nextIndex++;
        const task = this.#submit(entry, TaskKind.Map, items, (ok, value) => {
          inflight.delete(task);
          done.set(index, { ok, value });
          wake?.();
        });
        inflight.add(task);
      }
    };
    try {
      for (;;) {
        await fill();
        if (signal?.aborted) throw abortError(signal);
        let key: number | undefined;
        if (ordered) {
          if (done.has(yieldIndex)) key = yieldIndex;
        } else {
          const first = done.keys().next();
          if (!first.done) key = first.value;
        }
        if (key !== undefined) {
          const r = done.get(key) as { ok: boolean; value: unknown };
          done.delete(key);
          yieldIndex++;
          if (!r.ok) throw r.value;
          for (const v of r.value as unknown[]) yield v;
          continue;
        }
        if (exhausted && inflight.size === 0 && done.size === 0) return;
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
      }
    } finally {
      signal?.removeEventListener('abort', onAbort);
      for (const t of inflight) this.#cancel(t);
      if (!exhausted) await it.return?.();
    }
  }
}

function withCallbacks<T>(p: Promise<T>, options: { callback?: (v: T) => void; errorCallback?: (e: unknown) => void } | undefined): AsyncResult<T> {
  if (options?.callback || options?.errorCallback) {
    p.then(
      (v) => options.callback?.(v),
      (e) => options.errorCallback?.(e),
    );
  }
  p.catch(() => {});
  return new AsyncResult(p);
}

function toUrl(module: string | URL): string {
  if (module instanceof URL) return module.href;
  if (/^[a-z][a-z0-9+.-]*:/i.test(module)) return module;
  if (path.isAbsolute(module)) return new URL(`file://${module}`).href;
  throw new TypeError(`module must be a URL or an absolute path (use import.meta.url), got ${JSON.stringify(module)}`);
}

function checkIterable(iterable: unknown): void {
  if (iterable === null || iterable === undefined || (typeof (iterable as Iterable<unknown>)[Symbol.iterator] !== 'function' && typeof (iterable as AsyncIterable<unknown>)[Symbol.asyncIterator] !== 'function')) {
    throw new TypeError('iterable must be iterable (sync or async)');
  }
}

function checkChunksize(chunksize: number | undefined | null): number | undefined {
  if (chunksize === undefined || chunksize === null) return undefined;
  if (!Number.isInteger(chunksize) || chunksize < 1) throw new RangeError('chunksize must be an integer >= 1');
  return chunksize;
}

async function collect<T>(iterable: Iterable<T> | AsyncIterable<T>): Promise<T[]> {
  if (Array.isArray(iterable)) return iterable;
  const out: T[] = [];
  for await (const x of iterable as AsyncIterable<T>) out.push(x);
  return out;
}

/** Python's default chunksize for `map`: about four chunks per worker. */
function mapChunksize(n: number, workers: number, chunksize: number | undefined): number {
  if (chunksize !== undefined) return chunksize;
  if (n === 0) return 1;
  let size = Math.floor(n / (workers * 4));
  if (n % (workers * 4)) size++;
  return Math.max(1, size);
}

function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function toAsyncIterator<T>(iterable: Iterable<T> | AsyncIterable<T>): AsyncIterator<T> | Iterator<T> {
  if (iterable !== null && typeof (iterable as AsyncIterable<T>)[Symbol.asyncIterator] === 'function') return (iterable as AsyncIterable<T>)[Symbol.asyncIterator]();
  if (iterable !== null && typeof (iterable as Iterable<T>)[Symbol.iterator] === 'function') return (iterable as Iterable<T>)[Symbol.iterator]();
  throw new TypeError('iterable must be iterable');
}

function unpackSafe(v: unknown): unknown {
  try {
    return unpack(v);
  } catch {
    return v;
  }
}

import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  type BaseContext,
  callerModule,
  checkWaitOptions,
  childExecArgv,
  cpuCount,
  getStartMethod,
  locateTarget,
  resolveTsx,
  StateError,
  type WaitOptions,
  withDeadline,
} from '@proc/core';
import { AsyncResult } from './async-result.js';
import { MapCall, SingleCall } from './calls.js';
import { PoolEngine, PoolState } from './engine.js';
import { IMapIterator } from './imap.js';
import { TaskKind } from './protocol.js';
import type { FnEntry } from './task.js';

// biome-ignore lint/suspicious/noExplicitAny: a task function takes any arguments
type AnyFunction = (...args: any[]) => unknown;

/** Where a task function is found, as for a Process target. */
export interface LocateOptions {
  /**
   * The module that exports the function (`import.meta.url`, or a URL/absolute path).
   * @default the pool's `module` option, then the module making the call
   */
  module?: string | URL;
  /** The export name, when it differs from the function's own name. @default `fn.name` */
  exportName?: string;
}

export interface CallOptions extends LocateOptions {
  /**
   * Aborts the call: a task still queued is dropped; a task a worker is running ends by
   * replacing that worker (its process is killed and a new one started). Rejects with
   * `AbortError` whose `cause` is `signal.reason`.
   */
  signal?: AbortSignal;
}

export interface AsyncCallOptions<R> extends CallOptions {
  /** Called with the value when the call succeeds (Python's `callback`). */
  callback?: (value: R) => void;
  /** Called with the error when it fails (Python's `error_callback`). */
  errorCallback?: (error: unknown) => void;
}

export interface MapOptions extends CallOptions {
  /**
   * Items per task. @default for `map`/`starmap` Python's formula, `ceil(len / (processes * 4))`;
   * for `imap`/`imapUnordered` 1
   */
  chunksize?: number;
}

export interface MapAsyncOptions<R> extends MapOptions {
  callback?: (value: R) => void;
  errorCallback?: (error: unknown) => void;
}

export interface PoolOptions<I extends AnyFunction = AnyFunction> {
  /** Worker processes. @default `cpuCount()` */
  processes?: number;
  /** Run once in each worker before it takes tasks (located as task functions are). */
  initializer?: I;
  /** Arguments for `initializer`. @default [] */
  initargs?: Parameters<I>;
  /** Tasks a worker runs before it is replaced by a fresh one. @default unlimited */
  maxtasksperchild?: number | null;
  /** A context from `getContext(method)`: the start method of the workers. @default the default start method */
  context?: Pick<BaseContext, 'startMethod'>;
  /**
   * The module exporting the task functions and `initializer` (`import.meta.url`), when they
   * are not exported by the module that calls the pool. A call's own `module` option wins.
   * @default the module creating the pool (initializer) or calling the method (tasks)
   */
  module?: string | URL;
  /**
   * Node flags for the worker processes (e.g. `--max-old-space-size=256`); a TypeScript loader
   * is added when the pool's code is TypeScript. Not in Python's API.
   * @default the parent's loader flags only, as for `Process`
   */
  execArgv?: string[];
}

type Input<T> = Iterable<T> | AsyncIterable<T>;

const poolDir = path.dirname(fileURLToPath(import.meta.url));
/**
 * A pool nobody can reach any more can get no new calls: it is closed, so its workers exit once
 * the work already asked for is done (Python's pool finalizer terminates; closing is safe even
 * while a call's promise is still awaited).
 */
const unreachable = new FinalizationRegistry<PoolEngine>((engine) => engine.close());
const skipDirs = [poolDir];

/**
 * Python's `multiprocessing.Pool`: worker processes that run functions located by module and
 * export name, as `Process` targets are. Typed end to end: `map(fn, xs)` resolves to
 * `Awaited<ReturnType<typeof fn>>[]`.
 *
 * Unlike Python's, it never hangs when a worker dies: the tasks that worker held reject with
 * `WorkerLostError` (exit code or signal, and the end of its stderr) and the worker is replaced.
 */
export class Pool<I extends AnyFunction = AnyFunction> implements AsyncDisposable {
  readonly #engine: PoolEngine;
  readonly #module: string | undefined;

  constructor(options: PoolOptions<I> = {}) {
    if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
    const { processes, initializer, initargs, maxtasksperchild, context, module, execArgv } = options;
    if (execArgv !== undefined && (!Array.isArray(execArgv) || execArgv.some((a) => typeof a !== 'string'))) {
      throw new TypeError('execArgv must be an array of strings');
    }
    if (processes !== undefined && processes !== null && (!Number.isInteger(processes) || processes < 1)) {
      throw new RangeError(`processes must be an integer >= 1, got ${String(processes)}`);
    }
    if (initializer !== undefined && initializer !== null && typeof initializer !== 'function') {
      throw new TypeError('initializer must be a function');
    }
    if (initargs !== undefined && !Array.isArray(initargs)) throw new TypeError('initargs must be an array');
    if (
      maxtasksperchild !== undefined &&
      maxtasksperchild !== null &&
      (!Number.isInteger(maxtasksperchild) || maxtasksperchild < 1)
    ) {
      throw new RangeError(`maxtasksperchild must be an integer >= 1 or null, got ${String(maxtasksperchild)}`);
    }
    if (context !== undefined && (typeof context !== 'object' || context === null || typeof context.startMethod !== 'string')) {
      throw new TypeError('context must be a context from getContext()');
    }
    this.#module = module === undefined ? undefined : toUrl(module);
    const init = initializer
      ? locateTarget(initializer, { module: this.#module, kind: 'function', skipDirs })
      : undefined;
    // Workers get a TypeScript loader when the code they will load is TypeScript.
    const hint = this.#module ?? init?.module ?? callerModule(skipDirs);
    this.#engine = new PoolEngine({
      processes: processes ?? cpuCount(),
      initializer: init
        ? {
            fnId: 0,
            modules: [init.module],
            exportName: init.exportName,
            fingerprint: init.fingerprint,
            explicitModule: this.#module !== undefined,
          }
        : undefined,
      initargs: initargs ?? [],
      maxtasksperchild: maxtasksperchild ?? undefined,
      startMethod: context?.startMethod ?? getStartMethod(),
      execArgv: childExecArgv(hint, execArgv),
      tsLoader: resolveTsx(hint),
      // A module named for the pool is imported by each worker while it boots.
      preload: this.#module ? [this.#module] : [],
    });
    unreachable.register(this, this.#engine);
  }

  /** `fn(...args)` in a worker. */
  apply<A extends unknown[], R>(fn: (...args: A) => R | Promise<R>, args?: A, options?: CallOptions): Promise<Awaited<R>> {
    const fnEntry = this.#locate(fn, options);
    const call = this.#single(fnEntry, args, options);
    return call.promise as Promise<Awaited<R>>;
  }

  /** `fn(...args)` in a worker, as an `AsyncResult`. */
  applyAsync<A extends unknown[], R>(
    fn: (...args: A) => R | Promise<R>,
    args?: A,
    options?: AsyncCallOptions<Awaited<R>>,
  ): AsyncResult<Awaited<R>> {
    const fnEntry = this.#locate(fn, options);
    const call = this.#single(fnEntry, args, options);
    return this.#result(call.promise as Promise<Awaited<R>>, options);
  }

  /** `fn(x)` for every item, in chunks; resolves to the results in input order. */
  map<T, R>(fn: (x: T) => R | Promise<R>, iterable: Input<T>, options?: MapOptions): Promise<Awaited<R>[]> {
    const fnEntry = this.#locate(fn, options);
    return this.#map(fnEntry, TaskKind.Map, iterable, options) as Promise<Awaited<R>[]>;
  }

  mapAsync<T, R>(fn: (x: T) => R | Promise<R>, iterable: Input<T>, options?: MapAsyncOptions<Awaited<R>[]>): AsyncResult<Awaited<R>[]> {
    const fnEntry = this.#locate(fn, options);
    return this.#result(this.#map(fnEntry, TaskKind.Map, iterable, options) as Promise<Awaited<R>[]>, options);
  }

  /** `fn(...args)` for every argument list. */
  starmap<A extends unknown[], R>(fn: (...args: A) => R | Promise<R>, iterable: Input<A>, options?: MapOptions): Promise<Awaited<R>[]> {
    const fnEntry = this.#locate(fn, options);
    return this.#map(fnEntry, TaskKind.Starmap, iterable, options) as Promise<Awaited<R>[]>;
  }

  starmapAsync<A extends unknown[], R>(
    fn: (...args: A) => R | Promise<R>,
    iterable: Input<A>,
    options?: MapAsyncOptions<Awaited<R>[]>,
  ): AsyncResult<Awaited<R>[]> {
    const fnEntry = this.#locate(fn, options);
    return this.#result(this.#map(fnEntry, TaskKind.Starmap, iterable, options) as Promise<Awaited<R>[]>, options);
  }

  /**
   * Results in input order, as an async iterator that reads `iterable` (sync or async) lazily:
   * a consumer that does not pull holds the input back. @default chunksize 1
   */
  imap<T, R>(fn: (x: T) => R | Promise<R>, iterable: Input<T>, options?: MapOptions): IMapIterator<Awaited<R>> {
    return this.#imap(fn, iterable, options, true) as IMapIterator<Awaited<R>>;
  }

  /** As `imap`, in the order results arrive. */
  imapUnordered<T, R>(fn: (x: T) => R | Promise<R>, iterable: Input<T>, options?: MapOptions): IMapIterator<Awaited<R>> {
    return this.#imap(fn, iterable, options, false) as IMapIterator<Awaited<R>>;
  }

  /** No more calls; the work already asked for is done, then the workers exit. See `join()`. */
  close(): void {
    this.#engine.close();
  }

  /**
   * Ends now: queued and running work rejects with `PoolTerminatedError`, workers get SIGTERM
   * (SIGKILL a second later if still there). Resolves when no worker process is left.
   */
  terminate(): Promise<void> {
    return this.#engine.terminate();
  }

  /**
   * Waits for the workers to exit, after `close()` (the work finishes first) or `terminate()`.
   * As Python, it is an error to join a running pool. `imap` iterators still being read keep
   * the pool working until they are read to the end or `return()`ed.
   */
  join(options?: WaitOptions): Promise<void> {
    checkWaitOptions(options);
    if (this.#engine.state === PoolState.Run) return Promise.reject(new StateError('join() needs close() or terminate() first'));
    return withDeadline(() => this.#engine.join(), options, 'join');
  }

  /** `await using pool = new Pool()`: `terminate()` at the end of the scope, as Python's `with Pool()`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.terminate();
  }

  toString(): string {
    const state = ['RUN', 'CLOSE', 'TERMINATE'][this.#engine.state];
    return `<Pool state=${state} pool_size=${this.#engine.processes}>`;
  }

  get [Symbol.toStringTag](): string {
    return 'Pool';
  }

  // ---- internals --------------------------------------------------------------------------

  #checkRunning(): void {
    if (this.#engine.state !== PoolState.Run) throw new StateError('Pool not running');
  }

  #locate(fn: AnyFunction, options: LocateOptions | undefined): FnEntry {
    this.#checkRunning();
    if (typeof fn !== 'function') throw new TypeError('fn must be a function exported by a module');
    if (options !== undefined && (typeof options !== 'object' || options === null)) throw new TypeError('options must be an object');
    // A function lives in one module: once located, the same function object (with the same
    // options) is found the same way. This saves reading the call stack on every call.
    const key = options?.module === undefined && options?.exportName === undefined ? '' : `${String(options?.module)}\n${options?.exportName}`;
    let byKey = this.#located.get(fn);
    const hit = byKey?.get(key);
    if (hit) return hit;
    const entry = this.#locateNew(fn, options);
    if (!byKey) {
      byKey = new Map();
      this.#located.set(fn, byKey);
    }
    byKey.set(key, entry);
    return entry;
  }

  readonly #located = new WeakMap<AnyFunction, Map<string, FnEntry>>();

  #locateNew(fn: AnyFunction, options: LocateOptions | undefined): FnEntry {
    const explicit = options?.module === undefined ? undefined : toUrl(options.module);
    const ref = locateTarget(fn, { module: explicit ?? this.#module, exportName: options?.exportName, kind: 'function', skipDirs });
    let modules = [ref.module];
    if (explicit === undefined && this.#module !== undefined) {
      // Not in the pool's module? Then the caller's, as for a Process target.
      const caller = callerModule(skipDirs);
      if (caller && caller !== ref.module) modules = [ref.module, caller];
    }
    // A module the caller named (on the call or the pool) is Python's rule: found by name.
    return this.#engine.fn(modules, ref.exportName, ref.fingerprint, explicit !== undefined || this.#module !== undefined);
  }

  #single(fn: FnEntry, args: unknown[] | undefined, options: CallOptions | undefined): SingleCall {
    if (args !== undefined && !Array.isArray(args)) throw new TypeError('args must be an array');
    const signal = checkSignal(options);
    const call = new SingleCall(this.#engine, signal);
    call.start(this.#engine.task(fn, TaskKind.Apply, args ?? [], 1, call, 0));
    return call;
  }

  #map(fn: FnEntry, kind: TaskKind, iterable: Input<unknown>, options: MapOptions | undefined): Promise<unknown[]> {
    checkIterable(iterable);
    const chunksize = checkChunksize(options?.chunksize);
    const signal = checkSignal(options);
    const run = (items: unknown[]): Promise<unknown[]> => {
      if (kind === TaskKind.Starmap) for (const a of items) if (!Array.isArray(a)) throw new TypeError('starmap items must be argument arrays');
      const size = chunksize ?? defaultChunksize(items.length, this.#engine.processes);
      const chunks = size === 1 ? 0 : Math.ceil(items.length / size);
      const call = new MapCall(this.#engine, items.length, chunks, signal);
      const tasks = [];
      if (size === 1) {
        // One item per task: the item itself travels (no chunk arrays to build and decode).
        const one = kind === TaskKind.Map ? TaskKind.Item : TaskKind.Apply;
        for (let i = 0; i < items.length; i++) tasks.push(this.#engine.task(fn, one, items[i], 1, call, i));
      } else {
        for (let k = 0; k < chunks; k++) {
          const chunk = items.slice(k * size, (k + 1) * size);
          tasks.push(this.#engine.task(fn, kind, chunk, chunk.length, call, k));
        }
      }
      call.start(tasks);
      return call.promise;
    };
    if (Array.isArray(iterable)) return run(iterable);
    if (typeof (iterable as Iterable<unknown>)[Symbol.iterator] === 'function') return run(Array.from(iterable as Iterable<unknown>));
    // An async input is read to the end first (map needs its length for the chunksize).
    return (async () => {
      const items: unknown[] = [];
      for await (const x of iterable as AsyncIterable<unknown>) items.push(x);
      this.#checkRunning();
      return run(items);
    })();
  }

  #imap(fn: AnyFunction, iterable: Input<unknown>, options: MapOptions | undefined, ordered: boolean): IMapIterator<unknown> {
    const fnEntry = this.#locate(fn, options);
    checkIterable(iterable);
    return new IMapIterator(this.#engine, {
      fn: fnEntry,
      kind: TaskKind.Map,
      iterable,
      chunksize: checkChunksize(options?.chunksize) ?? 1,
      ordered,
      signal: checkSignal(options),
    });
  }

  #result<R>(promise: Promise<R>, options: { callback?: (v: R) => void; errorCallback?: (e: unknown) => void } | undefined): AsyncResult<R> {
    const { callback, errorCallback } = options ?? {};
    if (callback !== undefined && typeof callback !== 'function') throw new TypeError('callback must be a function');
    if (errorCallback !== undefined && typeof errorCallback !== 'function') throw new TypeError('errorCallback must be a function');
    if (callback || errorCallback) {
      promise.then(
        (v) => callback?.(v),
        (e) => errorCallback?.(e),
      );
    }
    return new AsyncResult(promise);
  }
}

/** Python's default chunksize for map: `divmod(len, processes * 4)`, rounded up. */
export function defaultChunksize(length: number, processes: number): number {
  if (length === 0) return 1;
  const per = processes * 4;
  return Math.floor(length / per) + (length % per ? 1 : 0);
}

function checkChunksize(chunksize: number | undefined): number | undefined {
  if (chunksize === undefined || chunksize === null) return undefined;
  if (!Number.isInteger(chunksize) || chunksize < 1) throw new RangeError(`chunksize must be an integer >= 1, got ${String(chunksize)}`);
  return chunksize;
}

function checkSignal(options: CallOptions | undefined): AbortSignal | undefined {
  const signal = options?.signal;
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw new TypeError('signal must be an AbortSignal');
  return signal;
}

function checkIterable(iterable: unknown): void {
  const it = iterable as Partial<Iterable<unknown> & AsyncIterable<unknown>> | null | undefined;
  if (it === null || it === undefined || (typeof it[Symbol.iterator] !== 'function' && typeof it[Symbol.asyncIterator] !== 'function')) {
    throw new TypeError('iterable must be an iterable or an async iterable');
  }
}

function toUrl(module: string | URL): string {
  if (module instanceof URL) return module.href;
  if (typeof module !== 'string') throw new TypeError('module must be a URL or an absolute path');
  if (/^[a-z][a-z0-9+.-]*:/i.test(module) && !/^[a-z]:[\\/]/i.test(module)) return module;
  if (path.isAbsolute(module)) return pathToFileURL(module).href;
  throw new TypeError(`module must be a URL or an absolute path (use import.meta.url), got ${JSON.stringify(module)}`);
}

/**
 * The pool worker: the Process target every pool worker runs, in the child. It is the only pool
 * code that runs on that side of the boundary, and it is kept lean (node:net, the codec, and
 * target lookup).
 *
 * It connects back to its pool over a Unix socket, runs the initializer, then runs tasks one
 * at a time, in the order they arrive. Results are sent many to a frame: after each slice of
 * about a millisecond, and whenever the worker runs out of tasks.
 */
import net from 'node:net';
import { busyPoll, deserialize, deserializeAsync, findExport, serialize, type TargetRef } from '@proc/core';
import {
  type CancelRunning,
  FrameReader,
  type FunctionDefinition,
  frame,
  frameHeader,
  jsonFrame,
  ResultStatus,
  TaskKind,
  ToPool,
  ToWorker,
} from './protocol.js';

/** What the pool hands each worker (as the Process target's argument). */
export interface WorkerConfig {
  path: string;
  token: string;
  index: number;
  /** Task modules the pool has used so far: imported while the worker connects. */
  preload: string[];
  initializer?: FunctionDefinition;
  initargs?: unknown[];
  /** A loader (tsx) to register when a task module is TypeScript and no loader runs here. */
  tsLoader?: string;
}

type AnyFn = (...args: unknown[]) => unknown;

interface LocalTask {
  id: number;
  fnId: number;
  kind: TaskKind;
  payload: unknown;
}

/** How long the worker runs tasks before it sends results and reads new messages. */
const SLICE_MS = 1;
/** A result in `#out`: id, status, value, micros. */
const RESULT_FIELDS = 4;

export async function poolWorker(config: WorkerConfig): Promise<void> {
  // Ctrl-C in a terminal reaches the whole process group: the pool decides when workers end.
  process.on('SIGINT', () => {});
  const worker = new PoolWorker(config);
  await worker.run();
}

class PoolWorker {
  readonly #config: WorkerConfig;
  #socket!: net.Socket;
  readonly #functions = new Map<number, AnyFn | Promise<AnyFn> | Error>();
  #queue: (LocalTask | undefined)[] = [];
  #head = 0;
  #draining = false;
  #current: LocalTask | undefined;
  /** Where the result of the last task that ran sits in `#out`, while it is not sent (else -1). */
  #lastIndex = -1;
  #rejection: { error: unknown } | undefined;
  #out: unknown[] = [];
  #stopping = false;
  #flushScheduled = false;
  #done!: () => void;
  #loaderRegistered = false;

  constructor(config: WorkerConfig) {
    this.#config = config;
  }

  async run(): Promise<void> {
    const finished = new Promise<void>((resolve) => {
      this.#done = resolve;
    });
    this.#watchRejections();
    const preload = Promise.allSettled(this.#config.preload.map((m) => this.#import(m)));
    await this.#connect();
    await preload;
    if (this.#config.initializer) {
      try {
        const init = await this.#resolve(this.#config.initializer);
        await init(...(this.#config.initargs ?? []));
        const left = this.#leftRejection();
        if (left) throw left.error;
      } catch (err) {
        let body: Uint8Array;
        try {
          body = serialize(err);
        } catch {
          body = serialize(new Error(String(err)));
        }
        await this.#write(frame(ToPool.InitFailed, body));
        // Rethrown: the child entry prints it (the pool keeps it in the stderr tail) and exits 1.
        throw err;
      }
    }
    this.#socket.write(frame(ToPool.Ready));
    await finished;
    await this.#write(undefined);
    this.#socket.end();
  }

  #connect(): Promise<void> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(this.#config.path);
      this.#socket = socket;
      socket.setNoDelay?.(true);
      socket.once('connect', () => {
        socket.write(jsonFrame(ToPool.Hello, { token: this.#config.token, index: this.#config.index, pid: process.pid }));
        resolve();
      });
      socket.once('error', reject);
      const reader = new FrameReader((type, body) => this.#onFrame(type, body));
      socket.on('data', (chunk: Buffer) => reader.push(chunk));
      // The pool is gone (its process ended or it dropped this worker): nothing left to do.
      socket.on('close', () => process.exit(0));
    });
  }

  #write(buf: Buffer | undefined): Promise<void> {
    return new Promise((resolve) => {
      if (this.#socket.destroyed) return resolve();
      if (buf === undefined) this.#socket.write('', () => resolve());
      else this.#socket.write(buf, () => resolve());
    });
  }

  #onFrame(type: number, body: Buffer): void {
    switch (type) {
      case ToWorker.Tasks:
        this.#onTasks(body);
        break;
      case ToWorker.Define:
        this.#define(JSON.parse(body.toString('utf8')) as FunctionDefinition);
        break;
      case ToWorker.Cancel:
        this.#cancel(body.readUInt32LE(0), true);
        break;
      case ToWorker.Discard:
        this.#cancel(body.readUInt32LE(0), false);
        break;
      case ToWorker.Stop:
        this.#stopping = true;
        if (!this.#draining && this.#head === this.#queue.length) {
          // Results may still wait for their scheduled flush: send them before ending.
          this.#flush();
          this.#done();
        }
        break;
    }
  }

  #onTasks(body: Buffer): void {
    if (this.#decoding) {
      this.#decodeLater(Buffer.from(body));
      return;
    }
    let flat: unknown[];
    try {
      flat = deserialize(body) as unknown[];
    } catch (err) {
      if ((err as { code?: string }).code !== 'PROC_ERR_SERIALIZE_MODULE_NOT_LOADED') this.#fatal(err);
      // A task argument needs a module this process has not loaded yet (a Queue, a proxy).
      this.#decodeLater(Buffer.from(body));
      return;
    }
    this.#enqueue(flat);
  }

  /** Decodes with module loading, keeping the order of the frames that follow. */
  #decodeLater(body: Buffer): void {
    const p: Promise<void> = (this.#decoding ?? Promise.resolve())
      .then(() => deserializeAsync(body))
      .then(
        (v) => this.#enqueue(v as unknown[]),
        (e) => this.#fatal(e),
      )
      .then(() => {
        if (this.#decoding === p) this.#decoding = undefined;
      });
    this.#decoding = p;
  }

  #decoding: Promise<void> | undefined;

  #enqueue(flat: unknown[]): void {
    for (let i = 0; i < flat.length; i += 4) {
      this.#queue.push({ id: flat[i] as number, fnId: flat[i + 1] as number, kind: flat[i + 2] as TaskKind, payload: flat[i + 3] });
    }
    if (!this.#draining) void this.#drain();
  }

  #fatal(err: unknown): never {
    process.stderr.write(`pool worker: cannot read a task message: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(70);
  }

  #define(def: FunctionDefinition): void {
    const p = this.#resolve(def).then(
      (fn) => {
        this.#functions.set(def.fnId, fn);
        return fn;
      },
      (err: Error) => {
        this.#functions.set(def.fnId, err);
        throw err;
      },
    );
    p.catch(() => {});
    this.#functions.set(def.fnId, p);
  }

  async #resolve(def: FunctionDefinition): Promise<AnyFn> {
    let first: unknown;
    for (const module of def.modules) {
      try {
        const ns = (await this.#import(module)) as Record<string, unknown>;
        const ref: TargetRef = {
          module,
          exportName: def.exportName,
          fingerprint: def.fingerprint,
          kind: 'function',
          explicitModule: def.explicitModule && module === def.modules[0],
        };
        return findExport(ns, ref) as AnyFn;
      } catch (err) {
        first ??= err;
      }
    }
    throw first;
  }

  async #import(module: string): Promise<unknown> {
    if (this.#config.tsLoader && !this.#loaderRegistered && /\.(m|c)?tsx?$/.test(new URL(module).pathname)) {
      this.#loaderRegistered = true;
      const loaded = process.execArgv.some((a) => /[\\/]tsx[\\/]|^--import=tsx$|^tsx$/.test(a));
      if (!loaded) await import(this.#config.tsLoader);
    }
    return import(module);
  }

  #cancel(id: number, stopRunning: boolean): void {
    if (this.#current?.id === id) {
      if (!stopRunning) return;
      // Running: hand back what never started, and let the pool replace this worker.
      const returned: number[] = [];
      for (let i = this.#head; i < this.#queue.length; i++) {
        const t = this.#queue[i];
        if (t) returned.push(t.id);
      }
      this.#queue = [];
      this.#head = 0;
      this.#flush();
      this.#socket.write(jsonFrame(ToPool.CancelRunning, { id, returned } satisfies CancelRunning));
      return;
    }
    for (let i = this.#head; i < this.#queue.length; i++) {
      const t = this.#queue[i];
      if (t?.id === id) {
        this.#queue[i] = undefined;
        this.#out.push(id, ResultStatus.Dropped, undefined, 0);
        this.#scheduleFlush();
        return;
      }
    }
    // Already done: its result is sent or on its way.
  }

  async #drain(): Promise<void> {
    this.#draining = true;
    let sliceStart = performance.now();
    while (this.#head < this.#queue.length) {
      const task = this.#queue[this.#head];
      this.#queue[this.#head++] = undefined;
      if (!task) continue;
      this.#current = task;
      this.#rejection = undefined;
      let t0 = performance.now();
      let status: ResultStatus = ResultStatus.Ok;
      let value: unknown;
      try {
        let fn = this.#functions.get(task.fnId);
        if (fn instanceof Promise) {
          fn = await fn;
          // The run time the pool plans with excludes importing the function's module.
          t0 = performance.now();
        } else if (fn instanceof Error) throw fn;
        else if (fn === undefined) throw new Error(`pool worker: no function ${task.fnId}. This is a bug in proc.`);
        value = runTask(fn as AnyFn, task);
        if (isThenable(value)) {
          value = await value;
          // Let Node report a rejection this task left unhandled before its result is final.
          await new Promise((r) => setImmediate(r));
        }
        const left = this.#leftRejection();
        if (left) throw left.error;
      } catch (err) {
        status = ResultStatus.Error;
        value = err;
      }
      this.#current = undefined;
      const micros = Math.round((performance.now() - t0) * 1000);
      this.#lastIndex = this.#out.length;
      this.#out.push(task.id, status, value, micros);
      // Send results early (about half-way through what is queued) so that the pool refills
      // this worker while it still has work: no idle round trip between batches.
      const unsent = this.#out.length >> 2;
      if ((unsent >= 32 && unsent >= this.#queue.length - this.#head) || (task.kind !== TaskKind.Apply && task.kind !== TaskKind.Item && (task.payload as unknown[]).length >= 1024)) {
        this.#flush();
      }
      if (performance.now() - sliceStart > SLICE_MS) {
        this.#flush();
        // Read what arrived meanwhile (cancels, more tasks) before the next slice.
        await new Promise((r) => setImmediate(r));
        sliceStart = performance.now();
      }
    }
    this.#queue = [];
    this.#head = 0;
    this.#draining = false;
    this.#scheduleFlush();
  }

  #scheduleFlush(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    // setImmediate, not nextTick: Node reports unhandled rejections after the microtask queue
    // drains, so by then a rejection left by the last synchronous task has been attributed.
    setImmediate(() => {
      this.#flushScheduled = false;
      this.#flush();
      if (this.#stopping && !this.#draining && this.#head === this.#queue.length) this.#done();
    });
  }

  #flush(): void {
    const out = this.#out;
    if (out.length === 0) return;
    this.#out = [];
    this.#lastIndex = -1;
    let body: Buffer;
    try {
      body = serialize(out);
    } catch {
      // One result cannot travel: send the others, and a SerializationError for that one.
      for (let i = 0; i < out.length; i += RESULT_FIELDS) {
        try {
          serialize(out[i + 2]);
        } catch (err) {
          out[i + 1] = ResultStatus.Error;
          out[i + 2] = describeUnserializable(err, out[i + 2]);
        }
      }
      body = serialize(out);
    }
    const socket = this.#socket;
    socket.cork();
    socket.write(frameHeader(ToPool.Results, body.byteLength));
    socket.write(body);
    socket.uncork();
    // One or two results and nothing left to run: a caller awaiting them one at a time (`apply`)
    // usually sends the next task at once, so poll for it. Not when results stream (a map): the
    // spinning worker would take a core from the pool and the other workers.
    if (out.length <= 2 * RESULT_FIELDS && this.#head === this.#queue.length) busyPoll();
  }

  #leftRejection(): { error: unknown } | undefined {
    return this.#rejection;
  }

  #watchRejections(): void {
    // The child entry treats an unhandled rejection as fatal for a plain Process target. In a
    // pool worker it is the failure of the task that left it: the one running, or else the last
    // one that ran if its result is not sent yet.
    process.removeAllListeners('unhandledRejection');
    process.on('unhandledRejection', (error) => {
      if (this.#current) {
        this.#rejection ??= { error };
        return;
      }
      const out = this.#out;
      if (this.#lastIndex !== -1 && out[this.#lastIndex + 1] === ResultStatus.Ok) {
        out[this.#lastIndex + 1] = ResultStatus.Error;
        out[this.#lastIndex + 2] = error;
        return;
      }
      process.stderr.write(
        `pool worker: unhandled rejection outside any task: ${error instanceof Error ? error.stack : String(error)}\n`,
      );
    });
  }
}

function runTask(fn: AnyFn, task: LocalTask): unknown {
  switch (task.kind) {
    case TaskKind.Apply:
      return fn(...(task.payload as unknown[]));
    case TaskKind.Map:
      return runChunk(fn, task.payload as unknown[], false);
    case TaskKind.Starmap:
      return runChunk(fn, task.payload as unknown[], true);
    case TaskKind.Item:
      return fn(task.payload);
  }
}

/** Runs a chunk in order, synchronously until an item returns a promise, then awaiting each. */
function runChunk(fn: AnyFn, items: unknown[], spread: boolean): unknown[] | Promise<unknown[]> {
  const n = items.length;
  const out = new Array<unknown>(n);
  for (let i = 0; i < n; i++) {
    const r = spread ? fn(...(items[i] as unknown[])) : fn(items[i]);
    if (isThenable(r)) return finishChunk(fn, items, spread, out, i, r);
    out[i] = r;
  }
  return out;
}

async function finishChunk(
  fn: AnyFn,
  items: unknown[],
  spread: boolean,
  out: unknown[],
  from: number,
  pending: PromiseLike<unknown>,
): Promise<unknown[]> {
  out[from] = await pending;
  for (let i = from + 1; i < items.length; i++) {
    out[i] = await (spread ? fn(...(items[i] as unknown[])) : fn(items[i]));
  }
  return out;
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return (typeof v === 'object' || typeof v === 'function') && v !== null && typeof (v as { then?: unknown }).then === 'function';
}

function describeUnserializable(err: unknown, value: unknown): Error {
  const what = typeof value === 'object' && value !== null ? (value.constructor?.name ?? 'object') : typeof value;
  const e = new Error(`The task's result (${what}) cannot be sent back to the pool: ${(err as Error)?.message ?? String(err)}`);
  e.name = 'SerializationError';
  (e as Error & { code: string }).code = 'PROC_ERR_SERIALIZE';
  return e;
}

/**
 * A pool worker thread. It runs the initializer, then tasks one at a time in the order they
 * arrive, and posts results many to a message: after each slice of about a millisecond, and
 * whenever it runs out of tasks. An unhandled rejection is the failure of the task that left it.
 */

import { parentPort, workerData } from 'node:worker_threads';
import { findExport, SerializationError, type TargetRef } from '@proc/core';
import { adoptBoot, registerTsx } from '../runtime/boot.js';
import { isTypeScriptUrl } from '../runtime/tsx.js';
import type { pack as packFn, unpack as unpackFn } from '../transport/pack.js';
import { type FunctionDefinition, type PoolWorkerBoot, ResultStatus, TaskKind, type ToPool, type ToWorker } from './messages.js';

const boot = workerData as PoolWorkerBoot;
adoptBoot(boot);
const port = parentPort as NonNullable<typeof parentPort>;

type AnyFn = (...args: unknown[]) => unknown;

interface Task {
  id: number;
  fnId: number;
  kind: TaskKind;
  payload: unknown;
}

const SLICE_MS = 1;
const functions = new Map<number, AnyFn | Promise<AnyFn> | Error>();
let queue: (Task | undefined)[] = [];
let head = 0;
let draining = false;
let current: Task | undefined;
let lastIndex = -1;
let rejection: { error: unknown } | undefined;
let out: unknown[] = [];
let stopping = false;
let flushScheduled = false;
let pack: typeof packFn;
let unpack: typeof unpackFn;
let ready = false;
const early: ToWorker[] = [];

function post(m: ToPool, transfer?: readonly import('node:worker_threads').Transferable[]): void {
  port.postMessage(m, transfer);
}

async function importModule(url: string): Promise<unknown> {
  if (boot.tsx && isTypeScriptUrl(url)) await registerTsx(boot.tsx);
  return import(url);
}

async function resolve(def: FunctionDefinition): Promise<AnyFn> {
  let first: unknown;
  for (const module of def.modules) {
    try {
      const ns = (await importModule(module)) as Record<string, unknown>;
      const ref: TargetRef = { module, exportName: def.exportName, fingerprint: def.fingerprint, kind: 'function', explicitModule: def.explicitModule };
      return findExport(ns, ref) as AnyFn;
    } catch (err) {
      first ??= err;
    }
  }
  throw first;
}

function define(def: FunctionDefinition): void {
  const p = resolve(def).then(
    (fn) => {
      functions.set(def.fnId, fn);
      return fn;
    },
    (err: Error) => {
      functions.set(def.fnId, err);
      throw err;
    },
  );
  p.catch(() => {});
  functions.set(def.fnId, p);
}

function onMessage(m: ToWorker): void {
  if (!ready) {
    early.push(m);
    return;
  }
  switch (m.type) {
    case 'proc:define':
      define(m.def);
      break;
    case 'proc:tasks': {
      const flat = unpack(m.flat) as unknown[];
      for (let i = 0; i < flat.length; i += 4) {
        queue.push({ id: flat[i] as number, fnId: flat[i + 1] as number, kind: flat[i + 2] as TaskKind, payload: flat[i + 3] });
      }
      if (!draining) void drain();
      break;
    }
    case 'proc:cancel':
      cancel(m.id);
      break;
    case 'proc:stop':
      stopping = true;
      if (!draining && head === queue.length) finish();
      break;
  }
}

function cancel(id: number): void {
  if (current?.id === id) {
    const returned: number[] = [];
    for (let i = head; i < queue.length; i++) {
      const t = queue[i];
      if (t) returned.push(t.id);
    }
    queue = [];
    head = 0;
    flush();
    post({ type: 'proc:cancelRunning', id, returned });
    return;
  }
  for (let i = head; i < queue.length; i++) {
    if (queue[i]?.id === id) {
      queue[i] = undefined;
      out.push(id, ResultStatus.Dropped, undefined, 0);
      scheduleFlush();
      return;
    }
  }
}

async function drain(): Promise<void> {
  draining = true;
  let sliceStart = performance.now();
  while (head < queue.length) {
    const task = queue[head];
    queue[head++] = undefined;
    if (!task) continue;
    current = task;
    rejection = undefined;
    const t0 = performance.now();
    let status = ResultStatus.Ok;
    let value: unknown;
    try {
      let fn = functions.get(task.fnId);
      if (fn instanceof Promise) fn = await fn;
      else if (fn instanceof Error) throw fn;
      else if (fn === undefined) throw new Error(`pool worker: no function ${task.fnId}. This is a bug in proc.`);
      value = runTask(fn as AnyFn, task);
      if (isThenable(value)) {
        value = await value;
        // Let Node report a rejection this task left unhandled before its result is final.
        await new Promise((r) => setImmediate(r));
      }
      if (rejection) throw (rejection as { error: unknown }).error;
    } catch (err) {
      status = ResultStatus.Error;
      value = err;
    }
    current = undefined;
    lastIndex = out.length;
    out.push(task.id, status, value, Math.round((performance.now() - t0) * 1000));
    if (performance.now() - sliceStart > SLICE_MS) {
      // Let Node attribute a rejection the last task left unhandled, then send; read what
      // arrived meanwhile (cancels, more tasks) before the next slice.
      await new Promise((r) => setImmediate(r));
      flush();
      sliceStart = performance.now();
    }
  }
  queue = [];
  head = 0;
  draining = false;
  scheduleFlush();
}

function scheduleFlush(): void {
  if (flushScheduled) return;
  flushScheduled = true;
  // setImmediate, not a microtask: Node reports unhandled rejections after the microtask queue
  // drains, so by then a rejection left by the last synchronous task has been attributed.
  setImmediate(() => {
    flushScheduled = false;
    flush();
    if (stopping && !draining && head === queue.length) finish();
  });
}

function flush(): void {
  const o = out;
  if (o.length === 0) return;
  out = [];
  lastIndex = -1;
  let packed: ReturnType<typeof pack>;
  try {
    packed = pack(o);
    port.postMessage({ type: 'proc:results', flat: packed.value as unknown[] } satisfies ToPool, packed.transfer);
  } catch {
    // One result cannot travel: send the others, and an error for that one.
    for (let i = 0; i < o.length; i += 4) {
      try {
        structuredClone(pack(o[i + 2]).value);
      } catch (err) {
        o[i + 1] = ResultStatus.Error;
        o[i + 2] = new SerializationError(`The task's result cannot be sent to the pool: ${(err as Error).message}`, { cause: err });
      }
    }
    packed = pack(o);
    port.postMessage({ type: 'proc:results', flat: packed.value as unknown[] } satisfies ToPool, packed.transfer);
  }
}

function finish(): void {
  // Results still waiting for their setImmediate flush go first.
  flush();
  port.close();
  process.exit(0);
}

function runTask(fn: AnyFn, task: Task): unknown {
  switch (task.kind) {
    case TaskKind.Apply:
      return fn(...(task.payload as unknown[]));
    case TaskKind.Map:
      return runChunk(fn, task.payload as unknown[], false);
    case TaskKind.Starmap:
      return runChunk(fn, task.payload as unknown[], true);
  }
}

function runChunk(fn: AnyFn, items: unknown[], spread: boolean): unknown[] | Promise<unknown[]> {
  const n = items.length;
  const res = new Array<unknown>(n);
  for (let i = 0; i < n; i++) {
    const r = spread ? fn(...(items[i] as unknown[])) : fn(items[i]);
    if (isThenable(r)) return finishChunk(fn, items, spread, res, i, r);
    res[i] = r;
  }
  return res;
}

async function finishChunk(fn: AnyFn, items: unknown[], spread: boolean, res: unknown[], from: number, pending: PromiseLike<unknown>): Promise<unknown[]> {
  res[from] = await pending;
  for (let i = from + 1; i < items.length; i++) res[i] = await (spread ? fn(...(items[i] as unknown[])) : fn(items[i]));
  return res;
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';
}

process.on('unhandledRejection', (error) => {
  if (current) {
    rejection ??= { error };
    return;
  }
  if (lastIndex !== -1 && out[lastIndex + 1] === ResultStatus.Ok) {
    out[lastIndex + 1] = ResultStatus.Error;
    out[lastIndex + 2] = error;
    return;
  }
  process.stderr.write(`pool worker: unhandled rejection outside any task: ${error instanceof Error ? error.stack : String(error)}\n`);
});

port.on('message', onMessage);

async function start(): Promise<void> {
  if (boot.tsx) await registerTsx(boot.tsx);
  const [t] = await Promise.all([import('../transport/pack.js'), import('../index.js')]);
  pack = t.pack;
  unpack = t.unpack;
  await Promise.allSettled(boot.preload.map(importModule));
  if (boot.initializer) {
    try {
      const init = await resolve(boot.initializer);
      await init(...((unpack(boot.initargs) as unknown[]) ?? []));
      if (rejection) throw (rejection as { error: unknown }).error;
    } catch (err) {
      let error: unknown;
      try {
        error = pack(err).value;
        structuredClone(error);
      } catch {
        error = new Error(String(err));
      }
      post({ type: 'proc:initFailed', error });
      process.stderr.write(`Pool worker initializer failed:\n${err instanceof Error ? err.stack : String(err)}\n`);
      process.exit(1);
    }
  }
  ready = true;
  post({ type: 'proc:ready' });
  for (const m of early.splice(0)) onMessage(m);
}

void start();

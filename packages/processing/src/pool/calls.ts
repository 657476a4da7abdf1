import { AbortError } from '@proc/core';
import type { PoolEngine } from './engine.js';
import type { Task, TaskOwner } from './task.js';

/** Settles a promise from a task; removes its abort listener either way. */
function abortError(signal: AbortSignal): AbortError {
  return new AbortError('The pool call was aborted', { cause: signal.reason });
}

/** One apply: one task. */
export class SingleCall implements TaskOwner {
  readonly promise: Promise<unknown>;
  #resolve!: (v: unknown) => void;
  #reject!: (e: unknown) => void;
  #signal: AbortSignal | undefined;
  #onAbort: (() => void) | undefined;

  constructor(engine: PoolEngine, signal: AbortSignal | undefined) {
    this.promise = new Promise((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    this.#signal = signal;
    this.engine = engine;
  }

  readonly engine: PoolEngine;

  start(task: Task): void {
    const signal = this.#signal;
    if (signal) {
      if (signal.aborted) {
        this.#reject(abortError(signal));
        return;
      }
      this.#onAbort = () => {
        this.engine.withdraw(task, true);
        this.#done();
        this.#reject(abortError(signal));
      };
      signal.addEventListener('abort', this.#onAbort, { once: true });
    }
    this.engine.submit(task);
  }

  #done(): void {
    if (this.#onAbort) this.#signal?.removeEventListener('abort', this.#onAbort);
    this.#onAbort = undefined;
  }

  settle(_task: Task, ok: boolean, value: unknown): void {
    this.#done();
    if (ok) this.#resolve(value);
    else this.#reject(value);
  }
}

/**
 * One map or starmap: results land at their offsets (one item per task) or as whole chunks
 * (`chunks` tasks, `task.index` the chunk's number) joined at the end; the first failure wins.
 */
export class MapCall implements TaskOwner {
  readonly promise: Promise<unknown[]>;
  /** One item per task: the results, by item index. */
  readonly #results: unknown[] | undefined;
  /**
   * Chunked: each chunk's result array, by chunk number. Joined once at the end: filling one
   * big array as chunks arrive would allocate it (and convert it to unboxed doubles) at once,
   * and cost a second copy of every result.
   */
  readonly #parts: unknown[][] | undefined;
  readonly #length: number;
  #remaining = 0;
  #done = false;
  #resolve!: (v: unknown[]) => void;
  #reject!: (e: unknown) => void;
  #signal: AbortSignal | undefined;
  #onAbort: (() => void) | undefined;
  readonly #engine: PoolEngine;

  /** `chunks`: the number of chunk tasks, or 0 when every task is one item. */
  constructor(engine: PoolEngine, length: number, chunks: number, signal: AbortSignal | undefined) {
    this.#engine = engine;
    this.#length = length;
    if (chunks > 0) this.#parts = new Array(chunks);
    else this.#results = new Array(length);
    this.promise = new Promise((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    this.#signal = signal;
  }

  start(tasks: Task[]): void {
    const signal = this.#signal;
    if (signal?.aborted) {
      this.#done = true;
      this.#reject(abortError(signal));
      return;
    }
    if (tasks.length === 0) {
      this.#done = true;
      this.#resolve([]);
      return;
    }
    this.#remaining = tasks.length;
    if (signal) {
      this.#onAbort = () => this.#fail(abortError(signal), true);
      signal.addEventListener('abort', this.#onAbort, { once: true });
    }
    for (const t of tasks) this.#engine.submit(t);
  }

  #fail(err: unknown, abort: boolean): void {
    if (this.#done) return;
    this.#finish();
    // The call has failed: what has not run is dropped. An abort also ends running chunks
    // (by replacing their workers); after a chunk's own failure the others finish unseen.
    this.#engine.withdrawOwner(this, abort);
    this.#reject(err);
  }

  #finish(): void {
    this.#done = true;
    if (this.#onAbort) this.#signal?.removeEventListener('abort', this.#onAbort);
    this.#onAbort = undefined;
  }

  settle(task: Task, ok: boolean, value: unknown): void {
    if (this.#done) return;
    if (!ok) {
      this.#fail(value, false);
      return;
    }
    if (this.#parts) this.#parts[task.index] = value as unknown[];
    else (this.#results as unknown[])[task.index] = value;
    if (--this.#remaining === 0) {
      this.#finish();
      this.#resolve(this.#parts ? join(this.#parts, this.#length) : (this.#results as unknown[]));
    }
  }
}

/** Chunk results in order, as one array (a single chunk is returned as it came). */
function join(parts: unknown[][], length: number): unknown[] {
  if (parts.length === 1) return parts[0];
  // concat copies element storage wholesale; its arguments are bounded by the stack.
  if (parts.length <= 256) return parts[0].concat(...parts.slice(1));
  const out = new Array<unknown>(length);
  let off = 0;
  for (const part of parts) {
    for (let i = 0; i < part.length; i++) out[off + i] = part[i];
    off += part.length;
  }
  return out;
}

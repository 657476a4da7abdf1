import { AbortError } from '@proc/core';
import type { PoolEngine } from './engine.js';
import { TaskKind } from './protocol.js';
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

/** One map or starmap: chunks whose results land at their offsets; the first failure wins. */
export class MapCall implements TaskOwner {
  readonly promise: Promise<unknown[]>;
  readonly results: unknown[];
  #remaining = 0;
  #done = false;
  #resolve!: (v: unknown[]) => void;
  #reject!: (e: unknown) => void;
  #signal: AbortSignal | undefined;
  #onAbort: (() => void) | undefined;
  readonly #engine: PoolEngine;

  constructor(engine: PoolEngine, length: number, signal: AbortSignal | undefined) {
    this.#engine = engine;
    this.results = new Array(length);
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
      this.#resolve(this.results);
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
    const out = this.results;
    const off = task.index;
    if (task.kind === TaskKind.Map || task.kind === TaskKind.Starmap) {
      const chunk = value as unknown[];
      for (let i = 0; i < chunk.length; i++) out[off + i] = chunk[i];
    } else {
      out[off] = value;
    }
    if (--this.#remaining === 0) {
      this.#finish();
      this.#resolve(out);
    }
  }
}

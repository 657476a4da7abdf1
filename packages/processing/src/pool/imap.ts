import { AbortError, checkWaitOptions, type WaitOptions, withDeadline } from '@proc/core';
import type { PoolEngine } from './engine.js';
import type { TaskKind } from './protocol.js';
import type { FnEntry, Task, TaskOwner } from './task.js';

interface Waiter {
  resolve(r: IteratorResult<unknown>): void;
  reject(e: unknown): void;
}

type Slot = { ok: true; values: unknown[] } | { ok: false; error: unknown };

/**
 * What `imap` and `imapUnordered` return: an async iterator over the results, which reads its
 * input lazily. At most `window` chunks are out at a time (queued, running, or done and not yet
 * consumed), so a slow consumer holds the input back and memory stays bounded however long
 * the input is. The first failure is thrown where it occurs (in input order for `imap`); the
 * iteration then ends and the rest of the input is not read. `return()` (a `break` out of
 * `for await`) stops it early.
 */
export class IMapIterator<R> implements AsyncIterableIterator<R>, TaskOwner {
  readonly #engine: PoolEngine;
  readonly #fn: FnEntry;
  readonly #kind: TaskKind;
  readonly #chunksize: number;
  readonly #ordered: boolean;
  readonly #window: number;
  #sync: Iterator<unknown> | undefined;
  #async: AsyncIterator<unknown> | undefined;
  #inputDone = false;
  #pulling = false;
  /** Chunks submitted and not fully consumed. */
  #out = 0;
  #nextIndex = 0;
  #nextYield = 0;
  readonly #slots = new Map<number, Slot>();
  readonly #arrived: Slot[] = [];
  #current: unknown[] | undefined;
  #pos = 0;
  #waiter: Waiter | undefined;
  #finished = false;
  #error: { error: unknown } | undefined;
  readonly #tasks = new Set<Task>();
  #signal: AbortSignal | undefined;
  #onAbort: (() => void) | undefined;

  /** @internal Made by `Pool.imap` / `Pool.imapUnordered`. */
  constructor(
    engine: PoolEngine,
    options: {
      fn: FnEntry;
      kind: TaskKind;
      iterable: Iterable<unknown> | AsyncIterable<unknown>;
      chunksize: number;
      ordered: boolean;
      signal: AbortSignal | undefined;
    },
  ) {
    this.#engine = engine;
    this.#fn = options.fn;
    this.#kind = options.kind;
    this.#chunksize = options.chunksize;
    this.#ordered = options.ordered;
    this.#window = Math.max(8, engine.processes * 16);
    const it = options.iterable as Partial<Iterable<unknown> & AsyncIterable<unknown>>;
    const syncIt = it[Symbol.iterator];
    if (typeof syncIt === 'function') this.#sync = syncIt.call(it);
    else this.#async = (it as AsyncIterable<unknown>)[Symbol.asyncIterator]();
    this.#signal = options.signal;
    engine.feederStart();
    if (this.#signal) {
      const signal = this.#signal;
      if (signal.aborted) {
        this.#fail(new AbortError('The pool call was aborted', { cause: signal.reason }), true);
        return;
      }
      this.#onAbort = () => this.#fail(new AbortError('The pool call was aborted', { cause: signal.reason }), true);
      signal.addEventListener('abort', this.#onAbort, { once: true });
    }
    this.#fill();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** The next result. `timeout` (ms) rejects with `TimeoutError`, as Python's `next(timeout)`; the iteration goes on. */
  next(options?: WaitOptions): Promise<IteratorResult<R>> {
    const ready = this.#take();
    if (ready) return ready as Promise<IteratorResult<R>>;
    if (this.#waiter) return Promise.reject(new TypeError('imap: next() called again before the previous call settled'));
    const wait = new Promise<IteratorResult<unknown>>((resolve, reject) => {
      this.#waiter = { resolve, reject };
    });
    if (options === undefined) return wait as Promise<IteratorResult<R>>;
    checkWaitOptions(options);
    return withDeadline(
      (onCancel) => {
        onCancel(() => {
          this.#waiter = undefined;
        });
        return wait;
      },
      options,
      'imap next',
    ) as Promise<IteratorResult<R>>;
  }

  /** Stops early: unread input is not read, queued chunks are dropped. */
  async return(): Promise<IteratorResult<R>> {
    this.#end();
    return { done: true, value: undefined };
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.return();
  }

  /** A settled result for the consumer, if one is ready. */
  #take(): Promise<IteratorResult<unknown>> | undefined {
    for (;;) {
      const cur = this.#current;
      if (cur) {
        if (this.#pos < cur.length) return Promise.resolve({ done: false, value: cur[this.#pos++] });
        this.#current = undefined;
        // Refill at half the window: chunks go out many to a write, not one per write.
        if (--this.#out <= this.#window >> 1) this.#fill();
      }
      const slot = this.#finished ? undefined : this.#nextSlot();
      if (slot) {
        if (slot.ok) {
          this.#current = slot.values;
          this.#pos = 0;
          continue;
        }
        this.#end();
        return Promise.reject(slot.error);
      }
      // An abort is thrown at once; an input error after the results that came before it.
      if (this.#error && (this.#finished || this.#out === 0)) {
        const { error } = this.#error;
        this.#end();
        this.#error = undefined;
        return Promise.reject(error);
      }
      if (this.#finished || (this.#inputDone && this.#out === 0)) {
        this.#end();
        return Promise.resolve({ done: true, value: undefined });
      }
      return undefined;
    }
  }

  #nextSlot(): Slot | undefined {
    if (!this.#ordered) return this.#arrived.shift();
    const slot = this.#slots.get(this.#nextYield);
    if (slot) {
      this.#slots.delete(this.#nextYield);
      this.#nextYield++;
    }
    return slot;
  }

  #wake(): void {
    const w = this.#waiter;
    if (!w) return;
    this.#waiter = undefined;
    const r = this.#take();
    if (!r) {
      this.#waiter ??= w;
      return;
    }
    r.then(w.resolve, w.reject);
  }

  settle(task: Task, ok: boolean, value: unknown): void {
    this.#tasks.delete(task);
    if (this.#finished) return;
    const slot: Slot = ok ? { ok: true, values: value as unknown[] } : { ok: false, error: value };
    if (this.#ordered) this.#slots.set(task.index, slot);
    else this.#arrived.push(slot);
    this.#wake();
  }

  /** Reads input and submits chunks while fewer than `window` are out. */
  #fill(): void {
    if (this.#finished || this.#inputDone || this.#pulling) return;
    if (this.#sync) {
      const it = this.#sync;
      while (this.#out < this.#window && !this.#inputDone) {
        const chunk: unknown[] = [];
        try {
          while (chunk.length < this.#chunksize) {
            const r = it.next();
            if (r.done) {
              this.#inputDone = true;
              break;
            }
            chunk.push(r.value);
          }
        } catch (err) {
          this.#submit(chunk);
          this.#inputFailed(err);
          return;
        }
        this.#submit(chunk);
      }
      if (this.#inputDone) this.#inputEnded();
      return;
    }
    void this.#fillAsync();
  }

  async #fillAsync(): Promise<void> {
    const it = this.#async as AsyncIterator<unknown>;
    this.#pulling = true;
    try {
      while (this.#out < this.#window && !this.#inputDone && !this.#finished) {
        const chunk: unknown[] = [];
        while (chunk.length < this.#chunksize) {
          const r = await it.next();
          if (this.#finished) return;
          if (r.done) {
            this.#inputDone = true;
            break;
          }
          chunk.push(r.value);
        }
        this.#submit(chunk);
      }
    } catch (err) {
      this.#pulling = false;
      this.#inputFailed(err);
      return;
    }
    this.#pulling = false;
    if (this.#inputDone) this.#inputEnded();
    this.#wake();
  }

  #submit(chunk: unknown[]): void {
    if (chunk.length === 0 || this.#finished) return;
    const task = this.#engine.task(this.#fn, this.#kind, chunk, chunk.length, this, this.#nextIndex++);
    this.#tasks.add(task);
    this.#out++;
    this.#engine.submit(task);
  }

  #feeding = true;

  #inputEnded(): void {
    if (!this.#feeding) return;
    this.#feeding = false;
    this.#engine.feederEnd();
    this.#wake();
  }

  #inputFailed(err: unknown): void {
    this.#inputDone = true;
    this.#error ??= { error: err };
    this.#inputEnded();
  }

  #fail(err: unknown, abort: boolean): void {
    this.#error ??= { error: err };
    if (abort) {
      const w = this.#waiter;
      this.#waiter = undefined;
      this.#end(true);
      // Deliver the abort to a waiting consumer at once (else to the next call of next()).
      if (w) {
        this.#error = undefined;
        w.reject(err);
      }
      return;
    }
    this.#wake();
  }

  /** Ends the iteration: no more input, queued chunks dropped, the input iterator closed. */
  #end(abort = false): void {
    if (this.#finished) return;
    this.#finished = true;
    if (this.#onAbort) this.#signal?.removeEventListener('abort', this.#onAbort);
    this.#onAbort = undefined;
    for (const t of this.#tasks) if (!t.settled) this.#engine.withdraw(t, abort);
    this.#tasks.clear();
    this.#slots.clear();
    this.#arrived.length = 0;
    this.#current = undefined;
    if (!this.#inputDone) {
      this.#inputDone = true;
      try {
        const r = this.#sync ? this.#sync.return?.() : this.#async?.return?.();
        if (r && typeof (r as Promise<unknown>).then === 'function') (r as Promise<unknown>).then(undefined, () => {});
      } catch {}
    }
    this.#inputEnded();
    const w = this.#waiter;
    if (w && !this.#error) {
      this.#waiter = undefined;
      w.resolve({ done: true, value: undefined });
    }
  }

  get [Symbol.toStringTag](): string {
    return 'IMapIterator';
  }
}

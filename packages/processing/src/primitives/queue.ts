/**
 * Python's `multiprocessing.Queue`, `SimpleQueue` and `JoinableQueue`, made async and needing
 * no manager: created in any process, passed to children in `args`, used by many at once.
 */
import { checkWaitOptions, TimeoutError } from '@proc/core';
import { attachingRef, Primitive } from './base.js';
import { QueueCore, type QueueWaitOptions } from './client/queue-core.js';

export type { QueueWaitOptions };

export interface QueueOptions {
  /** The most items the queue holds; `0` or less: no limit. @default 0 */
  maxsize?: number;
}

function checkQueueWait(options: QueueWaitOptions | undefined, what: string): void {
  if (options === undefined) return;
  checkWaitOptions(options, what);
  if (options.block !== undefined && typeof options.block !== 'boolean') throw new TypeError(`${what}.block must be a boolean`);
}

/**
 * A FIFO queue of values carried by proc's codec. `put` resolves once the item is with the
 * host or handed to the OS on its way (credits stand in for `maxsize`, so there is no round
 * trip per item); `get` resolves with each item exactly once across all consumers.
 */
export class Queue<T = unknown> extends Primitive implements AsyncIterable<T> {
  readonly #core: QueueCore;

  constructor(options: QueueOptions = {}) {
    const ref = attachingRef();
    let maxsize: number;
    if (ref) {
      maxsize = ref.params.maxsize as number;
    } else {
      if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
      maxsize = options.maxsize ?? 0;
      if (typeof maxsize !== 'number' || !Number.isInteger(maxsize)) throw new TypeError('maxsize must be an integer');
    }
    const joinable = new.target === JoinableQueue || new.target.prototype instanceof JoinableQueue;
    super(joinable ? 'JoinableQueue' : 'Queue', { maxsize }, { kind: 'queue', maxsize, joinable });
    this.#core = this.channel.core(this.prim, () => new QueueCore(this.channel, this.prim, maxsize));
  }

  /** @internal */
  protected get queueCore(): QueueCore {
    return this.#core;
  }

  /** The `maxsize` the queue was made with (0: no limit). */
  get maxsize(): number {
    return this.#core.maxsize;
  }

  /** Python's `put(obj, block=True, timeout=None)`: rejects with `Full` when it cannot. */
  put(item: T, options?: QueueWaitOptions): Promise<void> {
    checkQueueWait(options, 'options');
    return this.#core.put(item, options);
  }

  /** `put(item, { block: false })`. */
  putNowait(item: T): Promise<void> {
    return this.#core.put(item, { block: false });
  }

  /** Python's `get(block=True, timeout=None)`: rejects with `Empty` when it cannot. */
  get(options?: QueueWaitOptions): Promise<T> {
    checkQueueWait(options, 'options');
    return this.#core.get(options) as Promise<T>;
  }

  /** `get({ block: false })`. */
  getNowait(): Promise<T> {
    return this.#core.get({ block: false }) as Promise<T>;
  }

  /** The approximate number of items (as Python's: others may change it at once). */
  qsize(): Promise<number> {
    return this.#core.qsize();
  }

  async empty(): Promise<boolean> {
    return (await this.#core.qsize()) === 0;
  }

  async full(): Promise<boolean> {
    return this.#core.maxsize > 0 && (await this.#core.qsize()) >= this.#core.maxsize;
  }

  /**
   * Python's `close()`: this process will put no more. Resolves once what it put is handed to
   * the OS (Python's `join_thread()`). Other processes and other gets are unaffected. Idempotent.
   */
  close(): Promise<void> {
    return this.#core.close();
  }

  /** Python's `join_thread()`: waits until what this process put is handed to the OS. */
  joinThread(): Promise<void> {
    return this.#core.close();
  }

  /** `for await (const item of queue)`: gets items until you `break` (forever otherwise). */
  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    for (;;) yield (await this.#core.get()) as T;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

/** Python's `JoinableQueue`: a Queue whose consumers call `taskDone()` and producers `join()`. */
export class JoinableQueue<T = unknown> extends Queue<T> {
  /** Marks one item got earlier as processed; rejects with `RangeError` when called more times than items were put. */
  taskDone(): Promise<void> {
    return this.queueCore.taskDone();
  }

  /**
   * Resolves once every item put has been marked done with `taskDone()`. With a `timeout`,
   * rejects with `TimeoutError` when it passes first.
   */
  async join(options?: { timeout?: number | null; signal?: AbortSignal }): Promise<void> {
    checkWaitOptions(options, 'options');
    const done = await this.queueCore.join(options);
    if (!done) {
      throw new TimeoutError(`JoinableQueue.join() timed out after ${options?.timeout} ms`);
    }
  }
}

/** Python's `SimpleQueue`: an unbounded queue with `put`, `get`, `empty` and `close`. */
export class SimpleQueue<T = unknown> extends Primitive implements AsyncIterable<T> {
  readonly #core: QueueCore;

  constructor() {
    super('SimpleQueue', { maxsize: 0 }, { kind: 'queue', maxsize: 0, joinable: false });
    this.#core = this.channel.core(this.prim, () => new QueueCore(this.channel, this.prim, 0));
  }

  put(item: T): Promise<void> {
    return this.#core.put(item);
  }

  get(options?: { signal?: AbortSignal }): Promise<T> {
    checkWaitOptions(options, 'options');
    return this.#core.get({ signal: options?.signal }) as Promise<T>;
  }

  async empty(): Promise<boolean> {
    return (await this.#core.qsize()) === 0;
  }

  close(): Promise<void> {
    return this.#core.close();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    for (;;) yield (await this.#core.get()) as T;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}


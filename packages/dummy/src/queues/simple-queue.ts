import { checkWaitOptions } from '@proc/core';
import { kShare, registerShareable, type Shared } from '../transport/shareable.js';
import { Queue } from './queue.js';

let adopting: Queue | undefined;

/** Python's `SimpleQueue`: an unbounded queue with `put`, `get`, `empty` and `close`. */
export class SimpleQueue<T = unknown> implements AsyncIterable<T> {
  readonly #queue: Queue<T>;

  constructor() {
    this.#queue = (adopting as Queue<T> | undefined) ?? new Queue<T>();
    adopting = undefined;
  }

  put(item: T): Promise<void> {
    return this.#queue.put(item);
  }

  get(options?: { signal?: AbortSignal }): Promise<T> {
    checkWaitOptions(options, 'options');
    return this.#queue.get({ signal: options?.signal });
  }

  empty(): Promise<boolean> {
    return this.#queue.empty();
  }

  close(): Promise<void> {
    return this.#queue.close();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    for (;;) yield await this.#queue.get();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  [kShare](): Shared {
    return { type: 'SimpleQueue', state: this.#queue };
  }
}

registerShareable('SimpleQueue', (queue: Queue) => {
  adopting = queue;
  return new SimpleQueue();
});

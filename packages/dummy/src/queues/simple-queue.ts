import { kShare, registerShareable, type Shared } from '../transport/shareable.js';
import { Queue } from './queue.js';

/** Python's `SimpleQueue`: `put`, `get`, `empty`, `close`; unbounded. */
export class SimpleQueue<T = unknown> {
  readonly #queue: Queue<T>;

  constructor(queue?: Queue<T>) {
    this.#queue = queue instanceof Queue ? queue : new Queue<T>();
  }

  put(item: T): Promise<void> {
    return this.#queue.put(item);
  }

  get(): Promise<T> {
    return this.#queue.get();
  }

  empty(): boolean {
    return this.#queue.empty();
  }

  close(): void {
    this.#queue.close();
  }

  [kShare](): Shared {
    return { type: 'SimpleQueue', state: this.#queue };
  }
}

registerShareable('SimpleQueue', (queue: Queue) => new SimpleQueue(queue));

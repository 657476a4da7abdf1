/**
 * The referent of `manager.Queue({ maxsize })`. Event-driven: a blocked `get`/`put` parks a
 * waiter; nothing in the server ever blocks. An item is handed to a waiting getter directly.
 */
import { Empty, Full } from '../errors.js';
import { currentCall } from '../server/call-context.js';
import { contentsSymbol } from '../server/server-ref.js';
import { WaitQueue } from '../server/waiters.js';
import { QueueLeases } from './queue-leases.js';

export interface PutOptions {
  /** @default true */
  block?: boolean;
  /** Milliseconds; with `block`, raise `Full` after this long. @default no limit */
  timeout?: number | null;
}

export interface GetOptions {
  /** @default true */
  block?: boolean;
  /** Milliseconds; with `block`, raise `Empty` after this long. @default no limit */
  timeout?: number | null;
}

export class SharedQueue {
  readonly maxsize: number;
  #items: unknown[] = [];
  #head = 0;
  #getters = new WaitQueue<unknown>();
  #putters = new WaitQueue<void>();
  readonly #leases = new QueueLeases((items) => this.unget(items));

  constructor(options?: { maxsize?: number } | number) {
    const maxsize = typeof options === 'number' ? options : (options?.maxsize ?? 0);
    if (!Number.isInteger(maxsize)) throw new TypeError('maxsize must be an integer');
    this.maxsize = Math.max(maxsize, 0);
  }

  #count(): number {
    return this.#items.length - this.#head;
  }

  #push(item: unknown): void {
    // A waiting getter takes the item at once.
    const g = this.#getters.shift();
    if (g) {
      g.grant(item);
      return;
    }
    this.#items.push(item);
  }

  #shift(): unknown {
    const item = this.#items[this.#head];
    this.#items[this.#head] = undefined;
    this.#head++;
    if (this.#head === this.#items.length) {
      this.#items = [];
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    this.#admitPutters();
    return item;
  }

  /** Lets parked putters in while there is room. */
  #admitPutters(): void {
    while (this.maxsize === 0 || this.#count() < this.maxsize) {
      const p = this.#putters.shift();
      if (!p) return;
      this.#push(p.data);
      p.grant();
    }
  }

  #room(): boolean {
    return this.maxsize === 0 || this.#count() < this.maxsize;
  }

  put(item: unknown, options?: PutOptions): void | Promise<void> {
    if (this.#room() && this.#putters.size === 0) {
      this.#push(item);
      return;
    }
    if (options?.block === false) throw new Full();
    return this.#putters.park(
      options?.timeout,
      () => {
        throw new Full();
      },
      item,
    );
  }

  putNowait(item: unknown): void | Promise<void> {
    return this.put(item, { block: false });
  }

  get(options?: GetOptions): unknown {
    if (this.#count() > 0) return this.#shift();
    if (options?.block === false) throw new Empty();
    return this.#getters.park(options?.timeout, () => {
      throw new Empty();
    });
  }

  getNowait(): unknown {
    return this.get({ block: false });
  }

  /**
   * Up to `max` items at once (at least one: waits as `get` does when the queue is empty). What
   * `for await` uses to fetch in batches.
   */
  getMany(max: number, options?: GetOptions): unknown[] | Promise<unknown[]> {
    const n = this.#count();
    if (n > 0) {
      const out: unknown[] = [];
      const take = Math.min(n, Math.max(1, max | 0));
      for (let i = 0; i < take; i++) out.push(this.#shift());
      return out;
    }
    const one = this.get(options);
    return one instanceof Promise ? one.then((v) => [v]) : [one];
  }

  /** Internal (undo): items a client took but gave up, back at the front, in order. */
  unget(items: unknown[]): void {
    // Getters wait only on an empty queue: the first item goes to the first waiter.
    let i = 0;
    for (; i < items.length; i++) {
      const g = this.#getters.shift();
      if (!g) break;
      g.grant(items[i]);
    }
    for (let j = items.length - 1; j >= i; j--) {
      if (this.#head > 0) {
        this.#head--;
        this.#items[this.#head] = items[j];
      } else this.#items.unshift(items[j]);
    }
  }

  /**
   * Up to `max` items delivered ahead to the calling consumer's lease `id` (its proxy's
   * prefetch): out of the queue, but given back to its head, in order, unless acknowledged
   * (`ack`) before the consumer gives them back (`unlease`) or its connection ends. Waits for one
   * item, as `get` does, when the queue is empty and `wait`; otherwise resolves `[]` at once.
   * Unbounded queues only (a bounded queue's room would have to count leases).
   */
  lease(id: number, max: number, wait = true): unknown[] | Promise<unknown[]> {
    if (!Number.isSafeInteger(id) || !Number.isSafeInteger(max) || max < 1) throw new TypeError('lease(id, max): integers, max >= 1');
    if (this.maxsize > 0) throw new TypeError('lease() is for unbounded queues');
    const owner = currentCall().owner;
    const n = this.#count();
    if (n > 0) {
      const take = Math.min(n, max);
      const out = new Array<unknown>(take);
      for (let i = 0; i < take; i++) out[i] = this.#shift();
      this.#leases.add(owner, id, out);
      return out;
    }
    if (!wait) return [];
    return this.#getters
      .park(null, () => {
        throw new Empty();
      })
      .then((item) => {
        const out = [item];
        this.#leases.add(owner, id, out);
        return out;
      });
  }

  /** Internal: the consumer's proxy handed out `n` items of its lease `id` (consumed). */
  ack(id: number, n: number): void {
    this.#leases.ack(currentCall().owner, id, n);
  }

  /** Internal: the consumer gives back the unconsumed rest of its lease `id` (to the head, in order). */
  unlease(id: number): void {
    this.#leases.release(currentCall().owner, id);
  }

  qsize(): number {
    return this.#count();
  }

  empty(): boolean {
    return this.#count() === 0;
  }

  full(): boolean {
    return this.maxsize > 0 && this.#count() >= this.maxsize;
  }

  static internal = ['unget', 'ack', 'unlease'];

  [contentsSymbol](): Iterable<unknown> {
    return [...this.#items.slice(this.#head), ...this.#leases.contents()];
  }
}

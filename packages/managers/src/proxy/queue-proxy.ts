import { AbortError } from '@proc/core';
import type { Undo } from '../client/manager-client.js';
import { BaseProxy, type ProxyInit, serverOptions, type WaitOptions } from './base-proxy.js';
import { DEFAULT_PREFETCH, Prefetch } from './queue-prefetch.js';

export interface QueuePutOptions extends WaitOptions {
  /** `false`: raise `Full` at once when there is no room. @default true */
  block?: boolean;
}

export interface QueueGetOptions extends WaitOptions {
  /** `false`: raise `Empty` at once when there is no item. @default true */
  block?: boolean;
}

const ungetOne: Undo = (item) => ['unget', [[item]]];
const ungetMany: Undo = (items) => ['unget', [items]];

/** Items fetched per round trip by `for await`. */
const ITER_BATCH = 256;

/**
 * `manager.Queue({ maxsize })`. `put` on an unbounded queue does not wait for the server: it
 * resolves once the item is written to the socket (a failure surfaces on the next call).
 * `get`/`put` with `timeout` raise `Empty`/`Full` (decided on the server, so an item is either
 * got or left, never lost); a `signal` withdraws the call, and an item the server granted just
 * before the withdrawal goes back to the front of the queue.
 *
 * `get()` on an unbounded queue prefetches: the proxy leases the next items from the server and
 * hands them out without a round trip each (see `queue-prefetch.ts` and the README); leased items
 * a consumer does not hand out go back to the head of the queue, in order (idle for a few ms, a
 * closed proxy, or a dead process). `$prefetch` is the largest lease (0 turns prefetch off).
 */
export class QueueProxy<T = unknown> extends BaseProxy {
  readonly #pf: Prefetch<T>;

  constructor(init: ProxyInit) {
    super(init);
    this.#pf = new Prefetch<T>(
      {
        lease: (id, max, wait) => this.$call('lease', [id, max, wait]) as Promise<unknown[]>,
        ack: (id, n) => this.$undo('ack', [id, n]),
        unlease: (id) => this.$undo('unlease', [id]),
      },
      this.$token.maxsize ? 0 : DEFAULT_PREFETCH,
    );
  }

  /** The largest number of items `get()` leases ahead (0: none, a round trip per `get`). */
  get $prefetch(): number {
    return this.#pf.max;
  }

  set $prefetch(n: number) {
    if (!Number.isInteger(n) || n < 0) throw new RangeError('$prefetch must be an integer >= 0');
    // A bounded queue's room would have to count leased items: no prefetch there.
    this.#pf.max = this.$token.maxsize ? 0 : n;
  }

  put(item: T, options?: QueuePutOptions): Promise<void> {
    try {
      if (options === undefined && !this.$token.maxsize) return this.$post('put', [item]);
      const o = serverOptions(options);
      return this.$callWaiting('put', o ? [item, o] : [item], options?.signal, null) as Promise<void>;
    } catch (err) {
      return Promise.reject(err);
    }
  }

  get(options?: QueueGetOptions): Promise<T> {
    try {
      // Leased items come first (they are the head of the queue, as this consumer sees it).
      if (this.#pf.buffered > 0 && !this.$closed) {
        if (options?.signal?.aborted) throw new AbortError('The operation was aborted', { cause: options.signal.reason });
        return Promise.resolve(this.#pf.take());
      }
      if (options === undefined && this.#pf.max > 0 && !this.$closed) return this.#pf.get();
      const o = serverOptions(options);
      return this.$callWaiting('get', o ? [o] : [], options?.signal, ungetOne) as Promise<T>;
    } catch (err) {
      return Promise.reject(err);
    }
  }

  putNowait(item: T): Promise<void> {
    return this.$call('putNowait', [item]) as Promise<void>;
  }

  getNowait(): Promise<T> {
    if (this.#pf.buffered > 0 && !this.$closed) return Promise.resolve(this.#pf.take());
    return this.$call('getNowait') as Promise<T>;
  }

  /** Up to `max` items in one round trip (waits for at least one, as `get` does). */
  getMany(max: number, options?: QueueGetOptions): Promise<T[]> {
    try {
      if (this.#pf.buffered > 0 && !this.$closed) {
        if (options?.signal?.aborted) throw new AbortError('The operation was aborted', { cause: options.signal.reason });
        const out: T[] = [];
        const n = Math.max(1, max | 0);
        while (out.length < n && this.#pf.buffered > 0) out.push(this.#pf.take());
        return Promise.resolve(out);
      }
      const o = serverOptions(options);
      return this.$callWaiting('getMany', o ? [max, o] : [max], options?.signal, ungetMany) as Promise<T[]>;
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** Gives leased items back to the queue, then drops this proxy's reference. */
  override async $close(): Promise<void> {
    if (!this.$closed) this.#pf.close();
    await super.$close();
  }

  /** Items in the queue, counting those leased to this proxy and not handed out yet. */
  qsize(): Promise<number> {
    // Counted when the reply arrives: a lease in flight before it has landed by then (in order).
    return (this.$call('qsize') as Promise<number>).then((n) => n + this.#pf.buffered);
  }

  empty(): Promise<boolean> {
    if (this.#pf.buffered > 0 && !this.$closed) return Promise.resolve(false);
    return this.$call('empty') as Promise<boolean>;
  }

  full(): Promise<boolean> {
    return this.$call('full') as Promise<boolean>;
  }

  /**
   * Gets items forever (break out of the loop to stop). Fetches in batches, so it is much faster
   * than awaiting `get()` in a loop; items fetched but not consumed when the loop breaks go back
   * to the front of the queue, in order. (If this process dies mid-loop, fetched items die too.)
   */
  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    let buf: T[] = [];
    let i = 0;
    try {
      for (;;) {
        if (i === buf.length) {
          buf = [];
          i = 0;
          buf = await this.getMany(ITER_BATCH);
        }
        const item = buf[i++];
        yield item;
      }
    } finally {
      const rest = buf.slice(i);
      if (rest.length > 0 && !this.$closed) this.$undo('unget', [rest]);
    }
  }
}

/** `manager.JoinableQueue()`: a Queue whose consumers mark items done. */
export class JoinableQueueProxy<T = unknown> extends QueueProxy<T> {
  taskDone(): Promise<void> {
    return this.$call('taskDone') as Promise<void>;
  }

  /** Resolves `true` once every item put was marked done (`false` after `timeout`). */
  join(options?: WaitOptions): Promise<boolean> {
    try {
      const o = serverOptions(options);
      return this.$callWaiting('join', o ? [o] : [], options?.signal, null) as Promise<boolean>;
    } catch (err) {
      return Promise.reject(err);
    }
  }
}

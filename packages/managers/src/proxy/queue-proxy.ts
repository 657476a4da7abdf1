import type { Undo } from '../client/manager-client.js';
import { BaseProxy, serverOptions, type WaitOptions } from './base-proxy.js';

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
 */
export class QueueProxy<T = unknown> extends BaseProxy {
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
    return this.$call('getNowait') as Promise<T>;
  }

  /** Up to `max` items in one round trip (waits for at least one, as `get` does). */
  getMany(max: number, options?: QueueGetOptions): Promise<T[]> {
    try {
      const o = serverOptions(options);
      return this.$callWaiting('getMany', o ? [max, o] : [max], options?.signal, ungetMany) as Promise<T[]>;
    } catch (err) {
      return Promise.reject(err);
    }
  }

  qsize(): Promise<number> {
    return this.$call('qsize') as Promise<number>;
  }

  empty(): Promise<boolean> {
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

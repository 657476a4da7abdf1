import { checkWaitOptions, TimeoutError, type WaitOptions } from '@proc/core';
import { waitUntil } from '../synchronize/wait-loop.js';
import { registerShareable } from '../transport/shareable.js';
import { kRing, Queue, type QueueOptions } from './queue.js';
import { H, Ring } from './ring.js';

/** Python's `JoinableQueue`: a `Queue` whose consumers call `taskDone()` and producers `join()`. */
export class JoinableQueue<T = unknown> extends Queue<T> {
  static readonly joinable = true;

  /** Marks one item got earlier as processed; rejects with `RangeError` when called more times than items were put. */
  async taskDone(): Promise<void> {
    const i32 = this.ring.i32;
    for (;;) {
      const n = Atomics.load(i32, H.UNFINISHED);
      if (n <= 0) throw new RangeError('taskDone() called more times than there were items put');
      if (Atomics.compareExchange(i32, H.UNFINISHED, n, n - 1) !== n) continue;
      if (n === 1) {
        Atomics.add(i32, H.JOIN_SEQ, 1);
        Atomics.notify(i32, H.JOIN_SEQ);
      }
      return;
    }
  }

  /** Resolves once every item put has been marked done; with a `timeout`, rejects with `TimeoutError` when it passes first. */
  async join(options?: WaitOptions): Promise<void> {
    checkWaitOptions(options, 'options');
    const i32 = this.ring.i32;
    if (Atomics.load(i32, H.UNFINISHED) === 0) return;
    const done = await waitUntil(i32, H.JOIN_SEQ, -1, () => (Atomics.load(i32, H.UNFINISHED) === 0 ? true : undefined), options, () => false);
    if (!done) throw new TimeoutError(`JoinableQueue.join() timed out after ${options?.timeout} ms`);
  }
}

registerShareable('JoinableQueue', (sab: SharedArrayBuffer) => new JoinableQueue({ [kRing]: new Ring(sab) } as QueueOptions));

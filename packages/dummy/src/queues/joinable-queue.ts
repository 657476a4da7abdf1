import { checkWaitOptions, type WaitOptions, withDeadline } from '@proc/core';
import { waitWord } from '../runtime/atomic-wait.js';
import { registerShareable } from '../transport/shareable.js';
import { H, Ring } from './ring.js';
import { kRing, Queue, type QueueOptions } from './queue.js';

/** Python's `JoinableQueue`: a `Queue` whose consumers mark items done and whose producers `join()`. */
export class JoinableQueue<T = unknown> extends Queue<T> {
  static readonly joinable = true;

  /** Python's `task_done()`: one item taken earlier is fully processed. */
  taskDone(): void {
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

  /** Python's `join()`: resolves once every item put has been marked done. */
  join(options?: WaitOptions): Promise<void> {
    if (options !== undefined) checkWaitOptions(options);
    const i32 = this.ring.i32;
    if (Atomics.load(i32, H.UNFINISHED) === 0) return Promise.resolve();
    return withDeadline(
      async (onCancel) => {
        let cancelled = false;
        onCancel(() => {
          cancelled = true;
        });
        while (!cancelled) {
          const seq = Atomics.load(i32, H.JOIN_SEQ);
          if (Atomics.load(i32, H.UNFINISHED) === 0) return;
          await waitWord(i32, H.JOIN_SEQ, seq);
        }
      },
      options,
      'join',
    );
  }
}

registerShareable('JoinableQueue', (sab: SharedArrayBuffer) => new JoinableQueue({ [kRing]: new Ring(sab) } as QueueOptions));

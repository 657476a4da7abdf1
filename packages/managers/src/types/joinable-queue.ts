/** The referent of `manager.JoinableQueue()`: a Queue that counts unfinished tasks. */
import { LockStateError } from '../errors.js';
import { WaitQueue } from '../server/waiters.js';
import { type PutOptions, SharedQueue } from './queue.js';

export class SharedJoinableQueue extends SharedQueue {
  #unfinished = 0;
  #joiners = new WaitQueue<boolean>();

  override put(item: unknown, options?: PutOptions): void | Promise<void> {
    const r = super.put(item, options);
    if (r instanceof Promise) return r.then(() => void this.#unfinished++);
    this.#unfinished++;
  }

  taskDone(): void {
    if (this.#unfinished <= 0) throw new LockStateError('taskDone() called too many times');
    this.#unfinished--;
    if (this.#unfinished === 0) for (let w = this.#joiners.shift(); w; w = this.#joiners.shift()) w.grant(true);
  }

  /** Resolves once every item put has been marked done; `false` after `timeout`. */
  join(options?: { timeout?: number | null }): boolean | Promise<boolean> {
    if (this.#unfinished === 0) return true;
    return this.#joiners.park(options?.timeout, () => false);
  }

  unfinishedTasks(): number {
    return this.#unfinished;
  }
}

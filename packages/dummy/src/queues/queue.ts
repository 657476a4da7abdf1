import { checkWaitOptions, StateError, type WaitOptions, withDeadline } from '@proc/core';
import { Empty, Full } from '../errors.js';
import { spinWhile, waitWord } from '../runtime/atomic-wait.js';
import { kShare, registerShareable, type Shared } from '../transport/shareable.js';
import { encode, H, Ring } from './ring.js';

export interface QueueOptions {
  /** Python's `maxsize`: at most this many items; `put` waits (or throws `Full`) beyond. 0: no limit. @default 0 */
  maxsize?: number;
  /**
   * Bytes of shared memory for items in flight. An unbounded queue whose buffer is full makes
   * `put` wait for room, as a bounded one does at `maxsize`. @default 4 MiB
   */
  bufferSize?: number;
}

export interface PutOptions extends WaitOptions {
  /** `false`: throw `Full` at once instead of waiting. @default true */
  block?: boolean;
}

export interface GetOptions extends WaitOptions {
  /** `false`: throw `Empty` at once instead of waiting. @default true */
  block?: boolean;
}

const NONE = Symbol('none');
/** Loads to spin before sleeping: a busy peer usually answers within a few microseconds. */
const SPIN = 2000;

/**
 * Python's `Queue` on threads: items are encoded into a SharedArrayBuffer ring that every thread
 * holding the queue reads and writes directly; no thread hosts it, so any of them may end at
 * any time without the others losing what was put. `put` resolves once the item is in the ring.
 */
export class Queue<T = unknown> {
  readonly #ring: Ring;
  readonly #joinable: boolean;
  #closed = false;

  constructor(options: QueueOptions = {}) {
    if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
    const maxsize = options.maxsize ?? 0;
    if (typeof maxsize !== 'number' || !Number.isInteger(maxsize)) throw new TypeError('maxsize must be an integer');
    const bufferSize = options.bufferSize ?? 4 * 1024 * 1024;
    if (!Number.isInteger(bufferSize) || bufferSize < 1024) throw new RangeError('bufferSize must be an integer >= 1024');
    this.#ring = (options as { [kRing]?: Ring })[kRing] ?? Ring.create(bufferSize, Math.max(0, maxsize));
    this.#joinable = (this.constructor as { joinable?: boolean }).joinable === true;
  }

  /** Python's `maxsize` (0: unbounded). */
  get maxsize(): number {
    return this.#ring.i32[H.MAXSIZE];
  }

  /** Puts `item`; waits while the queue is full unless `block: false` (then `Full`). */
  async put(item: T, options?: PutOptions): Promise<void> {
    if (options !== undefined) checkWaitOptions(options);
    this.#checkOpen();
    const e = encode(item);
    if (e.size > this.#ring.maxPayload) {
      throw new RangeError(`The item (${e.size} bytes encoded) is larger than the queue's buffer allows (${this.#ring.maxPayload}); pass a larger bufferSize`);
    }
    const r = this.#ring.tryPut(e, this.#joinable);
    if (r === 1) return;
    if (options?.block === false) throw new Full();
    const bytes = e.bytes;
    const saved = { kind: e.kind, num: e.num, str: e.str, bytes, size: e.size };
    const i32 = this.#ring.i32;
    return withDeadline(
      async (onCancel) => {
        let cancelled = false;
        onCancel(() => {
          cancelled = true;
        });
        for (;;) {
          const seq = Atomics.load(i32, H.TAKE_SEQ);
          if (this.#ring.tryPut(saved, this.#joinable) === 1) return;
          if (spinWhile(i32, H.TAKE_SEQ, seq, SPIN)) continue;
          Atomics.add(i32, H.PUT_WAITERS, 1);
          try {
            await waitWord(i32, H.TAKE_SEQ, seq);
          } finally {
            Atomics.sub(i32, H.PUT_WAITERS, 1);
          }
          if (cancelled) return;
        }
      },
      options,
      'put',
    );
  }

  /** Python's `put_nowait`: `put(item, { block: false })`. */
  putNowait(item: T): Promise<void> {
    return this.put(item, { block: false });
  }

  /** Takes the oldest item; waits while the queue is empty unless `block: false` (then `Empty`). */
  async get(options?: GetOptions): Promise<T> {
    if (options !== undefined) checkWaitOptions(options);
    this.#checkOpen();
    const ring = this.#ring;
    const v = ring.tryTake(NONE);
    if (v !== NONE) return v as T;
    if (options?.block === false) throw new Empty();
    const i32 = ring.i32;
    return withDeadline(
      async (onCancel) => {
        let cancelled = false;
        onCancel(() => {
          cancelled = true;
        });
        for (;;) {
          const seq = Atomics.load(i32, H.PUT_SEQ);
          const got = ring.tryTake(NONE);
          if (got !== NONE) return got as T;
          if (spinWhile(i32, H.PUT_SEQ, seq, SPIN)) continue;
          Atomics.add(i32, H.TAKE_WAITERS, 1);
          try {
            await waitWord(i32, H.PUT_SEQ, seq);
          } finally {
            Atomics.sub(i32, H.TAKE_WAITERS, 1);
          }
          // A get that timed out or was aborted must not take an item nobody will receive.
          if (cancelled) return undefined as T;
        }
      },
      options,
      'get',
    );
  }

  /** Python's `get_nowait`: `get({ block: false })`. */
  getNowait(): Promise<T> {
    return this.get({ block: false });
  }

  /** Items in the queue now (exact: the count is shared memory). */
  qsize(): number {
    return this.#ring.count();
  }

  empty(): boolean {
    return this.#ring.count() === 0;
  }

  full(): boolean {
    const max = this.maxsize;
    return max > 0 && this.#ring.count() >= max;
  }

  /** This handle will put and get no more (Python's `close()`); other handles are unaffected. Idempotent. */
  close(): void {
    this.#closed = true;
  }

  /** Python's `join_thread()`: there is no feeder thread; every put is already in shared memory. */
  async joinThread(): Promise<void> {}

  /** Python's `cancel_join_thread()`: nothing to cancel (see `joinThread`). */
  cancelJoinThread(): void {}

  /** Yields items as they arrive, without end (break out of the loop to stop). */
  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    for (;;) yield await this.get();
  }

  #checkOpen(): void {
    if (this.#closed) throw new StateError('Queue is closed');
  }

  /** @internal for JoinableQueue */
  protected get ring(): Ring {
    return this.#ring;
  }

  [kShare](): Shared {
    return { type: this.constructor.name === 'JoinableQueue' ? 'JoinableQueue' : 'Queue', state: this.#ring.sab };
  }
}

export const kRing = Symbol('proc.dummy.ring');

registerShareable('Queue', (sab: SharedArrayBuffer) => new Queue({ [kRing]: new Ring(sab) } as QueueOptions));

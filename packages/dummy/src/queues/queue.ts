import { checkWaitOptions, StateError, TimeoutError, type WaitOptions, withDeadline } from '@proc/core';
import { Empty, Full } from '../errors.js';
import { spinWhile, waitWord } from '../runtime/atomic-wait.js';
import { deposit, fetchDeposit, newItemId } from '../transport/item-hub.js';
import { needsMessage, pack, unpack } from '../transport/pack.js';
import { kShare, registerShareable, type Shared } from '../transport/shareable.js';
import { encode, encodeRef, H, ItemRef, Ring } from './ring.js';

export interface QueueOptions {
  /** Python's `maxsize`: at most this many items; `put` waits (or throws `Full`) beyond. 0: no limit. @default 0 */
  maxsize?: number;
  /**
   * Bytes of shared memory for items in flight. An unbounded queue whose buffer is full makes
   * `put` wait for room, as a bounded one does at `maxsize`. @default 4 MiB
   */
  bufferSize?: number;
}

export interface QueueWaitOptions extends WaitOptions {
  /** `false`: reject with `Full`/`Empty` at once instead of waiting. @default true */
  block?: boolean;
}

function checkQueueWait(options: QueueWaitOptions | undefined): void {
  if (options === undefined) return;
  checkWaitOptions(options, 'options');
  if (options.block !== undefined && typeof options.block !== 'boolean') throw new TypeError('options.block must be a boolean');
}

const NONE = Symbol('none');
const RESOLVED: Promise<void> = Promise.resolve();

/** Values `encode` handles without the codec and without a chance to throw (strings up to its inline limit). */
function isSmall(v: unknown): boolean {
  switch (typeof v) {
    case 'number':
    case 'boolean':
    case 'undefined':
      return true;
    case 'string':
      return v.length <= 256;
    default:
      return v === null;
  }
}
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
  put(item: T, options?: QueueWaitOptions): Promise<void> {
    checkQueueWait(options);
    // The common case without an async function's cost: a small value, room in the ring.
    if (!this.#closed && isSmall(item) && this.#ring.tryPut(encode(item), this.#joinable) === 1) return RESOLVED;
    return this.#put(item, options);
  }

  async #put(item: T, options: QueueWaitOptions | undefined): Promise<void> {
    this.#checkOpen();
    // An item holding a Queue, Lock, Pipe end... cannot be bytes: it travels by message through
    // the item hub, and the ring holds its id (item-hub.ts).
    const ref = typeof item === 'object' && item !== null && needsMessage(item) ? newItemId() : -1;
    const e = ref < 0 ? encode(item) : encodeRef(ref);
    if (e.size > this.#ring.maxPayload) {
      throw new RangeError(`The item (${e.size} bytes encoded) is larger than the queue's buffer allows (${this.#ring.maxPayload}); pass a larger bufferSize`);
    }
    const r = this.#ring.tryPut(e, this.#joinable);
    if (r === 1) {
      if (ref >= 0) sendItem(ref, item);
      return;
    }
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
          if (cancelled) return;
          if (this.#ring.tryPut(saved, this.#joinable) === 1) {
            if (ref >= 0) sendItem(ref, item);
            return;
          }
          if (spinWhile(i32, H.TAKE_SEQ, seq, SPIN)) continue;
          // After reading `seq`: a take after this store notifies; one before it changed TAKE_SEQ, so the wait returns at once.
          Atomics.store(i32, H.PUT_SLEEPING, 1);
          await waitWord(i32, H.TAKE_SEQ, seq);
          if (cancelled) return;
        }
      },
      options,
      'put',
    ).catch((err: unknown) => {
      // Python's put(timeout=...) raises Full.
      throw err instanceof TimeoutError ? new Full(undefined, { cause: err }) : err;
    });
  }

  /** Python's `put_nowait`: `put(item, { block: false })`. */
  putNowait(item: T): Promise<void> {
    return this.put(item, { block: false });
  }

  /** Takes the oldest item; waits while the queue is empty unless `block: false` (then `Empty`). */
  get(options?: QueueWaitOptions): Promise<T> {
    checkQueueWait(options);
    // The common case without an async function's cost: an item is there.
    let v: unknown;
    try {
      v = this.#ring.tryTake(NONE);
    } catch (err) {
      return Promise.reject(err);
    }
    if (v === NONE) return this.#get(options);
    return v instanceof ItemRef ? this.#fetch(v, options) : Promise.resolve(v as T);
  }

  async #get(options: QueueWaitOptions | undefined): Promise<T> {
    const ring = this.#ring;
    const v = ring.tryTake(NONE);
    if (v !== NONE) return v instanceof ItemRef ? this.#fetch(v, options) : (v as T);
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
          // As in put: a put after this store notifies; one before it changed PUT_SEQ.
          Atomics.store(i32, H.TAKE_SLEEPING, 1);
          await waitWord(i32, H.PUT_SEQ, seq);
          // A get that timed out or was aborted must not take an item nobody will receive.
          if (cancelled) return undefined as T;
        }
      },
      options,
      'get',
    ).then(
      (got) => (got instanceof ItemRef ? this.#fetch(got, options) : got),
      (err: unknown) => {
        // Python's get(timeout=...) raises Empty.
        throw err instanceof TimeoutError ? new Empty(undefined, { cause: err }) : err;
      },
    );
  }

  /** The item behind an id taken from the ring; one whose put failed is skipped. */
  async #fetch(ref: ItemRef, options: QueueWaitOptions | undefined): Promise<T> {
    const d = await fetchDeposit(ref.id);
    if (d.dropped) return this.#get(options);
    return unpack(d.value) as T;
  }

  /** Python's `get_nowait`: `get({ block: false })`. */
  getNowait(): Promise<T> {
    return this.get({ block: false });
  }

  /** Items in the queue now (exact at that instant: the count is shared memory). */
  async qsize(): Promise<number> {
    return this.#ring.count();
  }

  async empty(): Promise<boolean> {
    return this.#ring.count() === 0;
  }

  async full(): Promise<boolean> {
    const max = this.maxsize;
    return max > 0 && this.#ring.count() >= max;
  }

  /**
   * Python's `close()`: this handle will put no more (`StateError`). What it put is already in
   * shared memory. Other handles and gets are unaffected. Idempotent.
   */
  async close(): Promise<void> {
    this.#closed = true;
  }

  /** Python's `join_thread()`: there is no feeder thread; every put is already in shared memory. */
  async joinThread(): Promise<void> {}

  /** `for await (const item of queue)`: gets items until you `break` (forever otherwise). */
  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    for (;;) yield await this.get();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #checkOpen(): void {
    if (this.#closed) throw new StateError('This queue handle is closed: it puts no more');
  }

  /** @internal for JoinableQueue */
  protected get ring(): Ring {
    return this.#ring;
  }

  [kShare](): Shared {
    return { type: this.constructor.name === 'JoinableQueue' ? 'JoinableQueue' : 'Queue', state: this.#ring.sab };
  }
}

/**
 * Sends an item whose id is now in the ring. Packing moves its ports (a Pipe end stops working
 * here), so it happens only once the put has succeeded; if packing fails, the id's slot is
 * marked dropped (getters skip it) and the put rejects.
 */
function sendItem(id: number, item: unknown): void {
  let packed: ReturnType<typeof pack>;
  try {
    packed = pack(item);
  } catch (err) {
    deposit(id, null);
    throw err;
  }
  try {
    deposit(id, packed);
  } catch (err) {
    deposit(id, null);
    throw err;
  }
}

export const kRing = Symbol('proc.dummy.ring');

registerShareable('Queue', (sab: SharedArrayBuffer) => new Queue({ [kRing]: new Ring(sab) } as QueueOptions));

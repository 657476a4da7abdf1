/**
 * A queue consumer's prefetch: `get()` awaited one at a time costs a round trip per item, so the
 * proxy asks the server for a *lease* on the next items (`lease(id, k)`) and hands them out
 * locally. Leased items are not removed from the queue's custody: each `get()` that hands one out
 * acknowledges it (`ack`, written to the socket before the caller sees the item), and the
 * unacknowledged rest goes back to the head of the queue, in order, when this consumer gives it
 * back or its connection ends. So a consumer that dies loses nothing and doubles nothing.
 *
 * Fairness: the lease grows from 1 item (doubling while the consumer drains full leases back to
 * back, up to `max`), and a consumer that stops calling `get()` for `IDLE_MS` gives its leased
 * items back (a timer, unref'd), so a slow worker does not sit on items another could take.
 */
import { performance } from 'node:perf_hooks';

/** A consumer idle this long (ms) gives back what it holds. */
export const IDLE_MS = 5;

/** The default largest lease. */
export const DEFAULT_PREFETCH = 256;

export interface LeaseOps {
  lease(id: number, max: number, wait: boolean): Promise<unknown[]>;
  ack(id: number, n: number): void;
  unlease(id: number): void;
}

// Lease ids are per process; the server keys leases by connection + id.
let nextLeaseId = 1;

export class Prefetch<T> {
  readonly #ops: LeaseOps;
  max: number;
  #id = 0;
  #buf: T[] = [];
  #head = 0;
  #inflight: Promise<void> | null = null;
  #err: unknown = null;
  /** The next lease's size. */
  #want = 1;
  /** The last lease came back full: the queue likely has more, so refill ahead. */
  #more = false;
  #lastTake = 0;
  #timer: NodeJS.Timeout | null = null;
  #closed = false;

  constructor(ops: LeaseOps, max: number) {
    this.#ops = ops;
    this.max = max;
  }

  get buffered(): number {
    return this.#buf.length - this.#head;
  }

  /** The next item: from the lease, or by leasing (waits on an empty queue, as `get` does). */
  async get(): Promise<T> {
    for (;;) {
      if (this.#head < this.#buf.length) return this.take();
      if (this.#inflight === null) this.#fetch(true);
      await this.#inflight;
      if (this.#head === this.#buf.length && this.#err !== null) {
        const err = this.#err;
        this.#err = null;
        throw err;
      }
    }
  }

  /** Hands out the next leased item (the caller checked `buffered > 0`) and acknowledges it. */
  take(): T {
    const item = this.#buf[this.#head];
    this.#buf[this.#head] = undefined as T;
    this.#head++;
    if (this.#head === this.#buf.length) {
      this.#buf = [];
      this.#head = 0;
    }
    // Queued before the caller's continuation runs, so it is written before the caller sees the item.
    this.#ops.ack(this.#id, 1);
    this.#lastTake = performance.now();
    if (this.#inflight === null && this.#more && this.buffered <= this.#want >> 1) this.#fetch(false);
    return item;
  }

  /** Gives back everything leased and not handed out (the proxy is closing). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#clearTimer();
    this.#giveBack();
  }

  #fetch(wait: boolean): void {
    if (this.#id === 0) this.#id = nextLeaseId++;
    const want = this.#want;
    this.#inflight = this.#ops.lease(this.#id, want, wait).then(
      (items) => {
        this.#inflight = null;
        if (this.#closed) {
          // Leased after the proxy gave its lease back: give these back too.
          if (items.length > 0) this.#ops.unlease(this.#id);
          return;
        }
        this.#more = items.length >= want;
        if (this.#more) this.#want = Math.min(want * 2, Math.max(1, this.max));
        for (let i = 0; i < items.length; i++) this.#buf.push(items[i] as T);
        if (this.buffered > 0) this.#armIdle();
      },
      (err: unknown) => {
        this.#inflight = null;
        this.#more = false;
        this.#err = err;
      },
    );
  }

  #giveBack(): void {
    if (this.#id === 0) return;
    this.#buf = [];
    this.#head = 0;
    this.#want = 1;
    this.#more = false;
    // An in-flight lease's items are added on the server before this arrives (one connection,
    // in order), or are given back when its reply comes (closed), so nothing stays leased.
    this.#ops.unlease(this.#id);
  }

  #armIdle(): void {
    if (this.#timer !== null) return;
    this.#lastTake = performance.now();
    this.#timer = setTimeout(() => this.#onIdle(), IDLE_MS);
    this.#timer.unref();
  }

  #onIdle(): void {
    this.#timer = null;
    if (this.#closed || this.buffered === 0) return;
    const idle = performance.now() - this.#lastTake;
    if (this.#inflight !== null || idle < IDLE_MS) {
      this.#timer = setTimeout(() => this.#onIdle(), Math.max(1, IDLE_MS - idle));
      this.#timer.unref();
      return;
    }
    this.#giveBack();
  }

  #clearTimer(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }
}

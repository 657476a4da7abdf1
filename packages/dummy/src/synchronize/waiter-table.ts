import { threadId } from 'node:worker_threads';
import { isThreadAlive } from '../runtime/thread-table.js';

/**
 * A Condition's waiters, in shared memory: one slot per waiting call, holding its state, its
 * arrival number (notify wakes the longest waiting first) and its thread.
 *
 * Why slots and not a "notified up to ticket n" counter: a waiter that stops waiting (timeout,
 * abort, its thread ended) must leave the line, or a later `notify()` is spent on it and a live
 * waiter sleeps on. Leaving and being chosen race (a waiter times out in one thread while a
 * notify picks it in another), and both are one compare-and-swap on the slot's state word:
 * WAITING -> FREE (left) or WAITING -> NOTIFIED (chosen). Exactly one wins. A waiter that finds
 * itself chosen after giving up either takes it as its wake-up or passes it on, so no notify is
 * lost and none is doubled.
 *
 * The buffer is growable: it starts with a few slots and doubles under the Condition's lock
 * (every `register` and `notify` runs holding it), up to MAX_SLOTS waiters at once.
 */
const S = { FREE: 0, WAITING: 1, NOTIFIED: 2, RESERVED: 3 } as const;
/** Header words: the next arrival number, the number of slots ever used. */
const W = { SEQ: 0, HIGH: 1 } as const;
const HEADER = 4;
const SLOT_WORDS = 3;
const FIRST_SLOTS = 8;
const MAX_SLOTS = 1 << 16;
const bytesFor = (slots: number) => (HEADER + SLOT_WORDS * slots) * 4;
const me = threadId + 1;

type Growable = SharedArrayBuffer & { grow(n: number): void; readonly maxByteLength: number };

export class WaiterTable {
  readonly sab: Growable;
  /** Length-tracking: sees the buffer grow, in every thread. */
  readonly i32: Int32Array;

  constructor(sab?: SharedArrayBuffer) {
    const SAB = SharedArrayBuffer as unknown as new (n: number, o: { maxByteLength: number }) => Growable;
    this.sab = (sab as Growable | undefined) ?? new SAB(bytesFor(FIRST_SLOTS), { maxByteLength: bytesFor(MAX_SLOTS) });
    this.i32 = new Int32Array(this.sab);
  }

  /** Takes a slot for the calling waiter (the caller holds the Condition's lock); returns its state word. */
  register(): number {
    const i32 = this.i32;
    const high = Atomics.load(i32, W.HIGH);
    let at = -1;
    for (let i = 0; i < high; i++) {
      const w = HEADER + SLOT_WORDS * i;
      if (Atomics.compareExchange(i32, w, S.FREE, S.RESERVED) === S.FREE) {
        at = w;
        break;
      }
    }
    if (at < 0) {
      if (high >= MAX_SLOTS) throw new RangeError(`A Condition has at most ${MAX_SLOTS} waiters at once`);
      if (bytesFor(high + 1) > this.sab.byteLength) this.sab.grow(Math.min(bytesFor(MAX_SLOTS), bytesFor(high * 2)));
      at = HEADER + SLOT_WORDS * high;
      Atomics.store(i32, at, S.RESERVED);
      Atomics.store(i32, W.HIGH, high + 1);
    }
    Atomics.store(i32, at + 1, Atomics.add(i32, W.SEQ, 1));
    Atomics.store(i32, at + 2, me);
    Atomics.store(i32, at, S.WAITING);
    return at;
  }

  isNotified(at: number): boolean {
    return Atomics.load(this.i32, at) === S.NOTIFIED;
  }

  /** Gives the slot up; true when a notify had chosen it (the caller owes that wake-up to someone). */
  leave(at: number): boolean {
    const i32 = this.i32;
    if (Atomics.compareExchange(i32, at, S.WAITING, S.FREE) === S.WAITING) return false;
    Atomics.store(i32, at, S.FREE);
    return true;
  }

  /** Chooses up to `n` waiters, longest waiting first, and wakes them. Caller holds the lock. */
  notify(n: number): void {
    const i32 = this.i32;
    const high = Atomics.load(i32, W.HIGH);
    if (n >= high) {
      for (let i = 0; i < high; i++) this.#choose(HEADER + SLOT_WORDS * i);
      return;
    }
    let woken = 0;
    while (woken < n) {
      let best = -1;
      let bestSeq = 0;
      for (let i = 0; i < high; i++) {
        const w = HEADER + SLOT_WORDS * i;
        if (Atomics.load(i32, w) !== S.WAITING) continue;
        const seq = Atomics.load(i32, w + 1);
        if (best < 0 || ((seq - bestSeq) | 0) < 0) {
          best = w;
          bestSeq = seq;
        }
      }
      if (best < 0) return;
      if (this.#choose(best)) woken++;
    }
  }

  /**
   * WAITING -> NOTIFIED and wake it; false if the slot is not waiting (it left first) or its
   * thread has ended (then the slot is freed: a thread that died waiting must not take a notify).
   */
  #choose(at: number): boolean {
    const i32 = this.i32;
    if (Atomics.load(i32, at) !== S.WAITING) return false;
    if (!isThreadAlive(Atomics.load(i32, at + 2) - 1)) {
      Atomics.compareExchange(i32, at, S.WAITING, S.FREE);
      return false;
    }
    if (Atomics.compareExchange(i32, at, S.WAITING, S.NOTIFIED) !== S.WAITING) return false;
    Atomics.notify(i32, at);
    return true;
  }
}

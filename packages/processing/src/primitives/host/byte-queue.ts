/**
 * A queue's waiting items, as bytes: one growable buffer of `u32 length | bytes` records, with
 * no JavaScript object per item.
 *
 * Why: with a producer faster than its consumers (an unbounded queue, the usual case for a
 * burst), a million items may wait in the host. As one Buffer view each (a heap object of
 * about 100 bytes, each keeping the chunk it was read in alive), they were promoted to the old
 * generation and marked by the host thread's major GCs, on V8's helper threads, after the
 * burst too (in the benchmark app, the Pipe figure that runs after the queue's once ran at a
 * quarter of its speed). Here a waiting small int takes 6 bytes and the collector sees one
 * buffer. A small item is copied in once and out once (into a pooled Buffer when delivered).
 *
 * Items of `BIG` bytes or more are kept as they are (a record says so): their bytes outweigh
 * the view, and copying 1 KiB items in and out measured 20% slower end to end.
 * Items given back (`unshift`, rare: a consumer died or returned what it was lent) wait in a
 * small deque in front of the rest.
 */
import { Deque } from '../protocol.js';

/** From this size an item is kept as the view it came in (see above). */
const BIG = 256;
/** The record length that says "the next of the big items". */
const BIG_MARK = 0xffffffff;
/** The first buffer, made on the first push: a queue that holds nothing costs nothing. */
const INITIAL = 4 * 1024;
/** A buffer larger than this, grown by a burst, is let go once the queue is empty. */
const KEEP = 1024 * 1024;
const NONE = Buffer.alloc(0);

export class ByteQueue {
  #buf = NONE;
  #head = 0;
  #tail = 0;
  #count = 0;
  #big = new Deque<Buffer>();
  #front = new Deque<Buffer>();

  get length(): number {
    return this.#count + this.#front.length;
  }

  push(item: Buffer): void {
    const n = item.byteLength;
    if (n >= BIG) {
      this.#room(4);
      this.#buf.writeUInt32LE(BIG_MARK, this.#tail);
      this.#tail += 4;
      this.#big.push(item);
    } else {
      this.#room(4 + n);
      const b = this.#buf;
      b.writeUInt32LE(n, this.#tail);
      b.set(item, this.#tail + 4);
      this.#tail += 4 + n;
    }
    this.#count++;
  }

  /** Puts `item` in front of every other. */
  unshift(item: Buffer): void {
    this.#front.unshift(item);
  }

  shift(): Buffer | undefined {
    const given = this.#front.shift();
    if (given !== undefined) return given;
    if (this.#count === 0) return undefined;
    const b = this.#buf;
    const n = b.readUInt32LE(this.#head);
    let out: Buffer;
    if (n === BIG_MARK) {
      out = this.#big.shift() as Buffer;
      this.#head += 4;
    } else {
      // allocUnsafe: from Node's pool below 4 KiB, so small items cost no ArrayBuffer each.
      out = Buffer.allocUnsafe(n);
      b.copy(out, 0, this.#head + 4, this.#head + 4 + n);
      this.#head += 4 + n;
    }
    if (--this.#count === 0) this.#empty();
    return out;
  }

  /** Empty: start over at the front, and let a buffer grown by a burst go. */
  #empty(): void {
    this.#head = 0;
    this.#tail = 0;
    if (this.#buf.length > KEEP) this.#buf = NONE;
  }

  /** Makes room for `need` more bytes at the tail: moves the records to the front, or grows. */
  #room(need: number): void {
    if (this.#tail + need <= this.#buf.length) return;
    const used = this.#tail - this.#head;
    if (used + need <= this.#buf.length / 2) {
      this.#buf.copyWithin(0, this.#head, this.#tail);
    } else {
      let size = Math.max(INITIAL, this.#buf.length * 2);
      while (size < used + need) size *= 2;
      const next = Buffer.allocUnsafeSlow(size);
      this.#buf.copy(next, 0, this.#head, this.#tail);
      this.#buf = next;
    }
    this.#head = 0;
    this.#tail = used;
  }
}

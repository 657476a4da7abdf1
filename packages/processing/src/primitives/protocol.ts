/**
 * The wire protocol between primitive users and the host that keeps the primitives' state.
 * The same frames travel over a Unix socket (other processes) and over a MessagePort (the
 * hosting process's own threads), so the host has one parser and one dispatcher.
 *
 * A frame: u32 LE length of what follows, then
 *   u8 op | u32 prim | u32 req | f64 a | i32 b | i32 c | payload
 * `prim` names the primitive, `req` the request a reply answers (0: none), `a`/`b`/`c` are the
 * op's numeric arguments and `payload` its bytes (a serialized item, JSON, or u32 ids).
 */

export const HEADER = 25;
export const LENGTH = 4;
/** Frames above this size are refused (a corrupt or hostile stream). */
export const MAX_FRAME = 1 << 30;

/** Every op of the protocol. Client-to-host ops first, then host-to-client. */
export enum Op {
  // client -> host
  Create = 1,
  /** A put covered by a credit (no reply). payload: item */
  Put = 2,
  /** A put that needs the host's decision. a: timeout ms (-1 none), b: block. payload: item */
  PutWait = 3,
  /** Give back unused credits. b: count */
  CreditReturn = 4,
  /** a: timeout ms (-1 none), b: how many items the client takes at most, c: block */
  Get = 5,
  /** The client consumed these deliveries. payload: u32 ids */
  Ack = 6,
  /** The client hands these deliveries back. payload: u32 ids */
  Return = 7,
  /** Withdraw the waiting request `req`. */
  Cancel = 8,
  QSize = 9,
  TaskDone = 10,
  /** a: timeout */
  Join = 11,
  /** a: timeout, b: block, c: owner */
  Acquire = 12,
  /** c: owner */
  Release = 13,
  /** a: timeout, c: owner */
  CondWait = 14,
  /** b: how many (-1: all), c: owner */
  Notify = 15,
  EventSet = 16,
  EventClear = 17,
  EventIsSet = 18,
  /** a: timeout */
  EventWait = 19,
  /** a: timeout (-1: the barrier's default) */
  BarrierWait = 20,
  BarrierAbort = 21,
  BarrierReset = 22,
  BarrierInfo = 23,
  /** The creator ran the barrier's action. b: 1 ok, 0 it threw */
  BarrierActionDone = 24,
  /** b: start, c: end. Reply payload: JSON array */
  ValueGet = 25,
  /** b: start. payload: JSON array */
  ValueSet = 26,
  SemValue = 27,
  /** A cached lock is held again by this process. c: owner */
  LockHeld = 28,
  /** A cached lock is no longer held by this process, which keeps it cached. */
  LockIdle = 29,
  /** The hosting process's main thread consumed this many deliveries. b: count */
  AckCount = 30,
  /** The hosting process's main thread hands these deliveries back. payload: items (`itemsPayload`) */
  ReturnItems = 31,
  // host -> client
  /** An item for a `Get`. a: delivery id. payload: item */
  Deliver = 64,
  /** A `Get` found nothing (non-blocking or timed out). */
  EmptyReply = 65,
  /** A `PutWait` was accepted. b: credits granted along */
  PutOk = 66,
  /** A `PutWait` found no room (non-blocking or timed out). */
  FullReply = 67,
  /** Give back your unused credits. */
  Revoke = 68,
  /** Hand back the deliveries you hold but have not consumed. */
  Recall = 69,
  /** A generic success. a, b, c, payload: the op's result */
  Reply = 70,
  /** A failure. payload: JSON { name, message } */
  Error = 71,
  /** The request `req` was withdrawn as asked. */
  Cancelled = 72,
  /** To the barrier's creator: run the action. */
  BarrierAction = 73,
  /** Another process wants the lock you keep cached: release it for real once you are done. */
  LockRecall = 74,
}

/** Appends frames into one buffer, so many frames leave in one write. */
export class FrameWriter {
  #buf: Buffer;
  #len = 0;

  constructor(size = 16 * 1024) {
    this.#buf = Buffer.allocUnsafe(size);
  }

  get length(): number {
    return this.#len;
  }

  frame(op: Op, prim: number, req: number, a: number, b: number, c: number, payload?: Uint8Array): void {
    const plen = payload ? payload.byteLength : 0;
    const total = LENGTH + HEADER + plen;
    if (this.#len + total > this.#buf.length) this.#grow(total);
    const buf = this.#buf;
    let o = this.#len;
    buf.writeUInt32LE(HEADER + plen, o);
    buf[o + 4] = op;
    buf.writeUInt32LE(prim >>> 0, o + 5);
    buf.writeUInt32LE(req >>> 0, o + 9);
    buf.writeDoubleLE(a, o + 13);
    buf.writeInt32LE(b | 0, o + 21);
    buf.writeInt32LE(c | 0, o + 25);
    o += LENGTH + HEADER;
    if (payload) {
      buf.set(payload, o);
      o += plen;
    }
    this.#len = o;
  }

  /** A view of the bytes written so far; the writer starts over. */
  take(): Buffer {
    const out = this.#buf.subarray(0, this.#len);
    this.#len = 0;
    return out;
  }

  /** The last `take()` view is still in use (a write the kernel did not take yet): never overwrite it. */
  detach(): void {
    this.#buf = Buffer.allocUnsafe(Math.max(16 * 1024, Math.min(this.#buf.length, 1 << 20)));
  }

  #grow(need: number): void {
    const size = Math.max(this.#buf.length * 2, this.#len + need);
    const next = Buffer.allocUnsafe(size);
    this.#buf.copy(next, 0, 0, this.#len);
    this.#buf = next;
  }
}

export type FrameHandler = (op: Op, prim: number, req: number, a: number, b: number, c: number, payload: Buffer) => void;

/**
 * Incremental parser over a list of chunks: a frame inside one chunk is a view of it; only a
 * frame spanning chunks is copied. The size limit is checked before anything is allocated.
 */
export class FrameParser {
  #chunks: Buffer[] = [];
  #buffered = 0;
  #onFrame: FrameHandler;

  constructor(onFrame: FrameHandler) {
    this.#onFrame = onFrame;
  }

  push(chunk: Buffer): void {
    if (this.#chunks.length === 0) {
      // Fast path: parse straight out of the new chunk.
      let o = 0;
      const n = chunk.length;
      while (n - o >= LENGTH + HEADER) {
        const len = chunk.readUInt32LE(o);
        if (len < HEADER || len > MAX_FRAME) throw new RangeError(`bad frame length ${len}`);
        if (n - o - LENGTH < len) break;
        this.#emit(chunk, o + LENGTH, len);
        o += LENGTH + len;
      }
      if (o < n) {
        const rest = o === 0 ? chunk : chunk.subarray(o);
        this.#chunks.push(rest);
        this.#buffered = rest.length;
      }
      return;
    }
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
    for (;;) {
      if (this.#buffered < LENGTH) return;
      const len = this.#peekLength();
      if (len < HEADER || len > MAX_FRAME) throw new RangeError(`bad frame length ${len}`);
      if (this.#buffered < LENGTH + len) return;
      const first = this.#chunks[0];
      if (first.length >= LENGTH + len) {
        this.#emit(first, LENGTH, len);
        this.#consume(LENGTH + len);
      } else {
        const frame = Buffer.allocUnsafe(LENGTH + len);
        let filled = 0;
        while (filled < frame.length) {
          const c = this.#chunks[0];
          const take = Math.min(c.length, frame.length - filled);
          c.copy(frame, filled, 0, take);
          filled += take;
          this.#consume(take);
        }
        this.#emit(frame, LENGTH, len);
      }
      if (this.#chunks.length === 1 && this.#buffered >= LENGTH + HEADER) {
        // Back to the fast path with what is left.
        const rest = this.#chunks[0];
        this.#chunks = [];
        this.#buffered = 0;
        this.push(rest);
        return;
      }
    }
  }

  #peekLength(): number {
    const first = this.#chunks[0];
    if (first.length >= LENGTH) return first.readUInt32LE(0);
    const tmp = Buffer.allocUnsafe(LENGTH);
    let filled = 0;
    for (const c of this.#chunks) {
      const take = Math.min(c.length, LENGTH - filled);
      c.copy(tmp, filled, 0, take);
      filled += take;
      if (filled === LENGTH) break;
    }
    return tmp.readUInt32LE(0);
  }

  #consume(n: number): void {
    this.#buffered -= n;
    while (n > 0) {
      const c = this.#chunks[0];
      if (c.length <= n) {
        this.#chunks.shift();
        n -= c.length;
      } else {
        this.#chunks[0] = c.subarray(n);
        n = 0;
      }
    }
  }

  #emit(buf: Buffer, o: number, len: number): void {
    const op = buf[o] as Op;
    const prim = buf.readUInt32LE(o + 1);
    const req = buf.readUInt32LE(o + 5);
    const a = buf.readDoubleLE(o + 9);
    const b = buf.readInt32LE(o + 17);
    const c = buf.readInt32LE(o + 21);
    this.#onFrame(op, prim, req, a, b, c, buf.subarray(o + HEADER, o + len));
  }
}

/** u32 ids as a payload. */
export function idsPayload(ids: readonly number[]): Buffer {
  const out = Buffer.allocUnsafe(ids.length * 4);
  for (let i = 0; i < ids.length; i++) out.writeUInt32LE(ids[i] >>> 0, i * 4);
  return out;
}

/** Items as a payload: each a u32 LE length, then its bytes. */
export function itemsPayload(items: readonly Uint8Array[]): Buffer {
  let n = 0;
  for (const it of items) n += 4 + it.byteLength;
  const out = Buffer.allocUnsafe(n);
  let o = 0;
  for (const it of items) {
    out.writeUInt32LE(it.byteLength, o);
    out.set(it, o + 4);
    o += 4 + it.byteLength;
  }
  return out;
}

/** The items of an `itemsPayload` (views of it); throws a RangeError on a malformed one. */
export function readItems(payload: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let o = 0; o < payload.length; ) {
    if (payload.length - o < 4) throw new RangeError('an items payload ends inside a length');
    const n = payload.readUInt32LE(o);
    if (payload.length - o - 4 < n) throw new RangeError('an items payload ends inside an item');
    out.push(payload.subarray(o + 4, o + 4 + n));
    o += 4 + n;
  }
  return out;
}

export function readIds(payload: Buffer): number[] {
  const out: number[] = new Array(payload.length >>> 2);
  for (let i = 0; i < out.length; i++) out[i] = payload.readUInt32LE(i * 4);
  return out;
}

/** What the host sends in an `Error` frame; the client rebuilds the matching class. */
export interface WireError {
  name: string;
  message: string;
}

/** What a `Create` frame carries. */
export type CreateParams =
  | { kind: 'queue'; maxsize: number; joinable: boolean }
  | { kind: 'lock'; recursive: boolean }
  | { kind: 'semaphore'; value: number; bounded: boolean }
  | { kind: 'condition'; lock: number }
  | { kind: 'event' }
  | { kind: 'barrier'; parties: number; timeout: number; action: boolean }
  | { kind: 'value'; typecode: string; values: unknown[] };

/** A small growable ring: O(1) push, shift and unshift. */
export class Deque<T> {
  #items: (T | undefined)[] = new Array(16);
  #head = 0;
  #size = 0;

  get length(): number {
    return this.#size;
  }

  push(v: T): void {
    if (this.#size === this.#items.length) this.#grow();
    this.#items[(this.#head + this.#size) & (this.#items.length - 1)] = v;
    this.#size++;
  }

  unshift(v: T): void {
    if (this.#size === this.#items.length) this.#grow();
    this.#head = (this.#head - 1) & (this.#items.length - 1);
    this.#items[this.#head] = v;
    this.#size++;
  }

  shift(): T | undefined {
    if (this.#size === 0) return undefined;
    const v = this.#items[this.#head];
    this.#items[this.#head] = undefined;
    this.#head = (this.#head + 1) & (this.#items.length - 1);
    this.#size--;
    return v;
  }

  peek(): T | undefined {
    return this.#size === 0 ? undefined : this.#items[this.#head];
  }

  /** Removes the items matching `pred` (O(n)); returns them. */
  removeWhere(pred: (v: T) => boolean): T[] {
    const kept: T[] = [];
    const removed: T[] = [];
    const n = this.#size;
    for (let i = 0; i < n; i++) {
      const v = this.shift() as T;
      if (pred(v)) removed.push(v);
      else kept.push(v);
    }
    for (const v of kept) this.push(v);
    return removed;
  }

  *[Symbol.iterator](): IterableIterator<T> {
    for (let i = 0; i < this.#size; i++) yield this.#items[(this.#head + i) & (this.#items.length - 1)] as T;
  }

  #grow(): void {
    const next: (T | undefined)[] = new Array(this.#items.length * 2);
    for (let i = 0; i < this.#size; i++) next[i] = this.#items[(this.#head + i) & (this.#items.length - 1)];
    this.#items = next;
    this.#head = 0;
  }
}

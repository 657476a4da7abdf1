/**
 * The link between the hosting process's main thread and its host thread: one byte ring per
 * direction in a SharedArrayBuffer, with the MessagePort as the overflow lane.
 *
 * Why not `postMessage` per batch: with a consumer faster than its producers, every item is one
 * batch, and a `postMessage` costs both threads several µs (structured clone, a MessageEvent,
 * a wake-up), the largest part of the host's per-item cost. The ring costs a copy, and wakes the
 * reader only when it sleeps: while the reader is busy, whatever is written meanwhile waits in
 * the ring and is read in one go (batching under load comes for free).
 *
 * Single writer, single reader. Header (Int32): write position, read position (free-running
 * u32 byte counts), `waiting` (the reader sleeps in `Atomics.waitAsync` on `seq`), `seq`
 * (bumped after every write), `posted`/`handled` (overflow messages sent / processed).
 * Ordering: bytes that do not fit go by `postMessage`, and the writer uses the ring again only
 * once the reader has handled every posted message (the reader drains the ring before each
 * message), so the reader always sees bytes in the order they were written.
 *
 * The same ring, in memory shared between processes, carries a remote client's frames to its
 * host (`lane-ring.ts`); there the overflow and the wake-up go through the lane's FIFO instead
 * (a `RingSide`), because `Atomics.notify` does not reach another process.
 */
import type { MessagePort } from 'node:worker_threads';

const W = 0;
const R = 1;
const WAITING = 2;
const SEQ = 3;
const POSTED = 4;
const HANDLED = 5;
const HEADER_BYTES = 64;
/** Runs shorter than this are copied as they are (aligning them would cost more than it saves). */
const STAGE_MIN = 256;
/** Where copies need matching alignment: a SharedArrayBuffer (not a lane's mapped ArrayBuffer). */
const stageFrom = (buf: ArrayBufferLike) => (buf instanceof SharedArrayBuffer ? STAGE_MIN : Number.POSITIVE_INFINITY);

/** `Atomics.waitAsync` (ES2024; Node 20 has it, the es2023 lib does not declare it). */
const waitAsync = (Atomics as unknown as {
  waitAsync(a: Int32Array, i: number, v: number): { async: boolean; value: Promise<unknown> | string };
}).waitAsync;

/** Data bytes per direction (a power of two, so positions wrap with the u32 counters). */
export const RING_BYTES = 1 << 20;
export const RING_HEADER_BYTES = HEADER_BYTES;

/** One direction's shared memory. */
export function ringBuffer(bytes = RING_BYTES): SharedArrayBuffer {
  if (bytes <= 0 || (bytes & (bytes - 1)) !== 0) throw new RangeError('ring size must be a power of two');
  return new SharedArrayBuffer(HEADER_BYTES + bytes);
}

/** How a writer reaches its reader besides the ring. */
export interface RingSide {
  /** Bytes that do not fit, in order; true when handed over now, else `done` follows. */
  overflow(buf: Uint8Array, done?: (err?: Error | null) => void): boolean;
  /** The reader said it sleeps (`waiting` is 1): wake it. */
  wake(h: Int32Array): void;
}

/** Takes a sleeping reader's flag back: true for the one writer that must wake it. */
export function claimWake(h: Int32Array): boolean {
  return Atomics.compareExchange(h, WAITING, 1, 0) === 1;
}

/** Within one process: overflow by `postMessage`, wake-up by `Atomics.notify`. */
export function portSide(port: MessagePort): RingSide {
  return {
    overflow(buf) {
      const u8 = new Uint8Array(buf);
      port.postMessage(u8, [u8.buffer]);
      return true;
    },
    wake(h) {
      Atomics.notify(h, SEQ);
    },
  };
}

/** The writing end of a ring (one thread). */
export class RingWriter {
  readonly #h: Int32Array;
  readonly #data: Uint8Array;
  readonly #mask: number;
  readonly #side: RingSide;
  readonly #stageMin: number;
  #posted = 0;

  constructor(sab: ArrayBufferLike, side: RingSide) {
    this.#h = new Int32Array(sab, 0, HEADER_BYTES / 4);
    this.#data = new Uint8Array(sab, HEADER_BYTES);
    this.#mask = this.#data.length - 1;
    this.#side = side;
    this.#stageMin = stageFrom(sab);
  }

  #stage: Buffer | undefined;

  /** `buf` copied to where its start has the alignment of ring position `at`. */
  #staged(buf: Uint8Array, at: number): Uint8Array {
    const n = buf.byteLength;
    if (this.#stage === undefined || this.#stage.length < n + 8) this.#stage = Buffer.allocUnsafeSlow(Math.max(64 * 1024, n + 8));
    const off = (at - this.#stage.byteOffset) & 7;
    this.#stage.set(buf, off);
    return this.#stage.subarray(off, off + n);
  }

  /** Data bytes the ring holds when full. */
  get capacity(): number {
    return this.#data.length;
  }

  /** `n` bytes would go into the ring now (rather than to the side). */
  fits(n: number): boolean {
    const h = this.#h;
    const used = ((h[W] >>> 0) - (Atomics.load(h, R) >>> 0)) >>> 0;
    return this.#posted === Atomics.load(h, HANDLED) && n <= this.#data.length - used;
  }

  /**
   * Hands `buf` to the reader (copied: the caller may reuse it at once). True when it is in the
   * ring or handed to the side now; false when the side took it and calls `done` later.
   */
  write(buf: Uint8Array, done?: (err?: Error | null) => void): boolean {
    const h = this.#h;
    const n = buf.byteLength;
    if (n === 0) return true;
    if (!this.fits(n)) {
      // Full (or overflow still unread): the side keeps the order behind what the ring holds.
      this.#posted++;
      Atomics.store(h, POSTED, this.#posted);
      return this.#side.overflow(buf, done);
    }
    const w = h[W] >>> 0;
    const at = w & this.#mask;
    const first = Math.min(n, this.#data.length - at);
    // Copies into shared memory go word by word only when source and target share their
    // alignment, else byte by byte (3x slower here): stage a misaligned run first.
    const src = n >= this.#stageMin && ((buf.byteOffset - at) & 7) !== 0 ? this.#staged(buf, at) : buf;
    this.#data.set(first === n ? src : src.subarray(0, first), at);
    if (first < n) this.#data.set(src.subarray(first), 0);
    Atomics.store(h, W, (w + n) | 0);
    Atomics.add(h, SEQ, 1);
    if (Atomics.load(h, WAITING) === 1) this.#side.wake(h);
    return true;
  }
}

/** Takes what a ring holds, for a reader (the in-process loop below, or a shared-memory lane). */
export class RingDrain {
  readonly h: Int32Array;
  readonly #data: Uint8Array;
  readonly #mask: number;
  readonly #onBytes: (buf: Buffer) => void;
  readonly #stageMin: number;
  #handled = 0;

  constructor(sab: ArrayBufferLike, onBytes: (buf: Buffer) => void) {
    this.h = new Int32Array(sab, 0, HEADER_BYTES / 4);
    this.#data = new Uint8Array(sab, HEADER_BYTES);
    this.#mask = this.#data.length - 1;
    this.#onBytes = onBytes;
    this.#stageMin = stageFrom(sab);
  }

  /** The ring holds bytes not yet taken. */
  get pending(): boolean {
    return Atomics.load(this.h, W) !== this.h[R];
  }

  /** Declares the reader asleep (true), unless bytes came meanwhile (false, and it stays awake). */
  sleep(): boolean {
    Atomics.store(this.h, WAITING, 1);
    if (!this.pending) return true;
    Atomics.store(this.h, WAITING, 0);
    return false;
  }

  /** The reader is awake (the writer rings only for a sleeping one). */
  awake(): void {
    Atomics.store(this.h, WAITING, 0);
  }

  /** An overflow run: whatever the ring held before it goes first. */
  overflow(buf: Buffer): void {
    this.drain();
    Atomics.store(this.h, HANDLED, ++this.#handled);
    this.#onBytes(buf);
  }

  /**
   * Reads everything the ring holds now (in one run to `onBytes`); false when it was empty.
   * Throws a RangeError when the header claims more than the ring holds (a writer in another
   * process wrote over it).
   */
  drain(): boolean {
    const h = this.h;
    const r = h[R] >>> 0;
    const n = ((Atomics.load(h, W) >>> 0) - r) >>> 0;
    if (n === 0) return false;
    if (n > this.#data.length) throw new RangeError(`ring header corrupt: ${n} bytes claimed`);
    const at = r & this.#mask;
    // Allocated with the alignment of `at`, so the copy out of shared memory goes word by word.
    const pad = n >= this.#stageMin ? 8 : 0;
    const whole = Buffer.allocUnsafe(n + pad);
    const skew = pad === 0 ? 0 : (at - whole.byteOffset) & 7;
    const out = whole.subarray(skew, skew + n);
    const first = Math.min(n, this.#data.length - at);
    out.set(this.#data.subarray(at, at + first), 0);
    if (first < n) out.set(this.#data.subarray(0, n - first), first);
    Atomics.store(h, R, (r + n) | 0);
    this.#onBytes(out);
    return true;
  }
}

/**
 * The reading end: calls `onBytes` with each run of bytes, in order, from the ring and the
 * overflow messages. Runs until `stop()`; it does not keep the event loop alive by itself.
 */
export class RingReader {
  readonly #ring: RingDrain;
  #stopped = false;

  constructor(sab: SharedArrayBuffer, port: MessagePort, onBytes: (buf: Buffer) => void) {
    this.#ring = new RingDrain(sab, onBytes);
    port.on('message', (u8: Uint8Array) => {
      if (this.#stopped) return;
      this.#ring.overflow(Buffer.from(u8.buffer, u8.byteOffset, u8.byteLength));
    });
    void this.#loop();
  }

  stop(): void {
    this.#stopped = true;
    Atomics.notify(this.#ring.h, SEQ);
  }

  #drain(): void {
    try {
      this.#ring.drain();
    } catch (err) {
      // A malformed frame is a bug: surface it as the port's listener would, and stop reading.
      this.#stopped = true;
      process.nextTick(() => {
        throw err;
      });
    }
  }

  async #loop(): Promise<void> {
    const ring = this.#ring;
    const h = ring.h;
    while (!this.#stopped) {
      this.#drain();
      const seq = Atomics.load(h, SEQ);
      if (!ring.sleep()) {
        // Written meanwhile: yield to the event loop (sockets, timers) before reading on.
        await new Promise<void>((resolve) => setImmediate(resolve));
        continue;
      }
      const res = waitAsync(h, SEQ, seq);
      if (res.async) await res.value;
      ring.awake();
    }
  }
}

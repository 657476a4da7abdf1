import type { Writable } from 'node:stream';
import { TransportError } from '../errors.js';
import { headerSize, writeHeader } from './header.js';

/** Payloads up to this size are copied into a shared slab with their header (one write for many). */
const COPY_LIMIT = 16 * 1024;
const SLAB_SIZE = 64 * 1024;
/** Queued bytes at which a flush happens at once instead of at the end of the tick. */
const FLUSH_AT = 256 * 1024;

const noop = () => {};
const RESOLVED = Promise.resolve();

/** A rejected promise that is no unhandled rejection if nobody awaits it (see `newBatch`). */
function rejected(err: Error): Promise<void> {
  const promise = Promise.reject(err);
  promise.catch(noop);
  return promise;
}

interface Batch {
  promise: Promise<void>;
  resolve: () => void;
  reject: (err: Error) => void;
}

function newBatch(): Batch {
  let resolve!: () => void;
  let reject!: (err: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // A send nobody awaits must not become an unhandled rejection; whoever awaits still sees it,
  // and the failure also breaks the connection, so the next call reports it.
  promise.catch(noop);
  return { promise, resolve, reject };
}

/**
 * Frames payloads and batches them: every frame queued in one tick goes out in one `write`
 * (small frames copied into a slab beside their headers) or one corked `writev` (large payloads
 * by reference). All frames of a batch share one promise, which resolves once the batch has been
 * handed to the OS: at once when the stream took it synchronously (its buffer is empty after the
 * write), else when the stream's write callback fires. A caller that awaits each send therefore
 * never lets more than one batch pile up in memory.
 */
export class FrameWriter {
  #stream: Writable | null = null;
  #slab: Buffer | null = null;
  #slabStart = 0;
  #slabUsed = 0;
  #parts: Buffer[] = [];
  #queued = 0;
  #scheduled = false;
  #corked = 0;
  #batch: Batch | null = null;
  #error: Error | (() => Error) | null = null;

  /** Bytes framed but not yet given to the stream. */
  get queued(): number {
    return this.#queued;
  }

  attach(stream: Writable): void {
    this.#stream = stream;
    if (this.#queued > 0) this.flush();
  }

  /**
   * Holds frames until `uncork()` (nestable): the handshake sends two frames in one write, since
   * each write to a socket wakes the peer.
   */
  cork(): void {
    this.#corked++;
  }

  uncork(): void {
    if (this.#corked > 0 && --this.#corked === 0) this.flush();
  }

  /** Queues one frame; `payload` must not change until the returned promise settles. */
  write(payload: Buffer): Promise<void> {
    if (this.#error) return rejected(this.#failure());
    const size = payload.length;
    const total = headerSize(size) + size;
    if (size <= COPY_LIMIT) {
      const at = this.#reserve(total);
      const slab = this.#slab as Buffer;
      payload.copy(slab, writeHeader(slab, at, size));
    } else {
      const at = this.#reserve(12);
      this.#slabUsed = writeHeader(this.#slab as Buffer, at, size);
      this.#seal();
      this.#parts.push(payload);
    }
    this.#queued += total;
    if (!this.#scheduled && this.#corked === 0 && this.#stream !== null) {
      // The first frame of a tick goes out at once (a reply in a ping-pong waits for nothing);
      // the ones after it in the same tick are batched into one write at the end of the tick.
      this.#scheduled = true;
      process.nextTick(this.#flushTick);
      const batch = this.#batch;
      // Nothing else is waiting on this write: when the stream takes it synchronously (a
      // socket with room in its buffer), the send is done and needs no promise of its own.
      if (batch === null) return this.#flushParts() ?? RESOLVED;
      this.flush();
      return batch.promise;
    }
    let batch = this.#batch;
    if (batch === null) {
      batch = newBatch();
      this.#batch = batch;
    }
    // Bounds what a tick can pile up (no-op while corked or not yet attached).
    if (this.#queued >= FLUSH_AT) this.flush();
    return batch.promise;
  }

  #flushTick = () => {
    this.#scheduled = false;
    this.flush();
  };

  /** Gives everything queued to the stream now (no-op while no stream is attached or corked). */
  flush(): void {
    if (this.#stream === null || this.#queued === 0 || this.#corked > 0) return;
    const batch = this.#batch;
    this.#batch = null;
    const pending = this.#flushParts();
    if (batch === null) return;
    if (pending === null) batch.resolve();
    else pending.then(batch.resolve, batch.reject);
  }

  /**
   * Writes the queued parts; `null` when the stream took them synchronously, else a promise of
   * the write callback (made only then, so the common case allocates no promise).
   */
  #flushParts(): Promise<void> | null {
    const stream = this.#stream as Writable;
    this.#seal();
    const parts = this.#parts;
    this.#parts = [];
    this.#queued = 0;
    let settled = false;
    let failed: Error | null = null;
    let later: Batch | null = null;
    const done = (err?: Error | null) => {
      settled = true;
      if (err) failed = this.#fail(err);
      if (later === null) return;
      if (failed) later.reject(failed);
      else later.resolve();
    };
    try {
      if (parts.length === 1) stream.write(parts[0], done);
      else {
        stream.cork();
        const last = parts.length - 1;
        for (let i = 0; i < last; i++) stream.write(parts[i]);
        stream.write(parts[last], done);
        stream.uncork();
      }
    } catch (err) {
      return rejected(this.#fail(err as Error));
    }
    if (failed) return rejected(failed);
    if (stream.writableLength === 0 || (settled && !failed)) return null;
    later = newBatch();
    return later.promise;
  }

  /**
   * Fails every queued and future write with `err` (the connection broke or closed); a function
   * makes the error only if a write needs it.
   */
  fail(err: Error | (() => Error)): void {
    this.#error ??= err;
    this.#parts = [];
    this.#queued = 0;
    this.#slab = null;
    const batch = this.#batch;
    this.#batch = null;
    batch?.reject(this.#failure());
  }

  #failure(): Error {
    if (typeof this.#error === 'function') this.#error = this.#error();
    return this.#error as Error;
  }

  #fail(err: Error): Error {
    const wrapped = err instanceof TransportError ? err : new TransportError(`Write failed: ${err.message}`, { cause: err });
    this.#error ??= wrapped;
    return wrapped;
  }

  /** Room for `n` bytes in the slab; returns where they go. */
  #reserve(n: number): number {
    const slab = this.#slab;
    if (slab === null || slab.length - this.#slabUsed < n) {
      this.#seal();
      this.#slab = Buffer.allocUnsafe(Math.max(SLAB_SIZE, n));
      this.#slabStart = 0;
      this.#slabUsed = 0;
    }
    const at = this.#slabUsed;
    this.#slabUsed = at + n;
    return at;
  }

  /** Moves the filled part of the slab to the parts list; the rest of the slab stays for reuse. */
  #seal(): void {
    if (this.#slab !== null && this.#slabUsed > this.#slabStart) {
      this.#parts.push(this.#slab.subarray(this.#slabStart, this.#slabUsed));
      this.#slabStart = this.#slabUsed;
    }
  }
}

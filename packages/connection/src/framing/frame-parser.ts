import { FrameError, MessageTooLargeError } from '../errors.js';

/**
 * Incremental parser of Python's framing over a list of chunks (undici's `ByteParser` idea).
 *
 * - A frame inside one chunk comes out as a `subarray` of it: no copy.
 * - A frame that spans chunks is copied once, into one buffer of its exact size, when its last
 *   byte has arrived.
 * - The declared length is checked against `maxMessageSize` as soon as the header is complete,
 *   before anything is allocated for it.
 * - The header stays in the list until the whole frame is there, so `takeRemaining()` always
 *   returns exactly the bytes not yet delivered (what a transferred connection must carry).
 */
export class FrameParser {
  /** The largest payload accepted; a larger declared length throws `MessageTooLargeError`. */
  maxMessageSize: number;

  #chunks: Buffer[] = [];
  /** Bytes of `#chunks[0]` already consumed. */
  #offset = 0;
  /** Unconsumed bytes over all chunks. */
  #buffered = 0;
  /** Payload size of the frame at the head once its header is complete, else -1. */
  #size = -1;
  #headerSize = 0;
  /** A tighter limit for the next `#limitedFrames` frames (the handshake's). */
  #tightLimit = 0;
  #limitedFrames = 0;

  constructor(maxMessageSize: number) {
    this.maxMessageSize = maxMessageSize;
  }

  /**
   * Applies `limit` instead of `maxMessageSize` to the next `frames` frames only: the
   * handshake's 256-byte limit must not reach the peer's first messages, which may already be
   * in the same chunk as its last handshake frame.
   */
  limitNext(limit: number, frames: number): void {
    this.#tightLimit = limit;
    this.#limitedFrames = frames;
  }

  /** Unconsumed bytes held (a partial frame, or frames not yet taken by `next()`). */
  get buffered(): number {
    return this.#buffered;
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
  }

  /**
   * The next complete payload, or `undefined` until more bytes arrive. Throws `FrameError` for
   * a malformed header and `MessageTooLargeError` for a length over `maxMessageSize`; the
   * parser is unusable after a throw.
   */
  next(): Buffer | undefined {
    if (this.#size < 0 && !this.#readHeader()) return undefined;
    const total = this.#headerSize + this.#size;
    if (this.#buffered < total) return undefined;
    this.#skip(this.#headerSize);
    const payload = this.#take(this.#size);
    this.#size = -1;
    if (this.#limitedFrames > 0) this.#limitedFrames--;
    return payload;
  }

  /** Removes and returns every unconsumed byte, in order (for handing the stream on). */
  takeRemaining(): Buffer[] {
    const out = this.#chunks;
    if (out.length > 0 && this.#offset > 0) out[0] = out[0].subarray(this.#offset);
    this.#chunks = [];
    this.#offset = 0;
    this.#buffered = 0;
    this.#size = -1;
    return out;
  }

  #readHeader(): boolean {
    if (this.#buffered < 4) return false;
    const first = this.#chunks[0];
    const n = first.length - this.#offset >= 4 ? first.readInt32BE(this.#offset) : this.#peek(0, 4).readInt32BE(0);
    let size: number;
    if (n >= 0) {
      size = n;
      this.#headerSize = 4;
    } else if (n === -1) {
      if (this.#buffered < 12) return false;
      const long = this.#peek(4, 8);
      const high = long.readUInt32BE(0);
      if (high > 0x1f_ffff) {
        throw new FrameError(`Frame length over 2^53 bytes (high word 0x${high.toString(16)}): not Python's framing`);
      }
      size = high * 0x1_0000_0000 + long.readUInt32BE(4);
      this.#headerSize = 12;
    } else {
      throw new FrameError(`Negative frame length ${n}: not Python's framing`);
    }
    const limit = this.#limitedFrames > 0 ? this.#tightLimit : this.maxMessageSize;
    if (size > limit) throw new MessageTooLargeError(size, limit);
    this.#size = size;
    return true;
  }

  /** Copies `length` bytes starting `at` bytes past the read position (a header across chunks). */
  #peek(at: number, length: number): Buffer {
    const out = Buffer.allocUnsafe(length);
    let skip = this.#offset + at;
    let filled = 0;
    for (const chunk of this.#chunks) {
      if (skip >= chunk.length) {
        skip -= chunk.length;
        continue;
      }
      filled += chunk.copy(out, filled, skip, Math.min(chunk.length, skip + length - filled));
      skip = 0;
      if (filled === length) break;
    }
    return out;
  }

  #skip(n: number): void {
    this.#buffered -= n;
    let offset = this.#offset + n;
    const chunks = this.#chunks;
    while (chunks.length > 0 && offset >= chunks[0].length) {
      offset -= chunks[0].length;
      chunks.shift();
    }
    this.#offset = offset;
  }

  #take(n: number): Buffer {
    const chunks = this.#chunks;
    if (n === 0) return Buffer.alloc(0);
    const first = chunks[0];
    const start = this.#offset;
    if (first.length - start >= n) {
      const out = first.subarray(start, start + n);
      this.#skip(n);
      return out;
    }
    // The frame spans chunks: one allocation of its exact size, one copy per chunk.
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    let offset = start;
    while (filled < n) {
      const chunk = chunks[0];
      const copied = chunk.copy(out, filled, offset, Math.min(chunk.length, offset + n - filled));
      filled += copied;
      offset += copied;
      if (offset === chunk.length) {
        chunks.shift();
        offset = 0;
      }
    }
    this.#offset = offset;
    this.#buffered -= n;
    return out;
  }
}

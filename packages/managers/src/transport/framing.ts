/**
 * Python's `multiprocessing.connection` framing: a 4-byte big-endian signed length, then the
 * payload; over 2^31-1 bytes, -1 then an 8-byte big-endian length. Parsed incrementally over the
 * chunks a socket delivers: a frame inside one chunk is a zero-copy view; only a frame that
 * spans chunks is copied, and the declared size is checked before anything is allocated.
 */
import { ProtocolError } from '../errors.js';

/** @default 256 MiB */
export const DEFAULT_MAX_FRAME = 256 * 1024 * 1024;

export class FrameParser {
  #chunks: Buffer[] = [];
  #buffered = 0;
  #need = -1;
  readonly #max: number;
  readonly #onFrame: (frame: Buffer) => void;

  constructor(onFrame: (frame: Buffer) => void, max = DEFAULT_MAX_FRAME) {
    this.#onFrame = onFrame;
    this.#max = max;
  }

  /** Feeds bytes; calls `onFrame` for each complete frame. Throws `ProtocolError` on a bad length. */
  push(chunk: Buffer): void {
    if (this.#buffered === 0) {
      // Fast path: frames wholly inside this chunk are views of it.
      let off = 0;
      const n = chunk.length;
      while (n - off >= 4) {
        let len = chunk.readInt32BE(off);
        let head = 4;
        if (len === -1) {
          if (n - off < 12) break;
          len = Number(chunk.readBigUInt64BE(off + 4));
          head = 12;
        }
        this.#check(len);
        if (n - off - head < len) break;
        const frame = chunk.subarray(off + head, off + head + len);
        off += head + len;
        this.#onFrame(frame);
      }
      if (off < n) {
        const rest = chunk.subarray(off);
        this.#chunks.push(rest);
        this.#buffered = rest.length;
      }
      return;
    }
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
    this.#drain();
  }

  #check(len: number): void {
    if (len < 0 || len > this.#max) {
      throw new ProtocolError(`Bad frame length ${len} (the limit is ${this.#max} bytes)`);
    }
  }

  #drain(): void {
    for (;;) {
      if (this.#need === -1) {
        if (this.#buffered < 4) return;
        const head = this.#peek(Math.min(12, this.#buffered));
        let len = head.readInt32BE(0);
        let size = 4;
        if (len === -1) {
          if (this.#buffered < 12) return;
          len = Number(head.readBigUInt64BE(4));
          size = 12;
        }
        this.#check(len);
        this.#consume(size);
        this.#need = len;
      }
      if (this.#buffered < this.#need) return;
      const frame = this.#take(this.#need);
      this.#need = -1;
      this.#onFrame(frame);
      if (this.#buffered === 0) return;
    }
  }

  #peek(n: number): Buffer {
    const first = this.#chunks[0];
    if (first.length >= n) return first;
    return Buffer.concat(this.#chunks, n);
  }

  #consume(n: number): void {
    this.#take(n);
  }

  #take(n: number): Buffer {
    if (n === 0) return Buffer.alloc(0);
    this.#buffered -= n;
    const first = this.#chunks[0];
    if (first.length === n) {
      this.#chunks.shift();
      return first;
    }
    if (first.length > n) {
      this.#chunks[0] = first.subarray(n);
      return first.subarray(0, n);
    }
    const out = Buffer.allocUnsafe(n);
    let off = 0;
    while (off < n) {
      const c = this.#chunks[0];
      const want = n - off;
      if (c.length <= want) {
        c.copy(out, off);
        off += c.length;
        this.#chunks.shift();
      } else {
        c.copy(out, off, 0, want);
        this.#chunks[0] = c.subarray(want);
        off += want;
      }
    }
    return out;
  }
}

/** The header for a payload of `len` bytes. */
export function frameHeader(len: number): Buffer {
  if (len <= 0x7fffffff) {
    const h = Buffer.allocUnsafe(4);
    h.writeInt32BE(len, 0);
    return h;
  }
  const h = Buffer.allocUnsafe(12);
  h.writeInt32BE(-1, 0);
  h.writeBigUInt64BE(BigInt(len), 4);
  return h;
}

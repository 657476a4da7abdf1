/**
 * A lane's shared-memory ring: where a remote client's frames to its host go when both
 * processes have proc's addon (`shm.ts`). The lane's FIFO (`host/fifo-lanes.ts`) then carries
 * only what the ring cannot: wake-ups and overflow.
 *
 * Why: an awaited `put` from another process must be with the host, or in the kernel on its
 * way, before it resolves. Through a FIFO that is one write(2) per put, most of a producer's
 * time. Memory the host has mapped is "with the host" too, and survives the producer's death,
 * so a put is a copy into the ring; the FIFO is written only to wake a host that sleeps.
 *
 * After the lane's nonce, the client writes mode byte 2, then records into the FIFO:
 *   0x00                   wake-up: the host said it sleeps (`waiting`, see `ring.ts`) and the
 *                          client took that flag back (compare-and-swap), so one per sleep
 *   0x01, u32 n, n bytes   overflow: a frame larger than the whole ring; the host drains the
 *                          ring first
 * A frame that would fit but finds the ring full waits for room in the client
 * (`client/fifo-lane.ts`), as a write to a full pipe would.
 *
 * The ring's header, ordering and overflow rule are `ring.ts`'s. The host reads the ring when
 * woken, and looks again on each turn of its event loop (`setImmediate`) while it finds bytes;
 * once a look finds none, it declares itself asleep. At the lane's end of file (the client
 * exited or died) it drains the ring once more: what a put left there is served.
 *
 * The client is trusted no more than its frames: a ring header that claims more bytes than the
 * ring holds, or a malformed record, cuts that client off (`onBad`); the host thread never
 * throws for it.
 */
import type net from 'node:net';
import { writeDirect } from './client/direct-write.js';
import { MAX_FRAME } from './protocol.js';
import { claimWake, RING_HEADER_BYTES, RingDrain, type RingSide } from './ring.js';

/** Data bytes of a lane's ring. */
export const LANE_RING_BYTES = 1024 * 1024;
export const LANE_RING_SIZE = RING_HEADER_BYTES + LANE_RING_BYTES;
/** The mode byte after the nonce: frames follow in the FIFO, or records (frames in the ring). */
export const MODE_FIFO = 1;
export const MODE_RING = 2;

const WAKE = 0x00;
const OVERFLOW = 0x01;
const WAKE_BYTE = Buffer.of(WAKE);
const noop = () => {};

/** The client's side of its ring: overflow and wake-ups as records in its FIFO. */
export function fifoSide(fifo: net.Socket): RingSide {
  return {
    overflow(buf, done) {
      const rec = Buffer.allocUnsafe(5 + buf.byteLength);
      rec[0] = OVERFLOW;
      rec.writeUInt32LE(buf.byteLength, 1);
      rec.set(buf, 5);
      return writeDirect(fifo, rec, done ?? noop);
    },
    wake(h) {
      if (claimWake(h)) writeDirect(fifo, WAKE_BYTE, noop);
    },
  };
}

/** The host's reader of one lane's ring and of the records in its FIFO. */
export class LaneRingReader {
  readonly #ring: RingDrain;
  /** Where the record parser is: at a tag, in an overflow's length, or in its bytes. */
  #state: 'tag' | 'len' | 'body' = 'tag';
  #len: number[] = [];
  #need = 0;
  #parts: Buffer[] = [];
  #immediate: NodeJS.Immediate | undefined;
  #stopped = false;
  readonly #onBad: () => void;

  /**
   * The ring starts with its reader asleep, so the client's first frame wakes it. `onBad` is
   * told (once, and the reader stops) when the client broke the lane: a malformed record, or a
   * ring header that claims more than the ring holds. Frames `onBytes` gets are not checked here.
   */
  constructor(memory: ArrayBufferLike, onBytes: (buf: Buffer) => void, onBad: () => void) {
    this.#ring = new RingDrain(memory, onBytes);
    this.#ring.sleep();
    this.#onBad = onBad;
  }

  /** Bytes from the FIFO, after the mode byte. */
  records(chunk: Buffer): void {
    try {
      if (!this.#parse(chunk)) throw new RangeError('malformed lane record');
      this.#pump();
    } catch {
      this.#broken();
    }
  }

  #broken(): void {
    if (this.#stopped) return;
    this.stop();
    this.#onBad();
  }

  /** False on a malformed record. */
  #parse(chunk: Buffer): boolean {
    let i = 0;
    while (i < chunk.length && !this.#stopped) {
      if (this.#state === 'tag') {
        const tag = chunk[i++];
        if (tag === OVERFLOW) this.#state = 'len';
        else if (tag !== WAKE) return false;
      } else if (this.#state === 'len') {
        this.#len.push(chunk[i++] as number);
        if (this.#len.length === 4) {
          const [a = 0, b = 0, c = 0, d = 0] = this.#len;
          this.#need = (a | (b << 8) | (c << 16) | (d << 24)) >>> 0;
          this.#len = [];
          this.#state = 'body';
          // Only a frame larger than the ring comes this way, and no frame is larger than MAX_FRAME.
          if (this.#need === 0 || this.#need > MAX_FRAME + 4) return false;
        }
      } else {
        const k = Math.min(this.#need, chunk.length - i);
        this.#parts.push(chunk.subarray(i, i + k));
        i += k;
        this.#need -= k;
        if (this.#need === 0) {
          const run = this.#parts.length === 1 ? (this.#parts[0] as Buffer) : Buffer.concat(this.#parts);
          this.#parts = [];
          this.#state = 'tag';
          this.#ring.overflow(run);
        }
      }
    }
    return true;
  }

  /** The lane ended (the client is gone): what its ring still holds is served, then nothing. */
  end(): void {
    if (this.#stopped) return;
    try {
      this.#ring.drain();
    } catch {
      // A corrupt header at the end: nothing more to serve from it.
    }
    this.stop();
  }

  stop(): void {
    this.#stopped = true;
    if (this.#immediate) clearImmediate(this.#immediate);
    this.#immediate = undefined;
  }

  #pump = (): void => {
    this.#immediate = undefined;
    if (this.#stopped) return;
    this.#ring.awake();
    let found: boolean;
    try {
      found = this.#ring.drain();
    } catch {
      this.#broken();
      return;
    }
    // Found bytes: more are likely on their way, so look again next turn without sleeping
    // (a wake-up costs the client a write(2)). Found none: sleep, unless some came meanwhile.
    if (found || !this.#ring.sleep()) this.#immediate ??= setImmediate(this.#pump);
  };
}

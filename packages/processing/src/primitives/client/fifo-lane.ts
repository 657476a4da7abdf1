/**
 * A client's end of its FIFO lane to a host (`host/fifo-lanes.ts` has the why and the
 * lifecycle): a named pipe that carries every frame this process sends to that host, while
 * the host's frames come back on the socket.
 */
import fs from 'node:fs';
import net from 'node:net';
import { LANE_NONCE } from '../auth.js';
import { fifoSide, MODE_FIFO, MODE_RING } from '../lane-ring.js';
import { RingWriter } from '../ring.js';
import { shmNative } from '../shm.js';
import { writeDirect } from './direct-write.js';

interface Waiting {
  buf: Buffer;
  done: (err?: Error | null) => void;
}

/** How long frames wait for room in a full ring before looking again. */
const RING_RETRY_MS = 1;

export class ClientLane {
  readonly #stream: net.Socket;
  /** The lane's shared-memory ring (`lane-ring.ts`), when the host offered one and it mapped. */
  readonly #ring: RingWriter | undefined;
  /** Frames waiting for room in the ring, in order, and the timer that looks for it. */
  #waiting: Waiting[] = [];
  #retry: NodeJS.Timeout | undefined;

  /**
   * Opens the write end (the host holds the read end open, so this does not block), maps the
   * offered ring if it can, and writes the nonce and the mode byte first. Throws when the FIFO
   * cannot be opened; the caller keeps its socket then.
   */
  constructor(fifo: string, nonce: Buffer, ring: string | undefined, onError: (err: Error) => void) {
    const memory = ring ? mapRing(ring) : undefined;
    const fd = fs.openSync(fifo, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK);
    try {
      // An empty pipe takes 17 bytes at once.
      const head = Buffer.concat([nonce, Buffer.of(memory ? MODE_RING : MODE_FIFO)]);
      if (fs.writeSync(fd, head) !== head.length) throw new Error('short write');
    } catch (err) {
      fs.closeSync(fd);
      throw err;
    }
    this.#stream = new net.Socket({ fd, readable: false, writable: true });
    this.#stream.unref();
    this.#stream.on('error', onError);
    this.#ring = memory ? new RingWriter(memory, fifoSide(this.#stream)) : undefined;
  }

  /**
   * True when the host has `buf` now (in the ring, or taken by the kernel); else `done` follows,
   * and `buf` must stay intact until then.
   *
   * A full ring makes the frame wait for room, as a full pipe would, rather than overflow into
   * the FIFO: a producer faster than its host then sleeps instead of taking a core from it (two
   * syscalls per overflowed frame, and the host reading them through a stream, measured slower
   * than waiting). Only a frame larger than the whole ring goes through the FIFO.
   */
  write(buf: Buffer, done: (err?: Error | null) => void): boolean {
    const ring = this.#ring;
    if (!ring) return writeDirect(this.#stream, buf, done);
    if (this.#waiting.length === 0 && this.#takes(ring, buf)) return ring.write(buf, done);
    this.#waiting.push({ buf, done });
    this.#retry ??= setTimeout(this.#flushWaiting, RING_RETRY_MS);
    return false;
  }

  #takes(ring: RingWriter, buf: Buffer): boolean {
    return ring.fits(buf.length) || buf.length > ring.capacity;
  }

  #flushWaiting = (): void => {
    this.#retry = undefined;
    const ring = this.#ring as RingWriter;
    while (this.#waiting.length > 0) {
      const w = this.#waiting[0] as Waiting;
      if (!this.#takes(ring, w.buf)) break;
      this.#waiting.shift();
      if (ring.write(w.buf, w.done)) w.done();
    }
    if (this.#waiting.length > 0) this.#retry = setTimeout(this.#flushWaiting, RING_RETRY_MS);
  };

  ref(): void {
    this.#stream.ref();
  }

  unref(): void {
    this.#stream.unref();
  }

  close(): void {
    clearTimeout(this.#retry);
    this.#retry = undefined;
    const waiting = this.#waiting;
    this.#waiting = [];
    for (const w of waiting) w.done(new Error('the lane closed before the host had room for this frame'));
    this.#stream.destroy();
  }
}

function mapRing(path: string): ArrayBuffer | undefined {
  try {
    return shmNative()?.open(path);
  } catch {
    // The host's memfd could not be opened here (a sandbox hiding /proc?): FIFO only.
    return undefined;
  }
}

/**
 * Parses the host's lane offer (after its proof): the nonce, u16 length and the FIFO's path,
 * then the path of a shared-memory ring (may be empty). Null for none or a malformed offer.
 */
export function parseOffer(body: Buffer): { nonce: Buffer; path: string; ring: string | undefined } | null {
  if (body.length < LANE_NONCE + 2) return null;
  const n = body.readUInt16LE(LANE_NONCE);
  if (n === 0 || body.length < LANE_NONCE + 2 + n) return null;
  const ring = body.subarray(LANE_NONCE + 2 + n).toString('utf8');
  return {
    nonce: Buffer.from(body.subarray(0, LANE_NONCE)),
    path: body.subarray(LANE_NONCE + 2, LANE_NONCE + 2 + n).toString('utf8'),
    ring: ring.length > 0 ? ring : undefined,
  };
}

/**
 * FIFO lanes: a named pipe per remote client for its client -> host frames, beside its socket.
 *
 * Why: every awaited `put` from another process is one write(2), and this machine's kernel takes
 * a write on a Unix stream socket in about 1.7 µs but one on a pipe in about 0.6 µs (a pipe packs
 * the bytes into a page; a socket allocates a buffer per write and wakes the reader every time,
 * a pipe only when it was empty). Node cannot make a pipe (`pipe(2)`, `mkfifo(3)`) itself, so
 * the host makes them in its private 0700 folder with proc's addon (`shm.ts`), one per client
 * as it connects, or else asks the `mkfifo` program for a few ahead of need, off the path of
 * any call. Elsewhere than on Linux, without `mkfifo` or with
 * `PROC_FIFO_LANE=0`, clients keep using the socket for both directions.
 *
 * Where proc's addon is built, the host also offers a shared-memory ring with the lane, and a
 * client that maps it writes its frames there; the FIFO then carries only wake-ups and
 * overflow (`lane-ring.ts`). The mode byte after the nonce says which.
 *
 * Lifecycle of one lane (handshake in `auth.ts`):
 *   OFFERED   the host opened the read end and sent the path, a nonce (and a ring) after its proof
 *   ACCEPTED  the client opened the write end, wrote the nonce and its mode into it and said so
 *             on the socket (status byte 1); from then on all its frames go through the lane
 *   DECLINED  status byte 0 (the client could not open it), or the socket closed first
 *   ENDED     the FIFO reached end of file: every writer (the client process) closed it; the
 *             host drains the ring one last time
 * The path is unlinked, and the ring's memfd closed, once the client answered, so no one else
 * can open them later. A client is dropped only once both its socket and its lane are closed,
 * so frames a client that died right after a put resolved left in the kernel or the ring are
 * read and served first; one that said ACCEPTED but whose nonce never came is dropped a grace
 * period after its socket closed (`worker.ts`).
 */
import { execFile } from 'node:child_process';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { LANE_NONCE } from '../auth.js';
import { LANE_RING_SIZE, LaneRingReader, MODE_FIFO, MODE_RING } from '../lane-ring.js';
import { shmNative } from '../shm.js';

/** FIFOs made at a time, and the stock below which more are made. */
const BATCH = 4;
const LOW = 1;

/**
 * Linux only: the host starts reading a FIFO before its client opened it, and Linux reports no
 * end of file on a FIFO that never had a writer; other systems (macOS) report one at once.
 */
export function lanesEnabled(): boolean {
  return process.platform === 'linux' && process.env.PROC_FIFO_LANE !== '0';
}

/** Named pipes in `dir`: made on demand with proc's addon, else ahead of need by `mkfifo`. */
export class FifoPool {
  readonly #dir: string;
  #stock: string[] = [];
  #making = false;
  #broken = false;
  #next = 1;

  constructor(dir: string) {
    this.#dir = dir;
    // With proc's addon a FIFO is one mknod(2) away: made when a client takes it, none before.
    if (!shmNative()) this.#refill();
  }

  /** A fresh FIFO's path, or undefined when none is ready (the client then uses its socket). */
  take(): string | undefined {
    if (shmNative()) return this.#makeNow();
    const p = this.#stock.shift();
    if (this.#stock.length <= LOW) this.#refill();
    return p;
  }

  /** Makes one FIFO with the addon's `mkfifo`; undefined (and lanes off) when that fails. */
  #makeNow(): string | undefined {
    const shm = shmNative();
    if (!shm || this.#broken) return undefined;
    const p = path.join(this.#dir, `lane-${this.#next++}`);
    try {
      shm.mkfifo(p, 0o600);
      return p;
    } catch {
      this.#broken = true;
      return undefined;
    }
  }

  /** Without the addon: asks the `mkfifo` program for a batch, off the path of any call. */
  #refill(): void {
    if (this.#making || this.#broken) return;
    this.#making = true;
    const paths: string[] = [];
    for (let i = 0; i < BATCH; i++) paths.push(path.join(this.#dir, `lane-${this.#next++}`));
    const child = execFile('mkfifo', ['-m', '600', ...paths], (err) => {
      this.#making = false;
      if (err) {
        // No mkfifo here (or no room): lanes stay off for this host.
        this.#broken = true;
        for (const p of paths) fs.rm(p, { force: true }, () => {});
        return;
      }
      this.#stock.push(...paths);
    });
    // A host thread never waits for this: it must not keep the process alive either.
    child.unref();
  }
}

/** The host's end of one lane. */
export class HostLane {
  readonly path: string;
  readonly nonce = randomBytes(LANE_NONCE);
  readonly #stream: net.Socket;
  readonly #onBytes: (chunk: Buffer) => void;
  readonly #onEnd: () => void;
  readonly #onBad: () => void;
  #accepted = false;
  #eof = false;
  /** The nonce and mode byte have come first through the FIFO; null until then (what came so far). */
  #head: Buffer | null = Buffer.alloc(0);
  /**
   * The offered ring (`lane-ring.ts`): its memfd until the client answered, and its reader,
   * kept once the client's mode byte says it writes into the ring (2), dropped if it does not.
   */
  #ringFd = -1;
  #ring: LaneRingReader | undefined;

  /** Opens the read end (non-blocking: it does not wait for a writer). Throws when it cannot. */
  constructor(fifo: string, on: { bytes(chunk: Buffer): void; end(): void; bad(): void }) {
    this.path = fifo;
    this.#onBytes = on.bytes;
    this.#onEnd = on.end;
    this.#onBad = on.bad;
    const fd = fs.openSync(fifo, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    // Linux reports no end of file on a FIFO that has never had a writer, so reading can start now.
    this.#stream = new net.Socket({ fd, readable: true, writable: false });
    this.#stream.on('data', (chunk: Buffer) => this.#data(chunk));
    this.#stream.on('error', () => {});
    this.#stream.on('close', () => {
      this.#eof = true;
      this.#unlink();
      if (this.#accepted) {
        this.#ring?.end();
        this.#onEnd();
      }
    });
    this.#offerRing();
  }

  /** A shared-memory ring for the client's frames, when proc's addon is here. */
  #offerRing(): void {
    const shm = shmNative();
    if (!shm) return;
    try {
      const [fd, memory] = shm.create(LANE_RING_SIZE);
      this.#ringFd = fd;
      this.#ring = new LaneRingReader(memory, this.#onBytes, () => this.#bad());
    } catch {
      // No memfd here (or no memory): FIFO only.
    }
  }

  /**
   * The offer sent after the host's proof: u16 length, then the nonce, u16 length and the
   * FIFO's path, then the ring's path (`/proc/<pid>/fd/<fd>`, empty for none).
   */
  offer(): Buffer {
    const p = Buffer.from(this.path, 'utf8');
    const ring = Buffer.from(this.#ringFd >= 0 ? `/proc/${process.pid}/fd/${this.#ringFd}` : '', 'utf8');
    const out = Buffer.allocUnsafe(2 + LANE_NONCE + 2 + p.length + ring.length);
    out.writeUInt16LE(LANE_NONCE + 2 + p.length + ring.length, 0);
    this.nonce.copy(out, 2);
    out.writeUInt16LE(p.length, 2 + LANE_NONCE);
    p.copy(out, 2 + LANE_NONCE + 2);
    ring.copy(out, 2 + LANE_NONCE + 2 + p.length);
    return out;
  }

  /** Frames may still come through the lane: the client took it and has not closed it. */
  get open(): boolean {
    return this.#accepted && !this.#eof;
  }

  /** The nonce came through the FIFO: a writer opened it (so its end of file will come). */
  get verified(): boolean {
    return this.#head === null;
  }

  /** The client's status byte on the socket (1: it writes through the lane from now on). */
  answer(accepted: boolean): void {
    this.#unlink();
    // The client has mapped the ring by now, or never will.
    this.#closeRingFd();
    if (accepted) this.#accepted = true;
    else this.close();
  }

  /** Stops reading (declined, the socket closed without an answer, or the client is dropped). */
  close(): void {
    this.#accepted = false;
    this.#unlink();
    this.#closeRingFd();
    this.#ring?.stop();
    this.#stream.destroy();
  }

  #data(chunk: Buffer): void {
    if (this.#head !== null) {
      // The first bytes must be this lane's nonce (only its client was told it), then the mode.
      const head = this.#head.length === 0 ? chunk : Buffer.concat([this.#head, chunk]);
      if (head.length >= LANE_NONCE && !timingSafeEqual(head.subarray(0, LANE_NONCE), this.nonce)) {
        this.#bad();
        return;
      }
      if (head.length < LANE_NONCE + 1) {
        this.#head = head;
        return;
      }
      const mode = head[LANE_NONCE];
      if (mode === MODE_FIFO) {
        this.#ring?.stop();
        this.#ring = undefined;
      } else if (mode !== MODE_RING || !this.#ring) {
        this.#bad();
        return;
      }
      this.#head = null;
      chunk = head.subarray(LANE_NONCE + 1);
      if (chunk.length === 0 && !this.#ring) return;
    }
    if (this.#ring) this.#ring.records(chunk);
    else this.#onBytes(chunk);
  }

  #bad(): void {
    this.close();
    this.#onBad();
  }

  #closeRingFd(): void {
    if (this.#ringFd < 0) return;
    fs.close(this.#ringFd, () => {});
    this.#ringFd = -1;
  }

  #unlinked = false;
  #unlink(): void {
    if (this.#unlinked) return;
    this.#unlinked = true;
    fs.rm(this.path, { force: true }, () => {});
  }
}

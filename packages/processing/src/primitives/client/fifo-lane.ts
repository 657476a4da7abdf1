/**
 * A client's end of its FIFO lane to a host (`host/fifo-lanes.ts` has the why and the
 * lifecycle): a named pipe that carries every frame this process sends to that host, while
 * the host's frames come back on the socket.
 */
import fs from 'node:fs';
import net from 'node:net';
import { LANE_NONCE } from '../auth.js';
import { writeDirect } from './direct-write.js';

export class ClientLane {
  readonly #stream: net.Socket;

  /**
   * Opens the write end (the host holds the read end open, so this does not block) and writes
   * the nonce first. Throws when the FIFO cannot be opened; the caller keeps its socket then.
   */
  constructor(fifo: string, nonce: Buffer, onError: (err: Error) => void) {
    const fd = fs.openSync(fifo, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK);
    try {
      // An empty pipe takes 16 bytes at once.
      if (fs.writeSync(fd, nonce) !== nonce.length) throw new Error('short write');
    } catch (err) {
      fs.closeSync(fd);
      throw err;
    }
    this.#stream = new net.Socket({ fd, readable: false, writable: true });
    this.#stream.unref();
    this.#stream.on('error', onError);
  }

  write(buf: Buffer, done: (err?: Error | null) => void): boolean {
    return writeDirect(this.#stream, buf, done);
  }

  ref(): void {
    this.#stream.ref();
  }

  unref(): void {
    this.#stream.unref();
  }

  close(): void {
    this.#stream.destroy();
  }
}

/** Parses the host's lane offer (after its proof): the lane's nonce and path, or null for none. */
export function parseOffer(body: Buffer): { nonce: Buffer; path: string } | null {
  if (body.length <= LANE_NONCE) return null;
  return { nonce: Buffer.from(body.subarray(0, LANE_NONCE)), path: body.subarray(LANE_NONCE).toString('utf8') };
}

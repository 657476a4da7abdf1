import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { isMainThread } from 'node:worker_threads';
import { currentProcess } from '@proc/core';
import { CHALLENGE, PROOF, proof, verify } from '../auth.js';
import { HostGoneError } from '../errors.js';
import { Channel } from './channel.js';
import { writeDirect } from './direct-write.js';
import { ClientLane, parseOffer } from './fifo-lane.js';

/** A link to a host in another process, over its Unix socket. */
export class SocketChannel extends Channel {
  readonly local = false;
  readonly #socket: net.Socket;
  readonly #pid: number;
  /** The FIFO lane for frames to the host (`fifo-lane.ts`), when the host offered one. */
  #lane: ClientLane | undefined;

  constructor(address: string, hostPid: number) {
    super(address);
    this.ready = false;
    this.#pid = hostPid;
    const key = currentProcess().authkey;
    const mine = randomBytes(CHALLENGE);
    let stage: 'challenge' | 'proof' | 'lane' | 'open' = 'challenge';
    let pending: Buffer = Buffer.alloc(0);
    const socket = net.connect(address);
    this.#socket = socket;
    socket.unref();
    socket.setNoDelay?.(true);
    socket.on('data', (chunk: Buffer) => {
      if (stage === 'open') {
        try {
          this.parser.push(chunk);
        } catch (cause) {
          socket.destroy();
          this.fail(new HostGoneError('The primitives host sent a malformed frame. This is a bug in proc.', 'PROC_ERR_HOST_GONE', { cause }));
        }
        return;
      }
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      if (stage === 'challenge') {
        if (pending.length < CHALLENGE) return;
        const challenge = pending.subarray(0, CHALLENGE);
        pending = pending.subarray(CHALLENGE);
        socket.write(Buffer.concat([proof(key, 'client', challenge), mine]));
        stage = 'proof';
      }
      if (stage === 'proof') {
        if (pending.length < PROOF) return;
        if (!verify(key, 'host', mine, pending.subarray(0, PROOF))) {
          socket.destroy();
          this.fail(new HostGoneError(`The primitives host at ${address} failed authentication`, 'PROC_ERR_HOST_AUTH'));
          return;
        }
        pending = pending.subarray(PROOF);
        stage = 'lane';
      }
      if (stage === 'lane') {
        // The host's lane offer: u16 length (0: none), then its body (`parseOffer`).
        if (pending.length < 2) return;
        const n = pending.readUInt16LE(0);
        if (pending.length < 2 + n) return;
        const offer = n > 0 ? parseOffer(pending.subarray(2, 2 + n)) : null;
        const rest = pending.subarray(2 + n);
        if (offer) {
          this.#lane = this.#openLane(offer.path, offer.nonce, offer.ring);
          // The status byte: from here on, this client's frames come through the lane (1) or not (0).
          socket.write(Buffer.of(this.#lane ? 1 : 0));
        }
        stage = 'open';
        this.ready = true;
        this.flush();
        if (rest.length > 0) this.parser.push(rest);
      }
    });
    socket.on('error', (cause) => {
      this.fail(
        new HostGoneError(
          `The process hosting this primitive (pid ${this.#pid}) is gone or unreachable at ${address}`,
          'PROC_ERR_HOST_GONE',
          { cause },
        ),
      );
    });
    socket.on('close', () => {
      this.fail(
        stage === 'open'
          ? new HostGoneError(`The process hosting this primitive (pid ${this.#pid}) is gone`)
          : new HostGoneError(
              `The primitives host (pid ${this.#pid}) at ${address} refused this process (a different authkey?) or is gone`,
              'PROC_ERR_HOST_AUTH',
            ),
      );
    });
  }

  /** Frames go through the lane when there is one, else the socket. */
  protected write(buf: Buffer, done: (err?: Error | null) => void): boolean {
    if (this.#lane) return this.#lane.write(buf, done);
    return writeDirect(this.#socket, buf, done);
  }

  #openLane(fifo: string, nonce: Buffer, ring: string | undefined): ClientLane | undefined {
    // Only a main thread takes a lane: a worker thread would track the FIFO's fd as its own
    // and close that number again when it exits, whoever holds it by then.
    if (!isMainThread) return undefined;
    try {
      return new ClientLane(fifo, nonce, ring, (cause) => this.#laneFailed(cause));
    } catch {
      // The FIFO could not be opened: the socket carries both directions.
      return undefined;
    }
  }

  #laneFailed(cause: Error): void {
    this.#socket.destroy();
    this.fail(new HostGoneError(`The process hosting this primitive (pid ${this.#pid}) is gone`, 'PROC_ERR_HOST_GONE', { cause }));
  }

  protected ref(): void {
    this.#socket.ref();
    this.#lane?.ref();
  }

  protected unref(): void {
    this.#socket.unref();
    this.#lane?.unref();
  }

  protected override fail(err: Error): void {
    super.fail(err);
    // The host reads this lane until its end: close it, or it would wait for this process to exit.
    this.#lane?.close();
  }
}

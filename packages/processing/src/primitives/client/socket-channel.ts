import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { currentProcess } from '@proc/core';
import { CHALLENGE, PROOF, proof, verify } from '../auth.js';
import { HostGoneError } from '../errors.js';
import { Channel } from './channel.js';

/** A link to a host in another process, over its Unix socket. */
export class SocketChannel extends Channel {
  readonly local = false;
  readonly #socket: net.Socket;
  readonly #pid: number;

  constructor(address: string, hostPid: number) {
    super(address);
    this.ready = false;
    this.#pid = hostPid;
    const key = currentProcess().authkey;
    const mine = randomBytes(CHALLENGE);
    let stage: 'challenge' | 'proof' | 'open' = 'challenge';
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
        const rest = pending.subarray(PROOF);
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

  protected write(buf: Buffer, done: (err?: Error | null) => void): boolean {
    this.#socket.write(buf, done);
    return this.#socket.writableLength === 0 && !this.#socket.connecting;
  }

  protected ref(): void {
    this.#socket.ref();
  }

  protected unref(): void {
    this.#socket.unref();
  }

  protected override fail(err: Error): void {
    super.fail(err);
  }
}

import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
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

  /**
   * When the stream has nothing queued, the bytes go straight to the socket with one `write(2)`
   * (no stream machinery: this is the hot path of every put); what the kernel does not take at
   * once (EAGAIN, a partial write) goes through the stream, which keeps the order.
   */
  protected write(buf: Buffer, done: (err?: Error | null) => void): boolean {
    const s = this.#socket;
    const fd = (s as unknown as { _handle?: { fd?: number } })._handle?.fd;
    if (typeof fd === 'number' && fd >= 0 && s.writableLength === 0 && !s.connecting) {
      let n = 0;
      try {
        n = fs.writeSync(fd, buf);
      } catch {
        // EAGAIN (full) or an error the stream will report: let it handle the bytes.
        n = 0;
      }
      if (n === buf.length) return true;
      buf = buf.subarray(n);
    }
    s.write(buf, done);
    return s.writableLength === 0 && !s.connecting;
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

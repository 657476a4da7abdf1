import { randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { FrameReader, type Hello, ToPool } from './protocol.js';

/**
 * What the engine does with a connection that proved it is one of the pool's workers: the
 * frame handler for worker `index` on `socket`, or undefined to refuse it.
 */
export type Accept = (index: number, socket: net.Socket) => ((type: number, body: Buffer) => void) | undefined;

/**
 * The socket the pool's workers connect back to. A connection must open with a Hello frame
 * carrying the pool's random token; only then are its frames handed to the engine.
 */
export class PoolServer {
  readonly path = socketPath();
  readonly #token = randomBytes(16);
  readonly #server: net.Server;
  /** Settles when the server listens (rejects if it cannot). */
  readonly listening: Promise<void>;
  #closed = false;

  constructor(accept: Accept, onError: (err: Error) => void) {
    this.#server = net.createServer((socket) => this.#onConnection(socket, accept));
    this.#server.on('error', onError);
    this.#server.unref();
    this.listening = new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(this.path, () => {
        if (!this.path.startsWith('\0')) {
          try {
            fs.chmodSync(this.path, 0o600);
          } catch {}
        }
        resolve();
      });
    });
    this.listening.catch(() => {});
  }

  /** The token, as the workers get it. */
  get token(): string {
    return this.#token.toString('hex');
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#server.close();
    if (socketFiles.delete(this.path)) fs.rmSync(this.path, { force: true });
  }

  #onConnection(socket: net.Socket, accept: Accept): void {
    socket.on('error', () => {});
    socket.setNoDelay?.(true);
    socket.unref();
    let onFrame: ((type: number, body: Buffer) => void) | undefined;
    const reader = new FrameReader((type, body) => {
      if (onFrame) {
        onFrame(type, body);
        return;
      }
      if (type !== ToPool.Hello) return socket.destroy();
      let hello: Hello;
      try {
        hello = JSON.parse(body.toString('utf8')) as Hello;
      } catch {
        return socket.destroy();
      }
      const token = Buffer.from(String(hello.token), 'hex');
      if (token.length !== this.#token.length || !timingSafeEqual(token, this.#token)) return socket.destroy();
      onFrame = accept(hello.index, socket);
      if (!onFrame) socket.destroy();
    });
    socket.on('data', (chunk: Buffer) => {
      try {
        reader.push(chunk);
      } catch (err) {
        process.stderr.write(`proc pool: bad message from a worker: ${(err as Error).message}. This is a bug in proc.\n`);
        socket.destroy();
      }
    });
  }
}

/**
 * Where the pool listens. On Linux, the abstract namespace: no file to leave behind however the
 * process ends (anyone local may connect, but a worker must show the pool's random token first).
 * Elsewhere a 0600 file in the temp directory, removed when the pool ends or the process exits.
 */
function socketPath(): string {
  const name = `proc-pool-${process.pid}-${randomBytes(6).toString('hex')}.sock`;
  if (process.platform === 'linux') return `\0${name}`;
  const p = path.join(os.tmpdir(), name);
  socketFiles.add(p);
  if (socketFiles.size === 1) process.once('exit', removeSocketFiles);
  return p;
}

const socketFiles = new Set<string>();

function removeSocketFiles(): void {
  for (const p of socketFiles) fs.rmSync(p, { force: true });
  socketFiles.clear();
}

/**
 * The transport in use: Node sockets (Unix or TCP) with Python's framing and handshake.
 */
import { rmSync } from 'node:fs';
import net from 'node:net';
import { AuthenticationError, ManagerGoneError } from '../errors.js';
import type { Address } from '../wire/messages.js';
import { type BoundServer, bindServer } from './bind.js';
import { DEFAULT_MAX_FRAME, FrameParser, frameHeader } from './framing.js';
import { clientHandshake, type FrameIO, serverHandshake } from './handshake.js';
import type { Channel, ChannelListener, TransportOptions } from './transport.js';

/** How long a peer may take over the handshake before it is dropped (an unref'd timer). */
const HANDSHAKE_TIMEOUT_MS = 20_000;
/** Payloads up to this size are copied behind their header (one write); larger ones are corked. */
const COPY_LIMIT = 64 * 1024;

export class SocketChannel implements Channel {
  onFrame: (frame: Buffer) => void = () => {};
  onClose: (err?: Error) => void = () => {};
  #socket: net.Socket;
  #parser: FrameParser;
  #closed = false;
  #error: Error | undefined;
  #early: Buffer[] | null = [];
  #waiter: ((b: Buffer) => void) | null = null;
  #failWaiter: ((e: Error) => void) | null = null;

  constructor(socket: net.Socket, maxFrame = DEFAULT_MAX_FRAME) {
    this.#socket = socket;
    this.#parser = new FrameParser((f) => this.#frame(f), maxFrame);
    socket.on('data', (chunk: Buffer) => {
      try {
        this.#parser.push(chunk);
      } catch (err) {
        this.#error = err as Error;
        socket.destroy();
      }
    });
    socket.on('error', (err) => {
      this.#error ??= err;
    });
    socket.on('close', () => {
      this.#closed = true;
      const err = this.#error;
      if (this.#failWaiter) this.#failWaiter(err ?? new ManagerGoneError('The peer closed the connection'));
      this.#failWaiter = null;
      this.#waiter = null;
      this.onClose(err);
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  #frame(f: Buffer): void {
    if (this.#early !== null) {
      // Handshake: frames are read one at a time.
      const copy = Buffer.from(f);
      if (this.#waiter) {
        const w = this.#waiter;
        this.#waiter = null;
        this.#failWaiter = null;
        w(copy);
      } else this.#early.push(copy);
      return;
    }
    this.onFrame(f);
  }

  /** The handshake's view of the channel. */
  io(): FrameIO {
    return {
      send: (b) => this.write(b),
      recv: () =>
        new Promise<Buffer>((resolve, reject) => {
          const early = this.#early;
          if (early && early.length > 0) return resolve(early.shift() as Buffer);
          if (this.#closed) return reject(this.#error ?? new ManagerGoneError('The peer closed the connection'));
          this.#waiter = resolve;
          this.#failWaiter = reject;
        }),
    };
  }

  /** Handshake done: frames go to `onFrame` from now on. */
  open(): void {
    const early = this.#early ?? [];
    this.#early = null;
    for (const f of early) this.onFrame(f);
  }

  write(payload: Uint8Array, done?: (err?: Error | null) => void): void {
    if (this.#closed || this.#socket.destroyed) {
      done?.(this.#error ?? new ManagerGoneError('The connection is closed'));
      return;
    }
    const len = payload.byteLength;
    const s = this.#socket;
    // `done` runs once: at once below when the OS took the bytes, else from the stream.
    let pending = done;
    const streamCb =
      done === undefined
        ? undefined
        : (err?: Error | null) => {
            const d = pending;
            pending = undefined;
            d?.(err);
          };
    if (len <= COPY_LIMIT) {
      const out = Buffer.allocUnsafe(len + 4);
      out.writeInt32BE(len, 0);
      out.set(payload, 4);
      s.write(out, streamCb);
    } else {
      s.cork();
      s.write(frameHeader(len));
      s.write(payload, streamCb);
      s.uncork();
    }
    // Nothing left in the stream's buffer: the kernel has the bytes now. Saves a tick per write
    // for callers that wait for it (an unbounded queue's `put`).
    if (pending !== undefined && s.writableLength === 0 && !s.destroyed) {
      const d = pending;
      pending = undefined;
      d();
    }
  }

  close(): void {
    if (this.#socket.destroyed) return;
    // Flush what is queued, then close; destroy if the peer does not read.
    this.#socket.end();
    setTimeout(() => this.#socket.destroy(), 2000).unref();
  }

  destroy(err?: Error): void {
    if (err) this.#error ??= err;
    this.#socket.destroy();
  }

  ref(): void {
    this.#socket.ref();
  }

  unref(): void {
    this.#socket.unref();
  }
}

function handshakeTimer(ch: SocketChannel): NodeJS.Timeout {
  const t = setTimeout(() => ch.destroy(new AuthenticationError('The handshake timed out')), HANDSHAKE_TIMEOUT_MS);
  t.unref();
  return t;
}

/** Listens on `address` (a fresh private Unix socket when omitted). */
export async function listen(address: Address | undefined, options: TransportOptions): Promise<ChannelListener> {
  if (options.tls?.server) throw new TypeError('The built-in socket transport has no TLS; use the default transport');
  const bound = await bindServer(address);
  return adoptServer(bound, options);
}

/** Serves a bound socket: authenticates each connection (those held meanwhile first). */
export function adoptServer(bound: BoundServer, options: TransportOptions): ChannelListener {
  const { server, dir } = bound;
  const authkey = options.authkey;
  const listener: ChannelListener = {
    address: bound.address,
    onChannel: () => {},
    onRejected: () => {},
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        if (dir) rmSync(dir, { recursive: true, force: true });
        // Python's close() closes only the listening socket; do not wait for clients.
        setImmediate(resolve);
      }),
    unref: () => {
      server.unref();
    },
  };
  const accept = (socket: net.Socket) => {
    const ch = new SocketChannel(socket, options.maxFrame);
    socket.resume();
    const timer = handshakeTimer(ch);
    serverHandshake(ch.io(), authkey).then(
      () => {
        clearTimeout(timer);
        // The owner sets its handlers first: frames that came in behind the handshake (a client
        // that writes as soon as it is authenticated) are delivered to them, not dropped.
        listener.onChannel(ch);
        ch.open();
      },
      (err: Error) => {
        clearTimeout(timer);
        // Let the FAILURE verdict reach the peer before closing.
        ch.close();
        listener.onRejected(err);
      },
    );
  };
  server.removeAllListeners('connection');
  server.on('connection', accept);
  const early = bound.early.splice(0);
  // The owner sets its handlers after this returns.
  queueMicrotask(() => {
    for (const s of early) accept(s);
  });
  return listener;
}

/** Connects to a listener and authenticates both ways. */
export async function connect(address: Address, options: TransportOptions): Promise<SocketChannel> {
  if (options.tls?.client) throw new TypeError('The built-in socket transport has no TLS; use the default transport');
  const socket =
    typeof address === 'string' ? net.connect(address) : net.connect({ host: address[0], port: address[1], noDelay: true });
  const ch = new SocketChannel(socket, options.maxFrame);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve();
    });
    socket.once('error', reject);
  }).catch((cause: Error) => {
    socket.destroy();
    throw new ManagerGoneError(`Cannot connect to the manager at ${JSON.stringify(address)}: ${cause.message}`, { cause });
  });
  const timer = handshakeTimer(ch);
  try {
    await clientHandshake(ch.io(), options.authkey);
  } catch (err) {
    ch.destroy();
    throw err;
  } finally {
    clearTimeout(timer);
  }
  ch.open();
  return ch;
}

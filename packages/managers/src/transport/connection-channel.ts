/**
 * The transport over `@proc/connection`: its `Listener` and `Client` do the addressing (Unix,
 * TCP, TLS), Python's framing and the authentication handshake; a manager frame is one
 * `sendBytes` message. Receiving is one `recvBytes` loop per connection.
 */
import { Client, type Connection, Listener } from '@proc/connection';
import { AuthenticationError, ManagerGoneError } from '../errors.js';
import type { Address } from '../wire/messages.js';
import type { Channel, ChannelListener, TransportOptions } from './transport.js';

interface Refable {
  ref?(): void;
  unref?(): void;
}

export class ConnectionChannel implements Channel {
  onFrame: (frame: Buffer) => void = () => {};
  onClose: (err?: Error) => void = () => {};
  readonly #conn: Connection;
  #closed = false;
  #started = false;

  constructor(conn: Connection) {
    this.#conn = conn;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Starts delivering frames to `onFrame` (set the handlers first). */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    void this.#readLoop();
  }

  async #readLoop(): Promise<void> {
    let err: Error | undefined;
    try {
      for (;;) {
        // Read the handler after the await: the owner may set it meanwhile.
        const frame = await this.#conn.recvBytes();
        this.onFrame(frame);
      }
    } catch (e) {
      err = e as Error;
    }
    this.#closed = true;
    this.#conn.destroy();
    const eof = (err as { code?: string } | undefined)?.code === 'PROC_ERR_EOF' || (err as { code?: string } | undefined)?.code === 'PROC_ERR_CLOSED';
    this.onClose(eof ? undefined : err);
  }

  write(payload: Uint8Array, done?: (err?: Error | null) => void): void {
    if (this.#closed) {
      done?.(new ManagerGoneError('The connection is closed'));
      return;
    }
    const p = this.#conn.sendBytes(payload);
    if (done) p.then(() => done(), (e: Error) => done(e));
    else p.catch(() => {});
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    void this.#conn.close().catch(() => {});
  }

  ref(): void {
    (this.#conn.stream as Refable | null)?.ref?.();
  }

  unref(): void {
    (this.#conn.stream as Refable | null)?.unref?.();
  }
}

export async function listen(address: Address | undefined, options: TransportOptions): Promise<ChannelListener> {
  const l = new Listener(address ?? null, { authkey: options.authkey, maxMessageSize: options.maxFrame, tls: options.tls?.server });
  await l.listening;
  const out: ChannelListener = {
    address: l.address as Address,
    onChannel: () => {},
    onRejected: () => {},
    close: () => l.close(),
    unref: () => {
      l.unref();
    },
  };
  void (async () => {
    for (;;) {
      let conn: Connection;
      try {
        conn = await l.accept();
      } catch (err) {
        if ((err as { code?: string }).code === 'PROC_ERR_AUTH') {
          out.onRejected(err as Error);
          continue;
        }
        return; // closed
      }
      const ch = new ConnectionChannel(conn);
      out.onChannel(ch);
      ch.start();
    }
  })();
  return out;
}

export async function connect(address: Address, options: TransportOptions): Promise<ConnectionChannel> {
  let conn: Connection;
  try {
    conn = await Client(address, { authkey: options.authkey, maxMessageSize: options.maxFrame, tls: options.tls?.client });
  } catch (err) {
    if ((err as { code?: string }).code === 'PROC_ERR_AUTH') {
      throw new AuthenticationError((err as Error).message, { cause: err });
    }
    throw new ManagerGoneError(`Cannot connect to the manager at ${JSON.stringify(address)}: ${(err as Error).message}`, { cause: err });
  }
  const ch = new ConnectionChannel(conn);
  // Frames are delivered once the owner has set its handlers (next microtask).
  queueMicrotask(() => ch.start());
  return ch;
}

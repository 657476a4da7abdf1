import net from 'node:net';
import tls from 'node:tls';
import { checkWaitOptions, ProcError, type WaitOptions, withDeadline } from '@proc/core';
import type { DigestName } from '../auth/digest.js';
import { type AuthKey, DEFAULT_HANDSHAKE_TIMEOUT, handshake, normalizeAuthkey } from '../auth/handshake.js';
import { Connection } from '../connection/connection.js';
import { DEFAULT_MAX_MESSAGE_SIZE } from '../connection/options.js';
import { ConnectionClosedError } from '../errors.js';
import { type Address, addressType, arbitraryAddress, checkFamily, defaultFamily, type Family, isLoopback } from './address.js';

export interface ListenerOptions {
  /** The address family; by default taken from `address`, else `AF_UNIX` (`AF_PIPE` on Windows). */
  family?: Family;
  /** The listen backlog. @default 1 (Python's default) is raised to 128: Node accepts eagerly. */
  backlog?: number;
  /**
   * The shared key. **Without one there is no authentication at all** (Python 3's default):
   * anyone who can reach the address can connect and send. Proc's own channels always pass
   * `currentProcess().authkey`.
   * @default undefined (no authentication)
   */
  authkey?: AuthKey | null;
  /** Refuse HMAC-MD5 peers (Python 3.11 and earlier). @default false */
  strict?: boolean;
  /** The digest our challenge names. @default 'sha256' */
  digest?: DigestName;
  /** TLS server options: connections are TLS over TCP (or over the Unix socket). @default undefined */
  tls?: tls.TlsOptions;
  /** Deadline of a peer's authentication handshake, in ms. @default 20000 */
  handshakeTimeout?: number;
  /** See `ConnectionOptions.maxMessageSize`. @default 268435456 (256 MiB) */
  maxMessageSize?: number;
  /**
   * Connections accepted (and authenticated) but not yet taken by `accept()` beyond which new
   * ones are refused (closed at once): nothing piles up without bound.
   * @default 128
   */
  maxPending?: number;
}

enum State {
  Listening = 0,
  Closed = 1,
}

type Outcome = { conn: Connection; error?: undefined; remote: Address } | { conn?: undefined; error: Error; remote: Address };

interface Acceptor {
  resolve: (conn: Connection) => void;
  reject: (err: Error) => void;
}

let warnedNoKey = false;

/**
 * Python's `Listener`: a bound socket accepting connections. It listens from construction on
 * (wait for `listening` before giving the address to another host if it is a TCP port 0).
 * Peers are accepted and authenticated as they come, each under its own deadline, so a slow or
 * silent peer never holds up the others; `accept()` takes them in order.
 */
export class Listener {
  readonly #server: net.Server;
  #state = State.Listening;
  #address: Address;
  readonly #family: Family;
  #cleanup: () => void;
  readonly #authkey: Buffer | null;
  readonly #options: ListenerOptions;
  #outcomes: Outcome[] = [];
  #acceptors: Acceptor[] = [];
  #handshaking = new Set<Connection>();
  #listening: Promise<void>;
  #closing: Promise<void> | null = null;
  #lastAccepted: Address | null = null;

  constructor(address?: Address | null, options: ListenerOptions = {}) {
    if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
    const family = checkFamily(options.family) ?? (address != null ? addressType(address) : defaultFamily());
    this.#family = family;
    this.#authkey = normalizeAuthkey(options.authkey);
    this.#options = options;
    if (options.maxMessageSize !== undefined && (typeof options.maxMessageSize !== 'number' || options.maxMessageSize < 0)) {
      throw new RangeError('maxMessageSize must be a number >= 0');
    }
    const backlog = options.backlog ?? 128;
    if (!Number.isInteger(backlog) || backlog < 0) throw new RangeError('backlog must be an integer >= 0');
    let cleanup = () => {};
    if (address == null) ({ address, cleanup } = arbitraryAddress(family));
    else addressType(address);
    this.#address = address;
    this.#cleanup = cleanup;

    const onSocket = (socket: net.Socket) => this.#onSocket(socket);
    this.#server = options.tls
      ? tls.createServer(options.tls, onSocket)
      : net.createServer({ noDelay: true }, onSocket);
    if (options.tls) this.#server.on('tlsClientError', () => {});

    if (typeof address !== 'string') {
      const [host] = address;
      if (this.#authkey === null && !isLoopback(host) && !warnedNoKey) {
        warnedNoKey = true;
        process.emitWarning(
          `A Listener on ${host} (not loopback) has no authkey: any host that reaches it can connect and send. Pass { authkey }.`,
          { code: 'PROC_WARN_NO_AUTHKEY', type: 'SecurityWarning' },
        );
      }
    }
    this.#listening = new Promise<void>((resolve, reject) => {
      const onError = (err: Error) => {
        this.#state = State.Closed;
        this.#cleanup();
        reject(err);
      };
      this.#server.once('error', onError);
      const done = () => {
        this.#server.off('error', onError);
        this.#server.on('error', () => {});
        const bound = this.#server.address();
        if (bound && typeof bound === 'object') this.#address = [bound.address, bound.port];
        resolve();
      };
      if (typeof address === 'string') this.#server.listen({ path: address, backlog }, done);
      else this.#server.listen({ host: address[0], port: address[1], backlog, ipv6Only: false }, done);
    });
    // A failed listen surfaces in `listening`, `accept()` and iteration; never unhandled.
    this.#listening.catch(() => {});
  }

  /** Resolves once bound (rejects with the bind error, e.g. EADDRINUSE). */
  get listening(): Promise<void> {
    return this.#listening;
  }

  /**
   * The address peers connect to: the path, or `[host, port]` with the real port once
   * `listening` has resolved.
   */
  get address(): Address {
    return this.#address;
  }

  get family(): Family {
    return this.#family;
  }

  /** The remote address of the last connection `accept()` returned (Python's `last_accepted`). */
  get lastAccepted(): Address | null {
    return this.#lastAccepted;
  }

  get closed(): boolean {
    return this.#state === State.Closed;
  }

  /**
   * The next authenticated connection. A peer that failed the handshake (wrong key, garbage,
   * timeout) rejects this call with `AuthenticationError`, as Python's `accept()` raises; that
   * connection is closed and the listener goes on (the next call gets the next peer).
   */
  async accept(options?: WaitOptions): Promise<Connection> {
    checkWaitOptions(options, 'options');
    await this.#listening;
    const outcome = this.#outcomes.shift();
    if (outcome) return this.#deliver(outcome);
    if (this.#state === State.Closed) throw new ConnectionClosedError('The listener is closed');
    return withDeadline<Connection>(
      (onCancel) =>
        new Promise<Connection>((resolve, reject) => {
          const acceptor: Acceptor = { resolve, reject };
          this.#acceptors.push(acceptor);
          onCancel(() => {
            const i = this.#acceptors.indexOf(acceptor);
            if (i >= 0) this.#acceptors.splice(i, 1);
          });
        }),
      options,
      'accept',
    );
  }

  /** Yields authenticated connections until the listener closes; failed handshakes are skipped. */
  async *[Symbol.asyncIterator](): AsyncGenerator<Connection, void, undefined> {
    for (;;) {
      let conn: Connection;
      try {
        conn = await this.accept();
      } catch (err) {
        if (this.#state === State.Closed && err instanceof ConnectionClosedError) return;
        if (err instanceof ProcError && err.code === 'PROC_ERR_AUTH') continue;
        throw err;
      }
      yield conn;
    }
  }

  /**
   * Stops listening and removes the socket file (and its private folder). Connections already
   * accepted stay open; those not yet taken by `accept()` are closed. Idempotent.
   */
  close(): Promise<void> {
    if (this.#closing) return this.#closing;
    this.#state = State.Closed;
    const err = new ConnectionClosedError('The listener is closed');
    for (const a of this.#acceptors.splice(0)) a.reject(err);
    for (const o of this.#outcomes.splice(0)) o.conn?.destroy();
    for (const c of this.#handshaking) c.destroy(err);
    this.#handshaking.clear();
    // net.Server's close callback waits for every accepted connection to end; Python's
    // close() only closes the listening socket, and so does this one: the listening handle is
    // closed by the next turn of the event loop.
    this.#server.close();
    this.#cleanup();
    this.#closing = new Promise<void>((resolve) => setImmediate(resolve));
    return this.#closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** Lets the process exit while this listener waits (`net.Server.unref`). */
  unref(): this {
    this.#server.unref();
    return this;
  }

  ref(): this {
    this.#server.ref();
    return this;
  }

  #deliver(outcome: Outcome): Connection {
    if (outcome.error) throw outcome.error;
    this.#lastAccepted = outcome.remote;
    return outcome.conn;
  }

  #onSocket(socket: net.Socket): void {
    if (this.#state === State.Closed || this.#outcomes.length + this.#handshaking.size >= (this.#options.maxPending ?? 128)) {
      socket.destroy();
      return;
    }
    const remote: Address =
      typeof this.#address === 'string' ? this.#address : [socket.remoteAddress ?? '', socket.remotePort ?? 0];
    const conn = new Connection(socket, { maxMessageSize: this.#options.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE });
    const key = this.#authkey;
    if (key === null) {
      this.#push({ conn, remote });
      return;
    }
    this.#handshaking.add(conn);
    handshake(conn, key, 'server', {
      timeout: this.#options.handshakeTimeout ?? DEFAULT_HANDSHAKE_TIMEOUT,
      strict: this.#options.strict,
      digest: this.#options.digest,
    }).then(
      () => {
        this.#handshaking.delete(conn);
        this.#push({ conn, remote });
      },
      (error: Error) => {
        this.#handshaking.delete(conn);
        if (this.#state === State.Closed) return;
        this.#push({ error, remote });
      },
    );
  }

  #push(outcome: Outcome): void {
    if (this.#state === State.Closed) {
      outcome.conn?.destroy();
      return;
    }
    const acceptor = this.#acceptors.shift();
    if (acceptor) {
      try {
        acceptor.resolve(this.#deliver(outcome));
      } catch (err) {
        acceptor.reject(err as Error);
      }
      return;
    }
    if (outcome.error) {
      // Failures nobody waits for are kept (bounded) so accept() reports them as Python would.
      const failures = this.#outcomes.filter((o) => o.error).length;
      if (failures >= 16) {
        const i = this.#outcomes.findIndex((o) => o.error);
        this.#outcomes.splice(i, 1);
      }
    }
    this.#outcomes.push(outcome);
  }
}

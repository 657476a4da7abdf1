import net from 'node:net';
import tls from 'node:tls';
import { checkWaitOptions, type WaitOptions, withDeadline } from '@proc/core';
import type { DigestName } from '../auth/digest.js';
import { type AuthKey, DEFAULT_HANDSHAKE_TIMEOUT, handshake, normalizeAuthkey } from '../auth/handshake.js';
import { Connection } from '../connection/connection.js';
import { DEFAULT_MAX_MESSAGE_SIZE } from '../connection/options.js';
import { TransportError } from '../errors.js';
import { type Address, addressType, checkFamily, type Family } from './address.js';

export interface ClientOptions extends WaitOptions {
  /** The address family; by default taken from `address`. */
  family?: Family;
  /**
   * The shared key; must match the listener's. **Without one there is no authentication.**
   * @default undefined (no authentication)
   */
  authkey?: AuthKey | null;
  /** Refuse HMAC-MD5 (a Python 3.11-or-older listener). @default false */
  strict?: boolean;
  /** The digest our challenge names. @default 'sha256' */
  digest?: DigestName;
  /** TLS client options: the connection is TLS. @default undefined */
  tls?: tls.ConnectionOptions;
  /** See `ConnectionOptions.maxMessageSize`. @default 268435456 (256 MiB) */
  maxMessageSize?: number;
}

/**
 * Python's `Client`: connects to a `Listener` (ours or Python's) and, with an authkey, answers
 * its challenge then delivers one. `timeout` and `signal` cover connecting and the handshake
 * (the handshake alone defaults to 20 s). Rejects with `AuthenticationError` for a wrong key.
 */
export async function Client(address: Address, options: ClientOptions = {}): Promise<Connection> {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
  checkWaitOptions(options, 'options');
  const family = checkFamily(options.family) ?? addressType(address);
  const key = normalizeAuthkey(options.authkey);
  const started = performance.now();
  const target: net.NetConnectOpts =
    typeof address === 'string'
      ? { path: address }
      : { host: address[0], port: address[1], family: family === 'AF_INET6' ? 6 : undefined, noDelay: true };
  const socket = await withDeadline<net.Socket>(
    (onCancel) =>
      new Promise<net.Socket>((resolve, reject) => {
        let current: net.Socket | undefined;
        let retry: NodeJS.Timeout | undefined;
        let delay = 1;
        let cancelled = false;
        onCancel(() => {
          cancelled = true;
          if (retry) clearTimeout(retry);
          current?.destroy();
        });
        const attempt = () => {
          const s = options.tls ? tls.connect({ ...target, ...options.tls } as tls.ConnectionOptions) : net.connect(target);
          current = s;
          const onError = (cause: NodeJS.ErrnoException) => {
            // A Unix socket whose backlog is full refuses with EAGAIN where Python's blocking
            // connect would wait: wait too (backing off), within the deadline.
            if (cause.code === 'EAGAIN' && typeof address === 'string' && !cancelled) {
              retry = setTimeout(attempt, delay);
              delay = Math.min(delay * 2, 50);
              return;
            }
            reject(new TransportError(`Cannot connect to ${describe(address)}: ${cause.message}`, { cause }));
          };
          s.once('error', onError);
          s.once(options.tls ? 'secureConnect' : 'connect', () => {
            s.off('error', onError);
            resolve(s);
          });
        };
        attempt();
      }),
    options,
    'connect',
  );
  const conn = new Connection(socket, { maxMessageSize: options.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE });
  if (key !== null) {
    const timeout =
      options.timeout === undefined || options.timeout === null
        ? DEFAULT_HANDSHAKE_TIMEOUT
        : Math.max(0, options.timeout - (performance.now() - started));
    await handshake(conn, key, 'client', { timeout, signal: options.signal, strict: options.strict, digest: options.digest });
  }
  return conn;
}

function describe(address: Address): string {
  return typeof address === 'string' ? JSON.stringify(address) : `${address[0]}:${address[1]}`;
}

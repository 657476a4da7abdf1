/**
 * Python's `Pipe()`. Node has no `socketpair()`, so the pair is made by a short-lived listener:
 * a Linux abstract socket (no file, nothing to clean up), elsewhere a socket in a private temp
 * folder (a named pipe on Windows). The ends are returned at once; their sockets connect within
 * a few hundred microseconds, and anything sent meanwhile is queued.
 */

import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { Connection } from '../connection/connection.js';
import { kAttach, kFailPending, PENDING_STREAM } from '../connection/internals.js';
import type { ConnectionOptions } from '../connection/options.js';
import { TransportError } from '../errors.js';
import { arbitraryAddress } from './address.js';

export interface PipeOptions extends Pick<ConnectionOptions, 'maxMessageSize' | 'readHighWaterMark'> {
  /**
   * Both ends can send and receive. `false`: `[reader, writer]`, as Python's (the first end only
   * receives, the second only sends).
   * @default true
   */
  duplex?: boolean;
}

export function Pipe(options: PipeOptions = {}): [Connection, Connection] {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
  const duplex = options.duplex ?? true;
  const base = { maxMessageSize: options.maxMessageSize, readHighWaterMark: options.readHighWaterMark };
  const a = new Connection(PENDING_STREAM, { ...base, writable: duplex });
  const b = new Connection(PENDING_STREAM, { ...base, readable: duplex });
  connectPair().then(
    ([sa, sb]) => {
      a[kAttach](sa);
      b[kAttach](sb);
    },
    (cause: Error) => {
      const err = new TransportError(`Pipe could not connect its ends: ${cause.message}`, { cause });
      a[kFailPending](err);
      b[kFailPending](err);
    },
  );
  return [a, b];
}

function pairAddress(): { path: string; cleanup: () => void } {
  if (process.platform === 'linux') return { path: `\0proc-pipe-${process.pid}-${randomBytes(8).toString('hex')}`, cleanup: () => {} };
  const { address, cleanup } = arbitraryAddress(process.platform === 'win32' ? 'AF_PIPE' : 'AF_UNIX');
  return { path: address as string, cleanup };
}

/** Two connected sockets. */
export function connectPair(): Promise<[net.Socket, net.Socket]> {
  const { path, cleanup } = pairAddress();
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    let client: net.Socket | undefined;
    const fail = (err: Error) => {
      server.close();
      client?.destroy();
      cleanup();
      reject(err);
    };
    server.once('error', fail);
    server.once('connection', (accepted) => {
      server.close();
      cleanup();
      const c = client as net.Socket;
      c.off('error', fail);
      if (c.connecting) c.once('connect', () => resolve([c, accepted]));
      else resolve([c, accepted]);
    });
    server.listen(path, () => {
      client = net.connect(path);
      client.once('error', fail);
    });
  });
}

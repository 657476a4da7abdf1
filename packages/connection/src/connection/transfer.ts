/**
 * How a `Connection` travels in the `args` of a `Process` (Python's `reduce_connection` /
 * `rebuild_connection`). The sender stops reading, hands the socket over with
 * `ctx.transferHandle`, and puts every byte it had read but not yet delivered (whole queued
 * messages and a partial one) into the reduced state; the receiver rebuilds a connected
 * `Connection` that delivers those bytes first. So no byte is lost or doubled, even when the
 * parent had already received on that end.
 */
import net from 'node:net';
import type { Duplex } from 'node:stream';
import { type RebuildContext, type ReduceContext, type Reduced, SerializationError } from '@proc/core';
import { Connection } from './connection.js';
import { kDetach, kPrime } from './internals.js';

/** What a transferred connection carries besides its handle. */
export interface TransferState {
  handle: number;
  pending: Uint8Array;
  readable: boolean;
  writable: boolean;
  maxMessageSize: number;
}

export function reduceConnection(conn: Connection, ctx: ReduceContext | undefined): Reduced {
  if (typeof ctx?.transferHandle !== 'function') {
    throw new SerializationError(
      'A Connection can travel only in the args of a Process (which hands its socket to the child); it cannot be sent over a Connection or a Queue',
    );
  }
  const detached = conn[kDetach]();
  if (!(detached.stream instanceof net.Socket)) {
    detached.abort();
    throw new SerializationError('Only a Connection over a socket can be passed to another process');
  }
  let index: number | undefined;
  try {
    index = ctx.transferHandle(detached.stream);
  } catch (err) {
    detached.abort();
    throw err;
  }
  if (index === undefined) {
    detached.abort();
    throw new SerializationError(
      'This message cannot carry a socket: a Connection can travel only in the args of a Process',
    );
  }
  detached.commit();
  const state: TransferState = {
    handle: index,
    pending: detached.pending,
    readable: conn.readable,
    writable: conn.writable,
    maxMessageSize: conn.maxMessageSize,
  };
  return { module: import.meta.url, rebuild: 'rebuildConnection', state };
}

/**
 * Rebuilds a transferred connection in the receiving process. The handle may arrive as a
 * `net.Socket`, a raw libuv handle, or a file descriptor number.
 */
export function rebuildConnection(state: unknown, ctx: RebuildContext): Connection {
  const s = state as TransferState;
  if (typeof ctx?.takeHandle !== 'function') {
    throw new SerializationError('A Connection arrived without its socket: this message could not carry handles');
  }
  const handle = ctx.takeHandle(s.handle);
  let stream: Duplex;
  if (handle instanceof net.Socket) stream = handle;
  else if (typeof handle === 'number') stream = new net.Socket({ fd: handle, readable: true, writable: true });
  else if (handle !== null && typeof handle === 'object' && 'readStart' in handle) {
    stream = new net.Socket({ handle } as net.SocketConstructorOpts);
  } else {
    throw new SerializationError(`A Connection arrived with an unusable handle (${typeof handle})`);
  }
  const conn = new Connection(stream, {
    readable: s.readable,
    writable: s.writable,
    maxMessageSize: s.maxMessageSize,
  });
  const pending = s.pending;
  if (pending && pending.byteLength > 0) {
    conn[kPrime](Buffer.from(pending.buffer, pending.byteOffset, pending.byteLength));
  }
  return conn;
}

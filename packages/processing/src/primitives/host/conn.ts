import { Op } from '../protocol.js';

/** One peer of the host: another process over a socket, or a thread of the hosting process. */
export interface Conn {
  readonly id: number;
  /** The hosting process's own main thread (it creates primitives and runs barrier actions). */
  readonly local: boolean;
  closed: boolean;
  send(op: Op, prim: number, req: number, a: number, b: number, c: number, payload?: Uint8Array): void;
}

/** Sends an `Error` frame for `req` (nothing when the request wanted no reply). */
export function fail(conn: Conn, prim: number, req: number, name: string, message: string): void {
  if (req === 0 || conn.closed) return;
  conn.send(Op.Error, prim, req, 0, 0, 0, Buffer.from(JSON.stringify({ name, message })));
}

export function reply(conn: Conn, prim: number, req: number, a = 0, b = 0, c = 0, payload?: Uint8Array): void {
  if (req === 0 || conn.closed) return;
  conn.send(Op.Reply, prim, req, a, b, c, payload);
}

/** Arms a host-side timeout; `ms < 0` means none. */
export function arm(ms: number, fn: () => void): NodeJS.Timeout | undefined {
  if (!(ms >= 0)) return undefined;
  const t = setTimeout(fn, ms);
  t.unref?.();
  return t;
}

/** What every primitive's host-side state implements. */
export interface PrimState {
  handle(conn: Conn, op: Op, req: number, a: number, b: number, c: number, payload: Buffer): void;
  /** `conn` is gone: withdraw its waiters, hand back what it held. */
  drop(conn: Conn): void;
}

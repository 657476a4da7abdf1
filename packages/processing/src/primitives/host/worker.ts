/**
 * The host worker thread: it keeps the state of every primitive created in its process, serves
 * other processes on a Unix socket (authenticated with the authkey) and its own process's main
 * thread on a MessagePort. A busy main thread therefore stalls nobody.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { type MessagePort, workerData } from 'node:worker_threads';
import { CHALLENGE, PROOF, proof, verify } from '../auth.js';
import { microtask } from '../microtask.js';
import { FrameParser, FrameWriter, type Op } from '../protocol.js';
import { portSide, RingReader, RingWriter } from '../ring.js';
import type { Conn } from './conn.js';
import { Engine } from './engine.js';
import { FifoPool, HostLane, lanesEnabled } from './fifo-lanes.js';

interface HostData {
  address: string;
  authkey: Uint8Array;
  port: MessagePort;
  ready: Int32Array;
  /** Rings shared with the main thread (`ring.ts`): frames from it, frames to it. */
  toHost: SharedArrayBuffer;
  fromHost: SharedArrayBuffer;
}

const { address, authkey, port, ready, toHost, fromHost } = workerData as HostData;
const toMain = new RingWriter(fromHost, portSide(port));
const engine = new Engine();
let nextConn = 1;

abstract class BaseConn implements Conn {
  readonly id = nextConn++;
  closed = false;
  abstract readonly local: boolean;
  protected writer = new FrameWriter();
  #scheduled = false;

  send(op: Op, prim: number, req: number, a: number, b: number, c: number, payload?: Uint8Array): void {
    if (this.closed) return;
    this.writer.frame(op, prim, req, a, b, c, payload);
    if (!this.#scheduled) {
      this.#scheduled = true;
      microtask(() => {
        this.#scheduled = false;
        if (!this.closed && this.writer.length > 0) this.flush();
      });
    }
  }

  protected abstract flush(): void;
}

class PortConn extends BaseConn {
  readonly local = true;

  protected flush(): void {
    toMain.write(this.writer.take());
  }
}

class SocketConn extends BaseConn {
  readonly local = false;
  readonly #socket: net.Socket;
  /** The host cut this client off (a malformed frame, a wrong lane nonce): nothing more is read. */
  killed = false;

  constructor(socket: net.Socket) {
    super();
    this.#socket = socket;
  }

  kill(): void {
    this.killed = true;
    this.#socket.destroy();
  }

  protected flush(): void {
    this.#socket.write(this.writer.take());
    // The kernel did not take it all: the view is still queued in the stream, keep it intact.
    if (this.#socket.writableLength > 0) this.writer.detach();
  }
}

const local = new PortConn();
const localParser = new FrameParser((op, prim, req, a, b, c, payload) => engine.frame(local, op, prim, req, a, b, c, payload));
const fromMain = new RingReader(toHost, port, (buf) => localParser.push(buf));
port.on('close', () => {
  fromMain.stop();
  engine.drop(local);
});

/** FIFO lanes for remote clients' frames (`fifo-lanes.ts`); none when disabled. */
const lanes = lanesEnabled() ? new FifoPool(path.dirname(address)) : undefined;

/** Offers a lane (`on` gets what comes through it); undefined when none is ready. */
function offerLane(on: ConstructorParameters<typeof HostLane>[1]): HostLane | undefined {
  const fifo = lanes?.take();
  if (!fifo) return undefined;
  try {
    return new HostLane(fifo, on);
  } catch {
    fs.rm(fifo, { force: true }, () => {});
    return undefined;
  }
}

function serve(socket: net.Socket): void {
  socket.setNoDelay?.(true);
  const challenge = randomBytes(CHALLENGE);
  let conn: SocketConn | undefined;
  let parser: FrameParser | undefined;
  let lane: HostLane | undefined;
  /** A lane was offered and the client's status byte has not come yet. */
  let awaitingAnswer = false;
  let pending: Buffer = Buffer.alloc(0);
  /** Frames from the client, through its socket or its lane; a malformed one cuts it off. */
  const feed = (chunk: Buffer) => {
    if (!conn || conn.killed) return;
    try {
      parser?.push(chunk);
    } catch {
      conn.kill();
    }
  };
  /** The client is gone: its waiters are withdrawn and what it held goes back (once). */
  const drop = () => {
    lane?.close();
    if (conn && !conn.closed) engine.drop(conn);
  };
  socket.on('error', () => {});
  socket.on('close', () => {
    if (!conn || conn.closed) return;
    // The client went (it exited or died): what it wrote into its lane is still served first,
    // up to the lane's end of file (which drops it). A client that said it took the lane but
    // whose nonce has not come (it never opened it?) gets a moment for it, not forever.
    if (lane?.open && !conn.killed) {
      if (!lane.verified)
        setTimeout(() => {
          if (!lane?.verified) drop();
        }, LANE_GRACE_MS).unref();
      return;
    }
    drop();
  });
  socket.write(challenge);
  const push = (chunk: Buffer) => {
    if (awaitingAnswer) {
      awaitingAnswer = false;
      lane?.answer(chunk[0] === 1);
      chunk = chunk.subarray(1);
      if (chunk.length === 0) return;
    }
    feed(chunk);
  };
  socket.on('data', (chunk: Buffer) => {
    if (parser) {
      push(chunk);
      return;
    }
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    if (pending.length < PROOF + CHALLENGE) return;
    const got = pending.subarray(0, PROOF);
    const theirs = pending.subarray(PROOF, PROOF + CHALLENGE);
    const rest = pending.subarray(PROOF + CHALLENGE);
    if (!verify(authkey, 'client', challenge, got)) {
      socket.destroy();
      return;
    }
    const c = new SocketConn(socket);
    conn = c;
    parser = new FrameParser((op, prim, req, a, b, cc, payload) => engine.frame(c, op, prim, req, a, b, cc, payload));
    lane = offerLane({
      bytes: feed,
      // The client process closed its lane (it exited or died): drop it once its socket is closed too.
      end: () => {
        if (socket.destroyed) drop();
      },
      bad: () => c.kill(),
    });
    awaitingAnswer = lane !== undefined;
    socket.write(Buffer.concat([proof(authkey, 'host', theirs), lane ? lane.offer() : NO_LANE]));
    if (rest.length > 0) push(rest);
  });
}

const NO_LANE = Buffer.alloc(2);
/** How long a closed client's accepted lane may take to show its nonce before the client is dropped. */
const LANE_GRACE_MS = 2000;

const server = net.createServer(serve);
server.on('error', () => {
  Atomics.store(ready, 0, 2);
  Atomics.notify(ready, 0);
});
server.listen(address, () => {
  Atomics.store(ready, 0, 1);
  Atomics.notify(ready, 0);
});

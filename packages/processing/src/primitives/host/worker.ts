/**
 * The host worker thread: it keeps the state of every primitive created in its process, serves
 * other processes on a Unix socket (authenticated with the authkey) and its own process's main
 * thread on a MessagePort. A busy main thread therefore stalls nobody.
 */
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { type MessagePort, workerData } from 'node:worker_threads';
import { CHALLENGE, PROOF, proof, verify } from '../auth.js';
import { microtask } from '../microtask.js';
import { FrameParser, FrameWriter, type Op } from '../protocol.js';
import { RingReader, RingWriter } from '../ring.js';
import type { Conn } from './conn.js';
import { Engine } from './engine.js';

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
const toMain = new RingWriter(fromHost, port);
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

  constructor(socket: net.Socket) {
    super();
    this.#socket = socket;
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

function serve(socket: net.Socket): void {
  socket.setNoDelay?.(true);
  const challenge = randomBytes(CHALLENGE);
  let conn: SocketConn | undefined;
  let parser: FrameParser | undefined;
  let pending: Buffer = Buffer.alloc(0);
  socket.on('error', () => {});
  socket.on('close', () => {
    if (conn) engine.drop(conn);
  });
  socket.write(challenge);
  socket.on('data', (chunk: Buffer) => {
    if (parser) {
      try {
        parser.push(chunk);
      } catch {
        socket.destroy();
      }
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
    socket.write(proof(authkey, 'host', theirs));
    if (rest.length > 0) {
      try {
        parser.push(rest);
      } catch {
        socket.destroy();
      }
    }
  });
}

const server = net.createServer(serve);
server.on('error', () => {
  Atomics.store(ready, 0, 2);
  Atomics.notify(ready, 0);
});
server.listen(address, () => {
  Atomics.store(ready, 0, 1);
  Atomics.notify(ready, 0);
});

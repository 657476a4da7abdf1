/**
 * The host of this process's primitives: a worker thread started on first use. The main thread
 * blocks (once, briefly) until the worker listens, so a primitive's address is valid the moment
 * its constructor returns, and a child started right after can connect.
 */
import fs from 'node:fs';
import path from 'node:path';
import { MessageChannel, type MessagePort, Worker } from 'node:worker_threads';
import { currentProcess, makePrivateDir } from '@proc/core';
import { HostGoneError } from '../errors.js';
import { portSide, RingReader, RingWriter, ringBuffer } from '../ring.js';
import { Channel } from './channel.js';

/** How long the first primitive waits for its host thread to listen. */
export const HOST_START_TIMEOUT = 30_000;

/**
 * The main thread's link to its own host thread: frames go through shared-memory rings (one
 * per direction, `ring.ts`), the port carries what does not fit and keeps the process alive
 * while a call waits.
 */
export class PortChannel extends Channel {
  readonly local = true;
  readonly #port: MessagePort;
  readonly #out: RingWriter;
  readonly #in: RingReader;

  constructor(address: string, port: MessagePort, toHost: SharedArrayBuffer, fromHost: SharedArrayBuffer) {
    super(address);
    this.#port = port;
    this.#out = new RingWriter(toHost, portSide(port));
    this.#in = new RingReader(fromHost, port, (buf) => this.parser.push(buf));
    port.unref();
  }

  protected write(buf: Buffer): boolean {
    return this.#out.write(buf);
  }

  protected ref(): void {
    this.#port.ref();
  }

  protected unref(): void {
    this.#port.unref();
  }

  hostGone(err: Error): void {
    this.#in.stop();
    this.fail(err);
  }
}

export interface LocalHost {
  address: string;
  channel: PortChannel;
}

function workerUrl(): { url: URL; eval: boolean } {
  const here = import.meta.url;
  if (here.endsWith('.ts')) {
    // Running from source (tsx): a worker needs tsx registered before it imports a .ts file.
    return { url: new URL('../host/worker.ts', here), eval: true };
  }
  return { url: new URL('../host/worker.js', here), eval: false };
}

export function startLocalHost(): LocalHost {
  // Named after this pid: the next host removes it if this process is killed (`makePrivateDir`).
  const dir = makePrivateDir('proc-prim');
  const address = path.join(dir, 'host.sock');
  const { port1, port2 } = new MessageChannel();
  const ready = new Int32Array(new SharedArrayBuffer(4));
  const toHost = ringBuffer();
  const fromHost = ringBuffer();
  const { url, eval: useEval } = workerUrl();
  const workerData = { address, authkey: new Uint8Array(currentProcess().authkey), port: port2, ready, toHost, fromHost };
  // trackUnmanagedFds off: the host's FIFO lanes (`fifo-lanes.ts`) open their fds with `fs` and
  // hand them to a stream, which closes them; the thread lives as long as the process anyway.
  const worker = useEval
    ? new Worker(
        `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(url.href)}); });`,
        { eval: true, workerData, transferList: [port2], execArgv: [], trackUnmanagedFds: false },
      )
    : new Worker(url, { workerData, transferList: [port2], execArgv: [], trackUnmanagedFds: false });
  worker.unref();
  Atomics.wait(ready, 0, 0, HOST_START_TIMEOUT);
  if (Atomics.load(ready, 0) !== 1) {
    void worker.terminate();
    throw new HostGoneError(`The primitives host thread did not start listening at ${address}`, 'PROC_ERR_HOST_START');
  }
  const channel = new PortChannel(address, port1, toHost, fromHost);
  const gone = (err?: unknown) =>
    channel.hostGone(new HostGoneError('The primitives host thread of this process stopped', 'PROC_ERR_HOST_GONE', { cause: err }));
  worker.on('error', gone);
  worker.on('exit', () => gone());
  process.once('exit', () => {
    try {
      fs.rmSync(dir, { recursive: true, force: true });
    } catch {}
  });
  return { address, channel };
}

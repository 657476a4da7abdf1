import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { BufferTooShort, ConnectionClosedError, EOFError, MessageTooLargeError } from '@proc/connection';
import {
  abortError,
  checkWaitOptions,
  deserialize,
  SerializationError,
  StateError,
  serialize,
  type WaitOptions,
  withDeadline,
} from '@proc/core';
import { pack, unpack } from '../transport/pack.js';
import { kShare, registerShareable, type Shared } from '../transport/shareable.js';

export interface RecvBytesOptions extends WaitOptions {
  /** Longest message accepted; a longer one rejects with `MessageTooLargeError` and leaves this end unreadable. */
  maxlength?: number | null;
}

export interface PipeOptions {
  /** Both ends send and receive. `false`: `[reader, writer]`, as Python's. @default true */
  duplex?: boolean;
}

const kIsReady = Symbol('proc.dummy.connection.isReady');
const kWhenReadable = Symbol('proc.dummy.connection.whenReadable');

/** A message on the port: a value (packed for structured clone), raw bytes, or the end. */
type Wire = { t: 'v'; v: unknown } | { t: 'b'; b: Uint8Array } | { t: 'end' };

interface Waiter {
  want: 'value' | 'bytes';
  maxlength: number;
  resolve: (v: never) => void;
  reject: (e: Error) => void;
}

enum State {
  Open = 0,
  Closed = 1,
  Transferred = 2,
}

/**
 * One end of a thread `Pipe`: @proc/connection's `Connection` API over a `MessagePort`. Values
 * travel by structured clone (Queues, Locks and other Pipe ends inside arrive usable), bytes as
 * bytes. Pass an end to a thread in `args` and it moves there, with anything it had received
 * and not yet delivered.
 */
export class Connection {
  #port: MessagePort | null;
  #state = State.Open;
  readonly #readable: boolean;
  readonly #writable: boolean;
  #inbox: Wire[] = [];
  #waiters: Waiter[] = [];
  #pollers = new Set<() => void>();
  #eof = false;
  #readError: Error | null = null;
  #refs = 0;

  /** @internal Made by `Pipe()` (and rebuilt in a thread the end was passed to). */
  constructor(port: MessagePort, readable: boolean, writable: boolean, inbox: Wire[] = []) {
    this.#port = port;
    this.#readable = readable;
    this.#writable = writable;
    this.#inbox = inbox;
    port.on('message', this.#onMessage);
    port.on('close', this.#onClose);
    // An idle end does not keep the process alive; a pending receive does.
    port.unref();
  }

  get closed(): boolean {
    return this.#state !== State.Open;
  }

  get readable(): boolean {
    return this.#readable;
  }

  get writable(): boolean {
    return this.#writable;
  }

  /** Sends a value (structured clone; shareable objects inside arrive usable). */
  send(value: unknown): Promise<void> {
    const err = this.#checkWritable();
    if (err) return Promise.reject(err);
    try {
      const p = pack(value);
      (this.#port as MessagePort).postMessage({ t: 'v', v: p.value } satisfies Wire, p.transfer);
    } catch (cause) {
      return Promise.reject(cause instanceof SerializationError ? cause : new SerializationError(`Cannot send the value: ${(cause as Error).message}`, { cause }));
    }
    return Promise.resolve();
  }

  /** Sends raw bytes (copied); `offset` and `size` count bytes. */
  sendBytes(data: ArrayBufferView | ArrayBuffer, offset = 0, size?: number): Promise<void> {
    const bytes = asBytes(data);
    const n = bytes.length;
    if (!Number.isInteger(offset) || offset < 0) throw new RangeError('offset must be an integer >= 0');
    if (offset > n) throw new RangeError('buffer length < offset');
    if (size === undefined) size = n - offset;
    else if (!Number.isInteger(size) || size < 0) throw new RangeError('size must be an integer >= 0');
    else if (offset + size > n) throw new RangeError('buffer length < offset + size');
    const err = this.#checkWritable();
    if (err) return Promise.reject(err);
    const copy = new Uint8Array(size);
    copy.set(bytes.subarray(offset, offset + size));
    (this.#port as MessagePort).postMessage({ t: 'b', b: copy } satisfies Wire, [copy.buffer]);
    return Promise.resolve();
  }

  recv(options?: WaitOptions): Promise<unknown> {
    return this.#receive('value', -1, options);
  }

  recvBytes(options?: RecvBytesOptions): Promise<Buffer> {
    let maxlength = -1;
    if (options !== undefined) {
      checkWaitOptions(options, 'options');
      const m = options.maxlength;
      if (m !== undefined && m !== null) {
        if (typeof m !== 'number' || Number.isNaN(m) || m < 0) throw new RangeError('maxlength must be a number >= 0');
        maxlength = m;
      }
    }
    return this.#receive('bytes', maxlength, options) as Promise<Buffer>;
  }

  /** Receives one message into `target` at byte `offset`; resolves its length. */
  async recvBytesInto(target: ArrayBufferView | ArrayBuffer, offset = 0, options?: WaitOptions): Promise<number> {
    const bytes = asBytes(target);
    if (!Number.isInteger(offset) || offset < 0) throw new RangeError('offset must be an integer >= 0');
    if (offset > bytes.length) throw new RangeError('offset too large');
    const msg = await this.recvBytes(options);
    if (bytes.length - offset < msg.length) throw new BufferTooShort(Buffer.from(msg), bytes.length - offset);
    bytes.set(msg, offset);
    return msg.length;
  }

  /** Whether a message (or the end) is ready: at once for 0 (the default), within `timeoutMs`, or without limit for `null`. */
  poll(timeoutMs: number | null = 0): Promise<boolean> {
    if (timeoutMs !== null && (typeof timeoutMs !== 'number' || Number.isNaN(timeoutMs) || timeoutMs < 0)) {
      throw new RangeError('timeoutMs must be a number >= 0 or null');
    }
    const err = this.#checkReadable();
    if (err) return Promise.reject(err);
    if (this.#ready()) return Promise.resolve(true);
    if (timeoutMs === 0) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const onReady = () => {
        if (timer) clearTimeout(timer);
        this.#pollers.delete(onReady);
        this.#unref();
        resolve(true);
      };
      this.#pollers.add(onReady);
      this.#ref();
      if (timeoutMs !== null) {
        timer = setTimeout(() => {
          this.#pollers.delete(onReady);
          this.#unref();
          resolve(false);
        }, timeoutMs);
      }
    });
  }

  /** Yields every value received until the peer closes. */
  async *[Symbol.asyncIterator](): AsyncGenerator<unknown, void, undefined> {
    for (;;) {
      let value: unknown;
      try {
        value = await this.recv();
      } catch (err) {
        if (err instanceof EOFError) return;
        throw err;
      }
      yield value;
    }
  }

  /** Closes this end; the peer's receives end with `EOFError` once it has read what was sent. Idempotent. */
  close(): Promise<void> {
    if (this.#state !== State.Open) return Promise.resolve();
    this.#shutdown(new ConnectionClosedError());
    const port = this.#port;
    this.#port = null;
    if (port) {
      port.postMessage({ t: 'end' } satisfies Wire);
      port.close();
    }
    return Promise.resolve();
  }

  destroy(err?: Error): void {
    if (this.#state !== State.Open) return;
    this.#shutdown(err ?? new ConnectionClosedError());
    this.#port?.close();
    this.#port = null;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  [kShare](): Shared {
    if (this.#state !== State.Open || !this.#port) throw new SerializationError('A closed Connection cannot be passed to another thread');
    if (this.#waiters.length > 0) throw new SerializationError('This Connection has a receive pending; it cannot be passed to another thread');
    const port = this.#port;
    port.off('message', this.#onMessage);
    port.off('close', this.#onClose);
    const inbox = this.#inbox;
    this.#inbox = [];
    this.#port = null;
    this.#state = State.Transferred;
    this.#failReaders(new ConnectionClosedError('The connection was transferred to another thread'));
    return { type: 'Connection', state: { port, readable: this.#readable, writable: this.#writable, inbox }, transfer: [port] };
  }

  /** @internal For `wait()`: a message or the end is ready now. */
  [kIsReady](): boolean {
    return this.#ready();
  }

  /** @internal For `wait()`: resolves when a message or the end is ready; `cancel` withdraws. */
  [kWhenReadable](): { promise: Promise<void>; cancel: () => void } {
    if (this.#ready() || this.#state !== State.Open) return { promise: Promise.resolve(), cancel: () => {} };
    let resolve!: () => void;
    const promise = new Promise<void>((r) => {
      resolve = r;
    });
    const onReady = () => {
      this.#pollers.delete(onReady);
      this.#unref();
      resolve();
    };
    this.#pollers.add(onReady);
    this.#ref();
    return {
      promise,
      cancel: () => {
        if (this.#pollers.delete(onReady)) this.#unref();
      },
    };
  }

  #ref(): void {
    if (this.#refs++ === 0) this.#port?.ref();
  }

  #unref(): void {
    if (--this.#refs === 0) this.#port?.unref();
  }

  #ready(): boolean {
    return this.#inbox.length > 0 || this.#eof || this.#readError !== null;
  }

  #checkWritable(): Error | undefined {
    if (!this.#writable) return new StateError('This connection is read-only');
    if (this.#state === State.Transferred) return new ConnectionClosedError('The connection was transferred to another thread');
    if (this.#state !== State.Open) return new ConnectionClosedError();
    if (this.#eof) return new ConnectionClosedError('The peer closed the connection');
    return undefined;
  }

  #checkReadable(): Error | undefined {
    if (!this.#readable) return new StateError('This connection is write-only');
    if (this.#state === State.Transferred) return new ConnectionClosedError('The connection was transferred to another thread');
    if (this.#state !== State.Open && this.#inbox.length === 0) return this.#readError ?? new ConnectionClosedError();
    return undefined;
  }

  #receive(want: 'value' | 'bytes', maxlength: number, options: WaitOptions | undefined): Promise<never> {
    const err = this.#checkReadable();
    if (err) return Promise.reject(err);
    if (this.#inbox.length > 0) {
      return new Promise<never>((resolve, reject) => this.#take({ want, maxlength, resolve, reject }, this.#inbox.shift() as Wire));
    }
    if (this.#readError) return Promise.reject(this.#readError);
    if (this.#eof) return Promise.reject(new EOFError());
    if (want === 'value' && options !== undefined) checkWaitOptions(options, 'options');
    if (options?.signal?.aborted) return Promise.reject(abortError(options.signal));
    return withDeadline<never>(
      (onCancel) =>
        new Promise<never>((resolve, reject) => {
          const waiter: Waiter = {
            want,
            maxlength,
            resolve: (v) => {
              this.#unref();
              resolve(v);
            },
            reject: (e) => {
              this.#unref();
              reject(e);
            },
          };
          this.#waiters.push(waiter);
          this.#ref();
          onCancel(() => {
            const i = this.#waiters.indexOf(waiter);
            if (i >= 0) {
              this.#waiters.splice(i, 1);
              this.#unref();
            }
          });
        }),
      options,
      'receive',
    );
  }

  #take(w: Waiter, m: Wire): void {
    if (m.t === 'end') return;
    if (w.want === 'value') {
      try {
        w.resolve((m.t === 'v' ? unpack(m.v) : deserialize(m.b)) as never);
      } catch (cause) {
        w.reject(cause instanceof SerializationError ? cause : new SerializationError(`Cannot decode the message: ${(cause as Error).message}`, { cause }));
      }
      return;
    }
    let bytes: Buffer;
    try {
      bytes = m.t === 'b' ? Buffer.from(m.b.buffer, m.b.byteOffset, m.b.byteLength) : serialize(unpack(m.v));
    } catch (cause) {
      w.reject(new SerializationError(`Cannot encode the message as bytes: ${(cause as Error).message}`, { cause }));
      return;
    }
    if (w.maxlength >= 0 && bytes.length > w.maxlength) {
      const err = new MessageTooLargeError(bytes.length, w.maxlength);
      this.destroy(err);
      w.reject(err);
      return;
    }
    w.resolve(bytes as never);
  }

  #onMessage = (m: Wire): void => {
    if (m.t === 'end') {
      this.#onClose();
      return;
    }
    const w = this.#waiters.shift();
    if (w) this.#take(w, m);
    else {
      this.#inbox.push(m);
      for (const p of [...this.#pollers]) p();
    }
  };

  #onClose = (): void => {
    if (this.#eof) return;
    this.#eof = true;
    this.#failReaders(new EOFError());
  };

  #failReaders(err: Error): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w.reject(err);
    for (const p of [...this.#pollers]) p();
  }

  #shutdown(err: Error): void {
    if (this.#state !== State.Open) return;
    this.#state = State.Closed;
    this.#readError = err;
    this.#inbox = [];
    this.#failReaders(err);
    while (this.#refs > 0) this.#unref();
  }
}

function asBytes(data: ArrayBufferView | ArrayBuffer): Uint8Array {
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (data instanceof ArrayBuffer || (data as unknown) instanceof SharedArrayBuffer) return new Uint8Array(data);
  throw new TypeError('data must be a typed array, DataView or ArrayBuffer');
}

/** Python's `Pipe()` for threads: two connected ends over a `MessageChannel`. */
export function Pipe(options: PipeOptions = {}): [Connection, Connection] {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
  const duplex = options.duplex ?? true;
  const { port1, port2 } = new MessageChannel();
  return [new Connection(port1, true, duplex), new Connection(port2, duplex, true)];
}

registerShareable(
  'Connection',
  (s: { port: MessagePort; readable: boolean; writable: boolean; inbox: Wire[] }) => new Connection(s.port, s.readable, s.writable, s.inbox),
);

/**
 * Python's `multiprocessing.connection.wait` for thread Pipe ends: resolves with the ends that
 * have a message (or their end) ready, as soon as one has; with `[]` once `timeout` ms pass.
 */
export function wait(connections: Iterable<Connection>, options: { timeout?: number | null } = {}): Promise<Connection[]> {
  checkWaitOptions(options, 'options');
  const list = [...connections];
  for (const c of list) if (!(c instanceof Connection)) throw new TypeError('wait() takes Pipe ends of @proc/dummy');
  const ready = () => list.filter((c) => c[kIsReady]());
  const now = ready();
  if (now.length > 0 || options.timeout === 0) return Promise.resolve(now);
  return new Promise<Connection[]>((resolve) => {
    const waits = list.map((c) => c[kWhenReadable]());
    let timer: NodeJS.Timeout | undefined;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      if (timer) clearTimeout(timer);
      for (const w of waits) w.cancel();
      resolve(ready());
    };
    for (const w of waits) void w.promise.then(finish);
    if (options.timeout !== undefined && options.timeout !== null) timer = setTimeout(finish, options.timeout);
  });
}

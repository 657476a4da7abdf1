import type { Duplex } from 'node:stream';
import {
  checkWaitOptions,
  type ReduceContext,
  type Reduced,
  reduceSymbol,
  SerializationError,
  StateError,
  serialize,
  type WaitOptions,
} from '@proc/core';
import { ConnectionClosedError, EOFError, TransportError } from '../errors.js';
import { FrameParser } from '../framing/frame-parser.js';
import { FrameWriter } from '../framing/frame-writer.js';
import { encodeFrame } from '../framing/header.js';
import { closeStream } from './close-stream.js';
import { drainStream, resumeStream } from './drain-stream.js';
import {
  kAttach,
  kCork,
  kDetach,
  kFailPending,
  kFrameLimit,
  kIsReady,
  kPrime,
  kUncork,
  kWhenReadable,
  PENDING_STREAM,
} from './internals.js';
import {
  asBytes,
  type ConnectionOptions,
  checkMaxMessageSize,
  DEFAULT_MAX_MESSAGE_SIZE,
  DEFAULT_READ_HIGH_WATER_MARK,
  type RecvBytesOptions,
} from './options.js';
import { ReceiveQueue, Want } from './receive-queue.js';
import { reduceConnection } from './transfer.js';

enum State {
  /** A `Pipe` end whose socket is still connecting. */
  Pending = 0,
  Open = 1,
  Closed = 2,
  Transferred = 3,
}

const noop = () => {};

/**
 * Python's `multiprocessing.connection.Connection` over any Node `Duplex` stream (a Unix or TCP
 * socket, a TLS socket, a child's stdio, a MessagePort wrapped as a stream): messages framed as
 * Python frames them, so `sendBytes`/`recvBytes` talk to a Python peer byte for byte.
 *
 * Lifecycle: open until `close()` (lets queued sends finish, then closes the stream),
 * `destroy()` (now), a broken stream or protocol error (closed with that error), or being sent
 * in the `args` of a `Process` (transferred: this object is closed, the child gets the socket and
 * every byte this end had read but not yet delivered).
 */
export class Connection {
  #stream: Duplex | null = null;
  #state: State;
  #readable: boolean;
  #writable: boolean;
  #parser: FrameParser;
  #writer = new FrameWriter();
  #queue = new ReceiveQueue((err) => this.#badMessageLength(err));
  #readHwm: number;
  #paused = false;
  /** Why reads fail once the queued frames are gone (EOF, protocol or transport error). */
  #readFailure: Reason | null = null;
  #closing: Promise<void> | null = null;
  #maxMessageSize: number;
  #attachedResolve: (() => void) | null = null;
  /** Settles when a Pending end gets its stream (or fails to). */
  #attached = new Promise<void>((resolve) => {
    this.#attachedResolve = resolve;
  });

  constructor(stream: Duplex, options: ConnectionOptions = {}) {
    if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
    this.#readable = options.readable ?? true;
    this.#writable = options.writable ?? true;
    if (!this.#readable && !this.#writable) throw new TypeError('A connection must be readable or writable');
    this.#maxMessageSize = checkMaxMessageSize(options.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE);
    this.#parser = new FrameParser(this.#maxMessageSize);
    this.#readHwm = options.readHighWaterMark ?? DEFAULT_READ_HIGH_WATER_MARK;
    if (stream === PENDING_STREAM) {
      this.#state = State.Pending;
      return;
    }
    if (stream === null || typeof stream !== 'object' || typeof (stream as Duplex).on !== 'function') {
      throw new TypeError('stream must be a Duplex stream');
    }
    this.#state = State.Open;
    this[kAttach](stream);
  }

  /** True once closed, destroyed, broken, or transferred to another process. */
  get closed(): boolean {
    return this.#state >= State.Closed;
  }

  /** True if this end can receive (false for the writer of a one-way `Pipe`). */
  get readable(): boolean {
    return this.#readable;
  }

  /** True if this end can send (false for the reader of a one-way `Pipe`). */
  get writable(): boolean {
    return this.#writable;
  }

  /** The largest message this end accepts (see `ConnectionOptions.maxMessageSize`). */
  get maxMessageSize(): number {
    return this.#maxMessageSize;
  }

  /**
   * Resolves once this end has its stream: at once for a Connection made over a stream; for a
   * `Pipe` end, once its socket has connected (within a millisecond). Rejects if it cannot
   * connect. An end must be ready before it is passed to another process.
   */
  get ready(): Promise<void> {
    return this.#attached.then(() => {
      if (this.#stream === null && this.#state === State.Closed && this.#readFailure) throw this.#readError();
    });
  }

  /** The stream underneath (`null` while a `Pipe` end connects, and once transferred). */
  get stream(): Duplex | null {
    return this.#stream;
  }

  // ---------------------------------------------------------------------------------------------
  // Sending

  /**
   * Sends a value encoded by proc's codec (`@proc/core` `serialize`); a Python peer cannot read
   * it (use `sendBytes` with Python). Resolves once the bytes are handed to the OS. Frames sent in
   * the same tick go out in one write; a caller that does not await still gets them sent in order.
   */
  send(value: unknown): Promise<void> {
    const err = this.#checkWritable();
    if (err) return Promise.reject(err);
    let payload: Buffer;
    try {
      payload = serialize(value);
    } catch (e) {
      return Promise.reject(e);
    }
    return this.#writer.write(payload);
  }

  /**
   * Sends raw bytes: any typed array, DataView or ArrayBuffer, as Python's `send_bytes` takes any
   * buffer; `offset` and `size` count bytes. Resolves once the bytes are handed to the OS. A large
   * buffer (over 16 KiB) is sent by reference: do not change it until the promise resolves.
   */
  sendBytes(data: ArrayBufferView | ArrayBuffer, offset = 0, size?: number): Promise<void> {
    let bytes = asBytes(data, 'data');
    const n = bytes.length;
    if (!Number.isInteger(offset) || offset < 0) throw new RangeError('offset must be an integer >= 0');
    if (offset > n) throw new RangeError('buffer length < offset');
    if (size === undefined) size = n - offset;
    else if (!Number.isInteger(size) || size < 0) throw new RangeError('size must be an integer >= 0');
    else if (offset + size > n) throw new RangeError('buffer length < offset + size');
    if (offset !== 0 || size !== n) bytes = bytes.subarray(offset, offset + size);
    const err = this.#checkWritable();
    if (err) return Promise.reject(err);
    return this.#writer.write(bytes);
  }

  // ---------------------------------------------------------------------------------------------
  // Receiving

  /** Receives a value sent with `send` (decoded by proc's codec). */
  recv(options?: WaitOptions): Promise<unknown> {
    if (options !== undefined) checkWaitOptions(options, 'options');
    return this.#receive(Want.Value, options, -1, null, 0);
  }

  /**
   * Receives one message as a Buffer (a view of what was read: no copy when the message arrived
   * in one chunk). Rejects with `EOFError` once the peer has closed and nothing is left.
   */
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
    return this.#receive(Want.Bytes, options, maxlength, null, 0) as Promise<Buffer>;
  }

  /**
   * Receives one message into `target` at byte `offset`; resolves with its length in bytes. A
   * message that does not fit rejects with `BufferTooShort`, whose `data` holds it.
   */
  recvBytesInto(target: ArrayBufferView | ArrayBuffer, offset = 0, options?: WaitOptions): Promise<number> {
    const bytes = asBytes(target, 'target');
    if (!Number.isInteger(offset) || offset < 0) throw new RangeError('offset must be an integer >= 0');
    if (offset > bytes.length) throw new RangeError('offset too large');
    if (options !== undefined) checkWaitOptions(options, 'options');
    return this.#receive(Want.Into, options, -1, bytes, offset) as Promise<number>;
  }

  /**
   * Whether a message (or the end of the stream) is ready to read: resolves at once with `false`
   * for `timeoutMs = 0` (the default, as Python's), waits up to `timeoutMs`, or without limit for
   * `null`. Unlike Python's (which checks the fd), it is true only for a whole message.
   */
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
      const cancel = this.#queue.onReady(() => {
        if (timer) clearTimeout(timer);
        resolve(true);
      });
      if (timeoutMs !== null) {
        timer = setTimeout(() => {
          cancel();
          resolve(false);
        }, timeoutMs);
      }
    });
  }

  /** Yields every value received with `recv` until the peer closes (clean EOF ends the loop). */
  async *[Symbol.asyncIterator](): AsyncGenerator<unknown, void, undefined> {
    for (;;) {
      let value: unknown;
      try {
        value = await this.recv();
      } catch (err) {
        if (err instanceof EOFError && !err.truncated) return;
        throw err;
      }
      yield value;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Ending

  /**
   * Closes this end: sends what is queued, then closes the stream; pending receives reject with
   * `ConnectionClosedError`. Idempotent; resolves once the stream is closed.
   */
  close(): Promise<void> {
    if (this.#closing) return this.#closing;
    // A Pipe end still connecting closes once connected, so what was sent on it is not lost.
    this.#closing = this.#state === State.Pending ? this.#attached.then(() => this.#closeOpen()) : this.#closeOpen();
    return this.#closing;
  }

  #closeOpen(): Promise<void> {
    const stream = this.#stream;
    const wasOpen = this.#state === State.Open;
    if (wasOpen) this.#writer.flush();
    this.#shutdown(closedByUs, Mode.Closed);
    if (!stream || !wasOpen || stream.destroyed) return Promise.resolve();
    return closeStream(stream);
  }

  /** Closes now: queued sends are dropped and fail, pending receives reject with `err`. */
  destroy(err?: Error): void {
    const stream = this.#stream;
    const wasOpen = this.#state === State.Open;
    this.#shutdown(err ?? closedByUs, err ? Mode.Error : Mode.Closed);
    this.#closing ??=
      stream && wasOpen && !stream.destroyed
        ? new Promise<void>((resolve) => stream.once('close', () => resolve()))
        : Promise.resolve();
    if (stream && wasOpen) stream.destroy();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** Python's reducer: hands the socket and the undelivered bytes to a child `Process`. */
  [reduceSymbol](ctx: ReduceContext): Reduced {
    return reduceConnection(this, ctx);
  }

  // ---------------------------------------------------------------------------------------------
  // Package internals

  /** Starts using `stream` (at construction, or when a `Pipe` end has connected). */
  [kAttach](stream: Duplex): void {
    if (this.#state === State.Closed || this.#state === State.Transferred) {
      stream.destroy();
      return;
    }
    this.#state = State.Open;
    this.#stream = stream;
    this.#attachedResolve?.();
    stream.on('error', this.#onError);
    stream.on('close', this.#onClose);
    if (this.#readable) {
      stream.on('end', this.#onEnd);
      stream.on('data', this.#onData);
    } else {
      // A write-only end reads nothing, but must see the peer leave.
      stream.on('end', this.#onEnd);
      stream.resume();
    }
    if (this.#writable) this.#writer.attach(stream);
  }

  /** Holds sends until `[kUncork]()`: the handshake's two frames go out in one write. */
  [kCork](): void {
    this.#writer.cork();
  }

  [kUncork](): void {
    this.#writer.uncork();
  }

  /** A `Pipe` end that could not connect. */
  [kFailPending](err: Error): void {
    if (this.#state === State.Pending) this.#shutdown(err, Mode.Error);
    this.#attachedResolve?.();
  }

  /**
   * Limits the next `frames` frames to `limit` bytes (the handshake's 256, as Python's
   * `recv_bytes(256)`); `null` lifts it.
   */
  [kFrameLimit](limit: number | null, frames = 0): void {
    this.#parser.limitNext(limit ?? this.#maxMessageSize, limit === null ? 0 : frames);
  }

  /** Feeds bytes read by a previous owner of the stream (a transferred connection). */
  [kPrime](bytes: Buffer): void {
    if (bytes.length > 0) this.#onData(bytes);
  }

  /**
   * Takes the stream away for a transfer: flushes queued sends (throws if the stream cannot
   * take them now), stops reading, and returns the stream and every byte read but not delivered.
   * `commit()` closes this object; `abort()` restores it.
   */
  [kDetach](): { stream: Duplex; pending: Buffer; commit: () => void; abort: () => void } {
    if (this.#state === State.Pending) {
      throw new SerializationError('This Pipe end is still connecting: await conn.ready before passing it to another process', {
        retryAfter: this.ready,
      });
    }
    if (this.#state !== State.Open || !this.#stream) {
      throw new SerializationError('A closed Connection cannot be passed to another process', {
        cause: this.#readError() ?? undefined,
      });
    }
    const stream = this.#stream;
    this.#writer.flush();
    if (stream.writableLength > 0 || this.#writer.queued > 0) {
      throw new SerializationError(
        `This Connection has ${stream.writableLength} bytes of sends not yet handed to the OS; await them before passing it on`,
      );
    }
    stream.off('data', this.#onData);
    const { held, wasReading } = drainStream(stream);
    const parts: Buffer[] = [];
    for (const frame of this.#queue.frames) parts.push(encodeFrame(frame));
    parts.push(...this.#parser.takeRemaining(), ...held);
    const pending = parts.length === 1 ? parts[0] : Buffer.concat(parts);
    const commit = () => {
      stream.off('error', this.#onError);
      stream.off('close', this.#onClose);
      stream.off('end', this.#onEnd);
      // After the handoff the stream belongs to the transfer; errors on its remains are not ours.
      stream.on('error', noop);
      this.#queue.clear();
      this.#shutdown(transferred, Mode.Closed);
      this.#state = State.Transferred;
      this.#stream = null;
      this.#closing = Promise.resolve();
    };
    const abort = () => {
      this.#queue.clear();
      this.#parser = new FrameParser(this.#parser.maxMessageSize);
      stream.on('data', this.#onData);
      this.#paused = false;
      resumeStream(stream, wasReading);
      this.#onData(pending);
    };
    return { stream, pending, commit, abort };
  }

  /** A message or the end is ready to read (for `wait()`). */
  [kIsReady](): boolean {
    return this.#ready() || this.#state >= State.Closed;
  }

  /** Resolves when a message or the end is ready (for `wait()`); `cancel` withdraws. */
  [kWhenReadable](): { promise: Promise<void>; cancel: () => void } {
    if (this.#ready() || this.#state >= State.Closed) return { promise: Promise.resolve(), cancel: noop };
    let cancel = noop as () => void;
    const promise = new Promise<void>((resolve) => {
      cancel = this.#queue.onReady(resolve);
    });
    return { promise, cancel };
  }

  // ---------------------------------------------------------------------------------------------
  // Engine

  #ready(): boolean {
    return this.#queue.frames.length > 0 || this.#readFailure !== null;
  }

  #checkWritable(): Error | undefined {
    if (!this.#writable) return new StateError('This connection is read-only');
    if (this.#state >= State.Closed || this.#closing) return this.#closedError();
    return undefined;
  }

  #checkReadable(): Error | undefined {
    if (!this.#readable) return new StateError('This connection is write-only');
    if ((this.#state >= State.Closed || this.#closing) && this.#queue.frames.length === 0) return this.#closedError();
    return undefined;
  }

  #closedError(): Error {
    if (this.#state === State.Transferred) return transferred();
    const why = this.#readError();
    if (why && !(why instanceof ConnectionClosedError)) return why;
    return new ConnectionClosedError();
  }

  #receive(want: Want, options: WaitOptions | undefined, maxlength: number, target: Uint8Array | null, offset: number): Promise<never> {
    const err = this.#checkReadable();
    if (err) return Promise.reject(err);
    const queue = this.#queue;
    if (queue.frames.length > 0) {
      const taken = queue.takeInto(want, maxlength, target, offset);
      if (this.#paused && queue.queuedBytes <= this.#readHwm / 2) {
        this.#paused = false;
        this.#stream?.resume();
      }
      return taken;
    }
    if (this.#readFailure) return Promise.reject(this.#readError());
    return queue.wait(want, options, maxlength, target, offset);
  }

  /** Python's `_bad_message_length`: unreadable from now on; closed if not writable either. */
  #badMessageLength(err: Error): void {
    if (this.#writable) {
      this.#readable = false;
      this.#failReaders(err);
      if (this.#stream) this.#stream.off('data', this.#onData);
      this.#stream?.resume();
    } else {
      this.destroy(err);
    }
  }

  #onData = (chunk: Buffer): void => {
    const parser = this.#parser;
    const queue = this.#queue;
    parser.push(chunk);
    try {
      for (let frame = parser.next(); frame !== undefined; frame = parser.next()) queue.push(frame);
    } catch (err) {
      // A protocol error: this connection is unusable; nothing was allocated for the frame.
      this.destroy(err as Error);
      return;
    }
    if (!this.#paused && queue.queuedBytes > this.#readHwm && this.#stream) {
      this.#paused = true;
      this.#stream.pause();
    }
  };

  #onEnd = (): void => {
    if (this.#readFailure) return;
    const truncated = this.#parser.buffered > 0;
    this.#failReaders(() => new EOFError(undefined, { truncated }));
  };

  #onError = (cause: Error): void => {
    const err = new TransportError(`The stream failed: ${cause.message}`, { cause });
    this.#shutdown(err, Mode.Error);
  };

  #onClose = (): void => {
    if (this.#state === State.Open) {
      const truncated = this.#parser.buffered > 0;
      this.#shutdown(this.#readFailure ?? (() => new EOFError(undefined, { truncated })), Mode.Eof);
    }
  };

  /** The error reads fail with (made on first use: routine closes create no Error). */
  #readError(): Error | null {
    const r = this.#readFailure;
    if (typeof r === 'function') this.#readFailure = r();
    return this.#readFailure as Error | null;
  }

  /** From now on reads fail with `reason` once the queued frames are taken. */
  #failReaders(reason: Reason): void {
    this.#readFailure ??= reason;
    this.#queue.failWaiters(() => this.#readError() as Error);
    this.#queue.notify();
  }

  /** Moves to Closed; `reason` is why reads and writes fail from now on. */
  #shutdown(reason: Reason, mode: Mode): void {
    if (this.#state >= State.Closed) return;
    this.#state = State.Closed;
    this.#failReaders(reason);
    this.#writer.fail(
      mode === Mode.Eof
        ? () => new ConnectionClosedError('The peer closed the connection', { cause: this.#readError() })
        : mode === Mode.Closed
          ? closedByUs
          : reason,
    );
    // Frames already received stay readable after the peer leaves (as bytes in a socket do),
    // but not after this end closes.
    if (mode === Mode.Closed) this.#queue.clear();
  }
}

/** An error, or how to make it when someone needs it (creating an Error captures a stack). */
type Reason = Error | (() => Error);

enum Mode {
  /** close(), destroy() without an error, or a transfer. */
  Closed = 0,
  /** The peer closed. */
  Eof = 1,
  /** A protocol or stream error. */
  Error = 2,
}

const closedByUs = () => new ConnectionClosedError();
const transferred = () => new ConnectionClosedError('The connection was transferred to another process');

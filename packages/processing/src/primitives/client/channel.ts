/**
 * A client's link to one host: requests with ids, replies matched to them, frames for the
 * primitives' client cores, and writes batched per tick (many frames, one write).
 */
import { abortError, busyPoll } from '@proc/core';
import { microtask } from '../microtask.js';
import { FrameParser, FrameWriter, Op } from '../protocol.js';
import { wireError } from './wire-error.js';

export interface Frame {
  op: Op;
  a: number;
  b: number;
  c: number;
  payload: Buffer;
}

/** The per-primitive client state that gets frames nobody asked for (deliveries, recalls). */
export interface Core {
  onFrame(op: Op, req: number, a: number, b: number, c: number, payload: Buffer): void;
  fail?(err: Error): void;
}

export interface CallOptions {
  signal?: AbortSignal;
  /**
   * On abort: `'drop'` rejects at once and hands a result that arrives anyway to `late` (an item
   * to give back, a lock to release); `'verdict'` waits for the host's answer (the op either
   * happened or was withdrawn), and the caller reads `Cancelled` as aborted.
   */
  onAbort?: 'drop' | 'verdict';
  late?(frame: Frame): void;
  /** Told the request id before the request leaves (to `answer` it locally later). */
  onReq?(req: number): void;
}

interface Pending {
  resolve(f: Frame): void;
  reject(e: Error): void;
  late?: (f: Frame) => void;
  cleanup?: () => void;
  held: boolean;
}

export abstract class Channel {
  readonly address: string;
  abstract readonly local: boolean;
  #writer = new FrameWriter();
  #scheduled = false;
  #pending = new Map<number, Pending>();
  #cores = new Map<number, Core>();
  #nextReq = 1;
  #gone: Error | null = null;
  #holds = 0;
  protected ready = true;
  protected readonly parser = new FrameParser((op, prim, req, a, b, c, payload) => this.#onFrame(op, prim, req, a, b, c, payload));

  constructor(address: string) {
    this.address = address;
  }

  get gone(): Error | null {
    return this.#gone;
  }

  /** The client core of `prim` on this channel (one per process, shared by every handle). */
  core<T extends Core>(prim: number, make: () => T): T {
    let c = this.#cores.get(prim) as T | undefined;
    if (!c) {
      c = make();
      this.#cores.set(prim, c);
    }
    return c;
  }

  /**
   * Queues a frame. It leaves at the end of this tick; a `lazy` frame on the local channel (a
   * put or an ack to this process's own host thread) may wait until the next macrotask so that
   * many go in one message (the host lives and dies with this process, so nothing is at risk).
   */
  send(op: Op, prim: number, req: number, a: number, b: number, c: number, payload?: Uint8Array, lazy = false): void {
    if (this.#gone) throw this.#gone;
    this.#writer.frame(op, prim, req, a, b, c, payload);
    if (lazy && this.local && this.#writer.length < 64 * 1024) {
      if (!this.#scheduled && !this.#immediate) this.#immediate = setImmediate(this.#flushNow);
      return;
    }
    if (!this.#scheduled) {
      this.#scheduled = true;
      microtask(this.#flushNow);
    }
  }

  /**
   * Sends one frame and writes it at once when nothing else is waiting to go (the common case
   * of `await q.put(x)` in a loop); resolves `true` when the kernel took it (or the host thread
   * has it) right away. Otherwise the frame joins the batch of this tick. After a direct write,
   * the frames sent in the same synchronous run (a producer that does not await each put) join
   * one batch too: one write(2) for all of them rather than one each.
   */
  sendNow(op: Op, prim: number, req: number, a: number, b: number, c: number, payload?: Uint8Array): true | Promise<void> {
    if (this.#gone) throw this.#gone;
    if (this.#burst || this.#scheduled || this.#immediate || !this.ready || this.#writer.length > 0 || this.#writing) {
      this.send(op, prim, req, a, b, c, payload);
      return this.flushed();
    }
    this.#writer.frame(op, prim, req, a, b, c, payload);
    const buf = this.#writer.take();
    this.#writing = true;
    let settle: ((err?: Error | null) => void) | undefined;
    let sync = true;
    const done = (err?: Error | null) => {
      this.#writing = false;
      if (!sync) settle?.(err);
    };
    if (this.write(buf, done)) {
      this.#writing = false;
      this.#burst = true;
      microtask(this.#endBurst);
      return true;
    }
    sync = false;
    this.#writer.detach();
    this.#hold();
    return new Promise<void>((resolve, reject) => {
      settle = (err) => {
        this.#unhold();
        if (err) reject(err);
        else resolve();
      };
    });
  }

  /** A direct write the kernel did not take at once is still draining. */
  #writing = false;
  /** A direct write happened in this synchronous run: later frames of the run are batched. */
  #burst = false;
  #endBurst = () => {
    this.#burst = false;
  };

  #immediate: NodeJS.Immediate | undefined;
  #flushNow = () => this.flush();

  /** Resolves once everything sent so far is handed to the OS (or to the host thread). */
  flushed(): Promise<void> {
    if (this.#gone) return Promise.reject(this.#gone);
    if (this.#writer.length === 0 && this.#batch === undefined) return Promise.resolve();
    if (this.#batch === undefined) {
      this.#hold();
      let resolve!: () => void;
      let reject!: (e: Error) => void;
      const promise = new Promise<void>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      this.#batch = { promise, resolve, reject };
    }
    return this.#batch.promise;
  }

  #batch: { promise: Promise<void>; resolve(): void; reject(e: Error): void } | undefined;

  /**
   * A request id for a request whose answers come as frames to the primitive's core (not to a
   * `call`), such as a standing get's pushed items.
   */
  reserveReq(): number {
    const req = this.#nextReq;
    this.#nextReq = this.#nextReq >= 0xfffffff0 ? 1 : this.#nextReq + 1;
    return req;
  }

  /** Sends a request and resolves with the host's answer (an `Error` frame rejects). */
  call(op: Op, prim: number, a: number, b: number, c: number, payload?: Uint8Array, options: CallOptions = {}): Promise<Frame> {
    if (this.#gone) return Promise.reject(this.#gone);
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(abortError(signal));
    const req = this.reserveReq();
    return new Promise<Frame>((resolve, reject) => {
      const p: Pending = { resolve, reject, held: true };
      this.#pending.set(req, p);
      this.#hold();
      if (signal) {
        const onAbort = () => {
          if (this.#gone) return;
          this.send(Op.Cancel, prim, req, 0, 0, 0);
          if (options.onAbort === 'verdict') return;
          p.late = options.late ?? (() => {});
          p.cleanup = undefined;
          this.#release(p);
          reject(abortError(signal));
        };
        signal.addEventListener('abort', onAbort, { once: true });
        p.cleanup = () => signal.removeEventListener('abort', onAbort);
      }
      options.onReq?.(req);
      this.send(op, prim, req, a, b, c, payload);
      // The host's answer is often due within microseconds: poll for it rather than sleep.
      busyPoll();
    });
  }

  /**
   * Answers the pending request `req` here (the client found its answer itself, e.g. an item
   * that streamed in) and withdraws it at the host; whatever the host still sends for it goes
   * to `late`. False when `req` is no longer pending.
   */
  answer(prim: number, req: number, frame: Frame, late: (f: Frame) => void): boolean {
    const p = this.#pending.get(req);
    if (!p || p.late || this.#gone) return false;
    p.late = late;
    this.#release(p);
    this.send(Op.Cancel, prim, req, 0, 0, 0);
    p.resolve(frame);
    return true;
  }

  #release(p: Pending): void {
    p.cleanup?.();
    p.cleanup = undefined;
    if (p.held) {
      p.held = false;
      this.#unhold();
    }
  }

  #onFrame(op: Op, prim: number, req: number, a: number, b: number, c: number, payload: Buffer): void {
    const p = req === 0 ? undefined : this.#pending.get(req);
    if (p) {
      this.#pending.delete(req);
      if (p.late) {
        if (op !== Op.Cancelled) p.late({ op, a, b, c, payload });
        return;
      }
      this.#release(p);
      if (op === Op.Error) p.reject(wireError(payload));
      else p.resolve({ op, a, b, c, payload });
      return;
    }
    this.#cores.get(prim)?.onFrame(op, req, a, b, c, payload);
  }

  protected flush(): void {
    this.#scheduled = false;
    if (this.#immediate) {
      clearImmediate(this.#immediate);
      this.#immediate = undefined;
    }
    if (!this.ready || this.#gone) return;
    const batch = this.#batch;
    this.#batch = undefined;
    const finish = (err?: Error | null) => {
      if (!batch) return;
      this.#unhold();
      if (err) batch.reject(err);
      else batch.resolve();
    };
    if (this.#writer.length === 0) {
      finish();
      return;
    }
    let done = false;
    const once = (err?: Error | null) => {
      if (done) return;
      done = true;
      finish(err);
    };
    const buf = this.#writer.take();
    if (this.write(buf, once)) once();
    else this.#writer.detach();
  }

  /** Hands `buf` to the OS; true when it took all of it now, else `done` is called later. */
  protected abstract write(buf: Buffer, done: (err?: Error | null) => void): boolean;
  protected abstract ref(): void;
  protected abstract unref(): void;

  /** Keeps the process alive until `unretain()` (something waits on this channel without a call). */
  retain(): void {
    if (!this.#gone) this.#hold();
  }

  unretain(): void {
    if (!this.#gone && this.#holds > 0) this.#unhold();
  }

  #hold(): void {
    if (++this.#holds === 1) this.ref();
  }

  #unhold(): void {
    if (--this.#holds === 0) this.unref();
  }

  /** The host is gone: every pending and later call rejects with `err`. */
  protected fail(err: Error): void {
    if (this.#gone) return;
    this.#gone = err;
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const p of pending) {
      p.cleanup?.();
      if (!p.late) p.reject(err);
    }
    const batch = this.#batch;
    this.#batch = undefined;
    batch?.reject(err);
    this.#holds = 0;
    this.unref();
    for (const c of this.#cores.values()) c.fail?.(err);
  }
}

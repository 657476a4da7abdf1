import { busyPoll, deserialize, SerializationError, type WaitOptions, withDeadline } from '@proc/core';
import { BufferTooShort, MessageTooLargeError } from '../errors.js';

/** What a pending receive wants made of the next frame. */
export enum Want {
  Value = 0,
  Bytes = 1,
  Into = 2,
}

interface Waiter {
  want: Want;
  resolve: (value: never) => void;
  reject: (err: Error) => void;
  maxlength: number;
  target: Uint8Array | null;
  offset: number;
}

/**
 * The receive side of a `Connection` between the frame parser and the callers: frames nobody
 * asked for yet wait in `frames`; receives that came first wait in `#waiters`. A frame is handed
 * to a waiting receive straight from the parser (no queue in between), so a ping-pong reply
 * costs one promise resolution.
 */
export class ReceiveQueue {
  /** Received frames not yet taken, oldest first. */
  frames: Buffer[] = [];
  /** Bytes in `frames` (for the read high-water mark). */
  queuedBytes = 0;
  #waiters: Waiter[] = [];
  #pollers = new Set<() => void>();
  /** Called when a `recvBytes({ maxlength })` meets a longer frame (Python's `_bad_message_length`). */
  readonly #onTooLong: (err: Error) => void;

  constructor(onTooLong: (err: Error) => void) {
    this.#onTooLong = onTooLong;
  }

  /** A frame from the parser: to the oldest waiting receive, else queued. */
  push(frame: Buffer): void {
    const waiter = this.#waiters.shift();
    if (waiter !== undefined) {
      this.#deliver(waiter, frame);
      return;
    }
    this.frames.push(frame);
    this.queuedBytes += frame.length;
    if (this.#pollers.size > 0) this.notify();
  }

  /** Completes a receive with the oldest queued frame (the caller checked there is one). */
  takeInto(want: Want, maxlength: number, target: Uint8Array | null, offset: number): Promise<never> {
    const frame = this.frames.shift() as Buffer;
    this.queuedBytes -= frame.length;
    return new Promise<never>((resolve, reject) => {
      this.#deliver({ want, resolve, reject, maxlength, target, offset }, frame);
    });
  }

  /**
   * A receive that waits for the next frame, under `options`' deadline and signal. It keeps the
   * event loop busy-polling for a moment (see `busyPoll`), since the frame is often a reply due
   * within microseconds.
   */
  wait(want: Want, options: WaitOptions | undefined, maxlength: number, target: Uint8Array | null, offset: number): Promise<never> {
    busyPoll();
    if (options === undefined || ((options.timeout ?? null) === null && !options.signal)) {
      return new Promise<never>((resolve, reject) => {
        this.#waiters.push({ want, resolve, reject, maxlength, target, offset });
      });
    }
    return withDeadline<never>(
      (onCancel) =>
        new Promise<never>((resolve, reject) => {
          const waiter: Waiter = { want, resolve, reject, maxlength, target, offset };
          this.#waiters.push(waiter);
          onCancel(() => {
            const i = this.#waiters.indexOf(waiter);
            if (i >= 0) this.#waiters.splice(i, 1);
          });
        }),
      options,
      'receive',
    );
  }

  /** Rejects every waiting receive with `err()` (made only if someone waits). */
  failWaiters(err: () => Error): void {
    const waiters = this.#waiters;
    if (waiters.length === 0) return;
    this.#waiters = [];
    const e = err();
    for (const w of waiters) w.reject(e);
  }

  /** Calls `onReady` once a frame (or the end) is ready; returns how to withdraw it. */
  onReady(onReady: () => void): () => void {
    busyPoll();
    const once = () => {
      this.#pollers.delete(once);
      onReady();
    };
    this.#pollers.add(once);
    return () => this.#pollers.delete(once);
  }

  /** Tells the pollers something is ready (a frame or the end). */
  notify(): void {
    if (this.#pollers.size > 0) for (const p of [...this.#pollers]) p();
  }

  clear(): void {
    this.frames = [];
    this.queuedBytes = 0;
  }

  /** Completes `waiter` with `frame`. */
  #deliver(waiter: Waiter, frame: Buffer): void {
    switch (waiter.want) {
      case Want.Bytes:
        if (waiter.maxlength >= 0 && frame.length > waiter.maxlength) {
          const err = new MessageTooLargeError(frame.length, waiter.maxlength);
          this.#onTooLong(err);
          waiter.reject(err);
          return;
        }
        waiter.resolve(frame as never);
        return;
      case Want.Value: {
        let value: unknown;
        try {
          value = deserialize(frame);
        } catch (cause) {
          waiter.reject(
            cause instanceof SerializationError
              ? cause
              : new SerializationError(`Cannot decode the message: ${(cause as Error).message}`, { cause }),
          );
          return;
        }
        waiter.resolve(value as never);
        return;
      }
      case Want.Into: {
        const target = waiter.target as Uint8Array;
        if (target.length - waiter.offset < frame.length) {
          waiter.reject(new BufferTooShort(Buffer.from(frame), target.length - waiter.offset));
          return;
        }
        target.set(frame, waiter.offset);
        waiter.resolve(frame.length as never);
        return;
      }
    }
  }
}

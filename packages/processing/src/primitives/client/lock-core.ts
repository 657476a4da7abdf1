/**
 * The client side of a Lock or RLock, one per (process, lock). It keeps this process's view of
 * who holds the lock: an RLock re-entered by its owner is counted here without a round trip,
 * and a release by a non-owner is refused at once.
 */
import { StateError } from '@proc/core';
import { LockAbandonedError } from '../errors.js';
import { Op } from '../protocol.js';
import type { Channel, Core } from './channel.js';

export interface AcquireOptions {
  /** `false`: do not wait (Python's `block=False`). @default true */
  block?: boolean;
  /** Milliseconds to wait; then `acquire` resolves `false` (as Python's). @default no limit */
  timeout?: number | null;
  /** Aborting rejects with `AbortError`. */
  signal?: AbortSignal;
}

const resolved = Promise.resolve();

export function acquireArgs(options: AcquireOptions): { a: number; b: number } {
  const block = options.block ?? true;
  return { a: block ? (options.timeout ?? -1) : 0, b: block ? 1 : 0 };
}

export class LockCore implements Core {
  readonly #ch: Channel;
  readonly #prim: number;
  readonly #recursive: boolean;
  /** owner -> how many times it holds the lock (this process's view). */
  readonly held = new Map<number, number>();
  /** The host counts this process as the holder, also while no task here holds it (caching). */
  #cached = false;
  /** The host asked for the lock back: release for real at the next release. */
  #recallPending = false;

  constructor(channel: Channel, prim: number, recursive: boolean) {
    this.#ch = channel;
    this.#prim = prim;
    this.#recursive = recursive;
  }

  onFrame(op: Op): void {
    if (op !== Op.LockRecall) return;
    if (this.held.size === 0 && this.#cached) {
      this.#cached = false;
      if (!this.#ch.gone) this.#ch.send(Op.Release, this.#prim, 0, 0, 0, 0);
    } else {
      this.#recallPending = true;
    }
  }

  async acquire(owner: number, options: AcquireOptions): Promise<boolean> {
    const mine = this.held.get(owner);
    if (this.#recursive && mine) {
      this.held.set(owner, mine + 1);
      return true;
    }
    if (this.#cached && this.held.size === 0 && !this.#recallPending) {
      // Cached: ours without asking. Tell the host (written before we return) who holds it.
      this.held.set(owner, 1);
      if (this.#ch.local) {
        this.#ch.send(Op.LockHeld, this.#prim, 0, 0, 0, owner);
        return true;
      }
      const sent = this.#ch.sendNow(Op.LockHeld, this.#prim, 0, 0, 0, owner);
      if (sent !== true) await sent;
      return true;
    }
    const { a, b } = acquireArgs(options);
    const f = await this.#ch.call(Op.Acquire, this.#prim, a, b, owner, undefined, {
      signal: options.signal,
      onAbort: 'drop',
      late: (late) => {
        // Granted after we gave up: give it back.
        if (late.op === Op.Reply && late.a === 1 && !this.#ch.gone) this.#ch.send(Op.Release, this.#prim, 0, 0, 0, owner);
      },
    });
    if (f.a !== 1) return false;
    this.#cached = true;
    this.held.set(owner, (this.held.get(owner) ?? 0) + 1);
    if (f.b === 1) throw new LockAbandonedError();
    return true;
  }

  /**
   * When this process holds the lock (its own bookkeeping says so), the host cannot refuse the
   * release: it resolves once the frame is with the kernel (or the host thread), with no round
   * trip. Otherwise (a Lock released by a process that did not acquire it) the host answers.
   */
  release(owner: number): Promise<void> {
    if (this.#ch.gone) return Promise.reject(this.#ch.gone);
    let mine = false;
    if (this.#recursive) {
      const n = this.held.get(owner);
      if (!n) return Promise.reject(new StateError('cannot release an RLock this owner did not acquire'));
      if (n > 1) {
        this.held.set(owner, n - 1);
        return resolved;
      }
      this.held.delete(owner);
      mine = true;
    } else {
      // A Lock may be released by any task or process (Python's rule).
      const who = this.held.has(owner) ? owner : this.held.keys().next().value;
      if (who !== undefined) {
        const n = this.held.get(who) as number;
        if (n > 1) this.held.set(who, n - 1);
        else this.held.delete(who);
        mine = true;
      }
    }
    if (!mine) return this.#ch.call(Op.Release, this.#prim, 0, 0, owner).then(() => {});
    let op = Op.Release;
    if (this.held.size === 0) {
      if (this.#cached && !this.#recallPending) {
        op = Op.LockIdle;
      } else {
        this.#cached = false;
        this.#recallPending = false;
      }
    }
    if (this.#ch.local) {
      this.#ch.send(op, this.#prim, 0, 0, 0, owner);
      return resolved;
    }
    const sent = this.#ch.sendNow(op, this.#prim, 0, 0, 0, owner);
    return sent === true ? resolved : sent;
  }

}

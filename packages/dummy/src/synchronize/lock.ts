import { threadId } from 'node:worker_threads';
import { LockAbandonedError } from '../errors.js';
import { isThreadAlive } from '../runtime/thread-table.js';
import { kShare, registerShareable, type Shared } from '../transport/shareable.js';
import { type AcquireOptions, waitUntil } from './wait-loop.js';

/** Words of a lock's shared state. */
export const L = { OWNER: 0, WAITERS: 1, COUNT: 2 } as const;

const me = threadId + 1;
const ABANDONED = Symbol('abandoned');

/**
 * Takes the lock word for this thread: true, false (held by a live owner), or ABANDONED (its
 * owner died holding it, and now this thread holds it).
 */
export function tryOwn(i32: Int32Array): boolean | typeof ABANDONED {
  const owner = Atomics.compareExchange(i32, L.OWNER, 0, me);
  if (owner === 0) return true;
  if (owner !== me && !isThreadAlive(owner - 1)) {
    if (Atomics.compareExchange(i32, L.OWNER, owner, me) === owner) {
      Atomics.store(i32, L.COUNT, 1);
      return ABANDONED;
    }
  }
  return false;
}

export function disown(i32: Int32Array): void {
  Atomics.store(i32, L.OWNER, 0);
  if (Atomics.load(i32, L.WAITERS) > 0) Atomics.notify(i32, L.OWNER);
}

/**
 * Python's `Lock` on threads: one int32 word in shared memory holding its owner's thread id.
 * `acquire` resolves `true` once held (`false` on timeout or with `block: false`).
 *
 * A thread that ends while holding the lock (returns, throws, is terminated, runs out of
 * memory) does not deadlock the others: the next acquirer takes the lock over and its
 * `acquire` rejects with `LockAbandonedError` while it holds the lock, since the state it
 * guards may be half-written. Release it once the state is checked.
 */
export class Lock {
  protected readonly i32: Int32Array;

  constructor(sab?: SharedArrayBuffer) {
    this.i32 = new Int32Array(sab instanceof SharedArrayBuffer ? sab : new SharedArrayBuffer(16));
  }

  async acquire(options?: AcquireOptions): Promise<boolean> {
    const r = tryOwn(this.i32);
    if (r === true) return true;
    if (r === ABANDONED) throw new LockAbandonedError();
    if (options?.block === false) return false;
    const got = await waitUntil<boolean | typeof ABANDONED>(
      this.i32,
      L.OWNER,
      L.WAITERS,
      () => {
        const t = tryOwn(this.i32);
        return t === false ? undefined : t;
      },
      options,
      () => false as const,
    );
    if (got === ABANDONED) throw new LockAbandonedError();
    return got;
  }

  release(): void {
    if (Atomics.load(this.i32, L.OWNER) === 0) throw new RangeError('release() of an unlocked lock');
    disown(this.i32);
  }

  /** True while some thread holds the lock. */
  locked(): boolean {
    return Atomics.load(this.i32, L.OWNER) !== 0;
  }

  /** Runs `fn` holding the lock (Python's `with lock:`). */
  async withLock<R>(fn: () => R | Promise<R>, options?: AcquireOptions): Promise<R> {
    await this.acquire(options);
    try {
      return await fn();
    } finally {
      this.release();
    }
  }

  [kShare](): Shared {
    return { type: this.constructor.name === 'RLock' ? 'RLock' : 'Lock', state: this.i32.buffer };
  }
}

registerShareable('Lock', (sab: SharedArrayBuffer) => new Lock(sab));

/**
 * Python's `RLock`: the owning thread may acquire it again; it is free once released as many
 * times. The owner is the thread (threads are what Python's dummy RLock is owned by).
 */
export class RLock extends Lock {
  override async acquire(options?: AcquireOptions): Promise<boolean> {
    if (Atomics.load(this.i32, L.OWNER) === me) {
      Atomics.add(this.i32, L.COUNT, 1);
      return true;
    }
    try {
      const ok = await super.acquire(options);
      if (ok) Atomics.store(this.i32, L.COUNT, 1);
      return ok;
    } catch (err) {
      if (err instanceof LockAbandonedError) Atomics.store(this.i32, L.COUNT, 1);
      throw err;
    }
  }

  override release(): void {
    if (Atomics.load(this.i32, L.OWNER) !== me) throw new RangeError('cannot release un-acquired lock');
    if (Atomics.sub(this.i32, L.COUNT, 1) === 1) disown(this.i32);
  }

  /** True when this thread holds it. */
  isOwned(): boolean {
    return Atomics.load(this.i32, L.OWNER) === me;
  }
}

registerShareable('RLock', (sab: SharedArrayBuffer) => new RLock(sab));

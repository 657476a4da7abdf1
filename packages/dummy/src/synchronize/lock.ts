import { checkWaitOptions, StateError } from '@proc/core';
import { LockAbandonedError } from '../errors.js';
import { isThreadAlive } from '../runtime/thread-table.js';
import { kShare, registerShareable, type Shared } from '../transport/shareable.js';
import { Acquirable, type AcquireOptions } from './acquirable.js';
import { currentOwner, me } from './owner.js';
import { waitUntil } from './wait-loop.js';

/** Words of a lock's shared state: the owning thread (`threadId + 1`, 0 when free), its async owner, the recursion count, sleepers. */
export const L = { OWNER: 0, CTX: 1, COUNT: 2, WAITERS: 3 } as const;

const ABANDONED = Symbol('abandoned');

export function checkAcquire(options: AcquireOptions | undefined): void {
  if (options === undefined) return;
  checkWaitOptions(options, 'options');
  if (options.block !== undefined && typeof options.block !== 'boolean') throw new TypeError('options.block must be a boolean');
}

/** Takes the lock word for (this thread, `owner`): true, false (held by a live owner), or ABANDONED. */
function tryOwn(i32: Int32Array, owner: number): boolean | typeof ABANDONED {
  const held = Atomics.compareExchange(i32, L.OWNER, 0, me);
  if (held === 0) {
    Atomics.store(i32, L.CTX, owner);
    Atomics.store(i32, L.COUNT, 1);
    return true;
  }
  if (held !== me && !isThreadAlive(held - 1) && Atomics.compareExchange(i32, L.OWNER, held, me) === held) {
    Atomics.store(i32, L.CTX, owner);
    Atomics.store(i32, L.COUNT, 1);
    return ABANDONED;
  }
  return false;
}

function disown(i32: Int32Array): void {
  Atomics.store(i32, L.COUNT, 0);
  Atomics.store(i32, L.CTX, 0);
  Atomics.store(i32, L.OWNER, 0);
  if (Atomics.load(i32, L.WAITERS) > 0) Atomics.notify(i32, L.OWNER);
}

/** The lock machinery on one SharedArrayBuffer, shared by Lock, RLock and Condition. */
export class LockWord {
  readonly i32: Int32Array;
  readonly recursive: boolean;

  constructor(sab: SharedArrayBuffer, recursive: boolean) {
    this.i32 = new Int32Array(sab);
    this.recursive = recursive;
  }

  /** Held by this thread in the current async context. */
  isMine(owner = currentOwner()): boolean {
    return Atomics.load(this.i32, L.OWNER) === me && Atomics.load(this.i32, L.CTX) === owner;
  }

  async acquire(options: AcquireOptions | undefined): Promise<boolean> {
    const owner = currentOwner();
    const i32 = this.i32;
    if (this.recursive && this.isMine(owner)) {
      Atomics.add(i32, L.COUNT, 1);
      return true;
    }
    const r = tryOwn(i32, owner);
    if (r === true) return true;
    if (r === ABANDONED) throw new LockAbandonedError();
    if (options?.block === false) return false;
    const got = await waitUntil<boolean | typeof ABANDONED>(
      i32,
      L.OWNER,
      L.WAITERS,
      () => {
        const t = tryOwn(i32, owner);
        return t === false ? undefined : t;
      },
      options,
      () => false,
    );
    if (got === ABANDONED) throw new LockAbandonedError();
    return got;
  }

  release(): void {
    const i32 = this.i32;
    if (this.recursive) {
      if (!this.isMine()) throw new StateError('cannot release un-acquired lock: this owner does not hold it');
      if (Atomics.sub(i32, L.COUNT, 1) === 1) disown(i32);
      return;
    }
    if (Atomics.load(i32, L.OWNER) === 0) throw new RangeError('release() of an unlocked lock');
    disown(i32);
  }

  /** For Condition.wait: lets go entirely, returning the recursion depth to restore. */
  releaseAll(): number {
    const depth = Atomics.load(this.i32, L.COUNT);
    disown(this.i32);
    return depth;
  }

  restore(depth: number): void {
    Atomics.store(this.i32, L.COUNT, depth);
  }
}

/**
 * Python's `Lock` on threads: one int32 word in shared memory holding its owner's thread id.
 * Any owner may release it (as Python's). A thread that ends while holding it (returns, throws,
 * is terminated, runs out of memory) does not deadlock the others: the next `acquire` takes
 * it over and rejects with `LockAbandonedError` while holding it, since the state it guards may
 * be half-written.
 */
export class Lock extends Acquirable {
  /** @internal */
  readonly word: LockWord;

  constructor() {
    super();
    this.word = new LockWord(takeShared() ?? new SharedArrayBuffer(16), this instanceof RLock);
  }

  /** Resolves `true` once held, `false` on timeout or with `block: false`. */
  acquire(options?: AcquireOptions): Promise<boolean> {
    checkAcquire(options);
    return this.word.acquire(options);
  }

  /** Rejects with `RangeError` when the lock is not held. */
  release(): Promise<void> {
    try {
      this.word.release();
      return Promise.resolve();
    } catch (err) {
      return Promise.reject(err);
    }
  }

  [kShare](): Shared {
    return { type: this.word.recursive ? 'RLock' : 'Lock', state: this.word.i32.buffer };
  }
}

/**
 * Python's `RLock`: re-entrant for its owner, which is the thread together with its async
 * context (see `ownerScope`), so two unrelated tasks do not share it. Only the owner may
 * release it (`StateError` otherwise).
 */
export class RLock extends Lock {}

let pendingShared: SharedArrayBuffer | undefined;

/** Rebuilding in another thread: the next constructor call adopts `sab` instead of allocating. */
export function withShared<T>(sab: SharedArrayBuffer, make: () => T): T {
  pendingShared = sab;
  try {
    return make();
  } finally {
    pendingShared = undefined;
  }
}

export function takeShared(): SharedArrayBuffer | undefined {
  const s = pendingShared;
  pendingShared = undefined;
  return s;
}

registerShareable('Lock', (sab: SharedArrayBuffer) => withShared(sab, () => new Lock()));
registerShareable('RLock', (sab: SharedArrayBuffer) => withShared(sab, () => new RLock()));

/**
 * The referents of `manager.Lock()` and `manager.RLock()`. The owner is the calling async task of
 * a client (connection + the proxy's owner token, see `sameOwner`).
 * When the owner's connection ends while it holds the lock (the process died), the server
 * releases the lock and the next acquirer is granted it *and* told: its `acquire()` throws
 * `LockAbandonedError` (it holds the lock), as a robust mutex returns EOWNERDEAD.
 */
import { LockAbandonedError, LockStateError } from '../errors.js';
import { currentCall, type Owner, sameOwner } from '../server/call-context.js';
import { type Waiter, WaitQueue } from '../server/waiters.js';

export interface AcquireOptions {
  /** @default true */
  block?: boolean;
  /** Milliseconds; resolves `false` when they pass. @default no limit */
  timeout?: number | null;
}

type Grant = 'ok' | 'abandoned';

export class SharedLock {
  #holder: Owner | null = null;
  #count = 0;
  #offClose: (() => void) | null = null;
  #abandoned = false;
  #waiters = new WaitQueue<Grant>();
  readonly #reentrant: boolean;

  constructor(reentrant = false) {
    this.#reentrant = reentrant;
  }

  #take(owner: Owner): void {
    this.#holder = owner;
    this.#count = 1;
    this.#offClose = owner.atClose(() => this.#ownerDied(owner));
  }

  #ownerDied(owner: Owner): void {
    if (!sameOwner(this.#holder, owner)) return;
    this.#holder = null;
    this.#count = 0;
    this.#offClose = null;
    this.#abandoned = true;
    this.#handOff();
  }

  #handOff(): void {
    const w = this.#waiters.shift();
    if (!w) return;
    this.#take(w.owner);
    const abandoned = this.#abandoned;
    this.#abandoned = false;
    w.grant(abandoned ? 'abandoned' : 'ok');
  }

  acquire(options?: AcquireOptions): boolean | Promise<boolean> {
    const owner = currentCall().owner;
    if (this.#holder === null) {
      this.#take(owner);
      if (this.#abandoned) {
        this.#abandoned = false;
        throw new LockAbandonedError();
      }
      return true;
    }
    if (this.#reentrant && sameOwner(this.#holder, owner)) {
      this.#count++;
      return true;
    }
    if (options?.block === false) return false;
    return this.#waiters.park(options?.timeout, () => 'timeout' as Grant).then((g) => {
      if (g === 'abandoned') throw new LockAbandonedError();
      return g === 'ok';
    });
  }

  release(): void {
    const owner = currentCall().owner;
    if (this.#holder === null) throw new LockStateError('release() of an unlocked lock');
    if (this.#reentrant && !sameOwner(this.#holder, owner)) throw new LockStateError('cannot release an RLock this task does not own');
    if (this.#reentrant && --this.#count > 0) return;
    this.#offClose?.();
    this.#offClose = null;
    this.#holder = null;
    this.#count = 0;
    this.#handOff();
  }

  locked(): boolean {
    return this.#holder !== null;
  }

  /** Internal (Condition): fully releases, returning the recursion depth to restore. */
  releaseAll(owner: Owner): number {
    if (!sameOwner(this.#holder, owner)) throw new LockStateError('cannot wait on an un-acquired lock');
    const depth = this.#count;
    this.#offClose?.();
    this.#offClose = null;
    this.#holder = null;
    this.#count = 0;
    this.#handOff();
    return depth;
  }

  /** Internal (Condition): reacquires for `owner` with `depth`, waiting as needed. */
  reacquire(owner: Owner, depth: number): Promise<void> | void {
    const restore = () => {
      this.#count = depth;
    };
    if (this.#holder === null) {
      this.#take(owner);
      this.#abandoned = false;
      restore();
      return;
    }
    return new Promise<void>((resolve) => {
      const w: Waiter<Grant> = {
        owner,
        data: undefined,
        settled: false,
        grant: () => {
          w.settled = true;
          restore();
          resolve();
        },
        fail: () => {
          w.settled = true;
          resolve();
        },
      };
      this.#waiters.add(w);
    });
  }

  isOwnedBy(owner: Owner): boolean {
    return sameOwner(this.#holder, owner);
  }
}

export class SharedRLock extends SharedLock {
  constructor() {
    super(true);
  }
}

import { checkWaitOptions } from '@proc/core';
import { Acquirable, type AcquireOptions } from './acquirable.js';
import { LockCore } from './client/lock-core.js';
import { currentOwner } from './owner.js';

export function checkAcquire(options: AcquireOptions | undefined): void {
  if (options === undefined) return;
  checkWaitOptions(options, 'options');
  if (options.block !== undefined && typeof options.block !== 'boolean') throw new TypeError('options.block must be a boolean');
}

/**
 * Python's `multiprocessing.Lock`: one holder at a time, across processes. Any task or process
 * may release it (as Python's). If the holder's process dies, the host releases it and the next
 * `acquire` rejects with `LockAbandonedError` while holding it.
 */
export class Lock extends Acquirable {
  readonly #core: LockCore;

  constructor() {
    super('Lock', {}, { kind: 'lock', recursive: false });
    this.#core = this.channel.core(this.prim, () => new LockCore(this.channel, this.prim, false));
  }

  /** Python's `acquire(block=True, timeout=None)`: resolves `true` once held, `false` on timeout or `block: false`. */
  acquire(options?: AcquireOptions): Promise<boolean> {
    checkAcquire(options);
    const owner = currentOwner();
    return this.#core.acquire(owner, options ?? {});
  }

  /** Rejects with `RangeError` when the lock is not held. */
  release(): Promise<void> {
    return this.#core.release(currentOwner());
  }
}

/**
 * Python's `multiprocessing.RLock`: re-entrant for its owner. The owner is the process together
 * with its async context (see `ownerScope`), so two unrelated tasks do not share it. Only the
 * owner may release it (`StateError` otherwise).
 */
export class RLock extends Acquirable {
  readonly #core: LockCore;

  constructor() {
    super('RLock', {}, { kind: 'lock', recursive: true });
    this.#core = this.channel.core(this.prim, () => new LockCore(this.channel, this.prim, true));
  }

  acquire(options?: AcquireOptions): Promise<boolean> {
    checkAcquire(options);
    const owner = currentOwner();
    return this.#core.acquire(owner, options ?? {});
  }

  release(): Promise<void> {
    return this.#core.release(currentOwner());
  }
}

/**
 * Errors of the manager-free primitives. They extend `ProcError` from @proc/core, so they carry
 * a stable `code`, a `name`, a `cause`, and `instanceof` works across package copies.
 */
import { ProcError, type ProcErrorOptions } from '@proc/core';

type Options = ProcErrorOptions;

/** Python's `queue.Empty`: `get` without blocking (or after its timeout) found nothing. */
export class Empty extends ProcError {
  constructor(message = 'The queue is empty', options?: Options) {
    super(message, 'PROC_ERR_EMPTY', options);
  }
}

/** Python's `queue.Full`: `put` without blocking (or after its timeout) found no room. */
export class Full extends ProcError {
  constructor(message = 'The queue is full', options?: Options) {
    super(message, 'PROC_ERR_FULL', options);
  }
}

/** Python's `threading.BrokenBarrierError`: the barrier was aborted, reset, timed out or lost a party. */
export class BrokenBarrierError extends ProcError {
  constructor(message = 'The barrier is broken', options?: Options) {
    super(message, 'PROC_ERR_BROKEN_BARRIER', options);
  }
}

/**
 * The previous owner of a `Lock`/`RLock` died while holding it (as POSIX's `EOWNERDEAD`). The
 * `acquire` that rejects with this error DID acquire the lock: the caller holds it now and must
 * release it, after repairing whatever state the lock protected.
 */
export class LockAbandonedError extends ProcError {
  constructor(message = 'The lock was abandoned: its owner died while holding it. You hold it now.', options?: Options) {
    super(message, 'PROC_ERR_LOCK_ABANDONED', options);
  }
}

/**
 * The process hosting a primitive is gone (exited or killed), or could not be reached or
 * authenticated. Every pending and later call on its primitives rejects with this error.
 */
export class HostGoneError extends ProcError {
  constructor(message = 'The process hosting this primitive is gone', code = 'PROC_ERR_HOST_GONE', options?: Options) {
    super(message, code, options);
  }
}

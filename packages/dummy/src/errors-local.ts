import { ProcError, type ProcErrorOptions } from '@proc/core';

/** Python's `queue.Empty`. */
export class Empty extends ProcError {
  constructor(message = 'The queue is empty', options?: ProcErrorOptions) {
    super(message, 'PROC_ERR_EMPTY', options);
  }
}

/** Python's `queue.Full`. */
export class Full extends ProcError {
  constructor(message = 'The queue is full', options?: ProcErrorOptions) {
    super(message, 'PROC_ERR_FULL', options);
  }
}

/** Python's `threading.BrokenBarrierError`. */
export class BrokenBarrierError extends ProcError {
  constructor(message = 'The barrier is broken', options?: ProcErrorOptions) {
    super(message, 'PROC_ERR_BROKEN_BARRIER', options);
  }
}

/**
 * The previous owner of a lock ended while holding it. The lock is now held by the caller that
 * got this error (as a robust mutex returns EOWNERDEAD), since the state it guarded may be
 * half-written; release it when the state is repaired.
 */
export class LockAbandonedError extends ProcError {
  constructor(message = 'The previous owner of the lock ended while holding it; the lock is now yours', options?: ProcErrorOptions) {
    super(message, 'PROC_ERR_LOCK_ABANDONED', options);
  }
}

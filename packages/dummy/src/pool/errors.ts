import { ChildExitError, ProcessError, StateError } from '@proc/core';

/**
 * The pool's errors: the same classes (by name and code) as @proc/processing's pool, so a
 * program catches the same errors on either backend.
 */

/** A worker ended while it held tasks; each of them rejects with this error. */
export class WorkerLostError extends ChildExitError {
  override readonly code: string = 'PROC_ERR_POOL_WORKER_LOST';
  /** The worker's process id (this process's, for a thread). */
  readonly pid: number | undefined;

  constructor(
    message: string,
    info: { exitCode: number | null; signal: NodeJS.Signals | null; stderrTail?: string; pid?: number },
    options?: { cause?: unknown },
  ) {
    super(message, info, options);
    this.pid = info.pid;
  }
}

/** The initializer failed too many times in a row: the pool stopped and rejects its work. */
export class PoolBrokenError extends ProcessError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 'PROC_ERR_POOL_BROKEN', options);
  }
}

/** Work that was queued or running when `terminate()` was called. */
export class PoolTerminatedError extends StateError {
  override readonly code: string = 'PROC_ERR_POOL_TERMINATED';
}

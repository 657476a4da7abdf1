import { ChildExitError, ProcessError, StateError } from '@proc/core';

/**
 * The pool's own errors. Like every proc error they carry a stable `code` and a `name`, and
 * `instanceof` works across package copies (the brand of `ProcError`).
 */

/**
 * A worker ended while it held tasks (it threw at top level, was killed, ran out of memory,
 * called `process.exit`, or was stopped to end an aborted task). Every task it held rejects
 * with this error; the pool replaces the worker and goes on.
 */
export class WorkerLostError extends ChildExitError {
  override readonly code: string = 'PROC_ERR_POOL_WORKER_LOST';
  /** The worker's process id, when it had one. */
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

/**
 * The pool's `initializer` failed (or workers could not start) too many times in a row: the
 * pool stopped starting workers and rejects its work with this error. `cause` is the error the
 * initializer threw in the worker.
 */
export class PoolBrokenError extends ProcessError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 'PROC_ERR_POOL_BROKEN', options);
  }
}

/** Work that was queued or running when `terminate()` was called. */
export class PoolTerminatedError extends StateError {
  override readonly code: string = 'PROC_ERR_POOL_TERMINATED';
}

/**
 * The pool's errors are @proc/processing's own classes (the same for both backends), so a
 * program catches the same errors whichever pool runs its tasks.
 */
export { PoolBrokenError, PoolTerminatedError, WorkerLostError } from '@proc/processing';

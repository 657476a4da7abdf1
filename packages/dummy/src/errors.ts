/**
 * Errors of @proc/dummy. The queue and lock errors are the ones @proc/processing throws, so a
 * program catches the same classes on either backend.
 */
export { Empty, Full, BrokenBarrierError, LockAbandonedError } from './errors-local.js';

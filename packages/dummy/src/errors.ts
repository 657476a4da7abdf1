/**
 * Errors of @proc/dummy: the queue and lock errors are @proc/processing's own classes, so a
 * program catches the same errors on either backend.
 */
export { BrokenBarrierError, Empty, Full, HostGoneError, LockAbandonedError } from '@proc/processing';

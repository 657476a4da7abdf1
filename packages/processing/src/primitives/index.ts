/**
 * Queues and synchronization primitives that need no manager: the process that creates one
 * hosts it (in a worker thread of its own), others reach it over an authenticated Unix socket.
 * See docs/primitives-design.md.
 */
export type { AcquireOptions, Held } from './acquirable.js';
export { Barrier } from './barrier.js';
export { Condition, type ConditionWaitOptions } from './condition.js';
export { BrokenBarrierError, Empty, Full, HostGoneError, LockAbandonedError } from './errors.js';
export { Event } from './event.js';
export { Lock, RLock } from './lock.js';
export { ownerScope } from './owner.js';
export { JoinableQueue, Queue, type QueueOptions, type QueueWaitOptions, SimpleQueue } from './queue.js';
export { BoundedSemaphore, Semaphore } from './semaphore.js';
export { SharedArray, type Typecode, type TypecodeOrType, Value, type ValueOptions } from './value.js';

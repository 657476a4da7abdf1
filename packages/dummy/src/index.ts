/**
 * @proc/dummy: the API of @proc/processing on worker threads. A program switches from processes
 * to threads by changing its import line (Python's `processing.dummy`). What is the same for
 * both (identity, errors, Listener/Client) is re-exported from the lower packages; the rest is
 * this package's own thread implementation of the same interfaces.
 */
export {
  AbortError,
  activeChildren,
  ChildBootError,
  ChildExitError,
  cpuCount,
  currentProcess,
  getAllStartMethods,
  getStartMethod,
  isMainProcess,
  logToStderr,
  parentProcess,
  ProcessError,
  ProcError,
  SerializationError,
  setStartMethod,
  StateError,
  TimeoutError,
  type StartMethod,
} from '@proc/core';
export { ownerScope } from '@proc/processing';
export * from './errors.js';
export { getContext, type ThreadContext } from './process/context.js';
export { Process, type ProcessOptions, type ProcessEvents } from './process/process.js';
export { Queue, type QueueOptions, type QueueWaitOptions } from './queues/queue.js';
export { JoinableQueue } from './queues/joinable-queue.js';
export { SimpleQueue } from './queues/simple-queue.js';
export type { AcquireOptions, Held } from './synchronize/acquirable.js';
export { Lock, RLock } from './synchronize/lock.js';
export { Semaphore, BoundedSemaphore } from './synchronize/semaphore.js';
export { Condition, type ConditionWaitOptions } from './synchronize/condition.js';
export { Event } from './synchronize/event.js';
export { Barrier } from './synchronize/barrier.js';
export { SharedArray, Value, type Typecode, type TypecodeOrType, type ValueOptions } from './synchronize/value.js';
export { Connection, Pipe, type PipeOptions, type RecvBytesOptions } from './connection/connection.js';
export { Manager, SyncManager } from './managers/manager.js';
export {
  Pool,
  type PoolOptions,
  type CallOptions,
  type MapOptions,
  type ApplyAsyncOptions,
  type MapAsyncOptions,
} from './pool/pool.js';
export { AsyncResult } from './pool/async-result.js';
export { IMapIterator } from './pool/imap-iterator.js';
export { WorkerLostError, PoolBrokenError, PoolTerminatedError } from './pool/errors.js';
export {
  AuthenticationError,
  BufferTooShort,
  Client,
  ConnectionClosedError,
  EOFError,
  Listener,
  type ClientOptions,
  type ListenerOptions,
} from '@proc/connection';

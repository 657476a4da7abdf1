/**
 * @proc/dummy: the API of @proc/processing on worker threads. A program switches from processes
 * to threads by changing its import line (Python's `processing.dummy`). What is the same for
 * both (identity, errors, Listener/Client, BaseManager) is re-exported from the lower packages;
 * the rest is this package's own thread implementation of the same interfaces.
 */

export {
  type Address,
  AuthenticationError,
  BufferTooShort,
  Client,
  type ClientOptions,
  EOFError,
  Listener,
  type ListenerOptions,
} from '@proc/connection';
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
  ProcError,
  ProcessError,
  parentProcess,
  SerializationError,
  type StartMethod,
  StateError,
  setForkserverSpares,
  setStartMethod,
  TargetNotFoundError,
  TimeoutError,
} from '@proc/core';
export { BaseManager, type ManagerOptions } from '@proc/managers';
export { ownerScope } from '@proc/processing';
export { Connection, Pipe, type PipeOptions, type RecvBytesOptions, wait } from './connection/connection.js';
export * from './errors.js';
export { Manager, SyncManager } from './managers/manager.js';
export { AsyncResult } from './pool/async-result.js';
export { PoolBrokenError, PoolTerminatedError, WorkerLostError } from './pool/errors.js';
export { IMapIterator } from './pool/imap-iterator.js';
export {
  type ApplyAsyncOptions,
  type CallOptions,
  type MapAsyncOptions,
  type MapOptions,
  Pool,
  type PoolOptions,
} from './pool/pool.js';
export { type Context, getContext } from './process/context.js';
export { Process, type ProcessEvents, type ProcessOptions } from './process/process.js';
export { JoinableQueue } from './queues/joinable-queue.js';
export { Queue, type QueueOptions, type QueueWaitOptions } from './queues/queue.js';
export { SimpleQueue } from './queues/simple-queue.js';
export type { AcquireOptions, Held } from './synchronize/acquirable.js';
export { Barrier } from './synchronize/barrier.js';
export { Condition, type ConditionWaitOptions } from './synchronize/condition.js';
export { Event } from './synchronize/event.js';
export { Lock, RLock } from './synchronize/lock.js';
export { BoundedSemaphore, Semaphore } from './synchronize/semaphore.js';
export { SharedArray, type Typecode, type TypecodeOrType, Value, type ValueOptions } from './synchronize/value.js';

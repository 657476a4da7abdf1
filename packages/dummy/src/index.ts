/**
 * @proc/dummy: the API of @proc/processing on worker threads. A program switches from processes
 * to threads by changing its import line (Python's `processing.dummy`).
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
export * from './errors.js';
export { Process, type ProcessOptions, type ProcessEvents } from './process/process.js';
export { Queue, type QueueOptions, type PutOptions, type GetOptions } from './queues/queue.js';
export { JoinableQueue } from './queues/joinable-queue.js';
export { SimpleQueue } from './queues/simple-queue.js';
export { Lock, RLock } from './synchronize/lock.js';
export { Semaphore, BoundedSemaphore } from './synchronize/semaphore.js';
export { Condition } from './synchronize/condition.js';
export { Event } from './synchronize/event.js';
export { Barrier, type BarrierOptions } from './synchronize/barrier.js';
export type { AcquireOptions } from './synchronize/wait-loop.js';
export { Pool, type PoolOptions, type CallOptions, type MapOptions, type ApplyAsyncOptions, type MapAsyncOptions } from './pool/pool.js';
export { AsyncResult } from './pool/async-result.js';
export { IMapIterator } from './pool/imap-iterator.js';
export { WorkerLostError, PoolBrokenError, PoolTerminatedError } from './pool/errors.js';
export { Connection, Pipe, type PipeOptions, type RecvBytesOptions } from './connection/connection.js';
export { Manager, SyncManager } from './managers/manager.js';
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

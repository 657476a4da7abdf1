/**
 * @proc/processing: the whole API in one import, as Python's `processing` module is.
 * Process and identity come from @proc/core, Pipe/Listener/Client from @proc/connection,
 * Manager from @proc/managers; queues, locks and Pool live in this package.
 */

export {
  type Address,
  AuthenticationError,
  BufferTooShort,
  Client,
  type ClientOptions,
  Connection,
  EOFError,
  Listener,
  type ListenerOptions,
  Pipe,
  type PipeOptions,
  wait,
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
  Process,
  ProcessError,
  type ProcessOptions,
  parentProcess,
  SerializationError,
  type StartMethod,
  StateError,
  setForkserverSpares,
  setStartMethod,
  TargetNotFoundError,
  TimeoutError,
} from '@proc/core';
export { BaseManager, Manager, type ManagerOptions, SyncManager } from '@proc/managers';
export { type Context, getContext } from './context.js';
export * from './pool/index.js';
export * from './primitives/index.js';

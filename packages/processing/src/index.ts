/**
 * @proc/processing: the whole API in one import, as Python's `processing` module is.
 * Process and identity come from @proc/core, Pipe/Listener/Client from @proc/connection,
 * Manager from @proc/managers; queues, locks and Pool live in this package.
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
  Process,
  ProcessError,
  ProcError,
  SerializationError,
  setForkserverSpares,
  setStartMethod,
  StateError,
  TargetNotFoundError,
  TimeoutError,
  type ProcessOptions,
  type StartMethod,
} from '@proc/core';
export {
  AuthenticationError,
  BufferTooShort,
  Client,
  Connection,
  EOFError,
  Listener,
  Pipe,
  wait,
  type Address,
  type ClientOptions,
  type ListenerOptions,
  type PipeOptions,
} from '@proc/connection';
export { BaseManager, Manager, SyncManager, type ManagerOptions } from '@proc/managers';
export { type Context, getContext } from './context.js';
export * from './primitives/index.js';
export * from './pool/index.js';

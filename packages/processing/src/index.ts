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
  getContext,
  getStartMethod,
  isMainProcess,
  logToStderr,
  parentProcess,
  Process,
  ProcessError,
  ProcError,
  SerializationError,
  setStartMethod,
  StateError,
  TimeoutError,
  type ProcessOptions,
  type StartMethod,
} from '@proc/core';
export * from './primitives/index.js';
export * from './pool/index.js';

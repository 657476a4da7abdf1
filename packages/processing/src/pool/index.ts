export { AsyncResult } from './async-result.js';
export { PoolBrokenError, PoolTerminatedError, WorkerLostError } from './errors.js';
export { IMapIterator } from './imap.js';
export {
  type AsyncCallOptions,
  type CallOptions,
  type LocateOptions,
  type MapAsyncOptions,
  type MapOptions,
  Pool,
  type PoolOptions,
} from './pool.js';

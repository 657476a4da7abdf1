import { StateError, TimeoutError } from '@proc/core';
import { BrokenBarrierError, Empty, Full, HostGoneError, LockAbandonedError } from '../errors.js';

/** Rebuilds the error a host sent as `{ name, message }`. */
export function wireError(payload: Buffer): Error {
  let name = 'Error';
  let message = 'unknown error from the primitives host';
  try {
    ({ name, message } = JSON.parse(payload.toString('utf8')) as { name: string; message: string });
  } catch {}
  switch (name) {
    case 'BrokenBarrierError':
      return new BrokenBarrierError(message);
    case 'StateError':
      return new StateError(message);
    case 'RangeError':
      return new RangeError(message);
    case 'TypeError':
      return new TypeError(message);
    case 'Empty':
      return new Empty(message);
    case 'Full':
      return new Full(message);
    case 'LockAbandonedError':
      return new LockAbandonedError(message);
    case 'HostGoneError':
      return new HostGoneError(message);
    case 'TimeoutError':
      return new TimeoutError(message);
    default:
      return new Error(message);
  }
}

/**
 * Errors of `@proc/managers`. Each has a stable `code` and the cross-copy `instanceof` of
 * `ProcError` (a `Symbol.for` brand; an error of the same class name from another package copy,
 * or rebuilt by the codec, matches). They are registered with the codec so that an error thrown
 * on the server arrives as an instance of its class.
 */
import { ProcError, type ProcErrorOptions, ProcessError, registerErrorClass } from '@proc/core';

/** Base of the errors a manager raises. */
export class ManagerError extends ProcessError {
  constructor(message: string, code = 'PROC_ERR_MANAGER', options?: ProcErrorOptions) {
    super(message, code, options);
  }
}

/**
 * The manager's server is gone (killed, shut down, or the connection broke): every pending call
 * and every later call on its proxies rejects with this.
 */
export class ManagerGoneError extends ManagerError {
  constructor(message = 'The manager server is gone', options?: ProcErrorOptions) {
    super(message, 'PROC_ERR_MANAGER_GONE', options);
  }
}

/** The peer did not prove it knows the authkey (or refused ours). */
export class AuthenticationError extends ProcessError {
  constructor(message: string, options?: ProcErrorOptions) {
    super(message, 'PROC_ERR_AUTH', options);
  }
}

/** The method does not exist, is private (`_`/`$`/`#`-prefixed), or is not in `exposed`. */
export class UnknownMethodError extends ManagerError {
  constructor(message: string, options?: ProcErrorOptions) {
    super(message, 'PROC_ERR_UNKNOWN_METHOD', options);
  }
}

/** No type is registered under that typeid. */
export class UnknownTypeError extends ManagerError {
  constructor(message: string, options?: ProcErrorOptions) {
    super(message, 'PROC_ERR_UNKNOWN_TYPE', options);
  }
}

/** The shared object was freed (its last reference dropped), or never existed on this server. */
export class ObjectGoneError extends ManagerError {
  constructor(message: string, options?: ProcErrorOptions) {
    super(message, 'PROC_ERR_OBJECT_GONE', options);
  }
}

/** The proxy was closed with `$close()` (or disposed); it cannot call its referent anymore. */
export class ProxyClosedError extends ManagerError {
  constructor(message = 'The proxy is closed', options?: ProcErrorOptions) {
    super(message, 'PROC_ERR_PROXY_CLOSED', options);
  }
}

/** A message the server could not understand (garbage, a wrong shape). */
export class ProtocolError extends ManagerError {
  constructor(message: string, options?: ProcErrorOptions) {
    super(message, 'PROC_ERR_MANAGER_PROTOCOL', options);
  }
}

/**
 * A shared dict's key must be a primitive (string, number, bigint or boolean): an object key
 * rebuilt from the wire would never equal the caller's object.
 */
export class InvalidKeyError extends ProcError {
  constructor(message: string, options?: ProcErrorOptions) {
    super(message, 'PROC_ERR_INVALID_KEY', options);
  }
}

/** Python's `KeyError`: the key is not in the dict (`pop` without a default). */
export class KeyError extends ProcError {
  constructor(message: string, options?: ProcErrorOptions) {
    super(message, 'PROC_ERR_KEY', options);
  }
}

/** Python's `IndexError`: a list index out of range. */
export class IndexError extends ProcError {
  constructor(message: string, options?: ProcErrorOptions) {
    super(message, 'PROC_ERR_INDEX', options);
  }
}

/** Python's `ValueError` for lists: `remove`/`index` of a value that is not there. */
export class ValueError extends ProcError {
  constructor(message: string, options?: ProcErrorOptions) {
    super(message, 'PROC_ERR_VALUE', options);
  }
}

/** Python's `queue.Empty`: `get` without blocking (or after `timeout`) found no item. */
export class Empty extends ProcError {
  constructor(message = 'The queue is empty', options?: ProcErrorOptions) {
    super(message, 'PROC_ERR_EMPTY', options);
  }
}

/** Python's `queue.Full`: `put` without blocking (or after `timeout`) found no room. */
export class Full extends ProcError {
  constructor(message = 'The queue is full', options?: ProcErrorOptions) {
    super(message, 'PROC_ERR_FULL', options);
  }
}

/** Python's `threading.BrokenBarrierError`: the barrier was aborted, reset, or a wait timed out. */
export class BrokenBarrierError extends ProcError {
  constructor(message = 'The barrier is broken', options?: ProcErrorOptions) {
    super(message, 'PROC_ERR_BROKEN_BARRIER', options);
  }
}

/**
 * Releasing a lock this client does not hold, or a `BoundedSemaphore` released more times than
 * acquired (Python raises `RuntimeError`/`ValueError` there).
 */
export class LockStateError extends ProcError {
  constructor(message: string, options?: ProcErrorOptions) {
    super(message, 'PROC_ERR_LOCK_STATE', options);
  }
}

/**
 * The robust-mutex report (POSIX `EOWNERDEAD`): the previous owner of this lock died while
 * holding it, so the server released it on its behalf, and **the caller now holds the lock**.
 * The state the lock guarded may be half-written: repair or check it, then `release()` as usual.
 * Only the first acquirer after the death is told.
 */
export class LockAbandonedError extends ManagerError {
  /** Always true: the lock was acquired by the call that threw this. */
  readonly acquired = true;

  constructor(message = 'The previous owner of this lock died while holding it; you now hold the lock', options?: ProcErrorOptions) {
    super(message, 'PROC_ERR_LOCK_ABANDONED', options);
  }
}

for (const C of [
  ManagerError,
  ManagerGoneError,
  AuthenticationError,
  UnknownMethodError,
  UnknownTypeError,
  ObjectGoneError,
  ProxyClosedError,
  ProtocolError,
  InvalidKeyError,
  KeyError,
  IndexError,
  ValueError,
  Empty,
  Full,
  BrokenBarrierError,
  LockStateError,
  LockAbandonedError,
]) {
  registerErrorClass(C);
}

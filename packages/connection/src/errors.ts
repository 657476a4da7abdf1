/**
 * Errors of `@proc/connection`. Each has a stable `code` and inherits the cross-copy
 * `instanceof` of `ProcError` (a `Symbol.for` brand, see `@proc/core`).
 */
import { ProcError, type ProcErrorOptions, ProcessError } from '@proc/core';

/** Python's `AuthenticationError`: the peer's digest was wrong, or the handshake broke. */
export class AuthenticationError extends ProcessError {
  constructor(message: string, options?: ProcErrorOptions) {
    super(message, 'PROC_ERR_AUTH', options);
  }
}

/**
 * Python's `BufferTooShort`: `recvBytesInto` got a message larger than the room in the buffer.
 * The whole message is in `data` (as Python puts it in `args[0]`); nothing is lost.
 */
export class BufferTooShort extends ProcessError {
  readonly data: Buffer;

  constructor(data: Buffer, room: number, options?: ProcErrorOptions) {
    super(
      `The message (${data.length} bytes) does not fit in the buffer (${room} bytes from offset)`,
      'PROC_ERR_BUFFER_TOO_SHORT',
      options,
    );
    this.data = data;
  }
}

/**
 * Python's `EOFError`: the peer closed the connection. `truncated` is true when it closed in the
 * middle of a message (Python raises `OSError("got end of file during message")` then).
 */
export class EOFError extends ProcError {
  readonly truncated: boolean;

  constructor(message?: string, options?: ProcErrorOptions & { truncated?: boolean }) {
    const truncated = options?.truncated ?? false;
    super(
      message ?? (truncated ? 'The peer closed the connection in the middle of a message' : 'The peer closed the connection'),
      'PROC_ERR_EOF',
      options,
    );
    this.truncated = truncated;
  }
}

/** The byte stream is not Python's framing (a negative length, a length beyond 2^53). */
export class FrameError extends ProcError {
  constructor(message: string, options?: ProcErrorOptions) {
    super(message, 'PROC_ERR_FRAME', options);
  }
}

/**
 * A message declared a length over the limit (`maxMessageSize`, or `maxlength` of
 * `recvBytes`: Python's `OSError("bad message length")`). Nothing was allocated for it, and the
 * connection was closed, as Python closes it.
 */
export class MessageTooLargeError extends ProcError {
  readonly size: number;
  readonly limit: number;

  constructor(size: number, limit: number, options?: ProcErrorOptions) {
    super(`Bad message length: ${size} bytes declared, the limit is ${limit}`, 'PROC_ERR_MESSAGE_TOO_LARGE', options);
    this.size = size;
    this.limit = limit;
  }
}

/** An operation on a connection or listener that is closed (or was handed to another process). */
export class ConnectionClosedError extends ProcError {
  constructor(message = 'The connection is closed', options?: ProcErrorOptions) {
    super(message, 'PROC_ERR_CLOSED', options);
  }
}

/** The underlying stream failed (ECONNRESET, EPIPE, ...); `cause` is the stream's error. */
export class TransportError extends ProcError {
  constructor(message: string, options?: ProcErrorOptions) {
    super(message, 'PROC_ERR_TRANSPORT', options);
  }
}

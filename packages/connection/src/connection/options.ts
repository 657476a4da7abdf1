import { constants as bufferConstants } from 'node:buffer';
import type { WaitOptions } from '@proc/core';

/** The default `maxMessageSize`: 256 MiB. */
export const DEFAULT_MAX_MESSAGE_SIZE = 256 * 1024 * 1024;
/** The default `readHighWaterMark`: 4 MiB. */
export const DEFAULT_READ_HIGH_WATER_MARK = 4 * 1024 * 1024;
/** Largest value `maxMessageSize` may take (the largest Buffer Node can allocate). */
const MAX_BUFFER = bufferConstants.MAX_LENGTH;

export interface ConnectionOptions {
  /** This end may receive. @default true */
  readable?: boolean;
  /** This end may send. @default true */
  writable?: boolean;
  /**
   * The largest message accepted, in bytes. A peer declaring more gets the connection closed
   * with `MessageTooLargeError` before anything is allocated for it. Python has no such limit;
   * raise it (up to `buffer.constants.MAX_LENGTH`) to receive larger messages.
   * @default 268435456 (256 MiB)
   */
  maxMessageSize?: number;
  /**
   * Bytes of received messages not yet taken by `recv` above which the connection stops
   * reading from the stream (the peer's sends then wait).
   * @default 4194304 (4 MiB)
   */
  readHighWaterMark?: number;
}

export interface RecvBytesOptions extends WaitOptions {
  /**
   * Longest message accepted. A longer one raises `MessageTooLargeError` and, as Python's
   * `recv_bytes(maxlength)` does, leaves the connection unreadable (closed if it is not
   * writable either).
   */
  maxlength?: number | null;
}

export function checkMaxMessageSize(n: number): number {
  if (typeof n !== 'number' || Number.isNaN(n) || n < 0) {
    throw new RangeError(`maxMessageSize must be a number >= 0, got ${String(n)}`);
  }
  return Math.min(Math.floor(n), MAX_BUFFER);
}

/** A view of the bytes of any typed array, DataView or ArrayBuffer. */
export function asBytes(data: ArrayBufferView | ArrayBuffer, what: string): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (data instanceof ArrayBuffer || (data as unknown) instanceof SharedArrayBuffer) return Buffer.from(data as ArrayBuffer);
  throw new TypeError(`${what} must be a typed array, DataView or ArrayBuffer`);
}

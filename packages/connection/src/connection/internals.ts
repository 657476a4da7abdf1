/**
 * Hooks of `Connection` for this package's own modules (Pipe, handshake, transfer, wait). They
 * are symbols not exported from the package entry, so users cannot reach them.
 */
import type { Duplex } from 'node:stream';

export const kAttach = Symbol('proc.connection.attach');
export const kFailPending = Symbol('proc.connection.failPending');
export const kFrameLimit = Symbol('proc.connection.frameLimit');
export const kPrime = Symbol('proc.connection.prime');
export const kDetach = Symbol('proc.connection.detach');
export const kWhenReadable = Symbol('proc.connection.whenReadable');
export const kIsReady = Symbol('proc.connection.isReady');
export const kCork = Symbol('proc.connection.cork');
export const kUncork = Symbol('proc.connection.uncork');
/** Passed instead of a stream: the stream comes later through `[kAttach]`. */
export const PENDING_STREAM = Symbol('proc.connection.pending') as unknown as Duplex;

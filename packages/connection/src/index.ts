export type { DigestName } from './auth/digest.js';
export type { AuthKey, HandshakeOptions } from './auth/handshake.js';
export { answerChallenge, DEFAULT_HANDSHAKE_TIMEOUT, deliverChallenge } from './auth/handshake.js';
export { Connection } from './connection/connection.js';
export type { ConnectionOptions, RecvBytesOptions } from './connection/options.js';
export { DEFAULT_MAX_MESSAGE_SIZE } from './connection/options.js';
export { rebuildConnection } from './connection/transfer.js';
export {
  AuthenticationError,
  BufferTooShort,
  ConnectionClosedError,
  EOFError,
  FrameError,
  MessageTooLargeError,
  TransportError,
} from './errors.js';
export type { Address, Family } from './transports/address.js';
export { addressType } from './transports/address.js';
export type { ClientOptions } from './transports/client.js';
export { Client } from './transports/client.js';
export type { ListenerOptions } from './transports/listener.js';
export { Listener } from './transports/listener.js';
export type { PipeOptions } from './transports/pipe.js';
export { Pipe } from './transports/pipe.js';
export { wait } from './transports/wait.js';

/**
 * The seam between the manager and the bytes: a `Channel` moves whole frames, a
 * `ChannelListener` accepts authenticated channels. The manager's protocol is written against
 * these two interfaces only, so the transport can be swapped (today: Node sockets with Python's
 * framing and handshake, see `net-channel.ts`).
 */
import type { Address } from '../wire/messages.js';

export interface Channel {
  /**
   * Sends one frame; frames arrive whole and in order. `done` runs once the bytes are handed to
   * the OS (or with an error when the channel is closed first): synchronously, inside `write`,
   * when the OS took them at once.
   */
  write(payload: Uint8Array, done?: (err?: Error | null) => void): void;
  /** Set by the owner: called with each frame received (a view valid during the call). */
  onFrame: (frame: Buffer) => void;
  /** Set by the owner: called once when the channel ends, with the error if it failed. */
  onClose: (err?: Error) => void;
  readonly closed: boolean;
  /** Ends the channel (idempotent). */
  close(): void;
  /** The channel keeps the event loop alive (the default). */
  ref(): void;
  /** The channel does not keep the event loop alive. */
  unref(): void;
}

export interface ChannelListener {
  /** The bound address (a port of 0 is replaced by the real one). */
  readonly address: Address;
  /** Set by the owner: each authenticated channel. */
  onChannel: (channel: Channel) => void;
  /** Set by the owner: a connection that failed the handshake (wrong authkey, garbage). */
  onRejected: (err: Error) => void;
  close(): Promise<void>;
  unref(): void;
}

export interface TransportOptions {
  /** Both ends prove they know this key (HMAC challenge, both directions). */
  authkey: Uint8Array;
  /** @default 256 MiB */
  maxFrame?: number;
  /** TLS: `server` options for a listener, `client` options for a connection. */
  tls?: TlsOptions;
}

export interface TlsOptions {
  /** A listener's TLS options (`key`, `cert`, ...): connections are TLS. */
  server?: import('node:tls').TlsOptions;
  /** A client's TLS options (`ca`, `servername`, ...). */
  client?: import('node:tls').ConnectionOptions;
}

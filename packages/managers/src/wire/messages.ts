import type { Address } from '@proc/connection';
/**
 * The manager protocol. A frame on the wire is one codec value: an array of messages, so many
 * calls travel in one write. Every message is a tuple whose first element is its tag: a
 * discriminated union as compact as the codec can make it (no key strings per message).
 *
 * Ordering: messages of one connection are handled in order, so a `Transit` sent before a
 * `Decref` of the same object is counted first.
 */

export enum Tag {
  // client -> server
  /** Call a method and reply with `Ok`/`Err`. */
  Call = 1,
  /** Call a method; no reply unless it fails (`PostErr`). Used by unbounded `Queue.put`. */
  Post = 2,
  /** Create a shared object of a registered type; the reply's value is its token. */
  Create = 3,
  /** Withdraw a parked call (its client-side signal fired). */
  Cancel = 4,
  /** Drop one reference this connection holds on an object. */
  Decref = 5,
  /** A proxy was serialized by this client: keep the object alive until `ticket` is claimed. */
  Transit = 6,
  /** A proxy was rebuilt by this client: the reference of `ticket` is now this connection's. */
  Claim = 7,
  /** Undo a call whose caller gave up after the server had already granted it (put an item back). */
  Undo = 8,
  /** A request to the server itself (shutdown, debug info, ping). */
  Control = 9,
  // server -> client
  Ok = 20,
  Err = 21,
  /** A `Post` failed: the error is delivered to the next call on that object. oid 0: the connection failed. */
  PostErr = 22,
  /** The server's first frame on a connection: its id. */
  Hello = 23,
}

export type ControlOp = 'shutdown' | 'info' | 'ping';

/** `owner`: the calling async task's owner token (lock calls only; absent: the connection). */
export type CallMsg = [tag: Tag.Call, id: number, oid: number, method: string, args: unknown[], owner?: number];
export type PostMsg = [tag: Tag.Post, oid: number, method: string, args: unknown[]];
export type CreateMsg = [tag: Tag.Create, id: number, typeid: string, args: unknown[]];
export type CancelMsg = [tag: Tag.Cancel, id: number];
export type DecrefMsg = [tag: Tag.Decref, oid: number];
export type TransitMsg = [tag: Tag.Transit, oid: number, ticket: string];
export type ClaimMsg = [tag: Tag.Claim, oid: number, ticket: string];
export type UndoMsg = [tag: Tag.Undo, oid: number, method: string, args: unknown[], owner?: number];
export type ControlMsg = [tag: Tag.Control, id: number, op: ControlOp];

export type ClientMessage =
  | CallMsg
  | PostMsg
  | CreateMsg
  | CancelMsg
  | DecrefMsg
  | TransitMsg
  | ClaimMsg
  | UndoMsg
  | ControlMsg;

export type OkMsg = [tag: Tag.Ok, id: number, value: unknown];
export type ErrMsg = [tag: Tag.Err, id: number, error: unknown];
export type PostErrMsg = [tag: Tag.PostErr, oid: number, error: unknown];

export type HelloMsg = [tag: Tag.Hello, serverId: string];

export type ServerMessage = OkMsg | ErrMsg | PostErrMsg | HelloMsg;

/** What a `Create` replies with, and what a proxy carries when it travels. */
export interface Token {
  typeid: string;
  /** The server's random id: a proxy rebuilt in the process that serves it is that server's own. */
  sid: string;
  oid: number;
  /** The server's address, as `Listener` spells it. */
  address: Address;
  /** Methods the proxy may call (a registered type's `exposed`, or the object's public methods). */
  exposed?: string[];
  /** Method name to the typeid of the proxy its result becomes. */
  methodToTypeid?: Record<string, string>;
  /** A queue's `maxsize` (lets an unbounded queue's `put` go without a round trip). */
  maxsize?: number;
}

/** A Unix socket path, or `[host, port]` for TCP (Python's spelling): the type of @proc/connection. */
export type { Address };

export function addressKey(address: Address): string {
  return typeof address === 'string' ? address : `${address[0]}:${address[1]}`;
}

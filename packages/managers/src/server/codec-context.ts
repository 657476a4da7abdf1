/**
 * Which server (and which of its connections) is encoding or decoding right now. A proxy token
 * decoded by the server that owns it becomes a `ServerRef` (the object itself, kept alive), not
 * a client proxy; a `ServerRef` encoded into a reply makes a ticket owned by that connection.
 * Set and cleared around synchronous codec calls only.
 */
import type { ConnectionState } from './connection-state.js';

export interface ServerSide {
  readonly id: string;
  /** A token of this server arrived: claim its ticket and return the stored reference. */
  refFromToken(oid: number, ticket: string): unknown;
  /** A stored reference is being sent: a ticket for it. */
  ticketFor(oid: number, to: ConnectionState | null): string;
}

export const codecContext: { decoding: ServerSide | null; encoding: ServerSide | null; encodingTo: ConnectionState | null } = {
  decoding: null,
  encoding: null,
  encodingTo: null,
};

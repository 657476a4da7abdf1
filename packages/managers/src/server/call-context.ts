/**
 * What a method running on the server may learn about the call: who is calling (for lock
 * ownership) and how to withdraw a parked call. A method reads it with `currentCall()`
 * synchronously, before its first `await`; plain methods ignore it.
 */

/** A client connection, as the shared objects see it. */
export interface Owner {
  readonly id: number;
  readonly alive: boolean;
  /** Runs `fn` when the connection ends (the client died or closed). Returns the unregister. */
  atClose(fn: () => void): () => void;
}

export interface CallContext {
  readonly owner: Owner;
  /**
   * Registers how to withdraw this call if the client gives up (its signal fired, or it died):
   * the hook must remove the waiter so nothing is granted to it later.
   */
  onCancel(hook: (reason: Error) => void): void;
}

let current: CallContext | null = null;

/** The call being dispatched, or a context with no owner outside of one (a direct call). */
export function currentCall(): CallContext {
  return current ?? detached;
}

/** Set by the server around each method call (a context object per connection, reused). */
export function setCurrentCall(ctx: CallContext | null): void {
  current = ctx;
}

const detachedOwner: Owner = { id: 0, alive: true, atClose: () => () => {} };
const detached: CallContext = { owner: detachedOwner, onCancel: () => {} };

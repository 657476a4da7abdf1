/**
 * What a method running on the server may learn about the call: who is calling (for lock
 * ownership) and how to withdraw a parked call. A method reads it with `currentCall()`
 * synchronously, before its first `await`; plain methods ignore it.
 */

/**
 * Who is calling, as the shared objects see it: a client connection (`id`) and, for lock calls,
 * the async task in that client's process (`task`, the proxy's owner token; 0 when the call
 * carries none, i.e. the whole connection). Compare owners with `sameOwner`, not `===`: the
 * server makes a fresh object per task-owned call rather than keep one per task forever.
 */
export interface Owner {
  /** The connection's id (unique within the server). */
  readonly id: number;
  /** The client-side async task (owner token); 0 for the connection as a whole. */
  readonly task: number;
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

/** Whether `a` and `b` are the same owner (same connection and same task). */
export function sameOwner(a: Owner | null, b: Owner): boolean {
  return a !== null && a.id === b.id && a.task === b.task;
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

const detachedOwner: Owner = { id: 0, task: 0, alive: true, atClose: () => () => {} };
const detached: CallContext = { owner: detachedOwner, onCancel: () => {} };

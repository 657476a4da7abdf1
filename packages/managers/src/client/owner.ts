/**
 * Who owns a manager Lock/RLock/Condition inside a client process. A process's calls share one
 * connection, so the connection alone cannot tell two async tasks apart: the proxy sends an owner
 * token with each lock call, and the server keys ownership by connection + token.
 *
 * The token is the async context's owner id (AsyncLocalStorage). This module is the one owner
 * implementation: `@proc/processing`'s primitives and `@proc/dummy`'s locks use it too, so one
 * `ownerScope` makes a task a distinct owner of every package's locks. The state lives under a
 * global symbol so that two loaded copies of this package (built and source) still share it. The first lock call made in a context without an
 * owner gives that context one (`enterWith`), so a plain sequential program is a single owner.
 *
 * Caveat: tasks started synchronously from one frame (`Promise.all([a(), b()])`) share that
 * frame's context; start each with `ownerScope(() => a())` to make them distinct owners.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

interface OwnerStore {
  id: number;
}

interface OwnerState {
  als: AsyncLocalStorage<OwnerStore>;
  next: number;
}

// One owner id space per process (per thread: a worker has its own globalThis).
const key = Symbol.for('proc.primitives.owner');
const g = globalThis as { [key]?: OwnerState };

function state(): OwnerState {
  // Created on first use, not at import: an AsyncLocalStorage costs nothing until it is used, and
  // processes that never take a manager lock should not pay for it.
  let s = g[key];
  if (s === undefined) {
    s = { als: new AsyncLocalStorage<OwnerStore>(), next: 1 };
    g[key] = s;
  }
  return s;
}

/** The owner token of the current async context (created on first use; never 0). */
export function currentOwner(): number {
  const st = state();
  let s = st.als.getStore();
  if (!s) {
    s = { id: st.next++ };
    st.als.enterWith(s);
  }
  return s.id;
}

/**
 * Runs `fn` as a new owner: Lock/RLock/Condition ownership inside it (manager proxies, processing
 * and dummy primitives alike, and in everything it awaits or starts) is its own, distinct from
 * the caller's and from other scopes'.
 */
export function ownerScope<T>(fn: () => T): T {
  if (typeof fn !== 'function') throw new TypeError('ownerScope(fn): fn must be a function');
  const st = state();
  return st.als.run({ id: st.next++ }, fn);
}

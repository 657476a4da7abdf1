/**
 * Who owns a Lock/RLock inside a process. Node has no threads within a process, but it has
 * concurrent async tasks, so an owner is an async context (AsyncLocalStorage): code running in
 * one context (and the continuations it creates) is one owner, and a task started inside
 * `ownerScope()` is another. The first acquire made in a context without an owner gives that
 * context one (`enterWith`), so a plain sequential program is a single owner, as a
 * single-threaded Python program is.
 *
 * Caveat: tasks started synchronously from the same frame (`Promise.all([a(), b()])`) share that
 * frame's context until their first `await`; start them with `ownerScope(() => a())` to make them
 * distinct owners, as you would give each its own thread in Python.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

interface OwnerStore {
  id: number;
}

interface OwnerState {
  als: AsyncLocalStorage<OwnerStore>;
  next: number;
}

const key = Symbol.for('proc.primitives.owner');
const g = globalThis as { [key]?: OwnerState };
const state: OwnerState = g[key] ?? { als: new AsyncLocalStorage<OwnerStore>(), next: 1 };
g[key] = state;

/** The owner id of the current async context (created on first use). */
export function currentOwner(): number {
  let s = state.als.getStore();
  if (!s) {
    s = { id: state.next++ };
    state.als.enterWith(s);
  }
  return s.id;
}

/**
 * Runs `fn` as a new owner: Lock/RLock/Condition ownership inside it (and in everything it
 * awaits or starts) is its own, distinct from the caller's and from other scopes'.
 */
export function ownerScope<T>(fn: () => T): T {
  if (typeof fn !== 'function') throw new TypeError('ownerScope(fn): fn must be a function');
  return state.als.run({ id: state.next++ }, fn);
}

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
 *
 * The implementation is `@proc/managers`' (a layer beneath), so manager proxies and these
 * primitives share one owner id space.
 */
export { currentOwner, ownerScope } from '@proc/managers';

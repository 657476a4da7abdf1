/**
 * Runs `fn` in a microtask of this turn. Node's `queueMicrotask` wraps every callback in an
 * AsyncResource (async-hooks bookkeeping, about a µs); these run once per put, per delivery and
 * per batch on the hot paths, so they use a settled promise's job instead. `fn` must not throw
 * (a throw would surface as an unhandled rejection).
 */
const settled = Promise.resolve();

export function microtask(fn: () => void): void {
  void settled.then(fn);
}

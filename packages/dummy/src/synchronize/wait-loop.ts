import { abortError, checkWaitOptions, type WaitOptions } from '@proc/core';
import { WAIT_SLICE_MS, waitWord } from '../runtime/atomic-wait.js';

/**
 * The wait loop every primitive uses: `attempt()` until it returns something other than
 * `undefined`; between attempts, sleep on `i32[word]` (whose value changes on every event that
 * may let an attempt succeed). Resolves `onTimeout()` when `timeout` passes; rejects with
 * `AbortError` when `signal` fires. `attempt` runs synchronously, so after a timeout or abort
 * nothing is taken.
 */
export async function waitUntil<T>(
  i32: Int32Array,
  word: number,
  waitersWord: number,
  attempt: () => T | undefined,
  options: WaitOptions | undefined,
  onTimeout: () => T,
): Promise<T> {
  if (options !== undefined) checkWaitOptions(options);
  const signal = options?.signal;
  if (signal?.aborted) throw abortError(signal);
  const timeout = options?.timeout ?? null;
  const deadline = timeout === null ? Number.POSITIVE_INFINITY : performance.now() + timeout;
  let wake: (() => void) | undefined;
  const onAbort = () => wake?.();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    for (;;) {
      if (signal?.aborted) throw abortError(signal);
      const seen = Atomics.load(i32, word);
      const r = attempt();
      if (r !== undefined) return r;
      const left = deadline - performance.now();
      if (left <= 0) return onTimeout();
      if (waitersWord >= 0) Atomics.add(i32, waitersWord, 1);
      try {
        const p = waitWord(i32, word, seen, Math.min(left, WAIT_SLICE_MS));
        if (p) await Promise.race([p, new Promise<void>((r) => (wake = r))]);
      } finally {
        wake = undefined;
        if (waitersWord >= 0) Atomics.sub(i32, waitersWord, 1);
      }
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

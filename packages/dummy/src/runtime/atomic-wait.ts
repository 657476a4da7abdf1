/**
 * Waiting on a word of shared memory without blocking the event loop: `Atomics.waitAsync`.
 *
 * Two Node facts shape this. A pending `waitAsync` does not keep the event loop alive (checked
 * on Node 20: a main module awaiting one exits with code 13, "unsettled top-level await"), and
 * under a busy test runner we saw a `waitAsync` whose notify (or own timeout) never settled it.
 * So every wait also races a ref'd timer of the same length: the caller is kept alive, as a
 * blocking call keeps Python alive, and rechecks its condition at the latest when the timer
 * fires.
 */
interface WaitAsyncResult {
  async: boolean;
  value: Promise<'ok' | 'timed-out'> | 'not-equal' | 'timed-out';
}
// es2024 lib has it; the base config targets es2023.
const waitAsync = (Atomics as unknown as { waitAsync(a: Int32Array, i: number, v: number, t?: number): WaitAsyncResult }).waitAsync;

/** The longest single wait; a wait that nobody notifies rechecks its condition this often. */
export const WAIT_SLICE_MS = 250;

/**
 * Resolves when `i32[index]` is notified or no longer holds `expected`, or after `timeoutMs`.
 * Spurious returns are allowed: callers recheck their condition in a loop.
 */
export function waitWord(i32: Int32Array, index: number, expected: number, timeoutMs = WAIT_SLICE_MS): Promise<void> | undefined {
  const ms = Math.max(0, Math.min(timeoutMs, WAIT_SLICE_MS));
  const r = waitAsync(i32, index, expected, ms);
  if (!r.async) return undefined;
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms + 1);
    (r.value as Promise<string>).then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Spins up to `rounds` loads for `i32[index] !== expected`; true if it changed. */
export function spinWhile(i32: Int32Array, index: number, expected: number, rounds: number): boolean {
  for (let k = 0; k < rounds; k++) if (Atomics.load(i32, index) !== expected) return true;
  return false;
}

/**
 * As `waitWord`, for background watchers that must not keep the process alive (a manager's
 * mailbox, a barrier's action): the recheck timer is unref'd.
 */
export function watchWord(i32: Int32Array, index: number, expected: number): Promise<void> | undefined {
  const r = waitAsync(i32, index, expected, WAIT_SLICE_MS);
  if (!r.async) return undefined;
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, WAIT_SLICE_MS + 1);
    timer.unref();
    (r.value as Promise<string>).then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

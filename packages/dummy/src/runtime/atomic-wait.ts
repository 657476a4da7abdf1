/**
 * Waiting on a word of shared memory without blocking the event loop: `Atomics.waitAsync`.
 *
 * A pending `waitAsync` does not keep Node's event loop alive (checked on Node 20: a main module
 * awaiting one exits with code 13, "unsettled top-level await"). A caller awaiting `queue.get()`
 * expects the process to stay up, as a blocking call does in Python, so while any wait is
 * pending one ref'd timer is held.
 */
interface WaitAsyncResult {
  async: boolean;
  value: Promise<'ok' | 'timed-out'> | 'not-equal' | 'timed-out';
}
// es2024 lib has it; the base config targets es2023.
const waitAsync = (Atomics as unknown as { waitAsync(a: Int32Array, i: number, v: number, t?: number): WaitAsyncResult }).waitAsync;

let pending = 0;
let keeper: NodeJS.Timeout | undefined;

function hold(): void {
  if (pending++ === 0) keeper = setInterval(() => {}, 1 << 30);
}

function release(): void {
  if (--pending === 0 && keeper) {
    clearInterval(keeper);
    keeper = undefined;
  }
}

/** The longest single wait; a wait that nobody notifies rechecks its condition this often. */
export const WAIT_SLICE_MS = 250;

/**
 * Resolves when `i32[index]` is notified or no longer holds `expected`, or after `timeoutMs`.
 * Spurious returns are allowed: callers recheck their condition in a loop.
 */
export function waitWord(i32: Int32Array, index: number, expected: number, timeoutMs = WAIT_SLICE_MS): Promise<void> | undefined {
  const r = waitAsync(i32, index, expected, Math.min(timeoutMs, WAIT_SLICE_MS));
  if (!r.async) return undefined;
  hold();
  return (r.value as Promise<string>).then(release, release);
}

/** Spins up to `rounds` loads for `i32[index] !== expected`; true if it changed. */
export function spinWhile(i32: Int32Array, index: number, expected: number, rounds: number): boolean {
  for (let k = 0; k < rounds; k++) if (Atomics.load(i32, index) !== expected) return true;
  return false;
}

/**
 * Busy polling: keeping the event loop awake for a few microseconds while a reply is due.
 *
 * Why: a round trip between two processes costs two wake-ups. A process asleep in `epoll_wait`
 * is woken by another CPU, and on a virtual machine that wake-up is slow: on our 2-CPU bench
 * machine a bare Node ping-pong over a Unix socket made 11 k round trips a second, while the same
 * loop with each side polling for 50 µs after it sent made 34 k. A process blocked in `read(2)`
 * (CPython's `Connection.recv`) is woken faster than one in `epoll_wait`, so without this Node
 * loses every round-trip figure to Python on such machines.
 *
 * How: `busyPoll()` arms a deadline `window` µs ahead and keeps one `setImmediate` chain going
 * until it passes. While an immediate is pending, libuv polls with a zero timeout instead of
 * sleeping, so a reply that lands in the window is read at once, by the normal stream path: no
 * second reader, no bytes taken behind libuv's back. A call that waits arms it (a `recv`, a
 * manager call, a call to a primitive's host, a pool's task); the cost is at most one window
 * of CPU per wait when the reply is slow, and nothing when no one waits.
 *
 * `PROC_BUSY_POLL_US` sets the window (0 turns it off); `setBusyPollWindow` does the same at run
 * time.
 */

const DEFAULT_WINDOW_US = 50;
/** Longer windows are cut to this (a tenth of a second). */
const MAX_WINDOW_US = 100_000;
const toMs = (us: number) => Math.min(us, MAX_WINDOW_US) / 1000;

let windowMs = readWindow();
let deadline = 0;
let ticking = false;

function readWindow(): number {
  const raw = process.env.PROC_BUSY_POLL_US;
  if (raw === undefined || raw === '') return DEFAULT_WINDOW_US / 1000;
  const us = Number(raw);
  return Number.isFinite(us) && us > 0 ? toMs(us) : 0;
}

function tick(): void {
  if (performance.now() < deadline) {
    setImmediate(tick);
  } else {
    ticking = false;
  }
}

/** Keeps the event loop polling (not sleeping) for the next window; call it when a reply is due. */
export function busyPoll(): void {
  if (windowMs === 0) return;
  deadline = performance.now() + windowMs;
  if (!ticking) {
    ticking = true;
    setImmediate(tick);
  }
}

/** Sets the busy-poll window in microseconds (0 turns busy polling off); returns the old one. */
export function setBusyPollWindow(microseconds: number): number {
  if (typeof microseconds !== 'number') throw new TypeError('the busy-poll window must be a number of microseconds');
  if (!(microseconds >= 0)) throw new RangeError(`the busy-poll window must be >= 0 microseconds, got ${microseconds}`);
  const old = windowMs * 1000;
  windowMs = toMs(microseconds);
  return old;
}

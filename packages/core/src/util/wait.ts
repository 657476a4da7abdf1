import { AbortError, TimeoutError } from '../errors.js';

/** Options every waiting call takes. */
export interface WaitOptions {
  /** Milliseconds to wait before rejecting with `TimeoutError`. `undefined`/`null`: no limit. */
  timeout?: number | null;
  /** Rejects with `AbortError` (whose `cause` is `signal.reason`) when aborted. */
  signal?: AbortSignal;
}

/** Throws `TypeError`/`RangeError` at once for a malformed `timeout` or `signal`. */
export function checkWaitOptions(options: WaitOptions | undefined, what = 'options'): void {
  if (options === undefined) return;
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`${what} must be an object`);
  }
  const { timeout, signal } = options;
  if (timeout !== undefined && timeout !== null) {
    if (typeof timeout !== 'number' || Number.isNaN(timeout)) {
      throw new TypeError(`${what}.timeout must be a number of milliseconds`);
    }
    if (timeout < 0) throw new RangeError(`${what}.timeout must be >= 0, got ${timeout}`);
  }
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new TypeError(`${what}.signal must be an AbortSignal`);
  }
}

export function abortError(signal: AbortSignal): AbortError {
  return new AbortError('The operation was aborted', { cause: signal.reason });
}

/**
 * Runs `work` under a deadline and an abort signal. `work` receives a registration function for
 * a cancel hook: when the deadline passes or the signal fires, the hook runs (so the operation
 * can withdraw itself, e.g. a waiter leaving a queue) and the promise rejects. The timer stays
 * ref'd (an awaited call should keep the process alive, as a blocking call does in Python); it
 * and the abort listener are removed when the promise settles, whichever way it settles.
 */
export function withDeadline<T>(
  work: (onCancel: (hook: (reason: Error) => void) => void) => Promise<T>,
  options: WaitOptions | undefined,
  what = 'operation',
): Promise<T> {
  const timeout = options?.timeout ?? null;
  const signal = options?.signal;
  if (signal?.aborted) return Promise.reject(abortError(signal));
  if (timeout === null && !signal) return work(() => {});
  return new Promise<T>((resolve, reject) => {
    let hook: ((reason: Error) => void) | undefined;
    let done = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = () => {
      done = true;
      if (timer) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    const cancel = (err: Error) => {
      if (done) return;
      finish();
      try {
        hook?.(err);
      } finally {
        reject(err);
      }
    };
    const onAbort = () => cancel(abortError(signal as AbortSignal));
    signal?.addEventListener('abort', onAbort, { once: true });
    if (timeout !== null) {
      timer = setTimeout(() => cancel(new TimeoutError(`The ${what} timed out after ${timeout} ms`)), timeout);
    }
    let p: Promise<T>;
    try {
      p = work((h) => {
        hook = h;
      });
    } catch (err) {
      finish();
      reject(err);
      return;
    }
    p.then(
      (v) => {
        if (done) return;
        finish();
        resolve(v);
      },
      (e) => {
        if (done) return;
        finish();
        reject(e);
      },
    );
  });
}

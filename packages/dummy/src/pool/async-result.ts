import { checkWaitOptions, StateError, TimeoutError, type WaitOptions, withDeadline } from '@proc/core';

enum Outcome {
  Pending = 0,
  Fulfilled = 1,
  Rejected = 2,
}

/**
 * Python's `AsyncResult`: what `applyAsync`, `mapAsync` and `starmapAsync` return. Not a
 * promise (as Python's is not a future): `await r.get()`. A failure nobody asks for is not an
 * unhandled rejection.
 */
export class AsyncResult<T> {
  readonly #promise: Promise<T>;
  #outcome = Outcome.Pending;

  /** @internal The pool makes these; `promise` settles with the call's outcome. */
  constructor(promise: Promise<T>) {
    this.#promise = promise;
    promise.then(
      () => {
        this.#outcome = Outcome.Fulfilled;
      },
      () => {
        this.#outcome = Outcome.Rejected;
      },
    );
  }

  ready(): boolean {
    return this.#outcome !== Outcome.Pending;
  }

  /** Whether the call completed without an error. Throws `StateError` while it is not ready. */
  successful(): boolean {
    if (this.#outcome === Outcome.Pending) throw new StateError('The result is not ready');
    return this.#outcome === Outcome.Fulfilled;
  }

  /** Waits until ready or `timeout` ms pass (then returns without error, as Python's `wait`). */
  async wait(options?: WaitOptions): Promise<void> {
    checkWaitOptions(options);
    try {
      await withDeadline(
        () =>
          this.#promise.then(
            () => {},
            () => {},
          ),
        options,
        'wait',
      );
    } catch (err) {
      if (!(err instanceof TimeoutError)) throw err;
    }
  }

  /** The value, or the call's error. Rejects with `TimeoutError` after `timeout` ms (the task goes on). */
  get(options?: WaitOptions): Promise<T> {
    checkWaitOptions(options);
    return withDeadline(() => this.#promise, options, 'get');
  }

  get [Symbol.toStringTag](): string {
    return 'AsyncResult';
  }
}

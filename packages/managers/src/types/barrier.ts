/**
 * The referent of `manager.Barrier(parties, { timeout })`. `wait()` resolves with the arrival
 * index (0 .. parties-1) once `parties` callers wait; a timeout, `abort()` or `reset()` breaks it
 * for every waiter with `BrokenBarrierError`.
 */
import { BrokenBarrierError } from '../errors.js';
import { WaitQueue } from '../server/waiters.js';

export class SharedBarrier {
  readonly #parties: number;
  readonly #timeout: number | null;
  #waiters = new WaitQueue<number>();
  #count = 0;
  #broken = false;

  constructor(parties: number, options?: { timeout?: number | null }) {
    if (!Number.isInteger(parties) || parties < 1) throw new RangeError('parties must be an integer >= 1');
    this.#parties = parties;
    this.#timeout = options?.timeout ?? null;
  }

  wait(options?: { timeout?: number | null }): number | Promise<number> {
    if (this.#broken) throw new BrokenBarrierError();
    const index = this.#count++;
    if (this.#count === this.#parties) {
      const waiters: { grant(i: number): void; data: unknown }[] = [];
      for (let w = this.#waiters.shift(); w; w = this.#waiters.shift()) waiters.push(w);
      this.#count = 0;
      for (const w of waiters) w.grant(w.data as number);
      return index;
    }
    const timeout = options?.timeout ?? this.#timeout;
    return this.#waiters
      .park(
        timeout,
        () => {
          this.#break();
          throw new BrokenBarrierError('The barrier wait timed out; the barrier is broken');
        },
        index,
      )
      .catch((err: Error) => {
        // A waiter withdrawn (its client gave up or died) breaks the barrier, as a timeout does.
        if (!(err instanceof BrokenBarrierError)) this.#break();
        throw err;
      });
  }

  #break(): void {
    this.#broken = true;
    this.#count = 0;
    this.#waiters.failAll(new BrokenBarrierError());
  }

  abort(): void {
    this.#break();
  }

  reset(): void {
    this.#waiters.failAll(new BrokenBarrierError('The barrier was reset'));
    this.#count = 0;
    this.#broken = false;
  }

  parties(): number {
    return this.#parties;
  }

  nWaiting(): number {
    return this.#count;
  }

  broken(): boolean {
    return this.#broken;
  }
}

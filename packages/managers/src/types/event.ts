/** The referent of `manager.Event()`. */
import { WaitQueue } from '../server/waiters.js';

export class SharedEvent {
  #flag = false;
  #waiters = new WaitQueue<boolean>();

  set(): void {
    this.#flag = true;
    for (let w = this.#waiters.shift(); w; w = this.#waiters.shift()) w.grant(true);
  }

  clear(): void {
    this.#flag = false;
  }

  isSet(): boolean {
    return this.#flag;
  }

  /** `true` once set; `false` when `timeout` passes first. */
  wait(options?: { timeout?: number | null }): boolean | Promise<boolean> {
    if (this.#flag) return true;
    return this.#waiters.park(options?.timeout, () => false);
  }
}

/**
 * A FIFO of parked calls. A waiter is settled at most once; a waiter whose call was withdrawn
 * (client signal, client death) or timed out (server-side timer) is removed, so nothing is
 * granted to it afterwards. Timeouts run on the server, so "granted" versus "timed out" is
 * decided in one place and no item can be lost between the two.
 */
import { currentCall, type Owner } from './call-context.js';

export interface Waiter<T> {
  readonly owner: Owner;
  /** Any data the type keeps with the waiter (the item a putter carries, a count). */
  data: unknown;
  settled: boolean;
  grant(value: T): void;
  fail(err: Error): void;
}

export class WaitQueue<T> {
  #items: Waiter<T>[] = [];
  #head = 0;

  get size(): number {
    return this.#items.length - this.#head;
  }

  /**
   * Parks the current call. `onTimeout` produces what the call resolves with (or throws) when
   * `timeout` ms pass first; `null`/`undefined` timeout waits forever.
   */
  park(timeout: number | null | undefined, onTimeout: () => T, data?: unknown): Promise<T> {
    const ctx = currentCall();
    return new Promise<T>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const w: Waiter<T> = {
        owner: ctx.owner,
        data,
        settled: false,
        grant: (v) => {
          if (w.settled) return;
          w.settled = true;
          if (timer) clearTimeout(timer);
          resolve(v);
        },
        fail: (e) => {
          if (w.settled) return;
          w.settled = true;
          if (timer) clearTimeout(timer);
          reject(e);
        },
      };
      this.#items.push(w);
      if (timeout !== null && timeout !== undefined) {
        timer = setTimeout(() => {
          if (w.settled) return;
          this.remove(w);
          try {
            w.grant(onTimeout());
          } catch (e) {
            w.fail(e as Error);
          }
        }, timeout);
      }
      ctx.onCancel((reason) => {
        if (w.settled) return;
        this.remove(w);
        w.fail(reason);
      });
    });
  }

  /** Appends a waiter made by the caller (a Condition's reacquire). */
  add(w: Waiter<T>): void {
    this.#items.push(w);
  }

  /** The first live waiter, removed from the queue (dead clients' waiters are skipped and failed). */
  shift(): Waiter<T> | undefined {
    while (this.#head < this.#items.length) {
      const w = this.#items[this.#head];
      this.#items[this.#head] = undefined as never;
      this.#head++;
      if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
        this.#items = this.#items.slice(this.#head);
        this.#head = 0;
      }
      if (w.settled) continue;
      if (!w.owner.alive) {
        w.settled = true;
        continue;
      }
      return w;
    }
    return undefined;
  }

  peek(): Waiter<T> | undefined {
    for (let i = this.#head; i < this.#items.length; i++) {
      const w = this.#items[i];
      if (!w.settled && w.owner.alive) return w;
    }
    return undefined;
  }

  remove(w: Waiter<T>): void {
    const i = this.#items.indexOf(w, this.#head);
    if (i !== -1) this.#items.splice(i, 1);
  }

  /** Fails every waiter (a broken barrier). */
  failAll(err: Error): void {
    for (let w = this.shift(); w; w = this.shift()) w.fail(err);
  }
}

import { Op } from '../protocol.js';
import { arm, type Conn, fail, type PrimState, reply } from './conn.js';

interface Waiter {
  conn: Conn;
  req: number;
  index: number;
  timeout: number;
}

/**
 * Host side of Barrier (Python's semantics): `parties` waits release together, each with its
 * arrival index; a timeout, an abort, a reset or a party whose process dies breaks it. The
 * action runs in the creating process (the only one that has the function) before the release;
 * if it throws, the barrier breaks. Arrivals while the action runs wait for the next round.
 */
export class BarrierState implements PrimState {
  readonly #id: number;
  readonly #parties: number;
  readonly #timeout: number;
  readonly #action: boolean;
  readonly #creator: Conn;
  #broken = false;
  #acting = false;
  #waiters: Waiter[] = [];
  #later: Waiter[] = [];
  #timers: NodeJS.Timeout[] = [];

  constructor(id: number, parties: number, timeout: number, action: boolean, creator: Conn) {
    this.#id = id;
    this.#parties = parties;
    this.#timeout = timeout;
    this.#action = action;
    this.#creator = creator;
  }

  handle(conn: Conn, op: Op, req: number, a: number, b: number): void {
    switch (op) {
      case Op.BarrierWait: {
        if (this.#broken) {
          fail(conn, this.#id, req, 'BrokenBarrierError', 'The barrier is broken');
          return;
        }
        const w: Waiter = { conn, req, index: 0, timeout: a >= 0 ? a : this.#timeout };
        if (this.#acting) this.#later.push(w);
        else this.#arrive(w);
        return;
      }
      case Op.BarrierActionDone:
        this.#acting = false;
        if (b === 1) this.#release();
        else this.#break();
        this.#drainLater();
        return;
      case Op.BarrierAbort:
        this.#break();
        reply(conn, this.#id, req);
        return;
      case Op.BarrierReset: {
        const ws = [...this.#waiters, ...this.#later];
        this.#waiters = [];
        this.#later = [];
        this.#clearTimers();
        for (const w of ws) fail(w.conn, this.#id, w.req, 'BrokenBarrierError', 'The barrier was reset');
        this.#broken = false;
        reply(conn, this.#id, req);
        return;
      }
      case Op.BarrierInfo:
        reply(conn, this.#id, req, this.#waiters.length, this.#broken ? 1 : 0);
        return;
      case Op.Cancel:
        // A party that stops waiting breaks the barrier for the others, as a timeout does.
        if (this.#waiters.some((w) => w.conn === conn && w.req === req)) {
          this.#waiters = this.#waiters.filter((w) => !(w.conn === conn && w.req === req));
          this.#break();
        }
        return;
      default:
        fail(conn, this.#id, req, 'TypeError', `a barrier does not support op ${op}`);
    }
  }

  #arrive(w: Waiter): void {
    w.index = this.#waiters.length;
    this.#waiters.push(w);
    if (this.#waiters.length === this.#parties) {
      this.#clearTimers();
      if (this.#action && !this.#creator.closed) {
        this.#acting = true;
        this.#creator.send(Op.BarrierAction, this.#id, 0, 0, 0, 0);
      } else {
        this.#release();
      }
      return;
    }
    // Any waiter whose timeout expires breaks the round (Python's rule).
    const t = arm(w.timeout, () => {
      if (this.#waiters.includes(w)) this.#break();
    });
    if (t) this.#timers.push(t);
  }

  #clearTimers(): void {
    for (const t of this.#timers) clearTimeout(t);
    this.#timers = [];
  }

  #release(): void {
    const ws = this.#waiters;
    this.#waiters = [];
    for (const w of ws) reply(w.conn, this.#id, w.req, 0, w.index);
  }

  #break(): void {
    this.#broken = true;
    this.#clearTimers();
    const ws = [...this.#waiters, ...this.#later];
    this.#waiters = [];
    this.#later = [];
    for (const w of ws) fail(w.conn, this.#id, w.req, 'BrokenBarrierError', 'The barrier is broken');
  }

  #drainLater(): void {
    const later = this.#later;
    this.#later = [];
    for (const w of later) {
      if (this.#broken) fail(w.conn, this.#id, w.req, 'BrokenBarrierError', 'The barrier is broken');
      else this.#arrive(w);
    }
  }

  drop(conn: Conn): void {
    this.#later = this.#later.filter((w) => w.conn !== conn);
    if (this.#waiters.some((w) => w.conn === conn)) {
      this.#waiters = this.#waiters.filter((w) => w.conn !== conn);
      this.#break();
    }
  }
}

import { Op } from '../protocol.js';
import { arm, type Conn, fail, type PrimState, reply } from './conn.js';

interface Waiter {
  conn: Conn;
  req: number;
  timer?: NodeJS.Timeout;
}

/** Host side of Event: a flag and the waiters for it. */
export class EventState implements PrimState {
  readonly #id: number;
  #flag = false;
  #waiters: Waiter[] = [];

  constructor(id: number) {
    this.#id = id;
  }

  handle(conn: Conn, op: Op, req: number, a: number): void {
    switch (op) {
      case Op.EventSet: {
        this.#flag = true;
        const ws = this.#waiters;
        this.#waiters = [];
        for (const w of ws) {
          clearTimeout(w.timer);
          reply(w.conn, this.#id, w.req, 1);
        }
        reply(conn, this.#id, req);
        return;
      }
      case Op.EventClear:
        this.#flag = false;
        reply(conn, this.#id, req);
        return;
      case Op.EventIsSet:
        reply(conn, this.#id, req, this.#flag ? 1 : 0);
        return;
      case Op.EventWait: {
        if (this.#flag || a === 0) {
          reply(conn, this.#id, req, this.#flag ? 1 : 0);
          return;
        }
        const w: Waiter = { conn, req };
        w.timer = arm(a, () => {
          this.#waiters = this.#waiters.filter((x) => x !== w);
          reply(conn, this.#id, req, 0);
        });
        this.#waiters.push(w);
        return;
      }
      case Op.Cancel: {
        const found = this.#waiters.filter((x) => x.conn === conn && x.req === req);
        this.#waiters = this.#waiters.filter((x) => !(x.conn === conn && x.req === req));
        for (const w of found) clearTimeout(w.timer);
        if (found.length > 0 && !conn.closed) conn.send(Op.Cancelled, this.#id, req, 0, 0, 0);
        return;
      }
      default:
        fail(conn, this.#id, req, 'TypeError', `an event does not support op ${op}`);
    }
  }

  drop(conn: Conn): void {
    for (const w of this.#waiters) if (w.conn === conn) clearTimeout(w.timer);
    this.#waiters = this.#waiters.filter((x) => x.conn !== conn);
  }
}

/**
 * Host side of Lock, RLock, Semaphore, BoundedSemaphore and Condition.
 *
 * A lock's holder is (connection, owner): the owner is an id the client picks per async context
 * (see owner.ts), so two tasks of one process are two owners. When a connection closes while it
 * holds a lock, the lock is released and marked abandoned; the next acquirer is told (its
 * acquire rejects with LockAbandonedError while holding the lock).
 */
import { Deque, Op } from '../protocol.js';
import { arm, type Conn, fail, type PrimState, reply } from './conn.js';

export interface LockWaiter {
  conn: Conn;
  owner: number;
  req: number;
  /** The recursion count the waiter gets (a Condition's waiter restores its own). */
  count: number;
  timer?: NodeJS.Timeout;
  onGrant(abandoned: boolean): void;
}

export class LockState implements PrimState {
  readonly #id: number;
  readonly recursive: boolean;
  holder: { conn: Conn; owner: number } | null = null;
  count = 0;
  #abandoned = false;
  #waiters = new Deque<LockWaiter>();

  constructor(id: number, recursive: boolean) {
    this.#id = id;
    this.recursive = recursive;
  }

  isOwner(conn: Conn, owner: number): boolean {
    return this.holder !== null && this.holder.conn === conn && (!this.recursive || this.holder.owner === owner);
  }

  handle(conn: Conn, op: Op, req: number, a: number, b: number, c: number): void {
    switch (op) {
      case Op.Acquire: {
        if (this.holder === null) {
          this.holder = { conn, owner: c };
          this.count = 1;
          const ab = this.#abandoned;
          this.#abandoned = false;
          reply(conn, this.#id, req, 1, ab ? 1 : 0);
          return;
        }
        if (this.recursive && this.holder.conn === conn && this.holder.owner === c) {
          this.count++;
          reply(conn, this.#id, req, 1);
          return;
        }
        if (b === 0 || a === 0) {
          reply(conn, this.#id, req, 0);
          return;
        }
        const w: LockWaiter = {
          conn,
          owner: c,
          req,
          count: 1,
          onGrant: (ab) => reply(conn, this.#id, req, 1, ab ? 1 : 0),
        };
        w.timer = arm(a, () => {
          this.#waiters.removeWhere((x) => x === w);
          reply(conn, this.#id, req, 0);
        });
        this.#waiters.push(w);
        return;
      }
      case Op.Release: {
        if (this.holder === null) {
          fail(conn, this.#id, req, 'RangeError', 'release of an unlocked lock (released too many times)');
          return;
        }
        if (this.recursive && !(this.holder.conn === conn && this.holder.owner === c)) {
          fail(conn, this.#id, req, 'StateError', 'cannot release an RLock this owner did not acquire');
          return;
        }
        if (this.recursive && --this.count > 0) {
          reply(conn, this.#id, req);
          return;
        }
        this.holder = null;
        this.count = 0;
        this.handoff();
        reply(conn, this.#id, req);
        return;
      }
      case Op.Cancel: {
        const found = this.#waiters.removeWhere((x) => x.conn === conn && x.req === req);
        for (const w of found) clearTimeout(w.timer);
        if (found.length > 0 && !conn.closed) conn.send(Op.Cancelled, this.#id, req, 0, 0, 0);
        return;
      }
      default:
        fail(conn, this.#id, req, 'TypeError', `a lock does not support op ${op}`);
    }
  }

  /** Queues a waiter (used by Condition to reacquire after a wait). */
  enqueue(w: LockWaiter): void {
    this.#waiters.push(w);
    this.handoff();
  }

  handoff(): void {
    while (this.holder === null && this.#waiters.length > 0) {
      const w = this.#waiters.shift() as LockWaiter;
      clearTimeout(w.timer);
      if (w.conn.closed) continue;
      this.holder = { conn: w.conn, owner: w.owner };
      this.count = w.count;
      const ab = this.#abandoned;
      this.#abandoned = false;
      w.onGrant(ab);
    }
  }

  drop(conn: Conn): void {
    for (const w of this.#waiters.removeWhere((x) => x.conn === conn)) clearTimeout(w.timer);
    if (this.holder?.conn === conn) {
      this.holder = null;
      this.count = 0;
      this.#abandoned = true;
      this.handoff();
    }
  }
}

interface SemWaiter {
  conn: Conn;
  req: number;
  timer?: NodeJS.Timeout;
}

/** Semaphores have no owner (as Python's): a process that dies holding one does not give it back. */
export class SemaphoreState implements PrimState {
  readonly #id: number;
  #value: number;
  readonly #bound: number;
  #waiters = new Deque<SemWaiter>();

  constructor(id: number, value: number, bounded: boolean) {
    this.#id = id;
    this.#value = value;
    this.#bound = bounded ? value : -1;
  }

  handle(conn: Conn, op: Op, req: number, a: number, b: number): void {
    switch (op) {
      case Op.Acquire: {
        if (this.#value > 0 && this.#waiters.length === 0) {
          this.#value--;
          reply(conn, this.#id, req, 1);
          return;
        }
        if (b === 0 || a === 0) {
          reply(conn, this.#id, req, 0);
          return;
        }
        const w: SemWaiter = { conn, req };
        w.timer = arm(a, () => {
          this.#waiters.removeWhere((x) => x === w);
          reply(conn, this.#id, req, 0);
        });
        this.#waiters.push(w);
        return;
      }
      case Op.Release: {
        if (this.#bound >= 0 && this.#value >= this.#bound) {
          fail(conn, this.#id, req, 'RangeError', 'semaphore released too many times');
          return;
        }
        this.#value++;
        this.#handoff();
        reply(conn, this.#id, req);
        return;
      }
      case Op.SemValue:
        reply(conn, this.#id, req, this.#value);
        return;
      case Op.Cancel: {
        const found = this.#waiters.removeWhere((x) => x.conn === conn && x.req === req);
        for (const w of found) clearTimeout(w.timer);
        if (found.length > 0 && !conn.closed) conn.send(Op.Cancelled, this.#id, req, 0, 0, 0);
        return;
      }
      default:
        fail(conn, this.#id, req, 'TypeError', `a semaphore does not support op ${op}`);
    }
  }

  #handoff(): void {
    while (this.#value > 0 && this.#waiters.length > 0) {
      const w = this.#waiters.shift() as SemWaiter;
      clearTimeout(w.timer);
      if (w.conn.closed) continue;
      this.#value--;
      reply(w.conn, this.#id, w.req, 1);
    }
  }

  drop(conn: Conn): void {
    for (const w of this.#waiters.removeWhere((x) => x.conn === conn)) clearTimeout(w.timer);
  }
}

interface CondWaiter {
  conn: Conn;
  owner: number;
  req: number;
  count: number;
  timer?: NodeJS.Timeout;
}

/**
 * A Condition lives on the host of its lock. `wait` releases the lock entirely (remembering the
 * RLock count), waits for a notify or its timeout, then queues to reacquire the lock and replies
 * only once it holds it again, as Python's does. Reply: a = 1 notified / 0 timed out, b = 1 when
 * the wait was cancelled (aborted) instead.
 */
export class ConditionState implements PrimState {
  readonly #id: number;
  readonly #lock: LockState;
  #waiters = new Deque<CondWaiter>();

  constructor(id: number, lock: LockState) {
    this.#id = id;
    this.#lock = lock;
  }

  handle(conn: Conn, op: Op, req: number, a: number, b: number, c: number): void {
    switch (op) {
      case Op.CondWait: {
        if (!this.#lock.isOwner(conn, c)) {
          fail(conn, this.#id, req, 'StateError', 'cannot wait on an un-acquired lock');
          return;
        }
        const w: CondWaiter = { conn, owner: c, req, count: this.#lock.count };
        this.#lock.holder = null;
        this.#lock.count = 0;
        this.#lock.handoff();
        w.timer = arm(a, () => {
          this.#waiters.removeWhere((x) => x === w);
          this.#reacquire(w, 0, false);
        });
        this.#waiters.push(w);
        return;
      }
      case Op.Notify: {
        if (!this.#lock.isOwner(conn, c)) {
          fail(conn, this.#id, req, 'StateError', 'cannot notify on an un-acquired lock');
          return;
        }
        let n = b < 0 ? this.#waiters.length : b;
        while (n-- > 0 && this.#waiters.length > 0) {
          const w = this.#waiters.shift() as CondWaiter;
          clearTimeout(w.timer);
          this.#reacquire(w, 1, false);
        }
        reply(conn, this.#id, req);
        return;
      }
      case Op.Cancel: {
        const found = this.#waiters.removeWhere((x) => x.conn === conn && x.req === req);
        for (const w of found) {
          clearTimeout(w.timer);
          this.#reacquire(w, 0, true);
        }
        return;
      }
      default:
        fail(conn, this.#id, req, 'TypeError', `a condition does not support op ${op}`);
    }
  }

  #reacquire(w: CondWaiter, notified: number, cancelled: boolean): void {
    if (w.conn.closed) return;
    this.#lock.enqueue({
      conn: w.conn,
      owner: w.owner,
      req: w.req,
      count: w.count,
      onGrant: () => reply(w.conn, this.#id, w.req, notified, cancelled ? 1 : 0),
    });
  }

  drop(conn: Conn): void {
    for (const w of this.#waiters.removeWhere((x) => x.conn === conn)) clearTimeout(w.timer);
  }
}

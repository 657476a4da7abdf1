/**
 * Host side of Lock, RLock, Semaphore, BoundedSemaphore and Condition.
 *
 * A lock's holder is (connection, owner): the owner is an id the client picks per async context
 * (see owner.ts), so two tasks of one process are two owners. When a connection closes while it
 * holds a lock, the lock is released and marked abandoned; the next acquirer is told (its
 * acquire rejects with LockAbandonedError while holding the lock).
 *
 * Lock caching: a process that releases a lock nobody else waits for keeps it *cached* (it
 * sends LockIdle, not Release), so its next acquire needs no round trip (it sends LockHeld and
 * goes on). When another process asks, the host sends LockRecall; the holder releases for real
 * at once if idle, or at its next release. A cached-idle lock is logically free: a non-blocking
 * or timed acquire from elsewhere waits for the recall's answer; a process dying with the lock
 * cached-idle does not abandon it.
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
  /** A non-blocking acquire waiting only for a cached-idle holder's answer to a recall. */
  noWait?: boolean;
  onGrant(abandoned: boolean): void;
}

export class LockState implements PrimState {
  readonly #id: number;
  readonly recursive: boolean;
  holder: { conn: Conn; owner: number } | null = null;
  count = 0;
  /** The holder released it locally and keeps it cached. */
  idle = false;
  #recalled = false;
  #abandoned = false;
  #waiters = new Deque<LockWaiter>();

  constructor(id: number, recursive: boolean) {
    this.#id = id;
    this.recursive = recursive;
  }

  isOwner(conn: Conn, owner: number): boolean {
    return this.holder !== null && !this.idle && this.holder.conn === conn && (!this.recursive || this.holder.owner === owner);
  }

  #grant(conn: Conn, owner: number, count: number): boolean {
    this.holder = { conn, owner };
    this.count = count;
    this.idle = false;
    this.#recalled = false;
    const ab = this.#abandoned;
    this.#abandoned = false;
    return ab;
  }

  /** Asks a caching holder to give the lock back (once per holding). */
  #recall(): void {
    if (this.holder && !this.#recalled && !this.holder.conn.closed) {
      this.#recalled = true;
      this.holder.conn.send(Op.LockRecall, this.#id, 0, 0, 0, 0);
    }
  }

  /** Waiters that would not wait: answered `false` once the holder showed it keeps the lock. */
  #refuseNoWait(): void {
    for (const w of this.#waiters.removeWhere((x) => x.noWait === true)) {
      clearTimeout(w.timer);
      reply(w.conn, this.#id, w.req, 0);
    }
  }

  handle(conn: Conn, op: Op, req: number, a: number, b: number, c: number): void {
    switch (op) {
      case Op.Acquire: {
        if (this.holder === null || (this.idle && this.holder.conn === conn)) {
          const ab = this.#grant(conn, c, 1);
          reply(conn, this.#id, req, 1, ab ? 1 : 0);
          return;
        }
        if (this.recursive && !this.idle && this.holder.conn === conn && this.holder.owner === c) {
          this.count++;
          reply(conn, this.#id, req, 1);
          return;
        }
        const noWait = b === 0 || a === 0;
        if (noWait && !this.idle) {
          reply(conn, this.#id, req, 0);
          return;
        }
        const w: LockWaiter = {
          conn,
          owner: c,
          req,
          count: 1,
          noWait,
          onGrant: (ab) => reply(conn, this.#id, req, 1, ab ? 1 : 0),
        };
        if (!noWait) {
          w.timer = arm(a, () => {
            this.#waiters.removeWhere((x) => x === w);
            reply(conn, this.#id, req, 0);
          });
        }
        this.#waiters.push(w);
        this.#recall();
        return;
      }
      case Op.LockHeld:
        if (this.holder?.conn === conn && this.idle) {
          this.idle = false;
          this.holder.owner = c;
          this.count = 1;
          this.#refuseNoWait();
        }
        return;
      case Op.LockIdle:
        if (this.holder?.conn === conn && !this.idle) {
          this.idle = true;
          this.count = 0;
          // Someone asked meanwhile: the recall is on its way and will be answered.
          if (this.#waiters.length > 0) this.#recall();
        }
        return;
      case Op.Release: {
        if (this.holder === null || (this.idle && this.holder.conn !== conn)) {
          fail(conn, this.#id, req, 'RangeError', 'release of an unlocked lock (released too many times)');
          return;
        }
        if (this.idle && this.holder.conn === conn && req !== 0) {
          // An explicit release of a lock this process only keeps cached: it is unlocked.
          fail(conn, this.#id, req, 'RangeError', 'release of an unlocked lock (released too many times)');
          return;
        }
        if (this.recursive && !this.idle && !(this.holder.conn === conn && this.holder.owner === c)) {
          fail(conn, this.#id, req, 'StateError', 'cannot release an RLock this owner did not acquire');
          return;
        }
        if (this.recursive && !this.idle && --this.count > 0) {
          reply(conn, this.#id, req);
          return;
        }
        this.holder = null;
        this.count = 0;
        this.idle = false;
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
      w.onGrant(this.#grant(w.conn, w.owner, w.count));
    }
    // The new holder keeps it cached on release unless others are already waiting.
    if (this.holder && this.#waiters.length > 0) this.#recall();
  }

  drop(conn: Conn): void {
    for (const w of this.#waiters.removeWhere((x) => x.conn === conn)) clearTimeout(w.timer);
    if (this.holder?.conn === conn) {
      // Cached but idle: the process did not hold it when it died.
      if (!this.idle) this.#abandoned = true;
      this.holder = null;
      this.count = 0;
      this.idle = false;
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
        this.#lock.idle = false;
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

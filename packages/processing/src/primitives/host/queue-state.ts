/**
 * The host side of a Queue / SimpleQueue / JoinableQueue: the one place that decides who gets
 * which item. Every item is in exactly one of these states (the delivery state machine):
 *
 *   (producer) --Put/PutWait accepted--> QUEUED --Deliver to a Get--> LENT(conn, did)
 *   LENT --Ack(did)--> GOT (forgotten: exactly once)
 *   LENT --Return(did) | conn closed--> QUEUED (at the front, in the original order)
 *   PutWait not accepted yet: PENDING(conn, req) --room--> QUEUED
 *                                              --timeout | Cancel | conn closed--> dropped, the
 *                                                put rejects (Full / AbortError / never resolved)
 *
 * A client acknowledges a delivery before its `get` resolves (a remote client writes the Ack to
 * the kernel first), so a consumer killed before that point loses nothing: its connection closes
 * and what was LENT to it is QUEUED again. A client that withdrew its Get (timeout, abort) and
 * then sees the item arrive sends it back with Return.
 *
 * The hosting process's own main thread (the local conn) lives and dies with the host, so what
 * it holds needs no ids: its deliveries are counted (AckCount) and what it hands back comes
 * with the items' bytes (ReturnItems). A remote conn's deliveries are kept by id until acked,
 * since its death must give them back.
 *
 * Bounded queues: occupancy = QUEUED + LENT + credits granted to producers. A PutOk grants the
 * producer credits (half of the free room) so its next puts need no round trip; when a put has
 * to wait while credits are out, the host revokes them (the producer returns the unused ones).
 * Prefetch: a Get may take up to `want` items (the extras are LENT too); when another consumer
 * waits on an empty queue, the host recalls lent extras.
 */

import { microtask } from '../microtask.js';
import { Deque, idsPayload, Op, readIds, readItems } from '../protocol.js';
import { ByteQueue } from './byte-queue.js';
import { arm, type Conn, fail, type PrimState, reply } from './conn.js';

interface Getter {
  conn: Conn;
  req: number;
  want: number;
  timer?: NodeJS.Timeout;
  /**
   * A standing Get (`c & 2`): after each delivery it goes back to the end of the getters' line
   * with the rest of its `want`, so the consumer gets items as they arrive without asking again.
   */
  standing: boolean;
}

interface Putter {
  conn: Conn;
  req: number;
  item: Buffer;
  timer?: NodeJS.Timeout;
}

interface Joiner {
  conn: Conn;
  req: number;
  timer?: NodeJS.Timeout;
}

export class QueueState implements PrimState {
  readonly #id: number;
  readonly #maxsize: number;
  /** QUEUED items, in order (`byte-queue.ts`: bytes, not an object per item). */
  #items = new ByteQueue();
  /** LENT to remote conns, by delivery id. */
  #lent = new Map<Conn, Map<number, Buffer>>();
  /** LENT to the local conn (counted only, see above), and that conn once it got any. */
  #localLent = 0;
  #local: Conn | null = null;
  #lentCount = 0;
  #getters = new Deque<Getter>();
  #putters = new Deque<Putter>();
  #credits = new Map<Conn, number>();
  #reserved = 0;
  #revoking = new Set<Conn>();
  #recalling = new Set<Conn>();
  #consumers = new Set<Conn>();
  #unfinished = 0;
  #joiners: Joiner[] = [];
  #nextDid = 1;

  constructor(id: number, maxsize: number) {
    this.#id = id;
    this.#maxsize = Math.max(0, maxsize);
  }

  #room(): boolean {
    return this.#maxsize === 0 || this.#items.length + this.#lentCount + this.#reserved < this.#maxsize;
  }

  handle(conn: Conn, op: Op, req: number, a: number, b: number, c: number, payload: Buffer): void {
    switch (op) {
      case Op.Put: {
        if (this.#maxsize > 0) {
          const have = this.#credits.get(conn) ?? 0;
          if (have > 0) {
            this.#credits.set(conn, have - 1);
            this.#reserved--;
          }
        }
        this.#enqueue(payload);
        this.#serveSoon();
        return;
      }
      case Op.PutWait: {
        if (this.#maxsize === 0 || (this.#putters.length === 0 && this.#room())) {
          this.#enqueue(payload);
          const grant = this.#grant(conn);
          if (!conn.closed) conn.send(Op.PutOk, this.#id, req, 0, grant, 0);
          this.#serveSoon();
          return;
        }
        if (b === 0 || a === 0) {
          if (!conn.closed) conn.send(Op.FullReply, this.#id, req, 0, 0, 0);
          return;
        }
        const p: Putter = { conn, req, item: payload };
        p.timer = arm(a, () => {
          this.#putters.removeWhere((x) => x === p);
          if (!conn.closed) conn.send(Op.FullReply, this.#id, req, 0, 0, 0);
        });
        this.#putters.push(p);
        this.#revoke();
        return;
      }
      case Op.CreditReturn: {
        const have = this.#credits.get(conn) ?? 0;
        const n = Math.min(have, b);
        this.#credits.set(conn, have - n);
        this.#reserved -= n;
        this.#revoking.delete(conn);
        this.#servePutters();
        return;
      }
      case Op.Get: {
        this.#consumers.add(conn);
        // Standing only for a blocking get without timeout (the client waits for its items).
        const standing = (c & 2) !== 0 && (c & 1) !== 0 && a < 0;
        if (this.#items.length > 0) {
          const n = this.#deliver(conn, req, b);
          if (standing && b > n) this.#getters.push({ conn, req, want: b - n, standing });
          return;
        }
        if ((c & 1) === 0 || a === 0) {
          if (!conn.closed) conn.send(Op.EmptyReply, this.#id, req, 0, 0, 0);
          return;
        }
        const g: Getter = { conn, req, want: b, standing };
        g.timer = arm(a, () => {
          this.#getters.removeWhere((x) => x === g);
          if (!conn.closed) conn.send(Op.EmptyReply, this.#id, req, 0, 0, 0);
        });
        this.#getters.push(g);
        this.#recall(conn);
        return;
      }
      case Op.Ack: {
        const lent = this.#lent.get(conn);
        if (lent) {
          for (const did of readIds(payload)) if (lent.delete(did)) this.#lentCount--;
        }
        this.#servePutters();
        return;
      }
      case Op.Return: {
        this.#recalling.delete(conn);
        this.#takeBack(conn, readIds(payload));
        this.#serveGetters();
        return;
      }
      case Op.AckCount: {
        if (!conn.local) break;
        const n = Math.min(this.#localLent, Math.max(0, b));
        this.#localLent -= n;
        this.#lentCount -= n;
        this.#servePutters();
        return;
      }
      case Op.ReturnItems: {
        if (!conn.local) break;
        this.#recalling.delete(conn);
        const back = readItems(payload);
        const n = Math.min(this.#localLent, back.length);
        this.#localLent -= n;
        this.#lentCount -= n;
        for (let i = back.length - 1; i >= 0; i--) this.#items.unshift(back[i] as Buffer);
        this.#serveGetters();
        return;
      }
      case Op.Cancel: {
        const match = (x: { conn: Conn; req: number; timer?: NodeJS.Timeout }) => x.conn === conn && x.req === req;
        const found = [
          ...this.#getters.removeWhere(match),
          ...this.#putters.removeWhere(match),
          ...this.#joiners.filter(match),
        ];
        this.#joiners = this.#joiners.filter((x) => !match(x));
        for (const x of found) clearTimeout(x.timer);
        if (found.length > 0 && !conn.closed) conn.send(Op.Cancelled, this.#id, req, 0, 0, 0);
        return;
      }
      case Op.QSize:
        reply(conn, this.#id, req, this.#items.length + this.#lentCount, this.#maxsize);
        return;
      case Op.TaskDone:
        if (this.#unfinished <= 0) {
          fail(conn, this.#id, req, 'RangeError', 'taskDone() called too many times');
          return;
        }
        if (--this.#unfinished === 0) this.#wakeJoiners();
        reply(conn, this.#id, req);
        return;
      case Op.Join: {
        if (this.#unfinished === 0) {
          reply(conn, this.#id, req, 0, 1);
          return;
        }
        const j: Joiner = { conn, req };
        j.timer = arm(a, () => {
          this.#joiners = this.#joiners.filter((x) => x !== j);
          reply(conn, this.#id, req, 0, 0);
        });
        this.#joiners.push(j);
        return;
      }
    }
    fail(conn, this.#id, req, 'TypeError', `a queue does not support op ${op}${conn.local ? '' : ' from another process'}`);
  }

  drop(conn: Conn): void {
    if (conn === this.#local) {
      // The hosting process is going: what its main thread held goes with it.
      this.#lentCount -= this.#localLent;
      this.#localLent = 0;
      this.#local = null;
    }
    const lent = this.#lent.get(conn);
    if (lent) this.#takeBack(conn, [...lent.keys()]);
    this.#lent.delete(conn);
    const mine = (x: { conn: Conn; timer?: NodeJS.Timeout }) => x.conn === conn;
    for (const x of [...this.#getters.removeWhere(mine), ...this.#putters.removeWhere(mine)]) clearTimeout(x.timer);
    for (const j of this.#joiners) if (j.conn === conn) clearTimeout(j.timer);
    this.#joiners = this.#joiners.filter((x) => x.conn !== conn);
    this.#reserved -= this.#credits.get(conn) ?? 0;
    this.#credits.delete(conn);
    this.#revoking.delete(conn);
    this.#recalling.delete(conn);
    this.#consumers.delete(conn);
    this.#servePutters();
    this.#serveGetters();
  }

  #serveScheduled = false;

  /**
   * Serves waiting getters once the frames that arrived together are all queued, so a waiting
   * consumer gets them in one delivery rather than the first alone.
   */
  #serveSoon(): void {
    if (this.#serveScheduled) return;
    this.#serveScheduled = true;
    microtask(() => {
      this.#serveScheduled = false;
      this.#serveGetters();
    });
  }

  #enqueue(item: Buffer): void {
    this.#items.push(item);
    this.#unfinished++;
  }

  /** Credits for a producer whose put was just accepted: half the free room, none while others wait. */
  #grant(conn: Conn): number {
    if (this.#maxsize === 0 || this.#putters.length > 0) return 0;
    const free = this.#maxsize - (this.#items.length + this.#lentCount + this.#reserved);
    const g = Math.min(1024, Math.floor(free / 2));
    if (g <= 0) return 0;
    this.#credits.set(conn, (this.#credits.get(conn) ?? 0) + g);
    this.#reserved += g;
    return g;
  }

  #revoke(): void {
    if (this.#reserved <= 0) return;
    for (const [conn, n] of this.#credits) {
      if (n > 0 && !this.#revoking.has(conn) && !conn.closed) {
        this.#revoking.add(conn);
        conn.send(Op.Revoke, this.#id, 0, 0, 0, 0);
      }
    }
  }

  #recall(except: Conn): void {
    for (const [conn, lent] of this.#lent) if (lent.size > 0) this.#recallFrom(conn, except);
    if (this.#local && this.#localLent > 0) this.#recallFrom(this.#local, except);
  }

  #recallFrom(conn: Conn, except: Conn): void {
    if (conn !== except && !this.#recalling.has(conn) && !conn.closed) {
      this.#recalling.add(conn);
      conn.send(Op.Recall, this.#id, 0, 0, 0, 0);
    }
  }

  /** Lends `conn` up to `want` items for `req` (at least one); returns how many. */
  #deliver(conn: Conn, req: number, want: number): number {
    let n = 1;
    if (want > 1 && this.#getters.length === 0) {
      const share = Math.floor((this.#items.length - 1) / Math.max(1, this.#consumers.size));
      n += Math.max(0, Math.min(want - 1, share));
    }
    let sent = 0;
    if (conn.local) {
      this.#local = conn;
      for (; sent < n && this.#items.length > 0; sent++) conn.send(Op.Deliver, this.#id, req, 0, 0, 0, this.#items.shift() as Buffer);
      this.#localLent += sent;
      this.#lentCount += sent;
      return sent;
    }
    let lent = this.#lent.get(conn);
    if (!lent) {
      lent = new Map();
      this.#lent.set(conn, lent);
    }
    for (; sent < n && this.#items.length > 0; sent++) {
      const item = this.#items.shift() as Buffer;
      const did = this.#nextDid++;
      if (this.#nextDid > 0xfffffff0) this.#nextDid = 1;
      lent.set(did, item);
      this.#lentCount++;
      conn.send(Op.Deliver, this.#id, req, did, 0, 0, item);
    }
    return sent;
  }

  #takeBack(conn: Conn, dids: number[]): void {
    const lent = this.#lent.get(conn);
    if (!lent) return;
    const back: Buffer[] = [];
    for (const did of dids.sort((x, y) => x - y)) {
      const item = lent.get(did);
      if (item === undefined) continue;
      lent.delete(did);
      this.#lentCount--;
      back.push(item);
    }
    for (let i = back.length - 1; i >= 0; i--) this.#items.unshift(back[i]);
  }

  #serveGetters(): void {
    while (this.#items.length > 0 && this.#getters.length > 0) {
      const g = this.#getters.shift() as Getter;
      clearTimeout(g.timer);
      if (g.conn.closed) continue;
      const n = this.#deliver(g.conn, g.req, g.want);
      if (g.standing && g.want > n) {
        g.want -= n;
        this.#getters.push(g);
      }
    }
  }

  #servePutters(): void {
    let moved = false;
    while (this.#putters.length > 0 && this.#maxsize > 0 && this.#items.length + this.#lentCount + this.#reserved < this.#maxsize) {
      const p = this.#putters.shift() as Putter;
      clearTimeout(p.timer);
      if (p.conn.closed) continue;
      this.#enqueue(p.item);
      p.conn.send(Op.PutOk, this.#id, p.req, 0, 0, 0);
      moved = true;
    }
    if (moved) this.#serveGetters();
  }

  #wakeJoiners(): void {
    const js = this.#joiners;
    this.#joiners = [];
    for (const j of js) {
      clearTimeout(j.timer);
      reply(j.conn, this.#id, j.req, 0, 1);
    }
  }
}

export { idsPayload };

/**
 * One client connection as the server sees it: its outbox (replies batched per tick), its
 * parked calls, and its ledger of references, dropped when the connection ends so a dead
 * client's objects are freed.
 */
import type { Channel } from '../transport/transport.js';
import type { ServerMessage } from '../wire/messages.js';
import type { CallContext, Owner } from './call-context.js';

let nextConnId = 1;

/** One async task of a client process (a lock call's owner token), on its connection. */
class TaskOwner implements Owner {
  readonly #conn: ConnectionState;
  readonly task: number;

  constructor(conn: ConnectionState, task: number) {
    this.#conn = conn;
    this.task = task;
  }

  get id(): number {
    return this.#conn.id;
  }

  get alive(): boolean {
    return this.#conn.alive;
  }

  atClose(fn: () => void): () => void {
    return this.#conn.atClose(fn);
  }
}

export class ConnectionState implements Owner {
  readonly id = nextConnId++;
  readonly task = 0;
  readonly channel: Channel;
  alive = true;
  outbox: ServerMessage[] = [];
  flushQueued = false;
  /** Frames waiting while an earlier one is decoded asynchronously (module imports). */
  backlog: Buffer[] | null = null;
  /** oid -> references this connection holds. */
  readonly ledger = new Map<number, number>();
  /** call id -> how to withdraw the parked call. */
  readonly parked = new Map<number, (reason: Error) => void>();
  /** Tickets of proxies sent to this client and not yet claimed. */
  readonly tickets = new Set<string>();
  readonly #closeHooks = new Set<() => void>();
  /** The call id being dispatched (read by `ctx.onCancel`). */
  callId = 0;
  readonly ctx: CallContext;

  constructor(channel: Channel) {
    this.channel = channel;
    this.ctx = {
      owner: this,
      onCancel: (hook) => {
        this.parked.set(this.callId, hook);
      },
    };
  }

  /** The context of a call made by task `task` of this client (a lock call with an owner token). */
  ctxFor(task: number): CallContext {
    return { owner: new TaskOwner(this, task), onCancel: this.ctx.onCancel };
  }

  atClose(fn: () => void): () => void {
    this.#closeHooks.add(fn);
    return () => {
      this.#closeHooks.delete(fn);
    };
  }

  /** Runs the close hooks once (locks held by this client are abandoned here). */
  runCloseHooks(): void {
    const hooks = [...this.#closeHooks];
    this.#closeHooks.clear();
    for (const h of hooks) {
      try {
        h();
      } catch {
        // A hook's failure must not stop the others.
      }
    }
  }

  addRef(oid: number): void {
    this.ledger.set(oid, (this.ledger.get(oid) ?? 0) + 1);
  }

  /** False when this connection holds no reference to `oid`. */
  dropRef(oid: number): boolean {
    const n = this.ledger.get(oid);
    if (!n) return false;
    if (n === 1) this.ledger.delete(oid);
    else this.ledger.set(oid, n - 1);
    return true;
  }
}

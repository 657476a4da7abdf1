/**
 * The server's objects and their reference counts. A reference is held by a client connection
 * (its ledger), by a proxy in transit (a ticket), or by a proxy stored inside another shared
 * object (a `ServerRef`). An object is freed when its count reaches zero.
 *
 * A ticket is made when a proxy is serialized (by a client: a `Transit` message; by the server:
 * a reply) and claimed when it is rebuilt. A claim can overtake its transit (they travel on
 * different connections); it then counts as a reference of its own and the late transit is
 * dropped, so the count is right in either order.
 */
import type { ConnectionState } from './connection-state.js';

export interface Entry {
  readonly oid: number;
  readonly typeid: string;
  readonly obj: object;
  /** Callable method names. */
  readonly exposed: Set<string>;
  readonly exposedList: string[];
  readonly internal: Set<string> | null;
  readonly methodToTypeid: Record<string, string> | undefined;
  refs: number;
}

interface Ticket {
  oid: number;
  owner: ConnectionState | null;
}

export class ObjectTable {
  readonly entries = new Map<number, Entry>();
  #next = 1;
  readonly #tickets = new Map<string, Ticket>();
  readonly #early = new Set<string>();
  #ticketSeq = 0;
  readonly #prefix: string;

  /** Called with each freed object. */
  onFree: (obj: object) => void = () => {};

  constructor(prefix: string) {
    this.#prefix = prefix;
  }

  add(
    obj: object,
    typeid: string,
    exposed: string[],
    internal: readonly string[] | undefined,
    methodToTypeid: Record<string, string> | undefined,
  ): Entry {
    const e: Entry = {
      oid: this.#next++,
      typeid,
      obj,
      exposed: new Set(exposed),
      exposedList: exposed,
      internal: internal ? new Set(internal) : null,
      methodToTypeid,
      refs: 0,
    };
    this.entries.set(e.oid, e);
    return e;
  }

  get(oid: number): Entry | undefined {
    return this.entries.get(oid);
  }

  incref(oid: number): boolean {
    const e = this.entries.get(oid);
    if (!e) return false;
    e.refs++;
    return true;
  }

  decref(oid: number): void {
    const e = this.entries.get(oid);
    if (!e) return;
    if (--e.refs <= 0) {
      this.entries.delete(oid);
      this.onFree(e.obj);
    }
  }

  /** A server-made ticket (a proxy in a reply), owned by the connection it is sent to. */
  newTicket(oid: number, owner: ConnectionState | null): string {
    const ticket = `${this.#prefix}${++this.#ticketSeq}`;
    this.transit(oid, ticket, owner);
    return ticket;
  }

  transit(oid: number, ticket: string, owner: ConnectionState | null): void {
    if (this.#early.delete(ticket)) return;
    if (!this.incref(oid)) return;
    this.#tickets.set(ticket, { oid, owner });
    owner?.tickets.add(ticket);
  }

  /** Moves a ticket's reference to its claimant; false when the object is gone. */
  claim(oid: number, ticket: string): boolean {
    const t = this.#tickets.get(ticket);
    if (t) {
      this.#tickets.delete(ticket);
      t.owner?.tickets.delete(ticket);
      return true;
    }
    // The claim overtook its transit: count it now, drop the transit when it comes.
    if (!this.incref(oid)) return false;
    this.#early.add(ticket);
    return true;
  }

  /** Drops an unclaimed ticket (its receiver died). */
  dropTicket(ticket: string): void {
    const t = this.#tickets.get(ticket);
    if (!t) return;
    this.#tickets.delete(ticket);
    this.decref(t.oid);
  }

  get ticketCount(): number {
    return this.#tickets.size;
  }
}

/**
 * A proxy as the server holds it: a reference to one of its own objects, stored inside another
 * shared object (a dict of lists) or returned by a method. It travels back to clients as a
 * proxy token (a fresh ticket per send). A stored one holds a reference until it is garbage
 * collected (as Python's server-side proxies do); a reply-only one holds none (its ticket does).
 */
import { type Reduced, reduceSymbol } from '@proc/core';
import type { Token } from '../wire/messages.js';
import { codecContext, type ServerSide } from './codec-context.js';
import type { Entry, ObjectTable } from './object-table.js';

export const rebuildModule = new URL('../proxy/rebuild.js', import.meta.url).href;

const finalizer = new FinalizationRegistry<{ table: ObjectTable; oid: number }>(({ table, oid }) => table.decref(oid));

export class ServerRef {
  readonly #server: ServerSide;
  readonly #token: Token;
  readonly #entry: Entry;

  constructor(server: ServerSide, token: Token, entry: Entry, table: ObjectTable | null) {
    this.#server = server;
    this.#token = token;
    this.#entry = entry;
    // A stored reference owns one count, dropped when it is collected.
    if (table) finalizer.register(this, { table, oid: entry.oid });
  }

  /** The object itself (for a type that is given another shared object, as Condition its lock). */
  get referent(): object {
    return this.#entry.obj;
  }

  get token(): Token {
    return this.#token;
  }

  [reduceSymbol](): Reduced {
    const ticket = this.#server.ticketFor(this.#entry.oid, codecContext.encoding === this.#server ? codecContext.encodingTo : null);
    return { module: rebuildModule, rebuild: 'rebuildProxy', state: { t: this.#token, k: ticket } };
  }
}

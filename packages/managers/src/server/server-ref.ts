/**
 * A proxy as the server holds it: a reference to one of its own objects, stored inside another
 * shared object (a dict of lists) or returned by a method. It travels back to clients as a
 * proxy token (a fresh ticket per send). A stored one holds a reference until it is garbage
 * collected (as Python's server-side proxies do); a reply-only one holds none (its ticket does).
 */
import { type Reduced, reduceSymbol } from '@proc/core';
import type { Token } from '../wire/messages.js';
import { codecContext, type ServerSide } from './codec-context.js';
import { rebuildModule } from './module-urls.js';
import type { Entry, ObjectTable } from './object-table.js';

const finalizer = new FinalizationRegistry<{ table: ObjectTable; oid: number }>(({ table, oid }) => table.decref(oid));

export class ServerRef {
  readonly #server: ServerSide;
  readonly #token: Token;
  readonly #entry: Entry;
  #table: ObjectTable | null;

  constructor(server: ServerSide, token: Token, entry: Entry, table: ObjectTable | null) {
    this.#server = server;
    this.#token = token;
    this.#entry = entry;
    this.#table = table;
    // A stored reference owns one count, dropped when it is collected or released.
    if (table) finalizer.register(this, { table, oid: entry.oid }, this);
  }

  /** Drops the count this reference owns now (its container was freed). Idempotent. */
  release(): void {
    const table = this.#table;
    if (!table) return;
    this.#table = null;
    finalizer.unregister(this);
    table.decref(this.#entry.oid);
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

/**
 * Releases every stored reference inside `values` (deeply: arrays, plain objects, Maps, Sets).
 * Called when a built-in container is freed, so a dict of lists frees its lists at once rather
 * than when the server's garbage collector runs.
 */
export function releaseRefsIn(values: Iterable<unknown>): void {
  const seen = new Set<object>();
  const stack: unknown[] = [...values];
  while (stack.length > 0) {
    const v = stack.pop();
    if (v === null || typeof v !== 'object' || seen.has(v)) continue;
    seen.add(v);
    if (v instanceof ServerRef) v.release();
    else if (Array.isArray(v) || v instanceof Set) for (const x of v) stack.push(x);
    else if (v instanceof Map) for (const [k, x] of v) stack.push(k, x);
    else if (Object.getPrototypeOf(v) === Object.prototype) for (const k of Object.keys(v)) stack.push((v as Record<string, unknown>)[k]);
  }
}

/** Implemented by the built-in containers: what they hold (for `releaseRefsIn`). */
export const contentsSymbol = Symbol('proc.managers.contents');

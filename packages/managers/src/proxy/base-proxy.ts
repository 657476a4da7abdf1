/**
 * A proxy: the local handle of an object that lives in a manager's server. Built-in members
 * are `$`-prefixed so they cannot clash with remote method names, and `then` is not defined, so
 * awaiting a proxy gives the proxy (it never hangs).
 *
 * Each proxy holds one reference on the server. `$close()` (or `await using`) drops it; a proxy
 * dropped without closing is dropped by a `FinalizationRegistry` when collected (which may
 * never happen, hence `$close()`); a client that dies drops all of its references with it.
 * Serialized (in `Process` args, into a queue or a shared dict), a proxy travels as a token with
 * a ticket that keeps the object alive until the receiver claims it.
 */
import { type Reduced, reduceSymbol } from '@proc/core';
import type { ManagerClient, Undo } from '../client/manager-client.js';
import { currentOwner } from '../client/owner.js';
import { ProxyClosedError } from '../errors.js';
import { rebuildModule } from '../server/module-urls.js';
import type { Address, Token } from '../wire/messages.js';

const finalizer = new FinalizationRegistry<{ client: ManagerClient; oid: number }>(({ client, oid }) => client.decref(oid));

/** What a proxy is made from (passed to a `proxyType` constructor). */
export interface ProxyInit {
  readonly client: ManagerClient;
  readonly token: Token;
}

export interface WaitOptions {
  /** Milliseconds (decided by the server). @default no limit */
  timeout?: number | null;
  /** Withdraws the call; it rejects with `AbortError` whose `cause` is `signal.reason`. */
  signal?: AbortSignal;
}

export class BaseProxy {
  readonly #client: ManagerClient;
  readonly #token: Token;
  #closed = false;

  constructor(init: ProxyInit) {
    this.#client = init.client;
    this.#token = init.token;
    finalizer.register(this, { client: init.client, oid: init.token.oid }, this);
  }

  /** The registered type name (`'dict'`, `'Queue'`, ...). */
  get $typeid(): string {
    return this.#token.typeid;
  }

  /** The object's id on its server. */
  get $id(): number {
    return this.#token.oid;
  }

  /** The server's address. */
  get $address(): Address {
    return this.#token.address;
  }

  get $token(): Readonly<Token> {
    return this.#token;
  }

  get $closed(): boolean {
    return this.#closed;
  }

  /** Calls `method` on the referent (Python's `_callmethod`); only exposed methods are allowed. */
  $call(method: string, args: unknown[] = []): Promise<unknown> {
    if (this.#closed) return Promise.reject(new ProxyClosedError());
    return this.#client.call(this.#token.oid, method, args);
  }

  /**
   * A call that may wait on the server; `signal` withdraws it and `undo` gives back a late grant.
   * `owner`: the calling task's owner token (lock calls, see `ownerScope`); 0: the connection.
   */
  protected $callWaiting(method: string, args: unknown[], signal: AbortSignal | undefined, undo: Undo | null, owner = 0): Promise<unknown> {
    if (this.#closed) return Promise.reject(new ProxyClosedError());
    return this.#client.callWaiting(this.#token.oid, method, args, signal, undo, owner);
  }

  /** A call made as the current async task (lock ownership: connection + owner token). */
  protected $callAsTask(method: string, args: unknown[] = []): Promise<unknown> {
    if (this.#closed) return Promise.reject(new ProxyClosedError());
    return this.#client.call(this.#token.oid, method, args, currentOwner());
  }

  /** A call with no reply (a failure surfaces on the next call); resolves once written. */
  protected $post(method: string, args: unknown[]): Promise<void> {
    if (this.#closed) return Promise.reject(new ProxyClosedError());
    return this.#client.post(this.#token.oid, method, args);
  }

  /** Gives back what a call obtained and the caller will not use (internal methods allowed). */
  protected $undo(method: string, args: unknown[]): void {
    this.#client.undo(this.#token.oid, method, args);
  }

  /** Drops this proxy's reference; the server frees the object when the last one goes. Idempotent. */
  async $close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    finalizer.unregister(this);
    this.#client.decref(this.#token.oid);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.$close();
  }

  [reduceSymbol](): Reduced {
    if (this.#closed) throw new ProxyClosedError('A closed proxy cannot be sent');
    const ticket = this.#client.transit(this.#token.oid);
    return { module: rebuildModule, rebuild: 'rebuildProxy', state: { t: this.#token, k: ticket } };
  }

  toString(): string {
    return `<${this.constructor.name} ${this.#token.typeid}#${this.#token.oid}>`;
  }
}

/** Omits `signal` (it stays on the client) and keeps what the server needs. */
export function serverOptions<T extends { signal?: AbortSignal }>(options: T | undefined): Omit<T, 'signal'> | undefined {
  if (options === undefined) return undefined;
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
  const { signal: _signal, ...rest } = options;
  if (_signal !== undefined && !(_signal instanceof AbortSignal)) throw new TypeError('options.signal must be an AbortSignal');
  const t = (rest as { timeout?: unknown }).timeout;
  if (t !== undefined && t !== null && (typeof t !== 'number' || Number.isNaN(t) || t < 0)) {
    throw new RangeError('options.timeout must be a number of milliseconds >= 0');
  }
  return rest;
}

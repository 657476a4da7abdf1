/**
 * The manager's server: event-driven, one process, any number of client connections. A call
 * that has to wait (a `get` on an empty queue, an `acquire` of a held lock) parks a waiter and
 * the server goes on serving; nothing in it blocks. Replies are batched per connection per tick.
 */
import { randomBytes } from 'node:crypto';
import { AbortError, busyPoll, deserialize, preloadModules, serialize } from '@proc/core';
import {
  ManagerGoneError,
  ObjectGoneError,
  ProtocolError,
  UnknownMethodError,
  UnknownTypeError,
} from '../errors.js';
import type { BoundServer } from '../transport/bind.js';
import { listen } from '../transport/index.js';
import { adoptServer } from '../transport/net-channel.js';
import type { Channel, ChannelListener } from '../transport/transport.js';
import { type Address, type ClientMessage, type ServerMessage, Tag, type Token } from '../wire/messages.js';
import { setCurrentCall } from './call-context.js';
import { codecContext, type ServerSide } from './codec-context.js';
import { ConnectionState } from './connection-state.js';
import { type Entry, ObjectTable } from './object-table.js';
import { publicMethods, type ResolvedType, TypeRegistry, type TypeSpec } from './registry.js';
import { contentsSymbol, releaseRefsIn, ServerRef } from './server-ref.js';

export interface ServerOptions {
  /** Where to listen: a Unix socket path or `[host, port]`. @default a fresh private Unix socket */
  address?: Address;
  authkey: Uint8Array;
  /** Types registered with `BaseManager.register`. */
  types?: readonly TypeSpec[];
  /** Serve SyncManager's built-in types. @default true */
  builtins?: boolean;
  /** A socket already bound (the server process binds before loading the server). */
  bound?: BoundServer;
  /** TLS server options (`key`, `cert`, ...): clients connect over TLS. */
  tls?: import('node:tls').TlsOptions;
}

export interface ServerInfo {
  /** The server process's `process.memoryUsage().heapUsed` after a GC when `--expose-gc` is on. */
  heapUsed: number;
  /** The server process's CPU time so far (`process.cpuUsage()`, µs). */
  cpu: { user: number; system: number };
  objects: number;
  tickets: number;
  connections: number;
  refs: Array<{ oid: number; typeid: string; refs: number }>;
}

enum State {
  Idle = 0,
  Listening = 1,
  Closed = 2,
}

const isThenable = (v: unknown): v is PromiseLike<unknown> =>
  v !== null && (typeof v === 'object' || typeof v === 'function') && typeof (v as { then?: unknown }).then === 'function';

/** Python's `managers.Server`: `await server.serveForever()`. */
export class Server implements ServerSide {
  readonly id: string = randomBytes(8).toString('hex');
  readonly #table: ObjectTable;
  readonly #types: TypeRegistry;
  readonly #options: ServerOptions;
  readonly #conns = new Set<ConnectionState>();
  #listener: ChannelListener | null = null;
  #state = State.Idle;
  #listening: Promise<Address> | null = null;
  #done: Promise<void>;
  #resolveDone!: () => void;

  constructor(options: ServerOptions) {
    if (!(options.authkey instanceof Uint8Array)) throw new TypeError('authkey must be a Buffer or Uint8Array');
    this.#options = options;
    this.#types = new TypeRegistry(options.types ?? [], options.builtins ?? true);
    this.#table = new ObjectTable(`${this.id}.`);
    this.#table.onFree = (obj) => {
      const contents = (obj as { [contentsSymbol]?: () => Iterable<unknown> })[contentsSymbol];
      if (typeof contents === 'function') releaseRefsIn(contents.call(obj));
    };
    this.#done = new Promise((r) => {
      this.#resolveDone = r;
    });
  }

  /** The bound address once listening. */
  get address(): Address | undefined {
    return this.#listener?.address;
  }

  /** Binds and starts accepting clients; resolves with the address. */
  listen(): Promise<Address> {
    this.#listening ??= (async () => {
      const bound = this.#options.bound;
      const l = bound ? adoptServer(bound, { authkey: this.#options.authkey }) : await listen(this.#options.address, { authkey: this.#options.authkey, tls: this.#options.tls ? { server: this.#options.tls } : undefined });
      if (this.#state === State.Closed) {
        await l.close();
        throw new ManagerGoneError('The server was shut down while it started');
      }
      this.#listener = l;
      this.#state = State.Listening;
      l.onChannel = (ch) => this.#accept(ch);
      return l.address;
    })();
    return this.#listening;
  }

  /** Listens (if not yet) and resolves when the server is shut down (by `shutdown()` or a client). */
  async serveForever(): Promise<void> {
    await this.listen();
    await this.#done;
  }

  /** Stops listening and drops every client. Idempotent. */
  async shutdown(): Promise<void> {
    if (this.#state === State.Closed) return this.#done;
    this.#state = State.Closed;
    const l = this.#listener;
    this.#listener = null;
    for (const c of this.#conns) c.channel.close();
    if (l) await l.close();
    this.#resolveDone();
  }

  /** Don't keep the event loop alive for the listener alone. */
  unref(): void {
    this.#listener?.unref();
  }

  info(): ServerInfo {
    const refs: ServerInfo['refs'] = [];
    for (const e of this.#table.entries.values()) refs.push({ oid: e.oid, typeid: e.typeid, refs: e.refs });
    (globalThis as { gc?: () => void }).gc?.();
    return { heapUsed: process.memoryUsage().heapUsed, cpu: process.cpuUsage(), objects: this.#table.entries.size, tickets: this.#table.ticketCount, connections: this.#conns.size, refs };
  }

  // --- ServerSide (codec hooks) ---

  refFromToken(oid: number, ticket: string): unknown {
    const e = this.#table.get(oid);
    if (!e || !this.#table.claim(oid, ticket)) {
      throw new ObjectGoneError(`A proxy for object ${oid} arrived, but the object was freed already`);
    }
    return new ServerRef(this, this.#token(e), e, this.#table);
  }

  ticketFor(oid: number, to: ConnectionState | null): string {
    return this.#table.newTicket(oid, to);
  }

  // --- connections ---

  #accept(ch: Channel): void {
    const conn = new ConnectionState(ch);
    this.#conns.add(conn);
    ch.onFrame = (frame) => this.#onFrame(conn, frame);
    ch.onClose = () => this.#dropConnection(conn);
    this.#send(conn, [Tag.Hello, this.id]);
    this.#flush(conn);
  }

  #dropConnection(conn: ConnectionState): void {
    if (!conn.alive) return;
    conn.alive = false;
    this.#conns.delete(conn);
    const gone = new ManagerGoneError('The client connection ended');
    for (const cancel of conn.parked.values()) cancel(gone);
    conn.parked.clear();
    conn.runCloseHooks();
    for (const [oid, n] of conn.ledger) for (let i = 0; i < n; i++) this.#table.decref(oid);
    conn.ledger.clear();
    for (const t of [...conn.tickets]) this.#table.dropTicket(t);
  }

  #onFrame(conn: ConnectionState, frame: Buffer): void {
    if (conn.backlog !== null) {
      conn.backlog.push(Buffer.from(frame));
      return;
    }
    let msgs: unknown;
    try {
      msgs = this.#decode(conn, frame);
    } catch (err) {
      if ((err as { code?: string }).code === 'PROC_ERR_SERIALIZE_MODULE_NOT_LOADED') {
        // The frame needs a module (a proxy's rebuild, a registered class): import it, then go on
        // in order with the frames that arrive meanwhile.
        conn.backlog = [];
        void this.#decodeLater(conn, Buffer.from(frame));
        return;
      }
      this.#fatal(conn, new ProtocolError('The server could not decode a message; closing the connection', { cause: err }));
      return;
    }
    this.#dispatchFrame(conn, msgs);
  }

  async #decodeLater(conn: ConnectionState, frame: Buffer): Promise<void> {
    try {
      await preloadModules(frame);
      this.#dispatchFrame(conn, this.#decode(conn, frame));
    } catch (err) {
      this.#fatal(conn, new ProtocolError('The server could not decode a message; closing the connection', { cause: err }));
      return;
    }
    const backlog = conn.backlog ?? [];
    conn.backlog = null;
    for (let i = 0; i < backlog.length; i++) {
      if (!conn.alive) return;
      this.#onFrame(conn, backlog[i]);
      if ((conn.backlog as Buffer[] | null) !== null) {
        (conn.backlog as unknown as Buffer[]).push(...backlog.slice(i + 1));
        return;
      }
    }
  }

  #decode(_conn: ConnectionState, frame: Buffer): unknown {
    const prev = codecContext.decoding;
    codecContext.decoding = this;
    try {
      return deserialize(frame);
    } finally {
      codecContext.decoding = prev;
    }
  }

  /** A connection that sent garbage: tell it why (best effort) and close it. Others are unaffected. */
  #fatal(conn: ConnectionState, err: Error): void {
    this.#send(conn, [Tag.PostErr, 0, err]);
    this.#flush(conn);
    conn.channel.close();
  }

  #dispatchFrame(conn: ConnectionState, msgs: unknown): void {
    if (!Array.isArray(msgs)) {
      this.#fatal(conn, new ProtocolError('A frame must be an array of messages'));
      return;
    }
    for (let i = 0; i < msgs.length; i++) {
      const m = msgs[i];
      if (!Array.isArray(m)) {
        this.#fatal(conn, new ProtocolError('A message must be a tuple'));
        return;
      }
      this.#handle(conn, m as ClientMessage);
    }
  }

  #handle(conn: ConnectionState, m: ClientMessage): void {
    switch (m[0]) {
      case Tag.Call:
        this.#call(conn, m[1], m[2], m[3], m[4], 0, m[5]);
        return;
      case Tag.Post:
        this.#call(conn, 0, m[1], m[2], m[3], 1);
        return;
      case Tag.Undo:
        this.#call(conn, 0, m[1], m[2], m[3], 2, m[4]);
        return;
      case Tag.Create:
        this.#create(conn, m[1], m[2], m[3]);
        return;
      case Tag.Cancel: {
        const cancel = conn.parked.get(m[1]);
        if (cancel) {
          conn.parked.delete(m[1]);
          cancel(new AbortError('The call was withdrawn by the client'));
        }
        return;
      }
      case Tag.Decref:
        if (conn.dropRef(m[1])) this.#table.decref(m[1]);
        return;
      case Tag.Transit:
        this.#table.transit(m[1], m[2], null);
        return;
      case Tag.Claim:
        if (this.#table.claim(m[1], m[2])) conn.addRef(m[1]);
        return;
      case Tag.Control:
        this.#control(conn, m[1], m[2]);
        return;
      default:
        this.#fatal(conn, new ProtocolError(`Unknown message tag ${String((m as unknown[])[0])}`));
    }
  }

  #control(conn: ConnectionState, id: number, op: string): void {
    if (op === 'ping') this.#send(conn, [Tag.Ok, id, this.id]);
    else if (op === 'info') this.#send(conn, [Tag.Ok, id, this.info()]);
    else if (op === 'shutdown') {
      this.#send(conn, [Tag.Ok, id, undefined]);
      this.#flush(conn);
      // Let the reply leave before the connections close.
      setImmediate(() => void this.shutdown());
    } else this.#send(conn, [Tag.Err, id, new ProtocolError(`Unknown control operation ${String(op)}`)]);
  }

  /**
   * mode 0: call (reply), 1: post (reply only on failure), 2: undo (internal methods allowed).
   * `task`: the client's owner token (lock calls): ownership is keyed by connection + task.
   */
  #call(conn: ConnectionState, id: number, oid: number, method: string, args: unknown[], mode: 0 | 1 | 2, task?: number): void {
    const e = this.#table.get(oid);
    let result: unknown;
    try {
      if (e === undefined) throw new ObjectGoneError(`Object ${oid} does not exist on this server (freed, or never created)`);
      if (typeof method !== 'string' || !(e.exposed.has(method) || (mode === 2 && e.internal?.has(method)))) {
        throw new UnknownMethodError(
          `'${String(method)}' is not an exposed method of ${e.typeid}${typeof method === 'string' && /^[_$#]/.test(method) ? ' (private methods cannot be called)' : ''}`,
        );
      }
      const fn = (e.obj as Record<string, unknown>)[method];
      if (typeof fn !== 'function') throw new UnknownMethodError(`${e.typeid} has no method '${method}'`);
      if (!Array.isArray(args)) throw new ProtocolError('Call arguments must be an array');
      conn.callId = id;
      if (task !== undefined && !Number.isSafeInteger(task)) throw new ProtocolError('An owner token must be an integer');
      setCurrentCall(task === undefined || task === 0 ? conn.ctx : conn.ctxFor(task));
      try {
        result = fn.apply(e.obj, args);
      } finally {
        setCurrentCall(null);
      }
    } catch (err) {
      this.#fail(conn, id, oid, err, mode);
      return;
    }
    if (isThenable(result)) {
      (result as Promise<unknown>).then(
        (v) => {
          if (id !== 0) conn.parked.delete(id);
          if (mode === 0 && conn.alive) this.#ok(conn, id, e as Entry, method, v);
        },
        (err) => {
          if (id !== 0) conn.parked.delete(id);
          if (conn.alive) this.#fail(conn, id, oid, err, mode);
        },
      );
      return;
    }
    if (mode === 0) this.#ok(conn, id, e as Entry, method, result);
  }

  #ok(conn: ConnectionState, id: number, e: Entry, method: string, value: unknown): void {
    const typeid = e.methodToTypeid?.[method];
    if (typeid !== undefined) {
      // The result becomes a shared object of its own (Python's methodToTypeid).
      const made = this.#wrap(typeid, value);
      if (made instanceof Promise) {
        made.then(
          (ref) => this.#send(conn, [Tag.Ok, id, ref]),
          (err) => this.#send(conn, [Tag.Err, id, err]),
        );
        return;
      }
      this.#send(conn, [Tag.Ok, id, made]);
      return;
    }
    this.#send(conn, [Tag.Ok, id, value]);
  }

  #fail(conn: ConnectionState, id: number, oid: number, err: unknown, mode: 0 | 1 | 2): void {
    if (mode === 0) this.#send(conn, [Tag.Err, id, err]);
    else if (mode === 1) this.#send(conn, [Tag.PostErr, oid, err]);
  }

  #wrap(typeid: string, value: unknown): ServerRef | Promise<ServerRef> {
    const t = this.#types.resolve(typeid);
    if (t === undefined) throw new UnknownTypeError(`No type is registered as '${typeid}'`);
    const mk = (rt: ResolvedType) => {
      const obj = rt.make === null ? (value as object) : rt.make([value]);
      return this.#ref(this.#add(rt, obj));
    };
    return t instanceof Promise ? t.then(mk) : mk(t);
  }

  #create(conn: ConnectionState, id: number, typeid: string, args: unknown[]): void {
    let t: ResolvedType | Promise<ResolvedType> | undefined;
    try {
      if (typeof typeid !== 'string' || !Array.isArray(args)) throw new ProtocolError('Bad create message');
      t = this.#types.resolve(typeid);
      if (t === undefined) throw new UnknownTypeError(`No type is registered as '${typeid}'`);
    } catch (err) {
      this.#send(conn, [Tag.Err, id, err]);
      return;
    }
    const make = (rt: ResolvedType) => {
      if (rt.make === null) throw new UnknownTypeError(`'${typeid}' has no factory: it is only a methodToTypeid result type`);
      const obj = rt.make(args.map((a) => (a instanceof ServerRef && typeid === 'Condition' ? a.referent : a)));
      if (obj === null || (typeof obj !== 'object' && typeof obj !== 'function')) {
        throw new TypeError(`The factory of '${typeid}' returned ${obj === null ? 'null' : typeof obj}, not an object`);
      }
      if (isThenable(obj)) {
        return (obj as Promise<object>).then((o) => this.#ref(this.#add(rt, o)));
      }
      return this.#ref(this.#add(rt, obj));
    };
    const done = (v: unknown) => {
      if (v instanceof Promise) {
        v.then(
          (ref) => this.#send(conn, [Tag.Ok, id, ref]),
          (err) => this.#send(conn, [Tag.Err, id, err]),
        );
      } else this.#send(conn, [Tag.Ok, id, v]);
    };
    try {
      if (t instanceof Promise) {
        t.then(
          (rt) => {
            try {
              done(make(rt));
            } catch (err) {
              this.#send(conn, [Tag.Err, id, err]);
            }
          },
          (err) => this.#send(conn, [Tag.Err, id, err]),
        );
      } else done(make(t));
    } catch (err) {
      this.#send(conn, [Tag.Err, id, err]);
    }
  }

  #add(rt: ResolvedType, obj: object): Entry {
    const exposed = rt.exposed ? [...rt.exposed] : publicMethods(obj);
    return this.#table.add(obj, rt.typeid, exposed, rt.internal, rt.methodToTypeid);
  }

  #token(e: Entry): Token {
    const address = this.address;
    if (address === undefined) throw new ManagerGoneError('The server is not listening');
    const token: Token = { typeid: e.typeid, sid: this.id, oid: e.oid, address, exposed: e.exposedList, methodToTypeid: e.methodToTypeid };
    const maxsize = (e.obj as { maxsize?: unknown }).maxsize;
    if ((e.typeid === 'Queue' || e.typeid === 'JoinableQueue') && typeof maxsize === 'number') token.maxsize = maxsize;
    return token;
  }

  /** A reply-only reference: the ticket made when it is encoded holds the object. */
  #ref(e: Entry): ServerRef {
    return new ServerRef(this, this.#token(e), e, null);
  }

  // --- replies ---

  #send(conn: ConnectionState, m: ServerMessage): void {
    if (!conn.alive) return;
    conn.outbox.push(m);
    if (!conn.flushQueued) {
      conn.flushQueued = true;
      queueMicrotask(() => this.#flush(conn));
    }
  }

  #flush(conn: ConnectionState): void {
    conn.flushQueued = false;
    const batch = conn.outbox;
    if (batch.length === 0) return;
    conn.outbox = [];
    if (!conn.alive) return;
    conn.channel.write(this.#encode(conn, batch));
    // A client that got its reply usually calls again at once: stay awake for it.
    busyPoll();
    // Encoding may have queued more (a reply-only object made on the way).
    if (conn.outbox.length > 0 && !conn.flushQueued) {
      conn.flushQueued = true;
      queueMicrotask(() => this.#flush(conn));
    }
  }

  #encode(conn: ConnectionState, batch: ServerMessage[]): Buffer {
    const prevE = codecContext.encoding;
    const prevT = codecContext.encodingTo;
    codecContext.encoding = this;
    codecContext.encodingTo = conn;
    try {
      try {
        return serialize(batch);
      } catch {
        // One reply cannot be encoded (a method returned a function, say): find it, send the
        // rest, and fail only that call.
        const ok: ServerMessage[] = [];
        for (const m of batch) {
          try {
            serialize([m]);
            ok.push(m);
          } catch (err) {
            if (m[0] === Tag.Ok) ok.push([Tag.Err, m[1], err]);
            else ok.push([m[0], m[1], String(err)] as ServerMessage);
          }
        }
        return serialize(ok);
      }
    } finally {
      codecContext.encoding = prevE;
      codecContext.encodingTo = prevT;
    }
  }
}

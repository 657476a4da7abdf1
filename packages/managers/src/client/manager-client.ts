/**
 * One connection from this process to a manager server, shared by every proxy of that server
 * here. Calls are multiplexed by id and batched: every message queued in one tick leaves in one
 * frame (one write), so a thousand calls in flight cost a handful of syscalls. The socket keeps
 * the process alive only while a call is pending, as a blocking call would in Python.
 */
import { AbortError, busyPoll, deserialize, preloadModules, serialize } from '@proc/core';
import { ManagerGoneError, ProtocolError } from '../errors.js';
import { connect } from '../transport/index.js';
import type { Channel } from '../transport/transport.js';
import { type Address, type ClientMessage, type ControlOp, type ServerMessage, Tag } from '../wire/messages.js';
import { clientCodecContext } from './codec-context.js';

/** How to give back what a call obtained after its caller gave up: a method and its args. */
export type Undo = (value: unknown) => [method: string, args: unknown[]] | null;

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
  oid: number;
  abandoned: boolean;
  undo: Undo | null;
  signal: AbortSignal | null;
  onAbort: (() => void) | null;
  /** The owner token the call was made with (a late grant is undone as the same owner). */
  owner: number;
}

let ticketSeq = 0;
const ticketPrefix = `${process.pid}.${Math.random().toString(36).slice(2, 10)}.`;

export class ManagerClient {
  readonly address: Address;
  readonly #authkey: Uint8Array;
  serverId: string | undefined;
  #ch: Channel | null = null;
  #connecting: Promise<void> | null = null;
  #outbox: ClientMessage[] = [];
  #flushQueued = false;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #gone: Error | null = null;
  #refd = true;
  readonly #postErrors = new Map<number, unknown>();
  #backlog: Buffer[] | null = null;
  #onGone: Array<(err: Error) => void> = [];
  #helloWaiter: (() => void) | null = null;
  /** Posts waiting for the frame that carries them to reach the OS. */
  #written: Array<{ resolve: () => void; reject: (e: Error) => void }> = [];

  readonly #tls: import('node:tls').ConnectionOptions | undefined;

  constructor(address: Address, authkey: Uint8Array, tls?: import('node:tls').ConnectionOptions) {
    this.address = address;
    this.#authkey = authkey;
    this.#tls = tls;
  }

  get gone(): Error | null {
    return this.#gone;
  }

  /** Connects (once); later calls share the same attempt. */
  connect(): Promise<void> {
    this.#connecting ??= (async () => {
      let ch: Channel;
      try {
        ch = await connect(this.address, { authkey: this.#authkey, tls: this.#tls ? { client: this.#tls } : undefined });
      } catch (err) {
        this.#fail(err instanceof ManagerGoneError ? err : new ManagerGoneError(`Cannot connect to the manager: ${(err as Error).message}`, { cause: err }));
        throw err;
      }
      if (this.#gone) {
        ch.close();
        throw this.#gone;
      }
      this.#ch = ch;
      const hello = new Promise<void>((r) => {
        this.#helloWaiter = r;
      });
      ch.onFrame = (f) => this.#onFrame(f);
      ch.onClose = (err) =>
        this.#fail(new ManagerGoneError('The connection to the manager server was lost (the server died or shut down)', { cause: err }));
      // Calls made meanwhile leave now, not after the server's hello: the server sends its hello
      // first on the connection, so it arrives before any reply (one less wait at startup).
      if (this.#outbox.length > 0) this.#flush();
      await Promise.race([
        hello,
        new Promise<void>((_, reject) => this.#onGone.push(reject)),
      ]);
      this.#updateRef();
      if (this.#outbox.length > 0) this.#flush();
    })();
    return this.#connecting;
  }

  // --- calls ---

  /** `owner`: the calling task's owner token (lock calls; 0: none, the connection owns). */
  call(oid: number, method: string, args: unknown[], owner = 0): Promise<unknown> {
    if (this.#gone) return Promise.reject(this.#gone);
    const posted = this.#postErrors.get(oid);
    if (posted !== undefined) {
      this.#postErrors.delete(oid);
      return Promise.reject(posted);
    }
    const id = this.#nextId++;
    this.#push(owner === 0 ? [Tag.Call, id, oid, method, args] : [Tag.Call, id, oid, method, args, owner]);
    return new Promise((resolve, reject) => {
      this.#addPending(id, { resolve, reject, oid, abandoned: false, undo: null, signal: null, onAbort: null, owner });
    });
  }

  /**
   * A call that may park on the server. When `signal` fires, the call rejects at once with
   * `AbortError` and the server withdraws it; if the server had granted it already (the grant
   * and the cancel crossed), `undo` gives back what was granted (an item goes back to the front
   * of its queue, a lock is released), so nothing is lost.
   */
  callWaiting(oid: number, method: string, args: unknown[], signal: AbortSignal | undefined, undo: Undo | null, owner = 0): Promise<unknown> {
    if (!signal) return this.call(oid, method, args, owner);
    if (signal.aborted) return Promise.reject(new AbortError('The operation was aborted', { cause: signal.reason }));
    if (this.#gone) return Promise.reject(this.#gone);
    const id = this.#nextId++;
    this.#push(owner === 0 ? [Tag.Call, id, oid, method, args] : [Tag.Call, id, oid, method, args, owner]);
    return new Promise((resolve, reject) => {
      const p: Pending = { resolve, reject, oid, abandoned: false, undo, signal, onAbort: null, owner };
      p.onAbort = () => {
        if (p.abandoned) return;
        p.abandoned = true;
        p.onAbort = null;
        this.#push([Tag.Cancel, id]);
        reject(new AbortError('The operation was aborted', { cause: signal.reason }));
      };
      signal.addEventListener('abort', p.onAbort, { once: true });
      this.#addPending(id, p);
    });
  }

  /** A call with no reply (a failure is reported by the next call on `oid`); resolves once written. */
  post(oid: number, method: string, args: unknown[]): Promise<void> {
    if (this.#gone) return Promise.reject(this.#gone);
    const posted = this.#postErrors.get(oid);
    if (posted !== undefined) {
      this.#postErrors.delete(oid);
      return Promise.reject(posted);
    }
    this.#push([Tag.Post, oid, method, args]);
    return new Promise((resolve, reject) => {
      this.#written.push({ resolve, reject });
    });
  }

  create(typeid: string, args: unknown[]): Promise<unknown> {
    if (this.#gone) return Promise.reject(this.#gone);
    const id = this.#nextId++;
    this.#push([Tag.Create, id, typeid, args]);
    return new Promise((resolve, reject) => {
      this.#addPending(id, { resolve, reject, oid: 0, abandoned: false, undo: null, signal: null, onAbort: null, owner: 0 });
    });
  }

  control(op: ControlOp): Promise<unknown> {
    if (this.#gone) return Promise.reject(this.#gone);
    const id = this.#nextId++;
    this.#push([Tag.Control, id, op]);
    return new Promise((resolve, reject) => {
      this.#addPending(id, { resolve, reject, oid: 0, abandoned: false, undo: null, signal: null, onAbort: null, owner: 0 });
    });
  }

  undo(oid: number, method: string, args: unknown[], owner = 0): void {
    if (this.#gone) return;
    this.#push(owner === 0 ? [Tag.Undo, oid, method, args] : [Tag.Undo, oid, method, args, owner]);
  }

  decref(oid: number): void {
    if (this.#gone) return;
    this.#push([Tag.Decref, oid]);
  }

  claim(oid: number, ticket: string): void {
    if (this.#gone) return;
    this.#push([Tag.Claim, oid, ticket]);
  }

  /** A proxy of this server is being serialized: returns its ticket. */
  transit(oid: number): string {
    const ticket = `${ticketPrefix}${++ticketSeq}`;
    if (!this.#gone) this.#push([Tag.Transit, oid, ticket]);
    return ticket;
  }

  /** Closes the connection; pending calls reject with `ManagerGoneError`. */
  close(): void {
    this.#fail(new ManagerGoneError('The connection to the manager was closed'));
  }

  // --- plumbing ---

  #addPending(id: number, p: Pending): void {
    this.#pending.set(id, p);
    if (this.#pending.size === 1) this.#updateRef();
  }

  #updateRef(): void {
    const ch = this.#ch;
    if (!ch) return;
    const want = this.#pending.size > 0;
    if (want === this.#refd) return;
    this.#refd = want;
    if (want) ch.ref();
    else ch.unref();
  }

  #push(m: ClientMessage): void {
    this.#outbox.push(m);
    if (!this.#flushQueued) {
      this.#flushQueued = true;
      queueMicrotask(() => this.#flush());
    }
    if (this.#ch === null && this.#connecting === null) void this.connect().catch(() => {});
  }

  #flush(): void {
    this.#flushQueued = false;
    const ch = this.#ch;
    if (ch === null || this.#outbox.length === 0) return;
    const batch = this.#outbox;
    this.#outbox = [];
    const frame = this.#encode(batch);
    const written = this.#written;
    if (written.length > 0) this.#written = [];
    if (frame) {
      if (written.length === 0) ch.write(frame);
      else
        ch.write(frame, (err) => {
          for (const w of written) err ? w.reject(this.#gone ?? new ManagerGoneError('The connection to the manager was lost', { cause: err })) : w.resolve();
        });
    } else for (const w of written) w.resolve();
    // A reply is due within microseconds: poll for it rather than sleep (see `busyPoll`).
    if (this.#pending.size > 0) busyPoll();
  }

  #encode(batch: ClientMessage[]): Buffer | null {
    try {
      return serialize(batch);
    } catch {
      // One call's arguments cannot travel (a function, say): fail that call, send the rest.
      const ok: ClientMessage[] = [];
      for (const m of batch) {
        try {
          serialize([m]);
          ok.push(m);
        } catch (err) {
          if (m[0] === Tag.Call || m[0] === Tag.Create || m[0] === Tag.Control) this.#settle(m[1], err, false);
        }
      }
      return ok.length > 0 ? serialize(ok) : null;
    }
  }

  #onFrame(frame: Buffer): void {
    if (this.#backlog !== null) {
      this.#backlog.push(Buffer.from(frame));
      return;
    }
    let msgs: unknown;
    try {
      msgs = this.#decode(frame);
    } catch (err) {
      if ((err as { code?: string }).code === 'PROC_ERR_SERIALIZE_MODULE_NOT_LOADED') {
        this.#backlog = [];
        void this.#decodeLater(Buffer.from(frame));
        return;
      }
      this.#fail(new ProtocolError('Could not decode a reply from the manager', { cause: err }));
      return;
    }
    this.#dispatch(msgs as ServerMessage[]);
  }

  async #decodeLater(frame: Buffer): Promise<void> {
    try {
      await preloadModules(frame);
      this.#dispatch(this.#decode(frame) as ServerMessage[]);
    } catch (err) {
      this.#fail(new ProtocolError('Could not decode a reply from the manager', { cause: err }));
      return;
    }
    const backlog = this.#backlog ?? [];
    this.#backlog = null;
    for (let i = 0; i < backlog.length; i++) {
      this.#onFrame(backlog[i]);
      if (this.#backlog !== null) {
        (this.#backlog as Buffer[]).push(...backlog.slice(i + 1));
        return;
      }
    }
  }

  #decode(frame: Buffer): unknown {
    const prev = clientCodecContext.decoding;
    clientCodecContext.decoding = this;
    try {
      return deserialize(frame);
    } finally {
      clientCodecContext.decoding = prev;
    }
  }

  #dispatch(msgs: ServerMessage[]): void {
    for (let i = 0; i < msgs.length; i++) {
      const m = msgs[i];
      switch (m[0]) {
        case Tag.Ok:
          this.#settle(m[1], m[2], true);
          break;
        case Tag.Err:
          this.#settle(m[1], m[2], false);
          break;
        case Tag.PostErr:
          if (m[1] === 0) this.#fail(m[2] instanceof Error ? m[2] : new ProtocolError(String(m[2])));
          else this.#postErrors.set(m[1], m[2]);
          break;
        case Tag.Hello:
          this.serverId = m[1];
          this.#helloWaiter?.();
          this.#helloWaiter = null;
          break;
      }
    }
  }

  #settle(id: number, value: unknown, ok: boolean): void {
    const p = this.#pending.get(id);
    if (p === undefined) return;
    this.#pending.delete(id);
    if (this.#pending.size === 0) this.#updateRef();
    if (p.abandoned) {
      // The caller gave up, but the server granted the call first: give it back.
      if (ok && p.undo) {
        const u = p.undo(value);
        if (u) this.undo(p.oid, u[0], u[1], p.owner);
      }
      return;
    }
    if (p.onAbort) p.signal?.removeEventListener('abort', p.onAbort);
    if (ok) p.resolve(value);
    else p.reject(value);
  }

  #fail(err: Error): void {
    if (this.#gone) return;
    this.#gone = err;
    for (const r of this.#onGone) r(err);
    this.#onGone = [];
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const p of pending) {
      if (p.onAbort) p.signal?.removeEventListener('abort', p.onAbort);
      if (!p.abandoned) p.reject(err);
    }
    this.#outbox = [];
    const written = this.#written;
    this.#written = [];
    for (const w of written) w.reject(err);
    this.#ch?.close();
  }
}

import { randomUUID } from 'node:crypto';
import { MessageChannel, type MessagePort, threadId } from 'node:worker_threads';
import { closeMailbox, createMailbox, serveMailbox } from './mailbox.js';

export const VERSION_SLOTS = 1024;

/** A message on a proxy's control port: serve a new mailbox (a proxy passed on by another thread). */
export type ControlMessage = { type: 'proc:adopt'; mailbox: SharedArrayBuffer; control: MessagePort };

/**
 * The objects of one thread manager, in the thread that created it. Calls from this thread run
 * directly; calls from other threads arrive through mailboxes (mailbox.ts), one per proxy
 * handed to another thread.
 */
export class ManagerHost {
  readonly id = randomUUID();
  readonly thread = threadId;
  readonly #objects = new Map<number, { obj: Record<string, (...a: unknown[]) => unknown>; readOnly: ReadonlySet<string> }>();
  /**
   * One version word per object (by id modulo its length), bumped after every call that may
   * change the object. A thread that asked a read-only question may reuse the answer while the
   * version is unchanged (a seqlock's read side); see thread-proxy.ts.
   */
  readonly versions = new Int32Array(new SharedArrayBuffer(VERSION_SLOTS * 4));
  readonly #mailboxes = new Set<SharedArrayBuffer>();
  readonly #ports = new Set<MessagePort>();
  #nextId = 1;
  #closed = false;

  constructor() {
    hosts().set(this.id, this);
  }

  get closed(): boolean {
    return this.#closed;
  }

  add(referent: object, readOnly: ReadonlySet<string>): number {
    const id = this.#nextId++;
    this.#objects.set(id, { obj: referent as Record<string, (...a: unknown[]) => unknown>, readOnly });
    return id;
  }

  call(objectId: number, method: string, args: unknown[]): unknown {
    const entry = this.#objects.get(objectId);
    if (!entry) throw new Error(`No object ${objectId} in this manager. This is a bug in proc.`);
    const { obj } = entry;
    const fn = obj[method];
    if (typeof fn !== 'function' || method.startsWith('_') || method === 'constructor') throw new TypeError(`${method} is not an exposed method`);
    if (entry.readOnly.has(method)) return fn.apply(obj, args);
    try {
      return fn.apply(obj, args);
    } finally {
      Atomics.add(this.versions, objectId % VERSION_SLOTS, 1);
    }
  }

  /** A mailbox and control port for a proxy about to go to another thread. */
  open(): { mailbox: SharedArrayBuffer; control: MessagePort } {
    const mailbox = createMailbox();
    this.#serve(mailbox);
    const { port1, port2 } = new MessageChannel();
    this.#listen(port1);
    return { mailbox, control: port2 };
  }

  #serve(mailbox: SharedArrayBuffer): void {
    if (this.#closed) {
      closeMailbox(mailbox);
      return;
    }
    this.#mailboxes.add(mailbox);
    void serveMailbox(mailbox, (o, m, a) => this.call(o, m, a), () => this.#closed).finally(() => this.#mailboxes.delete(mailbox));
  }

  #listen(port: MessagePort): void {
    this.#ports.add(port);
    port.on('message', (m: ControlMessage) => {
      if (m?.type === 'proc:adopt') {
        this.#serve(m.mailbox);
        this.#listen(m.control);
      }
    });
    port.unref();
  }

  shutdown(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const mb of this.#mailboxes) closeMailbox(mb);
    for (const p of this.#ports) p.close();
    this.#ports.clear();
    this.#objects.clear();
    hosts().delete(this.id);
  }
}

const key = Symbol.for('proc.dummy.managerHosts');

/** The managers hosted by this thread. */
export function hosts(): Map<string, ManagerHost> {
  const g = globalThis as { [key]?: Map<string, ManagerHost> };
  g[key] ??= new Map();
  return g[key];
}

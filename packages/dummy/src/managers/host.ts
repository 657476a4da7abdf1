import { randomUUID } from 'node:crypto';
import { MessageChannel, type MessagePort, threadId } from 'node:worker_threads';
import { closeMailbox, createMailbox, serveMailbox } from './mailbox.js';

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
  readonly #objects = new Map<number, Record<string, (...a: unknown[]) => unknown>>();
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

  add(referent: object): number {
    const id = this.#nextId++;
    this.#objects.set(id, referent as Record<string, (...a: unknown[]) => unknown>);
    return id;
  }

  call(objectId: number, method: string, args: unknown[]): unknown {
    const obj = this.#objects.get(objectId);
    if (!obj) throw new Error(`No object ${objectId} in this manager. This is a bug in proc.`);
    const fn = obj[method];
    if (typeof fn !== 'function' || method.startsWith('_') || method === 'constructor') throw new TypeError(`${method} is not an exposed method`);
    return fn.apply(obj, args);
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

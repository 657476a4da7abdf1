import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { deserialize, type Reduced, reduceSymbol, registerModule, SerializationError, serialize } from '@proc/core';
import { ProxyClosedError } from '@proc/managers';
import { kShare, registerShareable, type Shared } from '../transport/shareable.js';
import { type ControlMessage, hosts, type ManagerHost, VERSION_SLOTS } from './host.js';
import { createMailbox, MailboxClient } from './mailbox.js';
import { exposed, readOnly } from './referents.js';

interface ProxyState {
  hostId: string;
  hostThread: number;
  typeid: string;
  objectId: number;
  versions: SharedArrayBuffer;
  mailbox?: SharedArrayBuffer;
  control?: MessagePort;
}

/** Answers a remote proxy keeps for reuse (read-only calls with primitive arguments). */
const CACHE_LIMIT = 256;

type Caller = (method: string, args: unknown[]) => Promise<unknown>;

/**
 * This thread's way to each manager hosted elsewhere, learned from the first proxy of that
 * manager to arrive here. A proxy found inside a value (a dict of lists) is rebuilt on it: a
 * mailbox serves every object of its manager.
 */
interface Link {
  mailbox: SharedArrayBuffer;
  versions: SharedArrayBuffer;
  control?: MessagePort;
}

const linksKey = Symbol.for('proc.dummy.managerLinks');
const linkHolder = globalThis as { [linksKey]?: Map<string, Link> };
linkHolder[linksKey] ??= new Map();
const links: Map<string, Link> = linkHolder[linksKey];

/**
 * A proxy of a thread manager's object, with the methods of @proc/managers' proxy of the same
 * type, each returning a Promise. In the host thread a call runs directly (values are copied in
 * and out, as they would be across processes); elsewhere it goes through a mailbox.
 * Built-in members are `$`-prefixed; `then` is undefined so awaiting a proxy does not hang.
 */
export class ThreadProxy {
  // biome-ignore lint/suspicious/noThenProperty: `then` is undefined so awaiting a proxy does not hang
  declare readonly then: undefined;
  readonly #state: ProxyState;
  readonly #call: Caller;
  #closed = false;

  constructor(state: ProxyState) {
    this.#state = state;
    const host = hosts().get(state.hostId);
    if (host) {
      this.#call = (method, args) => {
        try {
          return Promise.resolve(copy(host.call(state.objectId, method, copyArgs(args))));
        } catch (err) {
          return Promise.reject(err);
        }
      };
    } else {
      if (!state.mailbox) throw new Error('A remote thread proxy has no mailbox. This is a bug in proc.');
      if (!links.has(state.hostId)) links.set(state.hostId, { mailbox: state.mailbox, versions: state.versions, control: state.control });
      const client = new MailboxClient(state.mailbox, state.hostThread);
      state.control?.unref();
      const versions = new Int32Array(state.versions);
      const slot = state.objectId % VERSION_SLOTS;
      const cacheable = readOnly[state.typeid] ?? new Set<string>();
      // Read-only answers are reused while the object's version word is unchanged: a loop of
      // `await d.get('x')` in a thread then costs no round trip until someone writes.
      const cache = new Map<string, { version: number; value: unknown }>();
      this.#call = (method, args) => {
        try {
          const key = cacheable.has(method) ? cacheKey(method, args) : undefined;
          if (key === undefined) return Promise.resolve(client.call(state.objectId, method, args));
          const version = Atomics.load(versions, slot);
          const hit = cache.get(key);
          if (hit && hit.version === version) return Promise.resolve(copy(hit.value));
          const value = client.call(state.objectId, method, args);
          if (Atomics.load(versions, slot) === version) {
            if (cache.size >= CACHE_LIMIT) cache.clear();
            cache.set(key, { version, value });
            return Promise.resolve(copy(value));
          }
          return Promise.resolve(value);
        } catch (err) {
          return Promise.reject(err);
        }
      };
    }
  }

  /** The type this proxy stands for (`dict`, `list`, ...). */
  get $typeid(): string {
    return this.#state.typeid;
  }

  /** Calls an exposed method of the referent. */
  $call(method: string, args: unknown[] = []): Promise<unknown> {
    if (this.#closed) return Promise.reject(new ProxyClosedError('This proxy is closed'));
    return this.#call(method, args);
  }

  /** Stops using this proxy (the object lives as long as the manager). */
  async $close(): Promise<void> {
    this.#closed = true;
  }

  [kShare](): Shared {
    const s = this.#state;
    const host = hosts().get(s.hostId);
    let mailbox: SharedArrayBuffer;
    let control: MessagePort;
    if (host) {
      ({ mailbox, control } = host.open());
    } else {
      // Passed on from a thread that is not the host: ask the host (through this proxy's
      // control port) to serve a new mailbox for the receiver.
      mailbox = createMailbox();
      const { port1, port2 } = new MessageChannel();
      s.control?.postMessage({ type: 'proc:adopt', mailbox, control: port1 } satisfies ControlMessage, [port1]);
      control = port2;
    }
    return {
      type: 'ThreadProxy',
      state: { hostId: s.hostId, hostThread: s.hostThread, typeid: s.typeid, objectId: s.objectId, versions: s.versions, mailbox, control },
      transfer: [control],
    };
  }

  /**
   * How a proxy travels inside a value (stored in a dict, returned by a call): by reference to
   * its manager's object, rebuilt on the receiving thread's link to that manager.
   */
  [reduceSymbol](): Reduced {
    const { hostId, hostThread, typeid, objectId } = this.#state;
    return { module: import.meta.url, rebuild: 'rebuildThreadProxy', state: { hostId, hostThread, typeid, objectId } };
  }

  toString(): string {
    return `<ThreadProxy ${this.#state.typeid} #${this.#state.objectId}>`;
  }
}

Object.defineProperty(ThreadProxy.prototype, 'then', { value: undefined });

const classes = new Map<string, new (s: ProxyState) => ThreadProxy>();

/** The proxy class of a type: `ThreadProxy` with one method per exposed name. */
function proxyClass(typeid: string): new (s: ProxyState) => ThreadProxy {
  let C = classes.get(typeid);
  if (C) return C;
  C = class extends ThreadProxy {};
  for (const name of exposed[typeid] ?? []) {
    Object.defineProperty(C.prototype, name, {
      value(this: ThreadProxy, ...args: unknown[]) {
        return this.$call(name, args);
      },
      writable: true,
      configurable: true,
    });
  }
  classes.set(typeid, C);
  return C;
}

export function makeProxy(host: ManagerHost, typeid: string, referent: object): ThreadProxy {
  const C = proxyClass(typeid);
  const objectId = host.add(referent, readOnly[typeid] ?? new Set());
  return new C({ hostId: host.id, hostThread: host.thread, typeid, objectId, versions: host.versions.buffer as SharedArrayBuffer });
}

/** A cache key for a call whose arguments are all primitives; undefined otherwise. */
function cacheKey(method: string, args: unknown[]): string | undefined {
  let key = method;
  for (const a of args) {
    const t = typeof a;
    if (t === 'object' || t === 'function' || t === 'symbol') return undefined;
    key += `\u0000${t[0]}${String(a)}`;
  }
  return key;
}

/** Rebuilds a proxy that travelled inside a value (see `[reduceSymbol]`). */
export function rebuildThreadProxy(state: Pick<ProxyState, 'hostId' | 'hostThread' | 'typeid' | 'objectId'>): ThreadProxy {
  const host = hosts().get(state.hostId);
  if (host) return new (proxyClass(state.typeid))({ ...state, versions: host.versions.buffer as SharedArrayBuffer });
  const link = links.get(state.hostId);
  if (!link) {
    throw new SerializationError(
      'A thread manager proxy arrived in a thread that has no proxy of its manager: pass a proxy of that manager to this thread first',
    );
  }
  return new (proxyClass(state.typeid))({ ...state, ...link });
}

// Values are copied in and out of the host, as they would be across processes; proxies inside
// them stay proxies (the codec's reducer above), which structuredClone would turn into `{}`.
function copy(v: unknown): unknown {
  return typeof v === 'object' && v !== null ? deserialize(serialize(v)) : v;
}

function copyArgs(args: unknown[]): unknown[] {
  for (const a of args) if (typeof a === 'object' && a !== null) return deserialize(serialize(args)) as unknown[];
  return args;
}

registerShareable('ThreadProxy', (s: ProxyState) => new (proxyClass(s.typeid))(s));
// Lets the codec rebuild proxies synchronously (this module is loaded wherever a proxy exists).
registerModule(import.meta.url, { rebuildThreadProxy });

/**
 * What every primitive handle shares: where its host is, its id there, and how it travels to
 * another process (the reducer contract of @proc/core: a child rebuilds it with
 * `rebuildPrimitive` from rebuild.ts and arrives connected to the same host).
 */
import { randomInt } from 'node:crypto';
import { type Reduced, reduceSymbol } from '@proc/core';
import type { Channel } from './client/channel.js';
import { channelFor, localHost } from './client/registry.js';
import { type CreateParams, Op } from './protocol.js';

export type PrimitiveKind =
  | 'Queue'
  | 'SimpleQueue'
  | 'JoinableQueue'
  | 'Lock'
  | 'RLock'
  | 'Semaphore'
  | 'BoundedSemaphore'
  | 'Condition'
  | 'Event'
  | 'Barrier'
  | 'Value'
  | 'SharedArray';

/** The state a primitive travels as. */
export interface PrimitiveRef {
  kind: PrimitiveKind;
  /** The host's Unix socket path. */
  address: string;
  /** The hosting process (for error messages). */
  pid: number;
  prim: number;
  /** What the kind's client needs (maxsize, parties, typecode, a Condition's lock, ...). */
  params: Record<string, unknown>;
}

const rebuildUrl = new URL(`./rebuild${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url).href;

let attaching: PrimitiveRef | null = null;

/** Runs `make` (which constructs a primitive) so that it attaches to `ref` instead of creating. */
export function attach<T>(ref: PrimitiveRef, make: () => T): T {
  attaching = ref;
  try {
    return make();
  } finally {
    attaching = null;
  }
}

/** Inside a constructor: the ref being attached to, if this construction is a rebuild. */
export function attachingRef(): PrimitiveRef | null {
  return attaching;
}

/** Where a new primitive is created: this process's host, or (a Condition) its lock's host. */
export interface CreateAt {
  channel: Channel;
  address: string;
  pid: number;
}

/** What other primitives need of one (a Condition of its lock): not public API. */
export interface Internals {
  channel: Channel;
  prim: number;
  ref: PrimitiveRef;
}

const internals = new WeakMap<Primitive, Internals>();

export function internalsOf(p: Primitive): Internals {
  const i = internals.get(p);
  if (!i) throw new TypeError('expected a primitive created by @proc/processing');
  return i;
}

export abstract class Primitive {
  readonly #ref: PrimitiveRef;
  /** @internal */
  protected readonly channel: Channel;
  /** @internal */
  protected readonly prim: number;

  constructor(kind: PrimitiveKind, params: Record<string, unknown>, create: CreateParams, at?: CreateAt) {
    const ref = attaching;
    attaching = null;
    if (ref) {
      if (ref.kind !== kind) throw new TypeError(`cannot rebuild a ${ref.kind} as a ${kind}. This is a bug in proc.`);
      this.#ref = ref;
      this.channel = channelFor(ref.address, ref.pid);
      this.prim = ref.prim;
      internals.set(this, { channel: this.channel, prim: this.prim, ref });
      return;
    }
    const where = at ?? (() => {
      const h = localHost();
      return { channel: h.channel as Channel, address: h.address, pid: process.pid };
    })();
    const prim = randomInt(1, 0xffffffff);
    this.channel = where.channel;
    this.prim = prim;
    this.#ref = { kind, address: where.address, pid: where.pid, prim, params };
    internals.set(this, { channel: this.channel, prim, ref: this.#ref });
    this.channel.send(Op.Create, prim, 0, 0, 0, 0, Buffer.from(JSON.stringify(create)));
  }

  /** @internal The host socket address (tests and diagnostics). */
  get [Symbol.for('proc.primitives.address')](): string {
    return this.#ref.address;
  }

  [reduceSymbol](): Reduced {
    return { module: rebuildUrl, rebuild: 'rebuildPrimitive', state: { ...this.#ref } };
  }

  /** @internal */
  protected get ref(): PrimitiveRef {
    return this.#ref;
  }
}

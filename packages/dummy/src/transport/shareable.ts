/**
 * How dummy's objects cross a thread boundary. Structured clone copies plain data and shares a
 * `SharedArrayBuffer`, but it drops classes and private fields, so a `Queue` would arrive as
 * `{}`. Each shareable class says what it is made of (`[kShare]`: its shared buffers, ports and
 * settings) and registers how to rebuild itself; `pack` and `unpack` (pack.ts) apply them
 * through a message.
 */
import type { Transferable } from 'node:worker_threads';

export const kShare = Symbol.for('proc.dummy.share');

export interface Shared {
  /** The name the type is registered under. */
  type: string;
  /** Structured-cloneable state (SharedArrayBuffers are shared, not copied). */
  state: unknown;
  /** MessagePorts in `state`, moved to the receiver (this side's object must stop using them). */
  transfer?: Transferable[];
}

export interface Shareable {
  [kShare](): Shared;
}

type Rebuild = (state: never) => unknown;

const key = Symbol.for('proc.dummy.rebuilders');
const g = globalThis as { [key]?: Map<string, Rebuild> };
const rebuilders: Map<string, Rebuild> = g[key] ?? new Map();
g[key] = rebuilders;

/** Called once by each shareable module when it loads. */
export function registerShareable(type: string, rebuild: Rebuild): void {
  rebuilders.set(type, rebuild);
}

export function rebuilderOf(type: string): Rebuild | undefined {
  return rebuilders.get(type);
}

export function isShareable(value: object): value is Shareable {
  return typeof (value as Partial<Shareable>)[kShare] === 'function';
}

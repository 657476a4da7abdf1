import { MessagePort, type Transferable } from 'node:worker_threads';
import { deserialize, serialize } from '@proc/core';
import { isShareable, kShare, rebuilderOf } from './shareable.js';

/**
 * A value made ready for `postMessage`: shareable objects (queues, locks, pipe ends, manager
 * proxies) replaced by tagged records, errors encoded by proc's codec (structured clone keeps
 * only a few built-in error classes), ports listed for transfer. Anything else goes as
 * structured clone takes it. The walk copies only the containers on the path to a replaced
 * value; a value with nothing to replace is returned as is.
 */
const TAG = '\u0000proc.dummy';

interface Tagged {
  [TAG]: 'share' | 'error';
  type?: string;
  state?: unknown;
  bytes?: Uint8Array;
}

export interface Packed {
  value: unknown;
  transfer: Transferable[];
}

export function pack(value: unknown): Packed {
  if (typeof value !== 'object' || value === null) return { value, transfer: [] };
  const transfer: Transferable[] = [];
  const out = walk(value, transfer, new Map());
  return { value: out, transfer };
}

/** Packs a list of arguments (the common case: no object at all, no copy). */
export function packArgs(args: readonly unknown[]): Packed {
  for (const a of args) if (typeof a === 'object' && a !== null) return pack(args);
  return { value: args, transfer: [] };
}

/** True when `value` holds a shareable object, a port or shared memory: it must travel by message, not as bytes. */
export function needsMessage(value: unknown, seen = new Set<object>()): boolean {
  if (typeof value !== 'object' || value === null || seen.has(value)) return false;
  seen.add(value);
  if (isShareable(value) || value instanceof MessagePort || value instanceof SharedArrayBuffer) return true;
  if (Array.isArray(value)) return value.some((v) => needsMessage(v, seen));
  if (value instanceof Map) {
    for (const [k, v] of value) if (needsMessage(k, seen) || needsMessage(v, seen)) return true;
    return false;
  }
  if (value instanceof Set) {
    for (const v of value) if (needsMessage(v, seen)) return true;
    return false;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  for (const k of Object.keys(value)) if (needsMessage((value as Record<string, unknown>)[k], seen)) return true;
  return false;
}

function walk(v: unknown, transfer: Transferable[], seen: Map<object, unknown>): unknown {
  if (typeof v !== 'object' || v === null) return v;
  const done = seen.get(v);
  if (done !== undefined) return done;
  if (isShareable(v)) {
    const shared = v[kShare]();
    if (shared.transfer) for (const t of shared.transfer) if (!transfer.includes(t)) transfer.push(t);
    const tagged: Tagged = { [TAG]: 'share', type: shared.type, state: walk(shared.state, transfer, seen) };
    seen.set(v, tagged);
    return tagged;
  }
  if (v instanceof Error) {
    let tagged: unknown = v;
    try {
      tagged = { [TAG]: 'error', bytes: serialize(v) } satisfies Tagged;
    } catch {
      // Not encodable by the codec: structured clone keeps name, message and stack.
    }
    seen.set(v, tagged);
    return tagged;
  }
  if (v instanceof MessagePort) {
    if (!transfer.includes(v)) transfer.push(v);
    seen.set(v, v);
    return v;
  }
  if (Array.isArray(v)) {
    seen.set(v, v);
    let copy: unknown[] | undefined;
    for (let i = 0; i < v.length; i++) {
      const w = walk(v[i], transfer, seen);
      if (w !== v[i] && copy === undefined) {
        copy = v.slice(0, i);
        seen.set(v, copy);
      }
      if (copy) copy[i] = w;
    }
    return copy ?? v;
  }
  if (v instanceof Map) {
    seen.set(v, v);
    let changed = false;
    const entries: [unknown, unknown][] = [];
    for (const [k, x] of v) {
      const w = walk(x, transfer, seen);
      if (w !== x) changed = true;
      entries.push([k, w]);
    }
    if (!changed) return v;
    const copy = new Map(entries);
    seen.set(v, copy);
    return copy;
  }
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return v;
  seen.set(v, v);
  let copy: Record<string, unknown> | undefined;
  for (const k of Object.keys(v)) {
    const x = (v as Record<string, unknown>)[k];
    const w = walk(x, transfer, seen);
    if (w !== x && copy === undefined) {
      copy = { ...(v as Record<string, unknown>) };
      seen.set(v, copy);
    }
    if (copy) copy[k] = w;
  }
  return copy ?? v;
}

/** The inverse of `pack`, in the receiving thread. */
export function unpack(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  return unwalk(value, new Set());
}

function unwalk(v: unknown, seen: Set<object>): unknown {
  if (typeof v !== 'object' || v === null) return v;
  const tag = (v as Partial<Tagged>)[TAG];
  if (tag === 'share') {
    const t = v as Tagged;
    const rebuild = rebuilderOf(t.type as string);
    if (!rebuild) throw new Error(`Cannot rebuild a ${t.type} in this thread: its module is not loaded. This is a bug in proc.`);
    return rebuild(unwalk(t.state, seen) as never);
  }
  if (tag === 'error') return deserialize((v as Tagged).bytes as Uint8Array);
  if (seen.has(v)) return v;
  seen.add(v);
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const x = v[i];
      if (typeof x === 'object' && x !== null) v[i] = unwalk(x, seen);
    }
    return v;
  }
  if (v instanceof Map) {
    for (const [k, x] of v) if (typeof x === 'object' && x !== null) v.set(k, unwalk(x, seen));
    return v;
  }
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return v;
  for (const k of Object.keys(v)) {
    const x = (v as Record<string, unknown>)[k];
    if (typeof x === 'object' && x !== null) (v as Record<string, unknown>)[k] = unwalk(x, seen);
  }
  return v;
}

/**
 * Locates a value inside another, to name where serialization failed (`[1].foo.get("k")`).
 * Only runs after a failure, so the encoder's hot path never tracks where it is.
 */
import { reduceSymbol } from './types.js';

const identifier = /^[A-Za-z_$][\w$]*$/;

/**
 * The path from `root` to `target` (`''` when they are the same value), or `undefined` when
 * `target` is not reachable the way the encoder walks (for instance, inside a reducer's state).
 */
export function findPath(root: unknown, target: unknown): string | undefined {
  try {
    return search(root, target, new Set());
  } catch {
    return undefined; // too deep to walk again: the message just has no path
  }
}

function search(v: unknown, target: unknown, seen: Set<object>): string | undefined {
  if (v === target) return '';
  if (typeof v !== 'object' || v === null || seen.has(v)) return undefined;
  seen.add(v);
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const p = search(v[i], target, seen);
      if (p !== undefined) return `[${i}]${p}`;
    }
    return undefined;
  }
  if (typeof (v as { [reduceSymbol]?: unknown })[reduceSymbol] === 'function') return undefined;
  if (v instanceof Map) {
    let i = 0;
    for (const [k, x] of v) {
      const name = describeKey(k, i++);
      const pk = search(k, target, seen);
      if (pk !== undefined) return `.<key ${name}>${pk}`;
      const px = search(x, target, seen);
      if (px !== undefined) return `.get(${name})${px}`;
    }
    return undefined;
  }
  if (v instanceof Set) {
    let i = 0;
    for (const x of v) {
      const p = search(x, target, seen);
      if (p !== undefined) return `.<Set item ${i}>${p}`;
      i++;
    }
    return undefined;
  }
  if (v instanceof Error) {
    for (const key of ['cause', 'errors']) {
      if (!Object.hasOwn(v, key)) continue;
      const p = search((v as unknown as Record<string, unknown>)[key], target, seen);
      if (p !== undefined) return `.${key}${p}`;
    }
  }
  for (const key of Object.keys(v)) {
    const p = search((v as Record<string, unknown>)[key], target, seen);
    if (p !== undefined) return `${identifier.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`}${p}`;
  }
  return undefined;
}

function describeKey(k: unknown, index: number): string {
  if (typeof k === 'string') return JSON.stringify(k);
  if (typeof k === 'number' || typeof k === 'boolean') return String(k);
  return `#${index}`;
}

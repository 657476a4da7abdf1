import type { TargetRef } from './target.js';

/**
 * The child's half of target lookup (target.ts has the parent's). It imports nothing at run
 * time: every child runs it, and a child's start costs what it loads.
 */

export function fingerprint(fn: (...a: never[]) => unknown): string {
  return Function.prototype.toString.call(fn);
}

/**
 * Source text as loaders differ in it: a test runner rewrites imports
 * (`(0,__vite_ssr_import_0__.f)()`), and layout differs between transpilers.
 */
function normalized(source: string): string {
  return source
    .replace(/\(0\s*,\s*__vite_ssr_import_\d+__\.([\w$]+)\)/g, '$1')
    .replace(/__vite_ssr_import_\d+__\.([\w$]+)/g, '$1')
    .replace(/^(async\s*)?function\s*(\*?)\s*[\w$]*/, '$1function$2')
    .replace(/\s+/g, '');
}

function sameSource(fn: unknown, ref: TargetRef, loose: boolean): boolean {
  if (typeof fn !== 'function') return false;
  const text = fingerprint(fn as never);
  return text === ref.fingerprint || (loose && normalized(text) === normalized(ref.fingerprint));
}

/**
 * The export of `ns` that is the target. By name when the caller named the module (Python's
 * rule: module + name) or when the source matches; otherwise the one export whose source matches
 * (a renamed export). A module read off the stack is a guess, so there a name match with
 * different source is refused: never a silent wrong function. When none is, `notFound` says why
 * (the caller makes the error, so this module needs no error classes).
 */
export function matchExport(ns: Record<string, unknown>, ref: TargetRef): ((...a: unknown[]) => unknown) | { notFound: string } {
  const byName = ns[ref.exportName];
  if (typeof byName === 'function' && (ref.explicitModule || sameSource(byName, ref, true))) return byName as never;
  for (const loose of [false, true]) {
    const matches = new Set(Object.values(ns).filter((v) => sameSource(v, ref, loose)));
    if (matches.size === 1) return [...matches][0] as never;
  }
  const where = ref.module;
  if (typeof byName === 'function') {
    return {
      notFound: `The export "${ref.exportName}" of ${where} is not the function passed as target (its source differs), and the module was guessed from the call stack. Pass { module: import.meta.url } of the module that exports the target (and { exportName } if its export name differs).`,
    };
  }
  return {
    notFound: `The target "${ref.exportName}" is not exported by ${where}. A target must be a function exported from an ES module (a closure or a local function cannot be found by a child). Export it, or pass { module: import.meta.url } of the module that exports it.`,
  };
}

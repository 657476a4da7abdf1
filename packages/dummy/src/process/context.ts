import { getStartMethod, type StartMethod } from '@proc/core';
import { Process } from './process.js';

/** Python's context object for threads: every start method gives the same thread `Process`. */
export interface ThreadContext {
  readonly startMethod: StartMethod;
  readonly Process: typeof Process;
  getStartMethod(): StartMethod;
}

const methods = new Set<string>(['spawn', 'fork', 'forkserver']);
const contexts = new Map<StartMethod, ThreadContext>();

/** Python's `get_context(method)`: accepted for compatibility; threads start one way. */
export function getContext(method?: StartMethod): ThreadContext {
  const m = method ?? getStartMethod();
  if (!methods.has(m)) throw new TypeError(`unknown start method ${String(m)}; use one of spawn, fork, forkserver`);
  let ctx = contexts.get(m);
  if (!ctx) {
    ctx = { startMethod: m, Process, getStartMethod: () => m };
    contexts.set(m, ctx);
  }
  return ctx;
}

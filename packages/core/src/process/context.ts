import { StateError } from '../errors.js';
import { childExecArgv } from './exec-argv.js';
import * as forkserver from './forkserver.js';
import { Process, type ProcessOptions } from './process.js';
import { defaultStartMethod, isStartMethod, type StartMethod, setDefaultStartMethod, startMethods } from './start-method.js';

/**
 * Python's context objects: the same API bound to one start method. Packages above extend a
 * context with their own types (Queue, Lock, Pool, ...); here it holds what core owns.
 */
export interface BaseContext {
  readonly startMethod: StartMethod;
  readonly Process: typeof Process;
  getStartMethod(): StartMethod;
}

const contexts = new Map<StartMethod, BaseContext>();

export function getContext(method?: StartMethod): BaseContext {
  const m = method ?? defaultStartMethod();
  if (!isStartMethod(m)) throw new TypeError(`unknown start method ${String(m)}; use one of ${startMethods.join(', ')}`);
  let ctx = contexts.get(m);
  if (!ctx) {
    class ContextProcess extends Process {
      static readonly startMethod: StartMethod = m;
      constructor(options?: ProcessOptions) {
        super({ ...options, startMethod: options?.startMethod ?? m });
      }
    }
    Object.defineProperty(ContextProcess, 'name', { value: 'Process' });
    ctx = { startMethod: m, Process: ContextProcess as typeof Process, getStartMethod: () => m };
    contexts.set(m, ctx);
  }
  if (m === 'forkserver') warmForkserver();
  return ctx;
}

let methodSet = false;

/** Python's `set_start_method()`: once, unless `force`. */
export function setStartMethod(method: StartMethod | null, options: { force?: boolean } = {}): void {
  if (method !== null && !isStartMethod(method)) {
    throw new TypeError(`unknown start method ${String(method)}; use one of ${startMethods.join(', ')}`);
  }
  if (methodSet && !options.force) throw new StateError('context has already been set');
  methodSet = method !== null;
  setDefaultStartMethod(method);
  if (method === 'forkserver') warmForkserver();
}

/** Python's `get_start_method()`. */
export function getStartMethod(): StartMethod {
  return defaultStartMethod();
}

export function getAllStartMethods(): StartMethod[] {
  return [...startMethods];
}

/** Starts a spare interpreter for plain (default-option) processes ahead of need. */
function warmForkserver(): void {
  forkserver.warm({
    execPath: process.execPath,
    execArgv: childExecArgv(undefined),
    cwd: undefined,
    env: undefined,
    stdout: 'inherit',
    stderr: 'inherit',
  });
}

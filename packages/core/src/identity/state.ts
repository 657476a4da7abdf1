import { createRequire } from 'node:module';

/**
 * What this process is, kept in ONE process-wide place. Two copies of @proc/core can be loaded
 * in one process (built and source, or two versions); if each kept its own idea of the role, a
 * child could load a second copy, believe it is the main process and start children without end.
 * So the state lives on `globalThis` under a registered symbol, and the child entry sets the
 * role before it imports any user module.
 */
export interface ProcessState {
  role: 'main' | 'child';
  name: string;
  authkey: Buffer;
  daemon: boolean;
  parent: { pid: number; name: string } | null;
  /** Live children started from this process, by any copy of core. */
  children: Set<ChildLike>;
  /** Counter for default names (`Process-1`, `Process-1:2`, ...), as Python's `_identity`. */
  counter: number;
  /** This process's identity path, e.g. `[1, 2]` for `Process-1:2`; `[]` in the main process. */
  identity: number[];
}

/** What `activeChildren()` needs from a child, whichever copy of core created it. */
export interface ChildLike {
  readonly name: string;
  readonly pid: number | undefined;
  readonly daemon: boolean;
  isAlive(): boolean;
  terminate(): void;
}

const key = Symbol.for('proc.process.state');

export function processState(): ProcessState {
  const g = globalThis as { [key]?: ProcessState };
  let state = g[key];
  if (!state) {
    // authkey: an accessor, defined by lazyAuthkey().
    state = {
      role: 'main',
      name: 'MainProcess',
      daemon: false,
      parent: null,
      children: new Set(),
      counter: 0,
      identity: [],
    } as Omit<ProcessState, 'authkey'> as ProcessState;
    lazyAuthkey(state);
    g[key] = state;
  }
  return state;
}

/**
 * The main process draws its authkey on first use. A child is handed its parent's, so drawing
 * one at load would load node:crypto (a score of modules) in every child for nothing: a child's
 * start costs what it loads.
 */
function lazyAuthkey(state: ProcessState): void {
  let value: Buffer | undefined;
  Object.defineProperty(state, 'authkey', {
    enumerable: true,
    configurable: true,
    get: () => {
      value ??= (createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto')).randomBytes(32);
      return value;
    },
    set: (v: Buffer) => {
      value = v;
    },
  });
}

/** Python's `is_main_process()` (`__name__ == '__main__'` guard): false in every child. */
export function isMainProcess(): boolean {
  return processState().role === 'main';
}

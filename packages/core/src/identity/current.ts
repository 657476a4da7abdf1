import os from 'node:os';
import { type ChildLike, processState } from './state.js';

/** What `currentProcess()` and `parentProcess()` return (Python's `_MainProcess`/`_ParentProcess`). */
export interface ProcessInfo {
  readonly name: string;
  readonly pid: number;
  readonly daemon: boolean;
  /** The key this process's connections authenticate with (inherited from the parent). */
  readonly authkey: Buffer;
  /** Python's `_identity`: `[]` in the main process, `[1, 2]` in `Process-1:2`. */
  readonly identity: readonly number[];
  isAlive(): boolean;
}

/** Python's `current_process()`. */
export function currentProcess(): ProcessInfo {
  const s = processState();
  return {
    get name() {
      return s.name;
    },
    pid: process.pid,
    get daemon() {
      return s.daemon;
    },
    get authkey() {
      return s.authkey;
    },
    get identity() {
      return s.identity;
    },
    isAlive: () => true,
  };
}

/** Python's `parent_process()`: `null` in the main process. */
export function parentProcess(): Pick<ProcessInfo, 'name' | 'pid' | 'isAlive'> | null {
  const p = processState().parent;
  if (!p) return null;
  return {
    name: p.name,
    pid: p.pid,
    isAlive: () => {
      try {
        process.kill(p.pid, 0);
        return true;
      } catch {
        return false;
      }
    },
  };
}

/** Python's `active_children()`: children still running (and, as Python, reaps the rest). */
export function activeChildren(): ChildLike[] {
  const { children } = processState();
  const alive: ChildLike[] = [];
  for (const c of children) {
    if (c.isAlive()) alive.push(c);
    else children.delete(c);
  }
  return alive;
}

/** Python's `cpu_count()`: logical CPUs this process may run on. */
export function cpuCount(): number {
  return typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
}

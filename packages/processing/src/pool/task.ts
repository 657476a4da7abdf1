import type { TaskKind } from './protocol.js';
import type { WorkerHandle } from './worker-handle.js';

/** A task function as the pool knows it: where workers find it, and how long it takes. */
export interface FnEntry {
  id: number;
  modules: string[];
  exportName: string;
  fingerprint: string;
  explicitModule: boolean;
  /** Moving average of the run time of one item, in microseconds; -1 until measured. */
  microsPerItem: number;
}

export enum TaskState {
  Queued = 0,
  Held = 1,
  Done = 2,
}

/** Who is told when a task ends: a call (apply, map, imap). */
export interface TaskOwner {
  settle(task: Task, ok: boolean, value: unknown): void;
}

/** One unit of work a worker runs: an apply, or a chunk of a map. */
export interface Task {
  id: number;
  fn: FnEntry;
  kind: TaskKind;
  payload: unknown;
  /** Items in the payload (1 for apply). */
  items: number;
  owner: TaskOwner;
  /** Its position in its call: the item index (one item per task) or the chunk number. */
  index: number;
  state: TaskState;
  worker: WorkerHandle | undefined;
  /** The caller was told (aborted, or the call failed): a late result is ignored. */
  settled: boolean;
  /** Aborted by its caller: if it runs, its worker is replaced. */
  aborted: boolean;
  graceTimer: NodeJS.Timeout | undefined;
  /** Its estimated run time when it was handed to a worker (µs). */
  est: number;
}

/** A task as submitted: queued, held by no worker, not settled. */
export function newTask(id: number, fn: FnEntry, kind: TaskKind, payload: unknown, items: number, owner: TaskOwner, index: number): Task {
  return {
    id,
    fn,
    kind,
    payload,
    items,
    owner,
    index,
    state: TaskState.Queued,
    worker: undefined,
    settled: false,
    aborted: false,
    est: 0,
    graceTimer: undefined,
  };
}

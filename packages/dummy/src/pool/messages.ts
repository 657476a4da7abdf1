import type { ThreadBoot } from '../runtime/boot.js';

/**
 * The wire between a thread pool and its workers: MessagePort messages, each a member of these
 * unions with a `proc:` type tag. Tasks and results travel many to a message: the pool posts
 * every task it hands a worker in one event-loop turn as one flat array, and a worker posts the
 * results of what it ran in one slice as one flat array.
 */

export enum TaskKind {
  /** payload: the argument list. */
  Apply = 0,
  /** payload: the items of a chunk; result: their results in order. */
  Map = 1,
  /** payload: a chunk of argument lists. */
  Starmap = 2,
}

export enum ResultStatus {
  Ok = 0,
  Error = 1,
  /** Cancelled before it started. */
  Dropped = 2,
}

export interface FunctionDefinition {
  fnId: number;
  /** Modules to look in, in order: the first whose export matches name and fingerprint wins. */
  modules: string[];
  exportName: string;
  fingerprint: string;
  /** The caller named the module (a name match is then enough). */
  explicitModule: boolean;
}

export type ToWorker =
  | { type: 'proc:define'; def: FunctionDefinition }
  /** flat `[id, fnId, kind, payload, ...]`, packed (see transport/pack.ts). */
  | { type: 'proc:tasks'; flat: unknown[] }
  | { type: 'proc:cancel'; id: number }
  | { type: 'proc:stop' };

export type ToPool =
  | { type: 'proc:ready' }
  | { type: 'proc:initFailed'; error: unknown }
  /** flat `[id, status, value, ...]`, packed. */
  | { type: 'proc:results'; flat: unknown[] }
  | { type: 'proc:cancelRunning'; id: number; returned: number[] };

export interface PoolWorkerBoot extends ThreadBoot {
  initializer: FunctionDefinition | null;
  initargs: unknown;
  /** Modules the pool has used so far: imported while the worker starts. */
  preload: string[];
}

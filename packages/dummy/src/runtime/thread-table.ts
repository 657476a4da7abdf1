import { threadId } from 'node:worker_threads';

/**
 * Which threads of this process are alive, in shared memory every dummy thread can read.
 *
 * A lock word holds its owner's `threadId`; when a waiter sees the owner has died (terminated,
 * out of memory, `process.exit()` in the thread), it takes the lock over and is told the lock was
 * abandoned. For that it must know, without asking anyone, whether a thread is alive: a thread
 * that died cannot tell, and its parent learns of it only on its own event loop.
 *
 * Slot `tid % SLOTS` holds `tid + 1` while thread `tid` runs and `-(tid + 1)` once it has ended.
 * A thread that dummy did not start (a user's own Worker, piscina's) is not in the table, so it
 * counts as alive: its locks are never taken from it. The parent marks a child dead on the
 * child's 'exit' event, and with it every descendant (Node ends a thread's child threads with
 * it, and their own parents, being dead, cannot report them).
 */
export const SLOTS = 4096;

export interface ThreadTable {
  /** Per slot: `tid + 1` alive, `-(tid + 1)` dead, 0 unknown. */
  live: Int32Array;
  /** Per slot: the parent's `tid + 1`. */
  parent: Int32Array;
}

export interface ThreadTableShared {
  live: SharedArrayBuffer;
  parent: SharedArrayBuffer;
}

const key = Symbol.for('proc.dummy.threadTable');

/** The process-wide table: created by the main thread, handed to each worker at boot. */
export function threadTable(): ThreadTable {
  const g = globalThis as { [key]?: ThreadTable };
  let t = g[key];
  if (!t) {
    t = {
      live: new Int32Array(new SharedArrayBuffer(SLOTS * 4)),
      parent: new Int32Array(new SharedArrayBuffer(SLOTS * 4)),
    };
    g[key] = t;
  }
  return t;
}

/** Installs the table a worker received from its parent (before anything else reads it). */
export function adoptThreadTable(shared: ThreadTableShared): void {
  (globalThis as { [key]?: ThreadTable })[key] = {
    live: new Int32Array(shared.live),
    parent: new Int32Array(shared.parent),
  };
}

export function shareThreadTable(): ThreadTableShared {
  const t = threadTable();
  return { live: t.live.buffer as SharedArrayBuffer, parent: t.parent.buffer as SharedArrayBuffer };
}

/** Records a thread this thread has just started. */
export function markStarted(tid: number): void {
  const t = threadTable();
  const slot = tid % SLOTS;
  Atomics.store(t.parent, slot, threadId + 1);
  Atomics.store(t.live, slot, tid + 1);
}

/** Records that thread `tid` (and so every thread it started) has ended. */
export function markEnded(tid: number): void {
  const t = threadTable();
  const stack = [tid];
  while (stack.length > 0) {
    const id = stack.pop() as number;
    const slot = id % SLOTS;
    if (Atomics.compareExchange(t.live, slot, id + 1, -(id + 1)) !== id + 1) continue;
    for (let s = 0; s < SLOTS; s++) {
      if (Atomics.load(t.parent, s) === id + 1 && Atomics.load(t.live, s) > 0) stack.push(Atomics.load(t.live, s) - 1);
    }
  }
}

/** False only for a thread known to have ended. The main thread (0) is always alive. */
export function isThreadAlive(tid: number): boolean {
  if (tid === 0) return true;
  return Atomics.load(threadTable().live, tid % SLOTS) !== -(tid + 1);
}

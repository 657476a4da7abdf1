/**
 * Who owns a Lock/RLock: a thread together with its async context, as in @proc/processing
 * (whose `ownerScope` makes a new owner; see its owner.ts). The AsyncLocalStorage lives on this
 * thread's `globalThis` under the same registered symbol, so `ownerScope` from either package
 * makes owners both see.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { threadId } from 'node:worker_threads';

interface OwnerState {
  als: AsyncLocalStorage<{ id: number }>;
  next: number;
}

const key = Symbol.for('proc.primitives.owner');

function state(): OwnerState {
  const g = globalThis as { [key]?: OwnerState };
  g[key] ??= { als: new AsyncLocalStorage<{ id: number }>(), next: 1 };
  return g[key];
}

/** The owner id of the current async context in this thread (created on first use). */
export function currentOwner(): number {
  const st = state();
  let s = st.als.getStore();
  if (!s) {
    s = { id: st.next++ };
    st.als.enterWith(s);
  }
  return s.id;
}

/** Runs `fn` as a new owner (see @proc/processing's `ownerScope`). */

/** This thread, as stored in a lock word (0 means free). */
export const me = threadId + 1;

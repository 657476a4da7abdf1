import { threadId } from 'node:worker_threads';
import { isThreadAlive } from './thread-table.js';

/**
 * A mutex for the few instructions that update a shared structure's header (a queue's indices,
 * a semaphore's count). It is never held across an `await`, so contention lasts nanoseconds:
 * spin, then sleep briefly with `Atomics.wait` (allowed on Node's main thread too).
 *
 * The word holds the owner's `threadId + 1`. `worker.terminate()` can stop a thread between
 * any two instructions, also inside a critical section; a waiter that finds the owner dead
 * takes the mutex over. Every structure guarded by it is written so that its state is whole
 * at every instruction that could be the last (the commit is one store at the end).
 */
const me = threadId + 1;

/** `word + 1` counts sleepers, so an unlock notifies only when someone sleeps. */
export function lockMutex(i32: Int32Array, word: number): void {
  if (Atomics.compareExchange(i32, word, 0, me) === 0) return;
  let rounds = 0;
  for (;;) {
    const owner = Atomics.load(i32, word);
    if (owner === 0) {
      if (Atomics.compareExchange(i32, word, 0, me) === 0) return;
      continue;
    }
    if (owner === me) throw new Error('The internal mutex is already held by this thread. This is a bug in proc.');
    if (++rounds < 200) continue;
    if (!isThreadAlive(owner - 1)) {
      if (Atomics.compareExchange(i32, word, owner, me) === owner) return;
      continue;
    }
    Atomics.add(i32, word + 1, 1);
    Atomics.wait(i32, word, owner, 1);
    Atomics.sub(i32, word + 1, 1);
  }
}

export function unlockMutex(i32: Int32Array, word: number): void {
  Atomics.store(i32, word, 0);
  if (Atomics.load(i32, word + 1) > 0) Atomics.notify(i32, word, 1);
}

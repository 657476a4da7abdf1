/**
 * Who owns a Lock/RLock: a thread together with its async context, as in @proc/processing.
 * The owner id of an async context comes from `@proc/managers` (the one implementation; its
 * state lives on each thread's own `globalThis`), so `ownerScope` from any package makes owners
 * every package sees.
 */
import { threadId } from 'node:worker_threads';

export { currentOwner } from '@proc/managers';

/** This thread, as stored in a lock word (0 means free). */
export const me = threadId + 1;

/**
 * The receiving side of the reducer contract: a process that gets a primitive (in `Process`
 * args, or inside a queued item) imports this module and calls `rebuildPrimitive(state)`,
 * which attaches to the same host. Grandchildren work the same way: the state names the host.
 */

import { Barrier } from './barrier.js';
import { attach, type PrimitiveRef } from './base.js';
import { Condition } from './condition.js';
import { Event } from './event.js';
import { Lock, RLock } from './lock.js';
import { JoinableQueue, Queue, SimpleQueue } from './queue.js';
import { BoundedSemaphore, Semaphore } from './semaphore.js';
import { SharedArray, Value } from './value.js';

export function rebuildPrimitive(state: unknown): unknown {
  const ref = state as PrimitiveRef;
  return attach(ref, () => {
    switch (ref.kind) {
      case 'Queue':
        return new Queue();
      case 'JoinableQueue':
        return new JoinableQueue();
      case 'SimpleQueue':
        return new SimpleQueue();
      case 'Lock':
        return new Lock();
      case 'RLock':
        return new RLock();
      case 'Semaphore':
        return new Semaphore();
      case 'BoundedSemaphore':
        return new BoundedSemaphore();
      case 'Condition':
        return new Condition();
      case 'Event':
        return new Event();
      case 'Barrier':
        return new Barrier(1);
      case 'Value':
        return new Value('i');
      case 'SharedArray':
        return new SharedArray('i', 0);
      default:
        throw new TypeError(`cannot rebuild a primitive of kind ${String((ref as { kind: unknown }).kind)}. This is a bug in proc.`);
    }
  });
}

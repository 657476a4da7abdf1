import { Client, Listener, Pipe } from '@proc/connection';
import { type BaseContext, getContext as coreContext, type StartMethod } from '@proc/core';
import { Manager } from '@proc/managers';
import { Pool, type PoolOptions } from './pool/index.js';
import {
  Barrier,
  BoundedSemaphore,
  Condition,
  Event,
  JoinableQueue,
  Lock,
  Queue,
  RLock,
  Semaphore,
  SharedArray,
  SimpleQueue,
  Value,
} from './primitives/index.js';

/**
 * Python's context object: the whole API bound to one start method
 * (`getContext('forkserver').Pool(...)` starts its workers from spares). Types that start no
 * process (queues, locks) are the same objects in every context.
 */
export interface Context extends BaseContext {
  Pool: typeof Pool;
  Manager: typeof Manager;
  Queue: typeof Queue;
  SimpleQueue: typeof SimpleQueue;
  JoinableQueue: typeof JoinableQueue;
  Lock: typeof Lock;
  RLock: typeof RLock;
  Semaphore: typeof Semaphore;
  BoundedSemaphore: typeof BoundedSemaphore;
  Condition: typeof Condition;
  Event: typeof Event;
  Barrier: typeof Barrier;
  Value: typeof Value;
  SharedArray: typeof SharedArray;
  Pipe: typeof Pipe;
  Listener: typeof Listener;
  Client: typeof Client;
}

const contexts = new Map<StartMethod, Context>();

export function getContext(method?: StartMethod): Context {
  const base = coreContext(method);
  let ctx = contexts.get(base.startMethod);
  if (ctx) return ctx;
  class ContextPool extends Pool {
    constructor(options: PoolOptions = {}) {
      super({ ...options, context: options.context ?? base });
    }
  }
  Object.defineProperty(ContextPool, 'name', { value: 'Pool' });
  ctx = {
    ...base,
    Pool: ContextPool as typeof Pool,
    Manager,
    Queue,
    SimpleQueue,
    JoinableQueue,
    Lock,
    RLock,
    Semaphore,
    BoundedSemaphore,
    Condition,
    Event,
    Barrier,
    Value,
    SharedArray,
    Pipe,
    Listener,
    Client,
  };
  contexts.set(base.startMethod, ctx);
  return ctx;
}

import { Client, Listener } from '@proc/connection';
import { getStartMethod, type StartMethod } from '@proc/core';
import { Pipe } from '../connection/connection.js';
import { Manager } from '../managers/manager.js';
import { Pool } from '../pool/pool.js';
import { JoinableQueue } from '../queues/joinable-queue.js';
import { Queue } from '../queues/queue.js';
import { SimpleQueue } from '../queues/simple-queue.js';
import { Barrier } from '../synchronize/barrier.js';
import { Condition } from '../synchronize/condition.js';
import { Event } from '../synchronize/event.js';
import { Lock, RLock } from '../synchronize/lock.js';
import { BoundedSemaphore, Semaphore } from '../synchronize/semaphore.js';
import { SharedArray, Value } from '../synchronize/value.js';
import { Process } from './process.js';

/**
 * Python's context object, as @proc/processing's `Context`: the whole API under one start
 * method. Threads start one way, so every context holds the same objects.
 */
export interface Context {
  readonly startMethod: StartMethod;
  getStartMethod(): StartMethod;
  Process: typeof Process;
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

const methods = new Set<string>(['spawn', 'fork', 'forkserver']);
const contexts = new Map<StartMethod, Context>();

/** Python's `get_context(method)`: accepted for compatibility; threads start one way. */
export function getContext(method?: StartMethod): Context {
  const m = method ?? getStartMethod();
  if (!methods.has(m)) throw new TypeError(`unknown start method ${String(m)}; use one of spawn, fork, forkserver`);
  let ctx = contexts.get(m);
  if (!ctx) {
    ctx = {
      startMethod: m,
      getStartMethod: () => m,
      Process,
      Pool,
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
    contexts.set(m, ctx);
  }
  return ctx;
}

/**
 * SyncManager's types: typeid, the methods its proxy may call, and (server side) how to make
 * the referent. Referent modules are imported on first use, so the server starts lean.
 */

export interface BuiltinType {
  exposed: readonly string[];
  /** Methods callable only to undo a call the client gave up on. */
  internal?: readonly string[];
  load(): Promise<(...args: never[]) => object>;
}

const queueMethods = ['put', 'get', 'getMany', 'lease', 'putNowait', 'getNowait', 'qsize', 'empty', 'full'] as const;
const lockMethods = ['acquire', 'release', 'locked'] as const;

export const builtinTypes: Record<string, BuiltinType> = {
  dict: {
    exposed: ['get', 'set', 'has', 'delete', 'keys', 'values', 'items', 'len', 'update', 'pop', 'popitem', 'setdefault', 'clear', 'copy'],
    load: async () => {
      const { SharedDict } = await import('./dict.js');
      return (init?: never) => new SharedDict(init);
    },
  },
  list: {
    exposed: ['append', 'extend', 'get', 'set', 'len', 'pop', 'insert', 'remove', 'index', 'count', 'includes', 'slice', 'setSlice', 'reverse', 'sort', 'clear', 'copy'],
    load: async () => {
      const { SharedList } = await import('./list.js');
      return (init?: never) => new SharedList(init);
    },
  },
  Namespace: {
    exposed: ['get', 'set', 'has', 'delete', 'toObject'],
    load: async () => {
      const { SharedNamespace } = await import('./namespace.js');
      return (init?: never) => new SharedNamespace(init);
    },
  },
  Value: {
    exposed: ['get', 'set', 'typecode'],
    load: async () => {
      const { SharedValue } = await import('./value.js');
      return (typecode: never, value: never) => new SharedValue(typecode, value);
    },
  },
  Array: {
    exposed: ['get', 'set', 'len', 'slice', 'toArray', 'typecode'],
    load: async () => {
      const { SharedArray } = await import('./array.js');
      return (typecode: never, init: never) => new SharedArray(typecode, init);
    },
  },
  Queue: {
    exposed: queueMethods,
    internal: ['unget', 'ack', 'unlease'],
    load: async () => {
      const { SharedQueue } = await import('./queue.js');
      return (options?: never) => new SharedQueue(options);
    },
  },
  JoinableQueue: {
    exposed: [...queueMethods, 'taskDone', 'join'],
    internal: ['unget', 'ack', 'unlease'],
    load: async () => {
      const { SharedJoinableQueue } = await import('./joinable-queue.js');
      return (options?: never) => new SharedJoinableQueue(options);
    },
  },
  Lock: {
    exposed: lockMethods,
    load: async () => {
      const { SharedLock } = await import('./lock.js');
      return () => new SharedLock();
    },
  },
  RLock: {
    exposed: lockMethods,
    load: async () => {
      const { SharedRLock } = await import('./lock.js');
      return () => new SharedRLock();
    },
  },
  Semaphore: {
    exposed: ['acquire', 'release', 'getValue'],
    load: async () => {
      const { SharedSemaphore } = await import('./semaphore.js');
      return (value?: never) => new SharedSemaphore(value);
    },
  },
  BoundedSemaphore: {
    exposed: ['acquire', 'release', 'getValue'],
    load: async () => {
      const { SharedBoundedSemaphore } = await import('./semaphore.js');
      return (value?: never) => new SharedBoundedSemaphore(value);
    },
  },
  Condition: {
    exposed: ['acquire', 'release', 'wait', 'notify', 'notifyAll'],
    load: async () => {
      const { SharedCondition } = await import('./condition.js');
      return (lock?: never) => new SharedCondition(lock);
    },
  },
  Event: {
    exposed: ['set', 'clear', 'isSet', 'wait'],
    load: async () => {
      const { SharedEvent } = await import('./event.js');
      return () => new SharedEvent();
    },
  },
  Barrier: {
    exposed: ['wait', 'abort', 'reset', 'parties', 'nWaiting', 'broken'],
    load: async () => {
      const { SharedBarrier } = await import('./barrier.js');
      return (parties: never, options?: never) => new SharedBarrier(parties, options);
    },
  },
};

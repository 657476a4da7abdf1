/** Python's `SyncManager`: a manager serving the shared types of `processing`. */
import type { ArrayProxy } from '../proxy/array-proxy.js';
import type { BarrierProxy } from '../proxy/barrier-proxy.js';
import type { ConditionProxy } from '../proxy/condition-proxy.js';
import type { DictProxy } from '../proxy/dict-proxy.js';
import type { EventProxy } from '../proxy/event-proxy.js';
import type { ListProxy } from '../proxy/list-proxy.js';
import type { LockProxy, RLockProxy } from '../proxy/lock-proxy.js';
import type { NamespaceProxy } from '../proxy/namespace-proxy.js';
import type { JoinableQueueProxy, QueueProxy } from '../proxy/queue-proxy.js';
import type { BoundedSemaphoreProxy, SemaphoreProxy } from '../proxy/semaphore-proxy.js';
import type { ValueProxy } from '../proxy/value-proxy.js';
import type { DictKey } from '../types/keys.js';
import { BaseManager, type ManagerOptions } from './base-manager.js';

export interface QueueOptions {
  /** At most this many items; `put` waits (or raises `Full`) beyond. 0: unbounded. @default 0 */
  maxsize?: number;
}

export class SyncManager extends BaseManager {
  protected static override builtins = true;

  /** A shared dict, optionally filled from a Map, pairs or a plain object. */
  dict<K extends DictKey = DictKey, V = unknown>(init?: Map<K, V> | Iterable<[K, V]> | Record<string, V>): Promise<DictProxy<K, V>> {
    if (init !== undefined && !(init instanceof Map) && !Array.isArray(init) && typeof init === 'object' && Symbol.iterator in init) {
      init = [...(init as Iterable<[K, V]>)];
    }
    return this.create('dict', ...(init === undefined ? [] : [init]));
  }

  list<T = unknown>(init?: Iterable<T>): Promise<ListProxy<T>> {
    return this.create('list', ...(init === undefined ? [] : [Array.isArray(init) ? init : [...init]]));
  }

  Namespace<T extends Record<string, unknown> = Record<string, unknown>>(init?: Partial<T>): Promise<NamespaceProxy<T>> {
    return this.create('Namespace', ...(init === undefined ? [] : [init]));
  }

  /** `Value(typecode, value)` as Python, or `Value(value)`. */
  Value<T = unknown>(typecodeOrValue: unknown, ...value: [T?]): Promise<ValueProxy<T>> {
    return value.length === 0 ? this.create('Value', null, typecodeOrValue) : this.create('Value', typecodeOrValue, value[0]);
  }

  /** A fixed-length numeric array: `Array('i', [1, 2, 3])` or `Array('d', 10)`. */
  Array<T extends number | bigint = number>(typecode: string, init: number | Iterable<T>): Promise<ArrayProxy<T>> {
    if (typeof typecode !== 'string') return Promise.reject(new TypeError('typecode must be a string'));
    return this.create('Array', typecode, typeof init === 'number' ? init : [...init]);
  }

  Queue<T = unknown>(options?: QueueOptions): Promise<QueueProxy<T>> {
    return this.create('Queue', checkQueueOptions(options));
  }

  JoinableQueue<T = unknown>(options?: QueueOptions): Promise<JoinableQueueProxy<T>> {
    return this.create('JoinableQueue', checkQueueOptions(options));
  }

  Lock(): Promise<LockProxy> {
    return this.create('Lock');
  }

  RLock(): Promise<RLockProxy> {
    return this.create('RLock');
  }

  Semaphore(value = 1): Promise<SemaphoreProxy> {
    if (!Number.isInteger(value) || value < 0) return Promise.reject(new RangeError('value must be an integer >= 0'));
    return this.create('Semaphore', value);
  }

  BoundedSemaphore(value = 1): Promise<BoundedSemaphoreProxy> {
    if (!Number.isInteger(value) || value < 0) return Promise.reject(new RangeError('value must be an integer >= 0'));
    return this.create('BoundedSemaphore', value);
  }

  /** A Condition over `lock` (a manager Lock or RLock proxy) or a fresh RLock. */
  Condition(lock?: LockProxy): Promise<ConditionProxy> {
    return this.create('Condition', ...(lock === undefined ? [] : [lock]));
  }

  Event(): Promise<EventProxy> {
    return this.create('Event');
  }

  Barrier(parties: number, options?: { timeout?: number | null }): Promise<BarrierProxy> {
    if (!Number.isInteger(parties) || parties < 1) return Promise.reject(new RangeError('parties must be an integer >= 1'));
    return this.create('Barrier', parties, ...(options === undefined ? [] : [options]));
  }
}

function checkQueueOptions(options: QueueOptions | undefined): { maxsize: number } {
  const maxsize = options?.maxsize ?? 0;
  if (!Number.isInteger(maxsize)) throw new TypeError('maxsize must be an integer');
  return { maxsize };
}

/** Python's `processing.Manager()`: starts a SyncManager server process and resolves when it is ready. */
export async function Manager(options?: ManagerOptions): Promise<SyncManager> {
  const m = new SyncManager(options);
  await m.start();
  return m;
}

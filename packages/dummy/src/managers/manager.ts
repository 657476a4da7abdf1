import type { ArrayProxy, DictKey, DictProxy, ListProxy, ManagerOptions, NamespaceProxy, ValueProxy } from '@proc/managers';
import { JoinableQueue } from '../queues/joinable-queue.js';
import { Queue, type QueueOptions } from '../queues/queue.js';
import { Barrier } from '../synchronize/barrier.js';
import { Condition } from '../synchronize/condition.js';
import { Event } from '../synchronize/event.js';
import { Lock, RLock } from '../synchronize/lock.js';
import { BoundedSemaphore, Semaphore } from '../synchronize/semaphore.js';
import { ManagerHost } from './host.js';
import { ArrayReferent, DictReferent, ListReferent, NamespaceReferent, ValueReferent } from './referents.js';
import { makeProxy } from './thread-proxy.js';

/**
 * Python's `SyncManager` for threads (`processing.dummy.Manager()`): the same methods as
 * @proc/managers' manager, served inside this process. Containers (`dict`, `list`,
 * `Namespace`, `Value`, `Array`) live in the thread that made the manager and are reached
 * through proxies with Promise-returning methods (directly in that thread, through shared-memory
 * mailboxes from others); queues and locks are dummy's own shared-memory ones, which any thread
 * uses directly, as Python's dummy manager returns `queue.Queue` and `threading.Lock`.
 */
export class SyncManager {
  readonly #host = new ManagerHost();

  /** Threads have no address to connect to: `null`. */
  get address(): null {
    return null;
  }

  dict<K extends DictKey = DictKey, V = unknown>(init?: Map<K, V> | Iterable<[K, V]> | Record<string, V>): Promise<DictProxy<K, V>> {
    return this.#make('dict', () => new DictReferent(init !== undefined && !(init instanceof Map) && !Array.isArray(init) && Symbol.iterator in Object(init) ? [...(init as Iterable<[K, V]>)] : init));
  }

  list<T = unknown>(init?: Iterable<T>): Promise<ListProxy<T>> {
    return this.#make('list', () => new ListReferent(init));
  }

  Namespace<T extends Record<string, unknown> = Record<string, unknown>>(init?: Partial<T>): Promise<NamespaceProxy<T>> {
    return this.#make('Namespace', () => new NamespaceReferent(init as Record<string, unknown>));
  }

  /** `Value(typecode, value)` as Python, or `Value(value)`. */
  Value<T = unknown>(typecodeOrValue: unknown, ...value: [T?]): Promise<ValueProxy<T>> {
    return this.#make('Value', () => (value.length === 0 ? new ValueReferent(null, typecodeOrValue) : new ValueReferent(typecodeOrValue as string, value[0])));
  }

  Array<T extends number | bigint = number>(typecode: string, init: number | Iterable<T>): Promise<ArrayProxy<T>> {
    if (typeof typecode !== 'string') return Promise.reject(new TypeError('typecode must be a string'));
    return this.#make('Array', () => new ArrayReferent(typecode, init));
  }

  async Queue<T = unknown>(options?: QueueOptions): Promise<Queue<T>> {
    return new Queue<T>(options);
  }

  async JoinableQueue<T = unknown>(options?: QueueOptions): Promise<JoinableQueue<T>> {
    return new JoinableQueue<T>(options);
  }

  async Lock(): Promise<Lock> {
    return new Lock();
  }

  async RLock(): Promise<RLock> {
    return new RLock();
  }

  async Semaphore(value = 1): Promise<Semaphore> {
    return new Semaphore(value);
  }

  async BoundedSemaphore(value = 1): Promise<BoundedSemaphore> {
    return new BoundedSemaphore(value);
  }

  async Condition(lock?: Lock | RLock): Promise<Condition> {
    return new Condition(lock);
  }

  async Event(): Promise<Event> {
    return new Event();
  }

  async Barrier(parties: number, options?: { timeout?: number | null }): Promise<Barrier> {
    return new Barrier(parties, undefined, options?.timeout);
  }

  /** Stops serving: later calls through its proxies reject with `ManagerGoneError`. Idempotent. */
  async shutdown(): Promise<void> {
    this.#host.shutdown();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.shutdown();
  }

  #make<P>(typeid: string, create: () => object): Promise<P> {
    if (this.#host.closed) return Promise.reject(new Error('The manager was shut down'));
    try {
      return Promise.resolve(makeProxy(this.#host, typeid, create()) as unknown as P);
    } catch (err) {
      return Promise.reject(err);
    }
  }
}

/**
 * Python's `processing.dummy.Manager()`: a manager serving inside this process, ready at once.
 * `options` (address, authkey, ...) are accepted for compatibility; there is no server to
 * configure. For a manager other processes or machines reach, use @proc/managers' `Manager`.
 */
export async function Manager(_options?: ManagerOptions): Promise<SyncManager> {
  return new SyncManager();
}

/**
 * Which proxy class a token of each typeid becomes. SyncManager's types are known here;
 * `BaseManager.register(typeid, factory, { proxyType })` adds the user's. A typeid with no
 * class becomes an AutoProxy.
 */
import { ArrayProxy } from './array-proxy.js';
import { BarrierProxy } from './barrier-proxy.js';
import type { BaseProxy, ProxyInit } from './base-proxy.js';
import { ConditionProxy } from './condition-proxy.js';
import { DictProxy } from './dict-proxy.js';
import { EventProxy } from './event-proxy.js';
import { ListProxy } from './list-proxy.js';
import { LockProxy, RLockProxy } from './lock-proxy.js';
import { NamespaceProxy } from './namespace-proxy.js';
import { JoinableQueueProxy, QueueProxy } from './queue-proxy.js';
import { BoundedSemaphoreProxy, SemaphoreProxy } from './semaphore-proxy.js';
import { ValueProxy } from './value-proxy.js';

export type ProxyClass = new (init: ProxyInit) => BaseProxy;

const key = Symbol.for('proc.managers.proxyTypes');
const g = globalThis as { [key]?: Map<string, ProxyClass> };
const table: Map<string, ProxyClass> = g[key] ?? new Map();
g[key] = table;

const builtins: Record<string, ProxyClass> = {
  dict: DictProxy,
  list: ListProxy,
  Namespace: NamespaceProxy,
  Value: ValueProxy,
  Array: ArrayProxy,
  Queue: QueueProxy,
  JoinableQueue: JoinableQueueProxy,
  Lock: LockProxy,
  RLock: RLockProxy,
  Semaphore: SemaphoreProxy,
  BoundedSemaphore: BoundedSemaphoreProxy,
  Condition: ConditionProxy,
  Event: EventProxy,
  Barrier: BarrierProxy,
};

export function registerProxyType(typeid: string, cls: ProxyClass): void {
  table.set(typeid, cls);
}

export function proxyTypeFor(typeid: string): ProxyClass | undefined {
  return table.get(typeid) ?? (Object.hasOwn(builtins, typeid) ? builtins[typeid] : undefined);
}

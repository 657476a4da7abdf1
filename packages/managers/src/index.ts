/**
 * @proc/managers: shared objects served by a manager process, local or remote (Python's
 * `multiprocessing.managers`).
 */

export { currentOwner, ownerScope } from './client/owner.js';
export * from './errors.js';
export { BaseManager, type ManagerOptions } from './manager/base-manager.js';
export type { RegisterOptions } from './manager/registration.js';
export { Manager, type QueueOptions, SyncManager } from './manager/sync-manager.js';
export { ArrayProxy } from './proxy/array-proxy.js';
export { type AutoProxy, makeAutoProxy } from './proxy/auto-proxy.js';
export { BarrierProxy } from './proxy/barrier-proxy.js';
export { BaseProxy, type ProxyInit, type WaitOptions } from './proxy/base-proxy.js';
export { ConditionProxy } from './proxy/condition-proxy.js';
export { DictProxy } from './proxy/dict-proxy.js';
export { EventProxy } from './proxy/event-proxy.js';
export { ListProxy } from './proxy/list-proxy.js';
export { type AcquireOptions, LockProxy, RLockProxy } from './proxy/lock-proxy.js';
export { NamespaceProxy } from './proxy/namespace-proxy.js';
export { JoinableQueueProxy, type QueueGetOptions, QueueProxy, type QueuePutOptions } from './proxy/queue-proxy.js';
export { rebuildProxy } from './proxy/rebuild.js';
export { BoundedSemaphoreProxy, SemaphoreProxy } from './proxy/semaphore-proxy.js';
export { ValueProxy } from './proxy/value-proxy.js';
export { type CallContext, currentCall, type Owner, sameOwner } from './server/call-context.js';
export { Server, type ServerInfo, type ServerOptions } from './server/server.js';
export type { DictKey } from './types/keys.js';
export type { Address, Token } from './wire/messages.js';

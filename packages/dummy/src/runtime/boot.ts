import type { MessagePort } from 'node:worker_threads';
import { currentProcess, type TargetRef } from '@proc/core';
import { adoptLink } from '../transport/item-hub.js';
import { adoptThreadTable, shareThreadTable, type ThreadTableShared } from './thread-table.js';
import { isTypeScriptUrl, resolveTsxApi } from './tsx.js';

/** What every dummy thread receives in `workerData`: who it is and what it shares. */
export interface ThreadBoot {
  type: 'proc:boot';
  name: string;
  daemon: boolean;
  identity: number[];
  authkey: Uint8Array;
  parent: { pid: number; name: string };
  table: ThreadTableShared;
  /** `tsx/esm/api` to register before importing a TypeScript module, or null. */
  tsx: string | null;
  /** Link to the item hub (queue items holding shared objects, item-hub.ts); added by the starter, transferred. */
  items?: MessagePort;
}

/** A Process thread's boot: plus its target and packed arguments. */
export interface ProcessBoot extends ThreadBoot {
  target: TargetRef;
  args: unknown;
  self: unknown;
}

export function makeBoot(init: { name: string; daemon: boolean; identity: number[]; authkey: Uint8Array; module?: string }): ThreadBoot {
  const me = currentProcess();
  return {
    type: 'proc:boot',
    name: init.name,
    daemon: init.daemon,
    identity: init.identity,
    authkey: init.authkey,
    parent: { pid: process.pid, name: me.name },
    table: shareThreadTable(),
    tsx: resolveTsxApi(init.module) ?? null,
  };
}

/** Whether a module needs tsx in a thread. */
export function needsTsx(moduleUrl: string | undefined): boolean {
  return moduleUrl !== undefined && isTypeScriptUrl(moduleUrl);
}

const stateKey = Symbol.for('proc.process.state');

/**
 * First thing a dummy thread does: it is a child (so `isMainProcess()` is false and the seed's
 * guarded main code does not run again), with the name and authkey its parent gave it. The
 * process-wide state lives on this thread's own `globalThis`, set before any user module loads.
 */
export function adoptBoot(boot: ThreadBoot): void {
  (globalThis as Record<symbol, unknown>)[stateKey] = {
    role: 'child',
    name: boot.name,
    authkey: Buffer.from(boot.authkey),
    daemon: boot.daemon,
    parent: boot.parent,
    children: new Set(),
    counter: 0,
    identity: boot.identity,
  };
  adoptThreadTable(boot.table);
  if (boot.items) adoptLink(boot.items);
}

/** Registers tsx's ESM hooks in this thread (once). */
export async function registerTsx(api: string | null): Promise<void> {
  if (!api) return;
  const g = globalThis as { [k: symbol]: unknown };
  const key = Symbol.for('proc.dummy.tsxRegistered');
  if (g[key]) return;
  g[key] = true;
  const { register } = (await import(api)) as { register: () => unknown };
  register();
}

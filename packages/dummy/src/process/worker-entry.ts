/**
 * The first module a Process thread runs. Order matters: the thread's role is set to 'child'
 * before any user module is imported, and tsx is registered before a TypeScript target loads.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { adoptBoot, type ProcessBoot, registerTsx } from '../runtime/boot.js';
import type { ThreadMessage } from './messages.js';

const boot = workerData as ProcessBoot;
adoptBoot(boot);
const port = parentPort as NonNullable<typeof parentPort>;
let running = false;
let ending = false;

function post(m: ThreadMessage): void {
  port.postMessage(m);
}

async function main(): Promise<void> {
  let run: () => unknown;
  try {
    await registerTsx(boot.tsx);
    const [{ findExport }, { unpack, pack }, ns] = await Promise.all([
      import('@proc/core'),
      import('../transport/pack.js'),
      import(boot.target.module) as Promise<Record<string, unknown>>,
      import('../index.js'),
    ]);
    packError = (e) => pack(e).value;
    const found = findExport(ns, boot.target);
    const args = (unpack(boot.args) ?? []) as unknown[];
    if (boot.target.kind === 'class') {
      const instance = Object.create((found as unknown as { prototype: object }).prototype) as Record<string | symbol, unknown>;
      Object.assign(instance, unpack(boot.self) ?? {});
      const init = instance[Symbol.for('proc.process.childInit')];
      if (typeof init === 'function') init.call(instance, { name: boot.name, daemon: boot.daemon, args });
      run = () => (instance.run as () => unknown).call(instance);
    } else {
      run = () => found(...args);
    }
  } catch (err) {
    post({ type: 'proc:bootError', error: safePack(err) });
    process.exit(1);
  }
  running = true;
  process.on('uncaughtException', fail);
  process.on('unhandledRejection', fail);
  post({ type: 'proc:started' });
  try {
    await run();
  } catch (err) {
    fail(err);
    return;
  }
  ending = true;
  process.exit(0);
}

let packError: (e: unknown) => unknown = (e) => e;

function safePack(err: unknown): unknown {
  try {
    return packError(err);
  } catch {
    return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  }
}

function fail(err: unknown): void {
  if (ending) return;
  ending = true;
  // Python prints the traceback in the child, under a header naming the process.
  process.stderr.write(`Process ${boot.name}:\n${err instanceof Error ? (err.stack ?? String(err)) : String(err)}\n`);
  if (running) post({ type: 'proc:error', error: safePack(err) });
  process.exit(1);
}

void main();

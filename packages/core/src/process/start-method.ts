/**
 * Start methods keep Python's names with Node's meaning:
 * - 'spawn': a fresh interpreter, no Node IPC channel (custom `execPath`/`execArgv`, like
 *   Python's `set_executable`).
 * - 'fork': `child_process.fork`'s way: a fresh interpreter with Node's IPC channel, so handles
 *   can be passed after start. (Node cannot copy a running process as `os.fork()` does.)
 * - 'forkserver': interpreters started ahead of need, with the last target's module imported
 *   while they wait: a trivial start+join costs milliseconds.
 */
export type StartMethod = 'spawn' | 'fork' | 'forkserver';

export const startMethods: readonly StartMethod[] = ['spawn', 'fork', 'forkserver'];

const key = Symbol.for('proc.startMethod');

export function defaultStartMethod(): StartMethod {
  return (globalThis as { [key]?: StartMethod })[key] ?? 'spawn';
}

export function setDefaultStartMethod(method: StartMethod | null): void {
  (globalThis as { [key]?: StartMethod | undefined })[key] = method ?? undefined;
}

export function isStartMethod(m: unknown): m is StartMethod {
  return typeof m === 'string' && (startMethods as readonly string[]).includes(m);
}

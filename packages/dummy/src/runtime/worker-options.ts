import v8 from 'node:v8';
import type { ResourceLimits } from 'node:worker_threads';

/**
 * Flags a thread may take from this process's: only per-thread ones. Loader flags (`--import
 * tsx`) do not apply to a worker's `.ts` entry on Node 20, and a test runner's flags must not
 * leak into threads; tsx is registered by the bootstrap instead.
 */
export function workerExecArgv(): string[] {
  return process.execArgv.filter((a) => a === '--enable-source-maps' || a === '--no-warnings' || a.startsWith('--conditions=') || a.startsWith('-C='));
}

let limits: ResourceLimits | undefined;

/** Half the process's heap limit for a thread's old generation: a runaway thread ends alone. */
export function defaultResourceLimits(): ResourceLimits {
  limits ??= { maxOldGenerationSizeMb: Math.max(64, Math.floor(v8.getHeapStatistics().heap_size_limit / 2 / 1024 / 1024)) };
  return limits;
}

import { WorkerLostError } from './errors.js';
import type { ExitInfo, WorkerHandle } from './worker-handle.js';

/** The error the tasks of a worker that died get: how it ended, why, and its last stderr lines. */
export function workerLost(w: WorkerHandle, info: ExitInfo): WorkerLostError {
  const count = w.held.size;
  const how = info.signal ? `was killed by ${info.signal}` : `exited with code ${info.exitCode}`;
  const why = w.killReason ? ` (${w.killReason})` : '';
  const tail = info.stderrTail.trim();
  return new WorkerLostError(
    `Pool worker ${w.name} (pid ${w.pid}) ${how}${why} while it held ${count} task${count === 1 ? '' : 's'}${tail ? `; the end of its stderr:\n${lastLines(tail, 12)}` : ''}`,
    { exitCode: info.exitCode, signal: info.signal, stderrTail: info.stderrTail, pid: w.pid },
  );
}

/** Why a worker could not start, in a few words (for PoolBrokenError). */
export function bootFailure(cause: unknown, info: ExitInfo): string {
  if (cause instanceof Error) return `${cause.name}: ${cause.message}`;
  if (cause !== undefined) return String(cause);
  return info.signal ? `killed by ${info.signal}` : `exit code ${info.exitCode}`;
}

function lastLines(text: string, n: number): string {
  const lines = text.split('\n');
  return lines.slice(-n).join('\n');
}

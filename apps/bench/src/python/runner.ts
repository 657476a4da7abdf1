import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type JobOutcome, runJob } from '../harness/job.ts';
import type { TrialContext } from '../harness/trial.ts';

/** The app's own CPython script (a peer, not part of proc). */
export const SCRIPT = fileURLToPath(new URL('./mp_bench.py', import.meta.url));

export interface PythonFound {
  path: string;
  version: string;
}

/** `--python PATH`, else `python3` on PATH; a reason string when there is none to use. */
export function findPython(requested?: string): PythonFound | { missing: string } {
  const candidate = requested ?? 'python3';
  // sys.executable: a version manager's shim (pyenv's) costs a few hundred ms per start.
  const r = spawnSync(candidate, ['-c', 'import sys, multiprocessing; print(sys.version.split()[0]); print(sys.executable)'], { encoding: 'utf8', timeout: 15_000 });
  if (r.error || r.status !== 0) {
    const why = r.error ? r.error.message : (r.stderr || `exit code ${r.status}`).trim().split('\n').pop();
    return { missing: requested ? `--python ${requested} cannot run: ${why}` : `python3 not found on PATH (${why})` };
  }
  const [version, executable] = r.stdout.trim().split('\n');
  return { path: executable || candidate, version };
}

/** Runs one figure of mp_bench.py in its own process group, under `timeoutMs`. */
export async function runPythonFigure(python: string, key: string, ctx: TrialContext, timeoutMs: number): Promise<JobOutcome> {
  const args = [SCRIPT, '--trials', String(ctx.trials), '--dur', String(ctx.dur), '--pool-tasks', String(ctx.poolTasks), '--start-reps', String(ctx.startReps), key];
  const out = await runJob({ command: python, args, timeoutMs });
  // The script's result line holds every figure it ran (here one); unwrap ours.
  const figures = (out as { figures?: Record<string, JobOutcome> }).figures;
  if (!figures) return out;
  const mine = figures[key] ?? { error: `mp_bench.py did not report ${key}` };
  return { ...mine, ...(out.warning ? { warning: out.warning } : {}), elapsedMs: out.elapsedMs, meta: (out as { meta?: Record<string, unknown> }).meta };
}

import { sparesReady } from '@proc/core';
import type { ProcessClass } from '../api.ts';
import { processing } from '../api.ts';
import { median, now, runTrials } from '../harness/trial.ts';
import { forkExit } from '../peers/node.ts';
import { noop } from '../targets/targets.mjs';
import { joinOk, type Measure, pairedNote, TARGETS } from './support.ts';

async function startJoin(Process: ProcessClass): Promise<number> {
  const t0 = now();
  const p = new Process({ target: noop, module: TARGETS });
  await p.start();
  await joinOk(p);
  return now() - t0;
}

/**
 * Start+join of a trivial compiled target; each trial is the median of `ctx.startReps` starts.
 * `sparePause` waits until the forkserver's next spare has booted, so that figure is "with a
 * spare ready". `paired` also starts a bare node process (fork of an empty script, to its exit)
 * before each start (see `pairedNote`).
 */
function startFigure(method: string, { sparePause = false, paired = false } = {}): Measure {
  return async (ctx) => {
    const { getContext } = await processing('getContext');
    const { Process } = getContext(method);
    const ratios: number[] = [];
    const trial = async () => {
      const lat: number[] = [];
      for (let i = 0; i < ctx.startReps; i++) {
        if (sparePause) await sparesReady();
        const bare = paired ? await forkExit() : 0;
        const ms = await startJoin(Process);
        lat.push(ms);
        if (paired) ratios.push(ms / bare);
      }
      return median(lat);
    };
    const measured = await runTrials(ctx, trial, () => startJoin(Process));
    if (!paired) return measured;
    return { ...measured, note: pairedNote(ratios) };
  };
}

export const start_spawn_ms: Measure = startFigure('spawn', { paired: true });
export const start_fork_ms: Measure = startFigure('fork', { paired: true });
export const start_forkserver_ms: Measure = startFigure('forkserver', { sparePause: true });

/** Back-to-back forkserver starts for `ctx.dur` (at least 0.5 s): the sustained rate. */
export const start_forkserver_sustained_per_s: Measure = async (ctx) => {
  const { getContext } = await processing('getContext');
  const { Process } = getContext('forkserver');
  const seconds = Math.max(0.5, ctx.dur);
  const trial = async () => {
    let n = 0;
    const t0 = now();
    while ((now() - t0) / 1000 < seconds) {
      await startJoin(Process);
      n++;
    }
    return n / ((now() - t0) / 1000);
  };
  return runTrials(ctx, trial, () => startJoin(Process));
};

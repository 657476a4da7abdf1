import { sparesReady } from '@proc/core';
import type { ProcessClass } from '../api.ts';
import { processing } from '../api.ts';
import { median, now, runTrials } from '../harness/trial.ts';
import { noop } from '../targets/targets.mjs';
import { joinOk, type Measure, TARGETS } from './support.ts';

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
 * spare ready".
 */
function startFigure(method: string, sparePause = false): Measure {
  return async (ctx) => {
    const { getContext } = await processing('getContext');
    const { Process } = getContext(method);
    const trial = async () => {
      const lat: number[] = [];
      for (let i = 0; i < ctx.startReps; i++) {
        if (sparePause) await sparesReady();
        lat.push(await startJoin(Process));
      }
      return median(lat);
    };
    return runTrials(ctx, trial, () => startJoin(Process));
  };
}

export const start_spawn_ms: Measure = startFigure('spawn');
export const start_fork_ms: Measure = startFigure('fork');
export const start_forkserver_ms: Measure = startFigure('forkserver', true);

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

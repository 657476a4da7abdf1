import { processing } from '../api.ts';
import { withCleanup } from '../harness/cleanup.ts';
import { freshTrials } from '../harness/trial.ts';
import { lockLoop } from '../targets/targets.mjs';
import { joinOk, type Measure, readNumber, scratch, stopLater, TARGETS } from './support.ts';

/** A child acquires and releases a Lock created by the parent; a fresh lock and child per trial. */
export const lock_rt_per_s: Measure = async (ctx) => {
  const { Lock, Process } = await processing('Lock', 'Process');
  const trial = () =>
    withCleanup(async (c) => {
      const file = scratch(c)('rate');
      const lock = new Lock();
      const p = new Process({ target: lockLoop, module: TARGETS, args: [lock, ctx.dur, ctx.warm, file] });
      await p.start();
      stopLater(c, p);
      await joinOk(p);
      return readNumber(file);
    });
  return freshTrials(ctx, trial);
};

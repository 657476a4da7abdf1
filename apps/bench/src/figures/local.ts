import { runTrials, timedLoopSync } from '../harness/trial.ts';
import type { Measure } from './support.ts';

/** map_get_per_s: a local Map get, the baseline the shared dict is measured against. */
export const map_get_per_s: Measure = async (ctx) => {
  const m = new Map<string, number>([['x', 1]]);
  let sink = 0;
  const trial = async () =>
    timedLoopSync(ctx.dur, (k) => {
      for (let i = 0; i < k; i++) sink += m.get('x') as number;
    });
  const r = await runTrials(ctx, trial);
  if (sink === -1) r.note = 'unreachable';
  return r;
};

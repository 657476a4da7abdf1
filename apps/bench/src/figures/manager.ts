import { processing } from '../api.ts';
import { withCleanup } from '../harness/cleanup.ts';
import { calibratedTrials, freshTrials, now, runTrials, warmTimedLoop } from '../harness/trial.ts';
import { queuePut } from '../targets/targets.mjs';
import { dictGetFromChild, dictGetFromMain } from './dict-get.ts';
import { joinOk, type Measure, TARGETS } from './support.ts';

export const dict_get_parent_per_s: Measure = dictGetFromMain(() => processing('Manager'));
export const dict_get_child_per_s: Measure = dictGetFromChild(() => processing('Manager', 'Process'));

export const dict_get_pipelined_per_s: Measure = async (ctx) => {
  const { Manager } = await processing('Manager');
  const inFlight = 1000;
  const trial = () =>
    withCleanup(async (c) => {
      const m = await Manager();
      c.add('manager.shutdown()', () => m.shutdown());
      const d = await m.dict();
      await d.set('x', 1);
      const batch = () => Promise.all(Array.from({ length: inFlight }, () => d.get('x')));
      await batch();
      return warmTimedLoop(
        ctx,
        async (k) => {
          for (let i = 0; i < k; i += inFlight) await batch();
        },
        inFlight,
      );
    });
  return freshTrials(ctx, trial);
};

export const manager_queue_items_per_s: Measure = async (ctx) =>
  withCleanup(async (c) => {
    const { Manager, Process } = await processing('Manager', 'Process');
    const m = await Manager();
    c.add('manager.shutdown()', () => m.shutdown());
    const run = async (n: number) => {
      const q = await m.Queue();
      const p = new Process({ target: queuePut, module: TARGETS, args: [q, n] });
      await p.start();
      try {
        await q.get();
        const t0 = now();
        let got = 1;
        while ((await q.get()) !== null) got++;
        const s = (now() - t0) / 1000;
        await joinOk(p);
        return (got - 1) / s;
      } finally {
        if (p.exitCode === null) p.kill();
      }
    };
    return calibratedTrials(ctx, 500, run);
  });

export const manager_start_ms: Measure = async (ctx) => {
  const { Manager } = await processing('Manager');
  const once = () =>
    withCleanup(async (c) => {
      const t0 = now();
      const m = await Manager();
      c.add('manager.shutdown()', () => m.shutdown());
      await m.dict();
      return now() - t0;
    });
  return runTrials(ctx, once);
};

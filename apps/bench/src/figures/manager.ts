import { processing } from '../api.ts';
import { withCleanup } from '../harness/cleanup.ts';
import { calibratedTrials, freshTrials, now, runTrials, warmTimedLoop } from '../harness/trial.ts';
import { dictGetLoop, queuePut } from '../targets/targets.mjs';
import { joinOk, type Measure, readNumber, scratch, stopLater, TARGETS } from './support.ts';

// Round-trip figures start a fresh manager (a fresh pair of processes) for every trial: round
// trips swing 2-3x with which cores the two processes land on.

export const dict_get_parent_per_s: Measure = async (ctx) => {
  const { Manager } = await processing('Manager');
  const trial = () =>
    withCleanup(async (c) => {
      const m = await Manager();
      c.add('manager.shutdown()', () => m.shutdown());
      const d = await m.dict();
      await d.set('x', 1);
      return warmTimedLoop(ctx, async (k) => {
        for (let i = 0; i < k; i++) await d.get('x');
      });
    });
  return freshTrials(ctx, trial);
};

export const dict_get_child_per_s: Measure = async (ctx) => {
  const { Manager, Process } = await processing('Manager', 'Process');
  const trial = () =>
    withCleanup(async (c) => {
      const file = scratch(c)('rate');
      const m = await Manager();
      c.add('manager.shutdown()', () => m.shutdown());
      const d = await m.dict();
      await d.set('x', 1);
      const p = new Process({ target: dictGetLoop, module: TARGETS, args: [d, ctx.dur, ctx.warm, file] });
      await p.start();
      stopLater(c, p);
      await joinOk(p);
      return readNumber(file);
    });
  return freshTrials(ctx, trial);
};

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

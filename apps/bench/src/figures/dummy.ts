import { dummy } from '../api.ts';
import { withCleanup } from '../harness/cleanup.ts';
import { calibratedTrials, freshTrials, warmTimedLoop } from '../harness/trial.ts';
import { dictGetLoop } from '../targets/targets.mjs';
import { childToParent } from './queue.ts';
import { joinOk, type Measure, readNumber, scratch, stopLater, TARGETS } from './support.ts';

// @proc/dummy: the same API on worker threads. Its Process runs the target in a worker thread.

/** A dummy Queue from a worker thread to the main thread. */
export const queue_thread_items_per_s: Measure = async (ctx) => {
  const { Process, Queue } = await dummy('Process', 'Queue');
  return calibratedTrials(ctx, 2000, (n) => childToParent(Process, Queue, n));
};

export const dummy_dict_get_main_per_s: Measure = async (ctx) => {
  const { Manager } = await dummy('Manager');
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

export const dummy_dict_get_worker_per_s: Measure = async (ctx) => {
  const { Manager, Process } = await dummy('Manager', 'Process');
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

import { processing } from '../api.ts';
import { withCleanup } from '../harness/cleanup.ts';
import { freshTrials, itemSeconds, now, runTrials, timedLoop } from '../harness/trial.ts';
import { forkReady } from '../peers/node.ts';
import { queuePut } from '../targets/targets.mjs';
import { dictGetFromChild, dictGetFromMain } from './dict-get.ts';
import { timeFromGo } from './queue.ts';
import { joinOk, type Measure, pairedNote, TARGETS } from './support.ts';

export const dict_get_parent_per_s: Measure = dictGetFromMain(() => processing('Manager'), 2);
export const dict_get_child_per_s: Measure = dictGetFromChild(() => processing('Manager', 'Process'), 2);

/**
 * Gets 1,000 in flight: a throughput figure, so one manager serves every trial (core placement
 * swings single round trips, not pipelined batches); the untimed first trial warms both sides.
 */
export const dict_get_pipelined_per_s: Measure = async (ctx) => {
  const { Manager } = await processing('Manager');
  const inFlight = 1000;
  return withCleanup(async (c) => {
    const m = await Manager();
    c.add('manager.shutdown()', () => m.shutdown());
    const d = await m.dict();
    await d.set('x', 1);
    const batch = () => Promise.all(Array.from({ length: inFlight }, () => d.get('x')));
    const trial = () =>
      timedLoop(
        ctx.dur,
        async (k) => {
          for (let i = 0; i < k; i += inFlight) await batch();
        },
        inFlight,
      );
    return runTrials(ctx, trial, () => timedLoop(ctx.warm, () => batch().then(() => {}), inFlight));
  });
};

export const manager_queue_items_per_s: Measure = async (ctx) =>
  withCleanup(async (c) => {
    const { Manager, Process } = await processing('Manager', 'Process');
    const m = await Manager();
    c.add('manager.shutdown()', () => m.shutdown());
    const trial = async () => {
      const q = await m.Queue();
      const p = new Process({ target: queuePut, module: TARGETS, args: [q, itemSeconds(ctx), ctx.itemWarm] });
      await p.start();
      try {
        return await timeFromGo(q, () => joinOk(p));
      } finally {
        if (p.exitCode === null) p.kill();
      }
    };
    return freshTrials(ctx, trial);
  });

/**
 * `Manager()` to its first proxy. Each trial also starts a bare Node process just before (fork
 * to its first message; see `pairedNote`).
 */
export const manager_start_ms: Measure = async (ctx) => {
  const { Manager } = await processing('Manager');
  const ratios: number[] = [];
  const once = async () => {
    const bare = await forkReady();
    const ms = await withCleanup(async (c) => {
      const t0 = now();
      const m = await Manager();
      c.add('manager.shutdown()', () => m.shutdown());
      await m.dict();
      return now() - t0;
    });
    ratios.push(ms / bare);
    return ms;
  };
  const measured = await runTrials(ctx, once);
  // The first pair is the warm-up run's.
  return { ...measured, note: pairedNote(ratios.slice(1)) };
};

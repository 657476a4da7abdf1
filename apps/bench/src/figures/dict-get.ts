import type { ManagerLike, ProcessClass } from '../api.ts';
import { withCleanup } from '../harness/cleanup.ts';
import { freshTrials, type TrialContext, warmTimedLoop } from '../harness/trial.ts';
import { dictGetLoop } from '../targets/targets.mjs';
import { joinOk, type Measure, readNumber, scratch, stopLater, TARGETS } from './support.ts';

// The shared-dict get, the seed's headline figure, for either backend: `@proc/processing`'s
// Manager (a server process) or `@proc/dummy`'s (served inside this process). Every trial starts
// a fresh manager: round trips swing 2-3x with which cores the two sides land on.

/**
 * `warmScale` stretches the warm-up: a process manager's call path runs more JavaScript per
 * round trip on both sides than a pipe's echo, and V8 compiles it later (measured here, the
 * gets of a fresh pair were still at half speed after 0.5 s of warm-up, steady after 1 s), so
 * its figures pass 2. A dummy manager makes millions of calls a second and is warm at once.
 * `--quick` keeps 1.5 of it: its one-minute budget cannot spend 3 s warming two figures.
 */
const scaled = (ctx: TrialContext, warmScale: number): TrialContext => ({ ...ctx, warm: (ctx.quick ? Math.min(warmScale, 1.5) : warmScale) * ctx.warm });

/** `await d.get('x')` one at a time from the thread that made the manager. */
export function dictGetFromMain(load: () => Promise<{ Manager: () => Promise<ManagerLike> }>, warmScale = 1): Measure {
  return async (ctx) => {
    const { Manager } = await load();
    const trial = () =>
      withCleanup(async (c) => {
        const m = await Manager();
        c.add('manager.shutdown()', () => m.shutdown());
        const d = await m.dict();
        await d.set('x', 1);
        return warmTimedLoop(scaled(ctx, warmScale), async (k) => {
          for (let i = 0; i < k; i++) await d.get('x');
        });
      });
    return freshTrials(ctx, trial);
  };
}

/** The same get from a backend's `Process` (a child process, or a worker thread for dummy). */
export function dictGetFromChild(load: () => Promise<{ Manager: () => Promise<ManagerLike>; Process: ProcessClass }>, warmScale = 1): Measure {
  return async (ctx) => {
    const { Manager, Process } = await load();
    const trial = () =>
      withCleanup(async (c) => {
        const file = scratch(c)('rate');
        const m = await Manager();
        c.add('manager.shutdown()', () => m.shutdown());
        const d = await m.dict();
        await d.set('x', 1);
        const p = new Process({ target: dictGetLoop, module: TARGETS, args: [d, ctx.dur, scaled(ctx, warmScale).warm, file] });
        await p.start();
        stopLater(c, p);
        await joinOk(p);
        return readNumber(file);
      });
    return freshTrials(ctx, trial);
  };
}

import { processing } from '../api.ts';
import { withCleanup } from '../harness/cleanup.ts';
import { runTrials } from '../harness/trial.ts';
import { reportRss } from '../targets/targets.mjs';
import { joinOk, type Measure, readNumber, scratch, stopLater, TARGETS } from './support.ts';

/** The RSS a child Process (default start method) reports from inside its target, in MiB. */
export const child_rss_mb: Measure = async (ctx) => {
  const { Process } = await processing('Process');
  const trial = () =>
    withCleanup(async (c) => {
      const file = scratch(c)('rss');
      const p = new Process({ target: reportRss, module: TARGETS, args: [file] });
      await p.start();
      stopLater(c, p);
      await joinOk(p);
      return readNumber(file);
    });
  return runTrials(ctx, trial);
};

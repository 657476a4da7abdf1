import { processing } from '../api.ts';
import { withCleanup } from '../harness/cleanup.ts';
import { calibratedTrials, freshTrials, now, warmTimedLoop } from '../harness/trial.ts';
import { pipeEcho, pipeSender } from '../targets/targets.mjs';
import { joinOk, type Measure, stopLater, TARGETS } from './support.ts';

export const pipe_oneway_msgs_per_s: Measure = async (ctx) => {
  const { Pipe, Process } = await processing('Pipe', 'Process');
  const run = (n: number) =>
    withCleanup(async (c) => {
      const [a, b] = await Pipe();
      c.add('close pipe', async () => {
        await a.close();
        await b.close();
      });
      const p = new Process({ target: pipeSender, module: TARGETS, args: [b, n] });
      await p.start();
      stopLater(c, p);
      await a.recv();
      const t0 = now();
      let got = 1;
      while ((await a.recv()) !== null) got++;
      const s = (now() - t0) / 1000;
      await joinOk(p);
      return (got - 1) / s;
    });
  return calibratedTrials(ctx, 2000, run);
};

/** A fresh pipe and echoing child per trial. */
export const pipe_pingpong_rt_per_s: Measure = async (ctx) => {
  const { Pipe, Process } = await processing('Pipe', 'Process');
  const trial = () =>
    withCleanup(async (c) => {
      const [a, b] = await Pipe();
      c.add('close pipe', async () => {
        await a.close();
        await b.close();
      });
      const p = new Process({ target: pipeEcho, module: TARGETS, args: [b] });
      await p.start();
      stopLater(c, p);
      const rate = await warmTimedLoop(ctx, async (k) => {
        for (let i = 0; i < k; i++) {
          await a.send(i & 0xff);
          await a.recv();
        }
      });
      await a.send(null);
      await joinOk(p);
      return rate;
    });
  return freshTrials(ctx, trial);
};

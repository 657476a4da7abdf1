import type { ProcessClass, QueueLike } from '../api.ts';
import { processing } from '../api.ts';
import { freshTrials, itemSeconds, now, type TrialContext } from '../harness/trial.ts';
import { queuePut, queuePutBytes } from '../targets/targets.mjs';
import { joinOk, type Measure, TARGETS } from './support.ts';

/**
 * A child puts items for `ctx.itemWarm` seconds, then for the trial's length; the parent gets
 * them. A fresh queue and child per trial. The clock starts at the producer's GO marker, so
 * neither process start nor the cold, not yet compiled first puts of a fresh process are
 * counted (Python has no such warm-up to do; its figure starts at the first item).
 */
export async function childToParent(ctx: TrialContext, Process: ProcessClass, QueueCtor: new () => QueueLike, bytes?: number): Promise<number> {
  const q = new QueueCtor();
  const seconds = itemSeconds(ctx);
  const p = bytes
    ? new Process({ target: queuePutBytes, module: TARGETS, args: [q, seconds, bytes, ctx.itemWarm] })
    : new Process({ target: queuePut, module: TARGETS, args: [q, seconds, ctx.itemWarm] });
  await p.start();
  try {
    return await timeFromGo(q, () => joinOk(p));
  } finally {
    if (p.exitCode === null) p.kill();
    await q.close?.();
  }
}

/** Gets until the producer's GO marker, then times the items up to its null; items per second. */
export async function timeFromGo(q: QueueLike, producerDone: () => Promise<void>): Promise<number> {
  while ((await q.get()) !== 'go');
  const t0 = now();
  let got = 0;
  while ((await q.get()) !== null) got++;
  const s = (now() - t0) / 1000;
  await producerDone();
  return got / s;
}

export const queue_process_items_per_s: Measure = async (ctx) => {
  const { Process, Queue } = await processing('Process', 'Queue');
  return freshTrials(ctx, () => childToParent(ctx, Process, Queue));
};

export const queue_process_1kib_items_per_s: Measure = async (ctx) => {
  const { Process, Queue } = await processing('Process', 'Queue');
  return freshTrials(ctx, () => childToParent(ctx, Process, Queue, 1024));
};

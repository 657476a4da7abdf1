import type { ProcessClass, QueueLike } from '../api.ts';
import { processing } from '../api.ts';
import { calibratedTrials, now } from '../harness/trial.ts';
import { queuePut, queuePutBytes } from '../targets/targets.mjs';
import { joinOk, type Measure, TARGETS } from './support.ts';

/**
 * A child puts n items, the parent gets them. A fresh queue and child per run; the clock starts
 * once a tenth of the items arrived, so neither process start nor the producer's cold,
 * not yet compiled first thousands of puts are counted (Python has no such warm-up to do).
 */
export async function childToParent(Process: ProcessClass, QueueCtor: new () => QueueLike, n: number, bytes?: number): Promise<number> {
  const q = new QueueCtor();
  const p = bytes
    ? new Process({ target: queuePutBytes, module: TARGETS, args: [q, n, bytes] })
    : new Process({ target: queuePut, module: TARGETS, args: [q, n] });
  await p.start();
  try {
    const warm = Math.floor(n / 10);
    for (let i = 0; i <= warm; i++) await q.get();
    const t0 = now();
    let got = 0;
    while ((await q.get()) !== null) got++;
    const s = (now() - t0) / 1000;
    await joinOk(p);
    return got / s;
  } finally {
    if (p.exitCode === null) p.kill();
    await q.close?.();
  }
}

export const queue_process_items_per_s: Measure = async (ctx) => {
  const { Process, Queue } = await processing('Process', 'Queue');
  return calibratedTrials(ctx, 2000, (n) => childToParent(Process, Queue, n));
};

export const queue_process_1kib_items_per_s: Measure = async (ctx) => {
  const { Process, Queue } = await processing('Process', 'Queue');
  return calibratedTrials(ctx, 2000, (n) => childToParent(Process, Queue, n, 1024));
};
